/**
 * Opens the store a command runs on and provides the core services over it.
 *
 * @since 0.1.0
 */
import { statSync } from "node:fs"
import { Errors, PasswordHasher, UserManager } from "@user-manager/core"
import { Effect, Layer, Schema } from "effect"
import { databaseTimeouts } from "./Environment.js"

// The storage code (Kysely, better-sqlite3) loads only when a command opens the store, so that `--help` and
// `--version` start fast; and only the modules named here, not the package's index, which would also load the
// PostgreSQL and MySQL drivers (DatabaseUrl loads those for their own URLs).
const adapters = Effect.promise(async () => {
  const [DatabaseUrl, KyselyDirectory, Migrations] = await Promise.all([
    import("@user-manager/kysely/DatabaseUrl"),
    import("@user-manager/kysely/KyselyDirectory"),
    import("@user-manager/kysely/Migrations")
  ])
  return { DatabaseUrl, KyselyDirectory, Migrations }
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
 * Opens the database at `url` (a server's pool of `poolSize` connections, default 10) and returns the core services
 * over it; fails with `NotInitialized` when a command that needs a directory finds none (a missing SQLite file is never created then). A PostgreSQL or MySQL server is waited
 * for as long as `DT_DATABASE_*_TIMEOUT` say (`databaseTimeouts`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (url: string, mode: Mode, options: { readonly poolSize?: number | undefined } = {}) =>
  Effect.gen(function* () {
    const { DatabaseUrl, KyselyDirectory, Migrations } = yield* adapters
    const parsed = yield* DatabaseUrl.parse(url)
    const timeouts = yield* databaseTimeouts()
    const shown = DatabaseUrl.redactPassword(url)
    if (mode !== "create" && parsed.engine === "sqlite" && parsed.filename !== ":memory:") {
      if (missing(parsed.filename)) return yield* new NotInitialized({ database: shown })
    }
    const db = yield* Effect.acquireRelease(
      DatabaseUrl.open(parsed, {
        timeouts,
        readonly: mode === "read",
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize })
      }),
      (db) => Effect.promise(() => db.destroy())
    )
    const target = { db, engine: parsed.engine, prefix: "" }
    const applied = yield* Migrations.applied(target).pipe(Effect.mapError((error) => reach(shown)(error.cause)))
    if (mode !== "create" && applied.length === 0) return yield* new NotInitialized({ database: shown })
    return {
      /** Brings the schema up to date; returns the migrations applied. */
      migrate: Migrations.migrateToLatest(target),
      /** Refuses a schema this version does not run on; returns a newer release's migrations it runs with. */
      check: Migrations.check(target),
      /** Whether the database answers with a schema this version runs on (`dt serve`'s /readyz). */
      readiness: Migrations.readiness(target),
      /** How to read the use of the server's connection pool (`dt serve`'s /metrics); none for SQLite. */
      poolUse: DatabaseUrl.poolUse(db),
      layer: UserManager.layer({
        directory: KyselyDirectory.layer({ db, engine: parsed.engine, migrate: mode === "create" }),
        hasher
      })
    }
  })
