/**
 * The schema's migrations: run them, undo them, and check on start-up that the code runs on the schema (the one it
 * knows, or a newer one whose every unknown migration says this code still runs on it).
 *
 * @since 0.1.0
 */
import { StorageError } from "@user-manager/core/Errors"
import { Effect } from "effect"
import { type Kysely, type Migration, type MigrationResultSet, type Migrator, sql } from "kysely"
import { allowingLongStatements, MIGRATION_STATEMENT_MS } from "./internal/deadline.js"
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
import * as migrationCompatibility from "./migrations/20261204000000_migration_compatibility.js"
import * as auditActionIndex from "./migrations/20261204010000_audit_action_index.js"
import * as directorySettings from "./migrations/20261204020000_directory_settings.js"
import * as postgresSearchWalkIndex from "./migrations/20261205010000_postgres_search_walk_index.js"
import * as searchEmail from "./migrations/20261205020000_search_email.js"
import * as apiTokens from "./migrations/20261206000000_api_tokens.js"
import * as externalIds from "./migrations/20261207000000_external_ids.js"
import * as nameFilterIndexes from "./migrations/20261208000000_name_filter_indexes.js"
import * as nameSearchIndex from "./migrations/20261209000000_name_search_index.js"
import * as postgresUserSearch from "./migrations/20261209030000_postgres_user_search.js"
import * as oneSearchIndex from "./migrations/20261210000000_one_search_index.js"
import * as searchIndexByStore from "./migrations/20261211000000_search_index_by_store.js"
import * as postgresMemberSearch from "./migrations/20261212000000_postgres_member_search.js"
import * as sqliteShortTermIndex from "./migrations/20261213000000_sqlite_short_term_index.js"
import * as postgresShortTermIndex from "./migrations/20261213010000_postgres_short_term_index.js"
import * as sqliteShortTermsByUsername from "./migrations/20261214000000_sqlite_short_terms_by_username.js"
import * as postgresSearchStartIndex from "./migrations/20261215000000_postgres_search_start_index.js"

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

/** A migration's code, and the oldest migration a version of the user manager must know to run on the schema it leaves. */
interface Listed {
  // biome-ignore lint/suspicious/noExplicitAny: the migrations' own view of the database is untyped
  readonly up: (db: Kysely<any>, target: { readonly engine: Engine; readonly prefix: string }) => Promise<void>
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly down: (db: Kysely<any>, target: { readonly engine: Engine; readonly prefix: string }) => Promise<void>
  readonly oldestCompatible: string
}

const listed = (module: Omit<Listed, "oldestCompatible">, oldestCompatible: string): Listed => ({
  up: module.up,
  down: module.down,
  oldestCompatible
})

/**
 * Every migration, oldest first, each with the oldest migration whose version of the user manager still runs correctly
 * on the schema it leaves, so that during a rolling upgrade the instances of the previous release keep serving.
 *
 * How to write one (expand now, contract in a later release):
 * - A migration that only adds (a table, a nullable or defaulted column, an index) leaves a schema the previous release
 *   still runs on: its `oldestCompatible` is the migration before it (the release before this one; a rolling upgrade
 *   goes one release at a time).
 * - A migration that drops, renames or narrows what a released version reads or writes is a contract: give it its own
 *   name, and ship it only in the release after the one that stopped using what it removes (first release: add the new
 *   column and write both; next release: drop the old one).
 * - The value is written to the database as the migration runs (`dt_migration_compatibility`) and is read by versions
 *   that do not know the migration: it cannot be changed once released. The migrations before the record was kept name
 *   themselves: no version before it reads the record.
 */
