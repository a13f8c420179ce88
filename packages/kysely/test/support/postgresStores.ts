/**
 * The stores a PostgreSQL-only suite runs on, and the user manager over one of them.
 */
import { afterAll, beforeAll } from "@effect/vitest"
import * as UserManager from "@user-manager/core/UserManager"
import { migrate, pglite, postgresServer, postgresUrl, type TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import type { Kysely } from "kysely"
import * as KyselyDirectory from "../../src/KyselyDirectory.js"

/** PGlite always; the server, with a table prefix, when its URL is set (undefined: skipped). */
export const postgresStores: ReadonlyArray<
  readonly [name: string, open: (() => Promise<TestDatabase>) | undefined, prefix: string]
> = [
  ["PostgreSQL (PGlite)", pglite, ""],
  [
    "PostgreSQL (server) with a table prefix",
    postgresUrl === undefined ? undefined : () => postgresServer(postgresUrl as string),
    "um_"
  ]
]

/** The user manager over the PostgreSQL store `db` under `prefix`, with the test hasher. */
// biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
export const postgresServices = (db: Kysely<any>, prefix: string) =>
  UserManager.layer({ directory: KyselyDirectory.layer({ db, engine: "postgres", prefix }), hasher: TestHasher })

/** A database of `open` migrated under `prefix` for the suite it is called in: made before its tests, dropped after. */
export const migratedDatabase = (open: () => Promise<TestDatabase>, prefix: string) => {
  let database: TestDatabase | undefined
  beforeAll(async () => {
    database = await open()
    await migrate(database, prefix)
  }, 60_000)
  afterAll(async () => {
    await database?.drop()
  })
  // biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
  return (): Kysely<any> => (database as TestDatabase).db
}
