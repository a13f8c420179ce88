/**
 * Opens the store a command runs on and provides the core services over it.
 *
 * @since 0.1.0
 */
import { statSync } from "node:fs"
import { Directory, Errors, PasswordHasher, type Provisioning, UserManager } from "@user-manager/core"
import type { ReadReplica as ReadReplicaModule } from "@user-manager/kysely"
import { Effect, Layer, Schema } from "effect"
import { databasePreparedStatements, databaseTimeouts } from "./Environment.js"

// The storage code (Kysely, better-sqlite3) loads only when a command opens the store, so that `--help` and
// `--version` start fast; and only the modules named here, not the package's index, which would also load the
// PostgreSQL and MySQL drivers (DatabaseUrl loads those for their own URLs).
const adapters = Effect.promise(async () => {
  const [DatabaseUrl, KyselyDirectory, Migrations, ReadReplica] = await Promise.all([
    import("@user-manager/kysely/DatabaseUrl"),
    import("@user-manager/kysely/KyselyDirectory"),
    import("@user-manager/kysely/Migrations"),
    import("@user-manager/kysely/ReadReplica")
  ])
  return { DatabaseUrl, KyselyDirectory, Migrations, ReadReplica }
})

/**
 * The argon2id hasher, loaded on the first hash or check: its native module takes time to load, and most commands
 * (`ls`, `get`, `disable`, …) never touch a password.
 */
const hasher = Layer.effect(
  PasswordHasher.PasswordHasher,
  Effect.map(
    Effect.cached(
      Effect.promise(() => import("@user-manager/kysely/Argon2Hasher")).pipe(
        Effect.flatMap((Argon2Hasher) => Effect.provide(PasswordHasher.PasswordHasher, Argon2Hasher.layer))
      )
    ),
    (argon2) => ({
      hash: (password) => Effect.flatMap(argon2, (real) => real.hash(password)),
      verify: (password, hash) => Effect.flatMap(argon2, (real) => real.verify(password, hash)),
      needsRehash: (hash) => Effect.flatMap(argon2, (real) => real.needsRehash(hash)),
      slowestCheck: Effect.flatMap(argon2, (real) => real.slowestCheck)
    })
  )
)

/**
 * The database has no user directory yet.
 *
 * @category errors
 * @since 0.1.0
 */
export class NotInitialized extends Schema.TaggedError<NotInitialized>()("NotInitialized", {
  database: Schema.String
}) {
  override get message(): string {
    return `There is no user directory at ${this.database} yet: run 'dt init' first.`
  }
}

/**
 * Whether the command may create the schema (`dt init`, `dt migrate`), needs an initialised, up-to-date one, or only
 * reads one (`ls`, `get`: an SQLite file is then opened read-only, so that reading needs no write access and never
 * creates or grows a file).
 *
 * @category models
 * @since 0.1.0
 */
export type Mode = "create" | "existing" | "read"

/** Whether a file does not exist (one that cannot be reached is left for the store's open to name what is missing). */
const missing = (filename: string) => {
  try {
    statSync(filename)
    return false
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "ENOENT"
  }
}

