/**
 * The SQL stores the contract runs on: each suite gets its own database (or file), migrated once and dropped at the
 * end; each test starts from empty tables.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PGlite, type PGliteOptions } from "@electric-sql/pglite"
import { Directory } from "@user-manager/core/Directory"
import * as KyselyDirectory from "@user-manager/kysely/KyselyDirectory"
import * as Migrations from "@user-manager/kysely/Migrations"
import * as MysqlDirectory from "@user-manager/kysely/MysqlDirectory"
import * as PostgresDirectory from "@user-manager/kysely/PostgresDirectory"
import * as SqliteDirectory from "@user-manager/kysely/SqliteDirectory"
import SqliteDatabase from "better-sqlite3"
import { Effect, Layer } from "effect"
import { Kysely, SqliteDialect, sql } from "kysely"
import { PgliteDialect } from "./PgliteDialect.js"

/** A database for one suite: how to open it, and how to throw it away. */
export interface TestDatabase {
  // biome-ignore lint/suspicious/noExplicitAny: untyped until the manager's plugin
  readonly db: Kysely<any>
  readonly engine: Migrations.Engine
  /** Opens another, independent connection pool to the same database (for concurrency tests). */
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly reopen: () => Kysely<any>
  readonly drop: () => Promise<void>
  /** The SQLite file, for stores that have one. */
  readonly filename?: string
}

const suffix = () => randomBytes(4).toString("hex")

/** The PostgreSQL server named by `DT_TEST_POSTGRES_URL`, if any. */
export const postgresUrl = process.env.DT_TEST_POSTGRES_URL
/** The MySQL/MariaDB server named by `DT_TEST_MYSQL_URL`, if any. */
export const mysqlUrl = process.env.DT_TEST_MYSQL_URL

/** The server's URL with another database name. */
export const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** A fresh SQLite file in a temporary folder. */
export const sqliteFile = async (): Promise<TestDatabase> => {
  const folder = mkdtempSync(join(tmpdir(), "dt-sqlite-"))
  const filename = join(folder, "nested", "dt.db")
  const db = await Effect.runPromise(SqliteDirectory.open(filename))
  return {
    db,
    engine: "sqlite",
    filename,
    reopen: () => Effect.runSync(SqliteDirectory.open(filename)),
    drop: async () => {
      await db.destroy()
      rmSync(folder, { recursive: true, force: true })
    }
  }
}

/** An in-memory SQLite database: its one connection is the database, so it cannot be reopened. */
// biome-ignore lint/suspicious/noExplicitAny: as in TestDatabase
const inMemorySqlite = (db: Kysely<any>): TestDatabase => ({
  db,
  engine: "sqlite",
  reopen: () => {
    throw new Error("an in-memory SQLite database has a single connection")
  },
  drop: () => db.destroy()
})

/** A private in-memory SQLite database. */
export const sqliteMemory = async (): Promise<TestDatabase> =>
  inMemorySqlite(await Effect.runPromise(SqliteDirectory.open(":memory:")))

/**
 * A private in-memory SQLite database behind a host's own Kysely instance (not one the adapter opened): the directory
 * runs its transactions through Kysely's executor instead of on better-sqlite3 directly.
 */
export const sqliteHostKysely = async (): Promise<TestDatabase> => {
  const db = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(":memory:") }) })
  await sql`pragma foreign_keys = on`.execute(db)
  return inMemorySqlite(db)
}

/**
 * A fresh PGlite's files and its compiled modules, made once a process. Creating an instance is synchronous work in
 * this thread (compiling the modules, then initdb), seconds of it, which holds the test worker (see run.ts); one from
 * these files skips initdb and holds it about a sixth as long (1.7 against 12.7 s at load 8).
 */
let pgliteTemplate: Promise<PGliteOptions> | undefined
const pgliteOptions = (): Promise<PGliteOptions> => {
  pgliteTemplate ??= (async () => {
    const resolve = createRequire(import.meta.url).resolve
    // WebAssembly is Node's global; this project's TypeScript libraries leave it untyped.
    const { WebAssembly } = globalThis as unknown as {
      WebAssembly: { compile: (bytes: Uint8Array) => Promise<PGliteOptions["pgliteWasmModule"]> }
    }
    const compile = (module: string) => WebAssembly.compile(readFileSync(resolve(`@electric-sql/pglite/${module}`)))
    const modules = { pgliteWasmModule: await compile("pglite.wasm"), initdbWasmModule: await compile("initdb.wasm") }
    const first = await PGlite.create(modules)
    const loadDataDir = await first.dumpDataDir("none")
    await first.close()
    return { ...modules, loadDataDir }
  })()
  return pgliteTemplate
}

