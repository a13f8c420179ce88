import { describe, expect, it } from "@effect/vitest"
import { Directory } from "@user-manager/core/Directory"
import { Effect, Option } from "effect"
import { sql } from "kysely"
import * as DatabaseUrl from "../src/DatabaseUrl.js"

describe("DatabaseUrl", () => {
  it.effect("understands sqlite:PATH, sqlite::memory:, postgres://, postgresql:// and mysql://", () =>
    Effect.gen(function* () {
      expect(yield* DatabaseUrl.parse("sqlite:/var/lib/dt/dt.db")).toEqual({
        engine: "sqlite",
        filename: "/var/lib/dt/dt.db"
      })
      expect(yield* DatabaseUrl.parse("sqlite:relative/dt.db")).toEqual({
        engine: "sqlite",
        filename: "relative/dt.db"
      })
      expect(yield* DatabaseUrl.parse("sqlite:///abs/dt.db")).toEqual({ engine: "sqlite", filename: "/abs/dt.db" })
      expect(yield* DatabaseUrl.parse("sqlite::memory:")).toEqual({ engine: "sqlite", filename: ":memory:" })
      expect((yield* DatabaseUrl.parse("postgres://u@h/db")).engine).toBe("postgres")
      expect((yield* DatabaseUrl.parse("postgresql://u@h:5432/db")).engine).toBe("postgres")
      expect((yield* DatabaseUrl.parse("mysql://root@127.0.0.1:3306/test")).engine).toBe("mysql")
    })
  )

  it.effect("refuses anything else in one sentence that lists the accepted forms and hides a password", () =>
    Effect.gen(function* () {
      for (const text of ["", "oracle://x", "sqlite:", "/tmp/dt.db", "http://user:secret@host/db"]) {
        const error = yield* Effect.flip(DatabaseUrl.parse(text))
        expect(error._tag).toBe("InvalidInput")
        expect(error.message).not.toContain("secret")
      }
      const error = yield* Effect.flip(DatabaseUrl.parse("oracle://x"))
      expect(error.message).toBe(
        "Invalid database URL: 'oracle://x' is not understood: use sqlite:PATH, sqlite::memory:, postgres://…, postgresql://… or mysql://…."
      )
    })
  )

  it.effect(
    "opens the store its text names as a layer, and refuses text it does not understand with parse's sentence",
    () =>
      Effect.gen(function* () {
        const found = yield* Effect.provide(
          Effect.flatMap(Directory, (directory) => directory.read((tx) => tx.findGroupRow("nobody"))),
          DatabaseUrl.layer("sqlite::memory:")
        )
        expect(found).toEqual(Option.none())
        const error = yield* Effect.flip(Effect.provide(Directory, DatabaseUrl.layer("oracle://x")))
        expect(error._tag).toBe("InvalidInput")
        expect(error.message).toBe(
          "Invalid database URL: 'oracle://x' is not understood: use sqlite:PATH, sqlite::memory:, postgres://…, postgresql://… or mysql://…."
        )
      })
  )

  const servers = [
    ["PostgreSQL", process.env.DT_TEST_POSTGRES_URL],
    ["MySQL/MariaDB", process.env.DT_TEST_MYSQL_URL]
  ] as const
  for (const [name, url] of servers) {
    it.live.skipIf(url === undefined)(
      `reads a ${name} pool's use: its size, the connections lent out, the callers waiting`,
      () =>
        Effect.gen(function* () {
          const db = yield* DatabaseUrl.open(yield* DatabaseUrl.parse(url as string))
          try {
            const use = DatabaseUrl.poolUse(db)
            expect(use?.()).toEqual({ size: 10, inUse: 0, waiting: 0 })
            const during = yield* Effect.promise(() =>
              db.connection().execute(async (connection) => {
                await sql`select 1`.execute(connection)
                return use?.()
              })
            )
            expect(during).toEqual({ size: 10, inUse: 1, waiting: 0 })
            expect(use?.()).toEqual({ size: 10, inUse: 0, waiting: 0 })
          } finally {
            yield* Effect.promise(() => db.destroy())
          }
        })
    )
  }

  it.effect("an SQLite database has no pool to read", () =>
    Effect.gen(function* () {
      const db = yield* DatabaseUrl.open(yield* DatabaseUrl.parse("sqlite::memory:"))
      expect(DatabaseUrl.poolUse(db)).toBeUndefined()
      yield* Effect.promise(() => db.destroy())
    })
  )
})
