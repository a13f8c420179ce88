import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type { GroupName } from "@user-manager/core/Names"
import { Cause, Effect, Exit, Logger, Option, type Scope } from "effect"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as SqliteDirectory from "../src/SqliteDirectory.js"

const group = { name: "staff" as GroupName, gid: 5000, createdAt: new Date(0), updatedAt: new Date(0), version: 1 }

const directory = Effect.acquireRelease(SqliteDirectory.open(":memory:"), (db) =>
  Effect.promise(() => db.destroy())
).pipe(Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })))

describe("SQLite opened by the adapter", () => {
  it.scoped(
    "runs a transaction in one synchronous step: a body that waits is refused, and nothing it wrote stays",
    () =>
      Effect.gen(function* () {
        const store = yield* directory
        const exit = yield* Effect.exit(
          store.write((tx) => Effect.zipRight(tx.insertGroup(group), Effect.sleep("1 millis")))
        )
        expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
        expect(Option.isNone(yield* store.read((tx) => tx.findGroupRow(group.name)))).toBe(true)
        // The connection is out of the failed transaction: the next one commits.
        yield* store.write((tx) => tx.insertGroup(group))
        expect(Option.isSome(yield* store.read((tx) => tx.findGroupRow(group.name)))).toBe(true)
      })
  )
})

describe("SQLite files are private", () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777
  const logged = (effect: Effect.Effect<unknown, unknown, Scope.Scope>) =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
      })
      yield* Effect.provide(Effect.scoped(effect), Logger.replace(Logger.defaultLogger, logger))
      return lines
    })
  const openWritten = (filename: string) =>
    Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy())).pipe(
      Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })),
      Effect.flatMap((store) => store.write((tx) => tx.insertGroup(group))),
      // The -wal and -shm files exist while the connection is open.
      Effect.tap(() => {
        expect(modeOf(`${filename}-wal`)).toBe(0o600)
        expect(modeOf(`${filename}-shm`)).toBe(0o600)
      })
    )

  it.effect("creates the folders 0700 and the database, -wal and -shm files 0600, and warns of nothing", () =>
    Effect.gen(function* () {
      const root = mkdtempSync(join(tmpdir(), "dt-sqlite-modes-"))
      const filename = join(root, "data", "dt", "dt.db")
      const lines = yield* logged(openWritten(filename))
      expect(modeOf(join(root, "data"))).toBe(0o700)
      expect(modeOf(join(root, "data", "dt"))).toBe(0o700)
      expect(modeOf(filename)).toBe(0o600)
      expect(lines).toEqual([])
    })
  )

  it.effect("warns in one sentence when an existing database file is readable by others, and leaves its mode", () =>
    Effect.gen(function* () {
      const root = mkdtempSync(join(tmpdir(), "dt-sqlite-modes-"))
      const filename = join(root, "dt.db")
      writeFileSync(filename, "")
      chmodSync(filename, 0o644)
      const lines = yield* logged(
        Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy()))
      )
      expect(lines).toEqual([
        `WARN The SQLite database '${filename}' holds password hashes and other users of this machine can read it (mode 0644): make it private with 'chmod 600 ${filename}', and its -wal and -shm files likewise.`
      ])
      expect(modeOf(filename)).toBe(0o644)
    })
  )
})
