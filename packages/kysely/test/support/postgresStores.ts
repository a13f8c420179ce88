/**
 * The stores a PostgreSQL-only suite runs on, and the user manager over one of them.
 */
import { afterAll, beforeAll } from "@effect/vitest"
import * as UserManager from "@user-manager/core/UserManager"
import { migrate, pglite, postgresServer, postgresUrl, type TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { type Kysely, sql } from "kysely"
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

/** A user written past the core, as a host's own SQL (or a release before the core's keys) would. */
export interface RawUser {
  readonly username: string
  readonly firstName: string
  readonly lastName: string
}

/**
 * Inserts `users` into the store under `prefix` by SQL, 1,000 a statement, enabled, with no email or password, and the
 * search text the core gives a user of those names (the username, then the full name, lowercase).
 */
// biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
export const insertUsersBySql = async (db: Kysely<any>, prefix: string, users: ReadonlyArray<RawUser>) => {
  const at = new Date().toISOString()
  for (let start = 0; start < users.length; start += 1_000) {
    const rows = users.slice(start, start + 1_000).map(
      ({ username, firstName, lastName }) =>
        sql`(${username}, ${firstName}, ${lastName}, null, null, 1, 0, null,
          ${`${username}\n${firstName.toLowerCase()} ${lastName.toLowerCase()}`}, ${at}, ${at}, 1)`
    )
    await sql`insert into ${sql.table(`${prefix}users`)} (username, first_name, last_name, email, email_key, enabled,
        system, password_hash, search_text, created_at, updated_at, version)
      values ${sql.join(rows)}`.execute(db)
  }
}