const reach = (shown: string) => (cause: unknown) =>
  new Errors.StorageError({
    reason: `cannot reach ${shown}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })

/**
 * A read replica of the store (`dt serve --read-database`): its URL, and how far behind it may be, in milliseconds.
 *
 * @category models
 * @since 0.1.0
 */
export interface Replica {
  readonly url: string
  readonly maxLagMs: number
}

/**
 * How a store with a read replica is doing: the replica's state, and how many reads each database answered.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReplicaWatch {
  readonly state: () => ReadReplicaModule.ReplicaState
  /** The replica's state in one sentence, for `/readyz`. */
  readonly describe: () => string
  readonly reads: () => ReadReplicaModule.ReadCounts
}

/**
 * Opens the database at `url` (a server's pool of `poolSize` connections, default 10) and returns the core services
 * over it; fails with `NotInitialized` when a command that needs a directory finds none (a missing SQLite file is never created then). A PostgreSQL or MySQL server is waited
 * for as long as `DT_DATABASE_*_TIMEOUT` say (`databaseTimeouts`); PostgreSQL prepares its lookups unless
 * `DT_DATABASE_PREPARED_STATEMENTS=off`.
 *
 * With `replica` (PostgreSQL), lists, searches and reads of records may be answered by a read replica (`ReadReplica`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (
  url: string,
  mode: Mode,
  options: {
    readonly poolSize?: number | undefined
    readonly replica?: Replica | undefined
    /** How identity providers' records are named, their default group and what their DELETE does (`dt serve`). */
    readonly provisioning?: Partial<Provisioning.ProvisioningOptions> | undefined
  } = {}
) =>
  Effect.gen(function* () {
    const { DatabaseUrl, KyselyDirectory, Migrations, ReadReplica } = yield* adapters
    const parsed = yield* DatabaseUrl.parse(url)
    const timeouts = yield* databaseTimeouts()
    const preparedStatements = yield* databasePreparedStatements()
    const shown = DatabaseUrl.redactPassword(url)
    if (mode !== "create" && parsed.engine === "sqlite" && parsed.filename !== ":memory:") {
      if (missing(parsed.filename)) return yield* new NotInitialized({ database: shown })
    }
    const openDatabase = (which: typeof parsed, readonly: boolean) =>
      Effect.acquireRelease(
        DatabaseUrl.open(which, {
          timeouts,
          readonly,
          ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
          ...(preparedStatements === undefined ? {} : { preparedStatements })
        }),
        (db) => Effect.promise(() => db.destroy())
      )
    const replicaText = options.replica?.url
    const replicaUrl = replicaText === undefined ? undefined : yield* DatabaseUrl.parse(replicaText)
    if (
      replicaText !== undefined &&
      replicaUrl !== undefined &&
      (replicaUrl.engine !== "postgres" || parsed.engine !== "postgres")
    ) {
      return yield* new Errors.InvalidInput({
        field: "read database",
        reason:
          "only PostgreSQL read replicas are supported, so the database and the read database must both be postgres://… " +
          `URLs (the database is '${shown}', the read database '${DatabaseUrl.redactPassword(replicaText)}')`
      })
    }
    const db = yield* openDatabase(parsed, mode === "read")
    const target = { db, engine: parsed.engine, prefix: "" }
    const applied = yield* Migrations.applied(target).pipe(Effect.mapError((error) => reach(shown)(error.cause)))
    if (mode !== "create" && applied.length === 0) return yield* new NotInitialized({ database: shown })
    const primary = { db, engine: parsed.engine, migrate: mode === "create" } as const
    // Filled in when the store opens: the replica's state and read counts, for /readyz and /metrics.
    let replicated: ReadReplicaModule.ReplicatedDirectory | undefined
    const directory =
      replicaUrl === undefined || options.replica === undefined
        ? KyselyDirectory.layer(primary)
        : Layer.scoped(
            Directory.Directory,
            Effect.gen(function* () {
              const replicaDb = yield* openDatabase(replicaUrl, false)
              replicated = yield* ReadReplica.make({
                primary: yield* KyselyDirectory.make(primary),
                primaryDb: db,
                replica: yield* KyselyDirectory.make({ db: replicaDb, engine: "postgres", check: false }),
                replicaDb,
                maxLagMs: options.replica?.maxLagMs
              })
              return replicated.directory
            })
          )
    const state = () => replicated?.state() ?? ReadReplica.notOpened
    const watch: ReplicaWatch | undefined =
      replicaUrl === undefined
        ? undefined
        : {
            state,
            describe: () => ReadReplica.describe(state()),
            reads: () => replicated?.reads() ?? { primary: 0, replica: 0 }
          }
    return {
      /** The read replica's state and read counts, when there is one. */
      replica: watch,
      /** Brings the schema up to date; returns the migrations applied. */
      migrate: Migrations.migrateToLatest(target),
      /** Refuses a schema this version does not run on; returns a newer release's migrations it runs with. */
      check: Migrations.check(target),
      /** Whether the database answers with a schema this version runs on (`dt serve`'s /readyz). */
      readiness: Migrations.readiness(target),
      /** How to read the use of the server's connection pool (`dt serve`'s /metrics); none for SQLite. */
      poolUse: DatabaseUrl.poolUse(db),
      layer: UserManager.layer({
        directory,
        hasher,
        ...(options.provisioning === undefined ? {} : { provisioning: options.provisioning })
      })
    }
  })
