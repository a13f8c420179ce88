/**
 * The schema's migrations: run them, undo them, and check on start-up that the schema matches the code.
 *
 * @since 0.1.0
 */
import { StorageError } from "@user-manager/core/Errors"
import { Effect } from "effect"
import { type Kysely, type Migration, type MigrationResultSet, type Migrator, sql } from "kysely"
import { loadMigrator } from "./internal/migrator.js"
import { TablePrefixPlugin } from "./internal/TablePrefixPlugin.js"
import * as initial from "./migrations/20261128000000_initial.js"
import * as searchIndex from "./migrations/20261128010000_search_index.js"
import * as searchIndexKeys from "./migrations/20261128020000_search_index_keys.js"
import * as sortIndexes from "./migrations/20261128020100_sort_indexes.js"
import * as membershipSortColumns from "./migrations/20261128040000_membership_sort_columns.js"
import * as sessions from "./migrations/20261128130000_sessions.js"
import * as searchWalkIndex from "./migrations/20261129000000_search_walk_index.js"
import * as systemUsersNoPassword from "./migrations/20261203010000_system_users_no_password.js"
import * as auditSubjects from "./migrations/20261203020000_audit_subjects.js"
import * as signInAttempts from "./migrations/20261203030000_sign_in_attempts.js"
import * as sortKey from "./migrations/20261203040000_sort_key.js"
import * as directorySettings from "./migrations/20261204010000_directory_settings.js"

/**
 * The SQL engines the adapters speak.
 *
 * @category models
 * @since 0.1.0
 */
export type Engine = "sqlite" | "postgres" | "mysql"

/**
 * Where the manager's tables live: an engine, a database, and the host's table prefix (empty by default).
 *
 * @category models
 * @since 0.1.0
 */
export interface Target {
  // biome-ignore lint/suspicious/noExplicitAny: the migrations' own view of the database is untyped
  readonly db: Kysely<any>
  readonly engine: Engine
  readonly prefix: string
}

const all = {
  "20261128000000_initial": initial,
  "20261128010000_search_index": searchIndex,
  "20261128020000_search_index_keys": searchIndexKeys,
  "20261128020100_sort_indexes": sortIndexes,
  "20261128040000_membership_sort_columns": membershipSortColumns,
  "20261128130000_sessions": sessions,
  "20261129000000_search_walk_index": searchWalkIndex,
  "20261203010000_system_users_no_password": systemUsersNoPassword,
  "20261203020000_audit_subjects": auditSubjects,
  "20261203030000_sign_in_attempts": signInAttempts,
  "20261203040000_sort_key": sortKey,
  "20261204010000_directory_settings": directorySettings
} as const

/**
 * The names of every migration this version knows, oldest first.
 *
 * @category constants
 * @since 0.1.0
 */
export const names: ReadonlyArray<string> = Object.keys(all).sort()

// biome-ignore lint/suspicious/noExplicitAny: the migrations' own view of the database is untyped
const migrator = async ({ engine, prefix }: Target, db: Kysely<any>) => {
  const Migrator = await loadMigrator()
  const plugin = new TablePrefixPlugin(prefix)
  const migrations: Record<string, Migration> = {}
  for (const [name, module] of Object.entries(all)) {
    migrations[name] = {
      up: (trx) => module.up(trx.withPlugin(plugin), { engine, prefix }),
      down: (trx) => module.down(trx.withPlugin(plugin), { engine, prefix })
    }
  }
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: `${prefix}dt_migration`,
    migrationLockTableName: `${prefix}dt_migration_lock`
  })
}

const outcome = (action: string) => (result: MigrationResultSet) => {
  if (result.error === undefined) return Effect.succeed((result.results ?? []).map((r) => r.migrationName))
  const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown"
  return new StorageError({
    reason: `${action} failed at migration ${failed}: ${String((result.error as Error)?.message ?? result.error)}`,
    cause: result.error
  })
}

/**
 * Runs the migrator (`run`) where no other process migrates at the same time. PostgreSQL and MySQL: Kysely's migrator
 * takes the database's lock itself. SQLite: Kysely takes none (it counts on one process), so two `dt serve` started
 * together on one empty file both created the tables; here the migrator runs on one connection inside BEGIN IMMEDIATE,
 * which also makes a run of migrations all or nothing. A run that fails is rolled back.
 */
const exclusive = async (target: Target, run: (migrating: Migrator) => Promise<MigrationResultSet>) => {
  if (target.engine !== "sqlite") return run(await migrator(target, target.db))
  return target.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection)
    let result: MigrationResultSet | undefined
    try {
      result = await run(await migrator(target, connection))
    } finally {
      await sql.raw(result !== undefined && result.error === undefined ? "commit" : "rollback").execute(connection)
    }
    return result
  })
}