/** PostgreSQL in WASM: no server needed. */
export const pglite = async (): Promise<TestDatabase> => {
  const instance = await PGlite.create(await pgliteOptions())
  const db = new Kysely({ dialect: new PgliteDialect(instance) })
  return {
    db,
    engine: "postgres",
    reopen: () => {
      throw new Error("PGlite has a single connection")
    },
    drop: async () => {
      await db.destroy()
      await instance.close()
    }
  }
}

/** A new database on the PostgreSQL server, dropped afterwards. */
export const postgresServer = async (url: string): Promise<TestDatabase> => {
  const name = `dt_test_${suffix()}`
  const admin = PostgresDirectory.open({ url, poolSize: 1 })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const open = () => PostgresDirectory.open({ url: withDatabase(url, name), poolSize: 12 })
  const db = open()
  return {
    db,
    engine: "postgres",
    reopen: open,
    drop: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    }
  }
}

/** A new database on the MySQL/MariaDB server, dropped afterwards. */
export const mysqlServer = async (url: string): Promise<TestDatabase> => {
  const name = `dt_test_${suffix()}`
  const admin = MysqlDirectory.open({ url, poolSize: 1 })
  await sql`create database ${sql.id(name)} character set utf8mb4 collate utf8mb4_bin`.execute(admin)
  const open = () => MysqlDirectory.open({ url: withDatabase(url, name), poolSize: 12 })
  const db = open()
  return {
    db,
    engine: "mysql",
    reopen: open,
    drop: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(name)}`.execute(admin)
      await admin.destroy()
    }
  }
}

/** Empties the manager's tables (keeping the schema) so that a test starts from an empty directory. */
// biome-ignore lint/suspicious/noExplicitAny: untyped
export const reset = async (db: Kysely<any>, prefix = "") => {
  for (const table of [
    "api_tokens",
    "sign_in_attempts",
    "sessions",
    "audit",
    "memberships",
    "gid_ledger",
    "users",
    "groups"
  ]) {
    await db.deleteFrom(`${prefix}${table}`).execute()
  }
  await db.updateTable(`${prefix}meta`).set({ value: 0 }).where("key", "=", "gid_high_water").execute()
  await db
    .updateTable(`${prefix}settings`)
    .set({ admin_group: null, gid_min: null, gid_max: null, min_password_length: null })
    .execute()
}

/**
 * A `Directory` layer over a suite's database that empties the tables each time it is built, as the contract expects.
 * The database is reached through `get`, because it is opened in `beforeAll`, after the suite is declared.
 */
export const freshDirectory = (get: () => TestDatabase, prefix = "") =>
  Layer.effect(
    Directory,
    Effect.gen(function* () {
      const { db, engine } = get()
      yield* Effect.promise(() => reset(db, prefix))
      return yield* KyselyDirectory.make({ db, engine, prefix })
    })
  )

/**
 * Another `Directory` over a suite's database, as another server (or the same one restarted) would open it: its own
 * connections where the database allows more than one, and the tables left as they are.
 */
export const otherDirectory = (get: () => TestDatabase, prefix = "") =>
  Layer.scoped(
    Directory,
    Effect.gen(function* () {
      const { db, engine, reopen } = get()
      const own = yield* Effect.acquireRelease(
        Effect.sync(() => {
          try {
            return reopen()
          } catch {
            return undefined
          }
        }),
        (opened) => (opened === undefined ? Effect.void : Effect.promise(() => opened.destroy()))
      )
      return yield* KyselyDirectory.make({ db: own ?? db, engine, prefix })
    })
  )

/** Migrates a suite's database once. */
export const migrate = (database: TestDatabase, prefix = "") =>
  Effect.runPromise(Migrations.migrateToLatest({ db: database.db, engine: database.engine, prefix }))
