/**
 * The audit replay that the racing tests check their final data with (test-stores/invariants.ts) must itself catch a
 * change the trail does not record, or its passing would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Groups } from "@user-manager/core/Groups"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import { replayAudit } from "@user-manager/test-stores/invariants"
import { migrate, sqliteFile, type TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import { ADMINS, seedWorkload } from "./support/concurrency.js"

describe("audit replay", () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await sqliteFile()
    await migrate(database)
  })
  afterAll(async () => {
    await database?.drop()
  })
  const directory = () => KyselyDirectory.layer({ db: database.db, engine: database.engine })

  it.effect(
    "replays the trail of renames, deletions and membership changes to the data stored, and reports a change made behind its back",
    () =>
      Effect.gen(function* () {
        yield* seedWorkload(directory())
        yield* Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const a1 = Actor.user("a1")
          yield* groups.rename(a1, "g2", "renamed")
          yield* users.modify(a1, "u1", { lastName: "Doe", email: "u1@example.com", groups: ["g1", "renamed"] })
          yield* users.disable(a1, "a2")
          yield* users.remove(a1, "u6")
          yield* groups.removeMembers(a1, "g3", ["u2", "u3"])
        }).pipe(Effect.provide(UserManager.layer({ directory: directory(), hasher: TestHasher })))
        expect(yield* replayAudit(directory(), ADMINS)).toEqual([])

        yield* Effect.promise(() =>
          database.db.updateTable("users").set({ last_name: "Forged" }).where("username", "=", "u4").execute()
        )
        const problems = yield* replayAudit(directory(), ADMINS)
        expect(problems).toHaveLength(2)
        expect(problems[0]).toMatch(/^stored, not replayed: \["u4",\{.*"lastName":"Forged"/)
        expect(problems[1]).toMatch(/^replayed, not stored: \["u4",\{.*"lastName":""/)
      })
  )
})