const attempt = <A>(action: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new StorageError({ reason: `${action}: ${String(cause)}`, cause }) })

/**
 * Applies every pending migration; returns the names applied.
 *
 * @category operations
 * @since 0.1.0
 */
export const migrateToLatest = (target: Target) =>
  ensureNotNewer(target).pipe(
    Effect.zipRight(
      attempt("migrating the schema", async () => exclusive(target, (migrating) => migrating.migrateToLatest()))
    ),
    Effect.flatMap(outcome("migrating the schema"))
  )

/**
 * Applies or undoes migrations until `name` is the newest applied one (for tests of upgrades).
 *
 * @category operations
 * @since 0.1.0
 */
export const migrateTo = (target: Target, name: string) =>
  ensureNotNewer(target).pipe(
    Effect.zipRight(
      attempt(`migrating to ${name}`, async () => exclusive(target, (migrating) => migrating.migrateTo(name)))
    ),
    Effect.flatMap(outcome(`migrating to ${name}`))
  )

/**
 * Undoes the newest applied migration; returns its name (none when nothing was applied).
 *
 * @category operations
 * @since 0.1.0
 */
export const migrateDown = (target: Target) =>
  attempt("undoing a migration", async () => exclusive(target, (migrating) => migrating.migrateDown())).pipe(
    Effect.flatMap(outcome("undoing a migration"))
  )

/**
 * The migrations recorded in the database, oldest first (none for an empty database).
 *
 * @category operations
 * @since 0.1.0
 */
export const applied = (target: Target) =>
  attempt("reading the schema version", async () => {
    const table = `${target.prefix}dt_migration`
    if (!(await tableExists(target, table))) return [] as Array<string>
    const rows = await target.db.withoutPlugins().selectFrom(table).select("name").orderBy("name").execute()
    return rows.map((row) => String(row.name))
  })

/**
 * Whether `table` exists where an unqualified name finds it: one lookup in the engine's catalog (Kysely's
 * introspection would read every table of the database and their columns, a host's included, on every start).
 */
const tableExists = async ({ db, engine }: Target, table: string) => {
  const result = await catalogLookup(engine, table).execute(db.withoutPlugins())
  return Number(result.rows[0]?.n ?? 0) > 0
}

const catalogLookup = (engine: Engine, table: string) => {
  switch (engine) {
    case "sqlite":
      return sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`
    case "postgres":
      // to_regclass follows the search path, as the unqualified name does; quote_ident keeps the name's case.
      return sql<{ n: number }>`select count(to_regclass(quote_ident(${table}))) as n`
    case "mysql":
      return sql<{ n: number }>`select count(*) as n from information_schema.tables
        where table_schema = database() and table_name = ${table}`
  }
}

/** Why a schema with the migrations `done` is newer than this code (it has migrations the code does not know). */
const newerProblem = (done: ReadonlyArray<string>): string | undefined => {
  const unknown = done.filter((name) => !names.includes(name))
  return unknown.length === 0
    ? undefined
    : `the database schema is newer than this version of the user manager (it has migration ${unknown.join(", ")}): upgrade the user manager`
}

/** Why a schema with the migrations `done` is older than this code (none applied, or some pending). */
const olderProblem = (done: ReadonlyArray<string>): string | undefined => {
  const pending = names.filter((name) => !done.includes(name))
  if (pending.length === 0) return undefined
  return done.length === 0
    ? "the database has no user manager schema yet: run the migrations (dt init or dt migrate)"
    : `the database schema is out of date, migration ${pending.join(", ")} is pending: run dt migrate`
}

/** Refuses a schema that has migrations this code does not know; returns the applied ones. */
const ensureNotNewer = (target: Target) =>
  Effect.gen(function* () {
    const done = yield* applied(target)
    const newer = newerProblem(done)
    if (newer !== undefined) return yield* new StorageError({ reason: newer })
    return done
  })

/**
 * Refuses to run on a schema newer than this code, and says which migration is pending on an older one.
 *
 * @category operations
 * @since 0.1.0
 */
export const check = (target: Target) =>
  Effect.gen(function* () {
    const older = olderProblem(yield* ensureNotNewer(target))
    if (older !== undefined) return yield* new StorageError({ reason: older })
  })

/**
 * Whether this code can serve the database now, for a readiness probe: fails with one sentence when the database does
 * not answer (without its address) or its schema is newer or older than this code.
 *
 * @category operations
 * @since 0.1.0
 */
export const readiness = (target: Target): Effect.Effect<void, string> =>
  applied(target).pipe(
    Effect.mapError(() => "the database does not answer"),
    Effect.flatMap((done) => {
      const problem = newerProblem(done) ?? olderProblem(done)
      return problem === undefined ? Effect.void : Effect.fail(problem)
    })
  )
