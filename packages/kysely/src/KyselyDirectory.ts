/**
 * The storage port over Kysely: one implementation for SQLite, PostgreSQL and MySQL/MariaDB, each operation one
 * transaction that locks what the rules depend on and retries lost races.
 *
 * @since 0.1.0
 */
import { checkedInOneRead, Directory } from "@user-manager/core/Directory"
import type { StorageError } from "@user-manager/core/Errors"
import { Effect, Layer } from "effect"
import { type Kysely, sql } from "kysely"
import { apiTokenOperations } from "./internal/apiTokenOperations.js"
import { auditOperations } from "./internal/auditOperations.js"
import { engines } from "./internal/engines.js"
import { gidLedgerOperations } from "./internal/gidLedgerOperations.js"
import { groupOperations } from "./internal/groupOperations.js"
import { lazyOperations } from "./internal/lazyOperations.js"
import { membershipOperations } from "./internal/membershipOperations.js"
import { statisticsCache } from "./internal/postgresSearch.js"
import { type Database, USER_COLUMNS } from "./internal/schema.js"
import { sessionOperations } from "./internal/sessionOperations.js"
import { settingsOperations } from "./internal/settingsOperations.js"
import { signInCounterOperations } from "./internal/signInCounterOperations.js"
import { compiledOnce, shapeCache } from "./internal/statementCache.js"
import { TablePrefixPlugin } from "./internal/TablePrefixPlugin.js"
import { type StoreStatements, type TransactionContext, transactionContext } from "./internal/transactionContext.js"
import { transactionRunner } from "./internal/transactionRunner.js"
import { userOperations } from "./internal/userOperations.js"
import * as Migrations from "./Migrations.js"

/**
 * How to reach the manager's tables: a Kysely instance (the host's own, or one an adapter made), its engine, the
 * table prefix, and whether to apply pending migrations when the store opens.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  // biome-ignore lint/suspicious/noExplicitAny: any host database; the manager only touches its own tables
  readonly db: Kysely<any>
  readonly engine: Migrations.Engine
  readonly prefix?: string
  readonly migrate?: boolean
  /**
   * Whether to check on opening that the schema is one this version runs on (default true): a read replica's is its
   * primary's, checked there, and a replica out of reach must not keep the store from opening.
   */
  readonly check?: boolean
  /** How many times a transaction that lost a race (deadlock, serialization failure, unique race) is run again. */
  readonly maxAttempts?: number
}

/**
 * Opens the store: checks (or, with `migrate`, brings up to date) the schema, then serves the `Directory` port.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options) =>
  Effect.gen(function* () {
    const prefix = options.prefix ?? ""
    const engine = engines[options.engine]
    const maxAttempts = options.maxAttempts ?? 20
    // The host's own plugins (say, CamelCasePlugin) must not rename the manager's snake_case columns.
    const base = options.db.withoutPlugins()
    const target: Migrations.Target = { db: base, engine: options.engine, prefix }
    if (options.migrate === true) yield* Migrations.migrateToLatest(target)
    if (options.check !== false) yield* Migrations.check(target)
    const db = (prefix === "" ? base : base.withPlugin(new TablePrefixPlugin(prefix))) as Kysely<Database>
    if (options.engine === "postgres" && options.check !== false) yield* noticeMissingSearchIndex(base, prefix)

    // The statements every operation runs, compiled once: Kysely would build and compile them again on every call,
    // which costs more than an indexed lookup.
    const findUserWithGroups = compiledOnce(
      db
        .selectFrom("users")
        .leftJoin("memberships", "memberships.username", "users.username")
        .select(USER_COLUMNS.map((column) => `users.${column}` as const))
        .select("memberships.group_name")
        .where("users.username", "=", "")
        .orderBy("memberships.group_name")
    )
    // A session with its user and the user's groups (its one row a group, in name order), for each signed-in request.
    const findSessionWithUser = compiledOnce(
      db
        .selectFrom("sessions")
        .innerJoin("users", "users.username", "sessions.username")
        .leftJoin("memberships", "memberships.username", "users.username")
        .select(USER_COLUMNS.map((column) => `users.${column}` as const))
        .select([
          "memberships.group_name",
          "sessions.created_at as session_created_at",
          "sessions.expires_at as session_expires_at"
        ])
        .where("sessions.token_hash", "=", "")
        .orderBy("memberships.group_name")
    )
    const store: StoreStatements = {
      db,
      engine,
      engineName: options.engine,
      prefix,
      shaped: shapeCache(),
      usernameQuantiles: statisticsCache(),
      searchTextSample: statisticsCache(),
      searchStartKeys: statisticsCache(),
      findUserWithGroups,
      findSessionWithUser
    }
    const isEmpty = (context: TransactionContext) => ({
      isEmpty: Effect.gen(function* () {
        const user = yield* context.first(db.selectFrom("users").select("username").limit(1))
        const group = yield* context.first(db.selectFrom("groups").select("name").limit(1))
        return user === undefined && group === undefined
      })
    })
    // Each transaction builds only the groups of operations it calls; their names are read from a context whose
    // statements are never run.
    const unused = () => Effect.die("a sample transaction's statement ran")
    const operations = lazyOperations(
      [
        isEmpty,
        userOperations,
        groupOperations,
        membershipOperations,
        gidLedgerOperations,
        sessionOperations,
        apiTokenOperations,
        signInCounterOperations,
        settingsOperations,
        auditOperations
      ],
      transactionContext(store, unused, unused, "read")
    )
    const runTransaction = transactionRunner({
      db,
      host: options.db,
      engine,
      maxAttempts,
      transaction: (execute, valueRows, mode) => operations(transactionContext(store, execute, valueRows, mode))
    })
    const read: Directory["Type"]["read"] = (body) => runTransaction("read", body, "rollback")
    return Directory.of({
      read,
      readAfterCheck: checkedInOneRead(read),
      write: (body, completion = "commit") => runTransaction("write", body, completion)
    })
  })

// biome-ignore lint/suspicious/noExplicitAny: any host database
const noticeMissingSearchIndex = (db: Kysely<any>, prefix: string) =>
  Effect.tryPromise(() =>
    sql<{
      n: number
    }>`select count(*) as n from pg_indexes where indexname = ${`${prefix}dt_users_search_trgm`}`.execute(db)
  ).pipe(
    Effect.flatMap((result) =>
      Number(result.rows[0]?.n ?? 0) > 0
        ? Effect.void
        : Effect.logWarning(
            "PostgreSQL has no pg_trgm extension here, so user search scans the users table; install postgresql-contrib and run the migrations again to index it"
          )
    ),
    Effect.orElse(() => Effect.void)
  )

/**
 * The directory in a host's own Kysely database (bring your own): the manager's tables, with an optional prefix,
 * beside the host's. The host keeps ownership of the Kysely instance and closes it.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> => Layer.effect(Directory, make(options))

/**
 * The directory over a Kysely instance the layer opens itself and destroys when released (the engine adapters).
 *
 * @category layers
 * @since 0.1.0
 */
export const scoped = <E>(
  // biome-ignore lint/suspicious/noExplicitAny: any database
  open: Effect.Effect<Kysely<any>, E>,
  options: Omit<Options, "db">
): Layer.Layer<Directory, E | StorageError> =>
  Layer.scoped(
    Directory,
    Effect.acquireRelease(open, (db) => Effect.promise(() => db.destroy())).pipe(
      Effect.flatMap((db) => make({ ...options, db }))
    )
  )