const all: Record<string, Listed> = {
  "20261128000000_initial": listed(initial, "20261128000000_initial"),
  "20261128010000_search_index": listed(searchIndex, "20261128010000_search_index"),
  "20261128020000_search_index_keys": listed(searchIndexKeys, "20261128020000_search_index_keys"),
  "20261128020100_sort_indexes": listed(sortIndexes, "20261128020100_sort_indexes"),
  "20261128040000_membership_sort_columns": listed(membershipSortColumns, "20261128040000_membership_sort_columns"),
  "20261128130000_sessions": listed(sessions, "20261128130000_sessions"),
  "20261129000000_search_walk_index": listed(searchWalkIndex, "20261129000000_search_walk_index"),
  "20261203010000_system_users_no_password": listed(systemUsersNoPassword, "20261203010000_system_users_no_password"),
  "20261203020000_audit_subjects": listed(auditSubjects, "20261203020000_audit_subjects"),
  "20261203030000_sign_in_attempts": listed(signInAttempts, "20261203030000_sign_in_attempts"),
  "20261203040000_sort_key": listed(sortKey, "20261203040000_sort_key"),
  // Versions before this one do not read the table it adds: they refuse every newer schema, as they always did.
  "20261204000000_migration_compatibility": listed(migrationCompatibility, "20261203040000_sort_key"),
  "20261204010000_audit_action_index": listed(auditActionIndex, "20261204000000_migration_compatibility"),
  "20261204020000_directory_settings": listed(directorySettings, "20261204010000_audit_action_index"),
  "20261205010000_postgres_search_walk_index": listed(postgresSearchWalkIndex, "20261204020000_directory_settings"),
  "20261205020000_search_email": listed(searchEmail, "20261205010000_postgres_search_walk_index"),
  "20261206000000_api_tokens": listed(apiTokens, "20261205010000_postgres_search_walk_index"),
  // Adds nullable columns and indexes only: the release before runs on it, as on the API tokens' table.
  "20261207000000_external_ids": listed(externalIds, "20261205010000_postgres_search_walk_index"),
  // Adds SQLite indexes only: the release before runs on it.
  "20261208000000_name_filter_indexes": listed(nameFilterIndexes, "20261205010000_postgres_search_walk_index"),
  // Adds a SQLite FTS5 table kept by the users' triggers (which keep doing what they did): the release before runs on it.
  "20261209000000_name_search_index": listed(nameSearchIndex, "20261205010000_postgres_search_walk_index"),
  // Adds a PostgreSQL table its triggers keep true on every write: the release before runs on it without reading it.
  "20261209030000_postgres_user_search": listed(postgresUserSearch, "20261205010000_postgres_search_walk_index"),
  // A contract: drops the SQLite names' FTS5 table (unreleased: 0.1.0 never read it) for one table of search and names.
  "20261210000000_one_search_index": listed(oneSearchIndex, "20261210000000_one_search_index"),
  // A contract: drops the SQLite trigger that indexed a new user, which the store does now (0.1.0 never ran with it).
  "20261211000000_search_index_by_store": listed(searchIndexByStore, "20261211000000_search_index_by_store"),
  // Adds a PostgreSQL column its triggers keep true on every write, and an index: the release before runs on it.
  "20261212000000_postgres_member_search": listed(postgresMemberSearch, "20261211000000_search_index_by_store"),
  // A contract: SQLite's store indexes a new user's characters and pairs too, which the release before does not write.
  "20261213000000_sqlite_short_term_index": listed(sqliteShortTermIndex, "20261213000000_sqlite_short_term_index"),
  // Adds a PostgreSQL function and an index: the release before runs on it without reading it.
  "20261213010000_postgres_short_term_index": listed(postgresShortTermIndex, "20261213000000_sqlite_short_term_index"),
  // A contract: SQLite's store keys a new user's characters and pairs by its username, which the release before does not.
  "20261214000000_sqlite_short_terms_by_username": listed(
    sqliteShortTermsByUsername,
    "20261214000000_sqlite_short_terms_by_username"
  ),
  // Adds a PostgreSQL function and an index: the release before runs on it without reading it.
  "20261215000000_postgres_search_start_index": listed(
    postgresSearchStartIndex,
    "20261214000000_sqlite_short_terms_by_username"
  )
}

/**
 * The names of every migration this version knows, oldest first.
 *
 * @category constants
 * @since 0.1.0
 */
