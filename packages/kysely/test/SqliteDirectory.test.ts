import { describe, expect, it } from "@effect/vitest"
import type { GroupName } from "@user-manager/core/Names"
import { Cause, Effect, Exit, Option } from "effect"
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
