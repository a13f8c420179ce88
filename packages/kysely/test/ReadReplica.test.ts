/**
 * The replicated store's guard against a read database that is not a standby of the primary: its WAL positions say
 * nothing of the primary's, so it answers no read. (Reads from a real streaming replica, read-your-own-writes, lag and
 * loss: packages/cli/test/readReplica.e2e.test.ts, against a standby the test starts.)
 */

import { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import { postgresServer, postgresUrl, type TestDatabase } from "@user-manager/test-stores/stores"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as Migrations from "../src/Migrations.js"
import * as ReadReplica from "../src/ReadReplica.js"

describe.skipIf(postgresUrl === undefined)("a read database that is not a standby", () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await postgresServer(postgresUrl as string)
    await Effect.runPromise(Migrations.migrateToLatest({ db: database.db, engine: "postgres", prefix: "" }))
  }, 60_000)
  afterAll(async () => {
    await database?.drop()
  })

  it("answers no read: every read goes to the primary, and the replica's state says why", async () => {
    const replicaDb = database.reopen()
    let replicated: ReadReplica.ReplicatedDirectory | undefined
    const store = Layer.scoped(
      Directory,
      Effect.gen(function* () {
        replicated = yield* ReadReplica.make({
          primary: yield* KyselyDirectory.make({ db: database.db, engine: "postgres" }),
          primaryDb: database.db,
          replica: yield* KyselyDirectory.make({ db: replicaDb, engine: "postgres", check: false }),
          replicaDb
        })
        return replicated.directory
      })
    )
    try {
      const names = await Effect.runPromise(
        Effect.gen(function* () {
          yield* seed
          const page = yield* (yield* Groups).list(admin)
          return page.items.map((group) => group.name)
        }).pipe(Effect.provide(services(store, TestHasher)))
      )
      expect(names).toContain("developers")
      expect(replicated?.reads()).toEqual({ primary: 1, replica: 0 })
      expect(replicated?.state()).toMatchObject({ status: "unreachable", reason: "it is not a standby" })
      expect(ReadReplica.describe(replicated?.state() ?? ReadReplica.notOpened)).toBe(
        "unreachable (it is not a standby): reads go to the primary"
      )
    } finally {
      await replicaDb.destroy()
    }
  })
})