export const names: ReadonlyArray<string> = Object.keys(all).sort()

/**
 * For each migration, the oldest migration a version of the user manager must know to run on the schema it leaves.
 *
 * @category constants
 * @since 0.1.0
 */
export const oldestCompatible: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(all).map(([name, migration]) => [name, migration.oldestCompatible])
)

/** The first migration whose compatibility is recorded: it creates the table the records go to. */
const FIRST_RECORDED = "20261204000000_migration_compatibility"

const compatibilityTable = (prefix: string) => `${prefix}dt_migration_compatibility`

// biome-ignore lint/suspicious/noExplicitAny: the migrations' own view of the database is untyped
const migrator = async ({ engine, prefix }: Target, db: Kysely<any>) => {
  const Migrator = await loadMigrator()
  const plugin = new TablePrefixPlugin(prefix)
  // The server's own statement timeout too (the store's pool sets it for every statement), for the migration's
  // transaction.
  // biome-ignore lint/suspicious/noExplicitAny: see migrator
  const allowLongStatements = async (trx: Kysely<any>) => {
    if (engine === "postgres") await sql`set local statement_timeout = ${sql.lit(MIGRATION_STATEMENT_MS)}`.execute(trx)
  }
  const migrations: Record<string, Migration> = {}
  for (const [name, migration] of Object.entries(all)) {
    // Recorded in the migration's own transaction (PostgreSQL, SQLite), with the migrator's record of it.
    const recorded = name >= FIRST_RECORDED
    migrations[name] = {
      up: async (trx) => {
        await allowLongStatements(trx)
        await migration.up(trx.withPlugin(plugin), { engine, prefix })
        if (!recorded) return
        await trx
          .insertInto(compatibilityTable(prefix))
          .values({ migration: name, oldest_compatible: migration.oldestCompatible })
          .execute()
      },
      down: async (trx) => {
        await allowLongStatements(trx)
        if (recorded) await trx.deleteFrom(compatibilityTable(prefix)).where("migration", "=", name).execute()
        await migration.down(trx.withPlugin(plugin), { engine, prefix })
      }
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
const exclusive = (target: Target, run: (migrating: Migrator) => Promise<MigrationResultSet>) =>
  // A migration's statements are not held to the store's statement timeout (see `MIGRATION_STATEMENT_MS`); nor is the
  // wait for another process's migration to end.
  allowingLongStatements(MIGRATION_STATEMENT_MS, () => exclusiveRun(target, run))

const exclusiveRun = async (target: Target, run: (migrating: Migrator) => Promise<MigrationResultSet>) => {
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
    Effect.flatMap((schema) =>
      // A newer release migrated past this one (compatibly, or ensureNotNewer refused): nothing here is this version's
      // to run, and the migrator would take the migrations it does not know for a corrupted history.
      schema.unknown.length > 0
        ? Effect.succeed<ReadonlyArray<string>>([])
        : attempt("migrating the schema", async () =>
            exclusive(target, (migrating) => migrating.migrateToLatest())
          ).pipe(
            Effect.flatMap(outcome("migrating the schema")),
            // A newer release may have migrated while this one waited for the lock: the migrator then fails on the
            // migrations it does not know, and what decides is, as above, whether this code runs on the schema left.
            Effect.catchAll((failure) =>
              ensureNotNewer(target).pipe(
                Effect.flatMap((now) =>
                  now.unknown.length > 0 ? Effect.succeed<ReadonlyArray<string>>([]) : Effect.fail(failure)
                )
              )
            )
          )
    )
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
export const applied = (target: Target) => attempt("reading the schema version", () => appliedNames(target))

const appliedNames = async (target: Target): Promise<Array<string>> => {
  const table = `${target.prefix}dt_migration`
  if (!(await tableExists(target, table))) return []
  const rows = await target.db.withoutPlugins().selectFrom(table).select("name").orderBy("name").execute()
  return rows.map((row) => String(row.name))
}

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

/**
 * A migration applied to the database that this version does not know, with the oldest migration a version must know
 * to run on the schema it left (none when the database does not say: a version before the record was kept migrated it,
 * or the migration is not one of this project's).
 */
interface Unknown {
  readonly name: string
  readonly oldestCompatible: string | undefined
}

/** The schema as the database records it: the migrations applied, oldest first, and those this version does not know. */
interface Recorded {
  readonly done: ReadonlyArray<string>
  readonly unknown: ReadonlyArray<Unknown>
}

/** Reads the migrations applied and, only when some are unknown here, what each of those needs (one more query). */
const recorded = (target: Target) =>
  attempt("reading the schema version", async (): Promise<Recorded> => {
    const done = await appliedNames(target)
    const unknown = done.filter((name) => !names.includes(name))
    if (unknown.length === 0) return { done, unknown: [] }
    const table = compatibilityTable(target.prefix)
    const rows = (await tableExists(target, table))
      ? await target.db
          .withoutPlugins()
          .selectFrom(table)
          .select(["migration", "oldest_compatible"])
          .where("migration", "in", unknown)
          .execute()
      : []
    const needs = new Map(rows.map((row) => [String(row.migration), String(row.oldest_compatible)]))
    return { done, unknown: unknown.map((name) => ({ name, oldestCompatible: needs.get(name) })) }
  })

/** Why this version cannot run on a schema with migrations it does not know: one of them needs a newer version. */
const newerProblem = ({ unknown }: Recorded): string | undefined => {
  const refusing = unknown.filter(
    (migration) => migration.oldestCompatible === undefined || !names.includes(migration.oldestCompatible)
  )
  const first = refusing[0]
  if (first === undefined) return undefined
  return first.oldestCompatible === undefined
    ? `the database schema is newer than this version of the user manager (it has migration ${refusing.map((migration) => migration.name).join(", ")}): upgrade the user manager`
    : `the database schema is newer than this version of the user manager and no longer runs with it (migration ${first.name} needs a version that knows migration ${first.oldestCompatible}): upgrade the user manager`
}

/** Why a schema with the migrations `done` is older than this code (none applied, or some pending). */
const olderProblem = ({ done }: Recorded): string | undefined => {
  const pending = names.filter((name) => !done.includes(name))
  if (pending.length === 0) return undefined
  return done.length === 0
    ? "the database has no user manager schema yet: run the migrations (dt init or dt migrate)"
    : `the database schema is out of date, migration ${pending.join(", ")} is pending: run dt migrate`
}

/** Refuses a schema that has migrations this code does not know and cannot run with; returns what it read. */
const ensureNotNewer = (target: Target) =>
  Effect.gen(function* () {
    const schema = yield* recorded(target)
    const newer = newerProblem(schema)
    if (newer !== undefined) return yield* new StorageError({ reason: newer })
    return schema
  })

/**
 * Refuses to run on a schema newer than this code can run with, and says which migration is pending on an older one;
 * returns the migrations a newer release applied that this code runs with (none on the schema this code knows).
 *
 * @category operations
 * @since 0.1.0
 */
export const check = (target: Target): Effect.Effect<ReadonlyArray<string>, StorageError> =>
  Effect.gen(function* () {
    const schema = yield* ensureNotNewer(target)
    const older = olderProblem(schema)
    if (older !== undefined) return yield* new StorageError({ reason: older })
    return schema.unknown.map((migration) => migration.name)
  })

/**
 * Whether this code can serve the database now, for a readiness probe: fails with one sentence when the database does
 * not answer (without its address), its schema is older than this code, or newer than this code runs with (a newer
 * release's migrations that only add keep it ready).
 *
 * @category operations
 * @since 0.1.0
 */
export const readiness = (target: Target): Effect.Effect<void, string> =>
  recorded(target).pipe(
    Effect.mapError(() => "the database does not answer"),
    Effect.flatMap((schema) => {
      const problem = newerProblem(schema) ?? olderProblem(schema)
      return problem === undefined ? Effect.void : Effect.fail(problem)
    })
  )
