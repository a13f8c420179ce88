import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import {
  freshDirectory,
  migrate,
  mysqlServer,
  mysqlUrl,
  otherDirectory,
  pglite,
  postgresServer,
  postgresUrl,
  sqliteFile,
  sqliteHostKysely,
  sqliteMemory,
  type TestDatabase
} from "@user-manager/test-stores/stores"
import { directoryContract } from "@user-manager/testing/DirectoryContract"
import { sessionsContract } from "@user-manager/testing/SessionsContract"
import { signInThrottleContract } from "@user-manager/testing/SignInThrottleContract"
import { TestHasher } from "@user-manager/testing/TestHasher"

const pgUrl = postgresUrl
const myUrl = mysqlUrl
const stores: ReadonlyArray<readonly [string, (() => Promise<TestDatabase>) | undefined, string]> = [
  ["SQLite (:memory:)", sqliteMemory, ""],
  ["SQLite (file, WAL)", sqliteFile, ""],
  ["SQLite behind a host's own Kysely instance", sqliteHostKysely, ""],
  ["PostgreSQL (PGlite)", pglite, ""],
  ["PostgreSQL (server)", pgUrl === undefined ? undefined : () => postgresServer(pgUrl), ""],
  ["MariaDB/MySQL (server)", myUrl === undefined ? undefined : () => mysqlServer(myUrl), ""],
  ["SQLite with a table prefix", sqliteMemory, "um_"]
]

for (const [name, open, prefix] of stores) {
  if (open === undefined) {
    describe.skip(`${name}: skipped, set ${name.startsWith("Postgre") ? "DT_TEST_POSTGRES_URL" : "DT_TEST_MYSQL_URL"} to run it`, () => {
      it("runs the storage contract", () => undefined)
    })
    continue
  }
  describe(name, () => {
    let database: TestDatabase | undefined
    // Opening PGlite (PostgreSQL built to WebAssembly) took over a minute in a support-matrix line under CI's load.
    beforeAll(async () => {
      database = await open()
      await migrate(database, prefix)
    }, 180_000)
    afterAll(async () => {
      await database?.drop()
    })
    directoryContract(
      name,
      freshDirectory(() => database as TestDatabase, prefix),
      TestHasher
    )
    sessionsContract(
      name,
      freshDirectory(() => database as TestDatabase, prefix),
      TestHasher
    )
    signInThrottleContract(
      name,
      freshDirectory(() => database as TestDatabase, prefix),
      TestHasher,
      otherDirectory(() => database as TestDatabase, prefix)
    )
  })
}
