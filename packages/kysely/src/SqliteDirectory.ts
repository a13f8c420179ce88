/**
 * The embedded default: the directory in an SQLite file (or in memory) through better-sqlite3.
 *
 * @since 0.1.0
 */
import { accessSync, closeSync, constants, existsSync, fchmodSync, mkdirSync, openSync, statSync } from "node:fs"
import { dirname } from "node:path"
import type { Directory } from "@user-manager/core/Directory"
import { StorageError } from "@user-manager/core/Errors"
import type SqliteDatabase from "better-sqlite3"
import { Effect, type Layer } from "effect"
import { type CompiledQuery, Kysely, type QueryResult, SqliteDialect } from "kysely"
import * as Driver from "./internal/driver.js"
import * as Synchronous from "./internal/synchronous.js"
import * as KyselyDirectory from "./KyselyDirectory.js"

/**
 * Where the SQLite database is (`:memory:` for a private in-memory one) and whether to migrate it on opening.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly filename: string
  readonly migrate?: boolean
  readonly prefix?: string
  /** Open the file read-only (see `open`): the schema is then checked, never migrated. */
  readonly readonly?: boolean
}

/**
 * How to open the file: `readonly` opens an existing database for reading only, creating and writing nothing (a file
 * that does not exist is an error; an in-memory database ignores it).
 *
 * @category models
 * @since 0.1.0
 */
export interface OpenOptions {
  readonly readonly?: boolean
}

/**
 * Opens (creating file and folders if missing) an SQLite database with WAL, a busy timeout and foreign keys on. It
 * holds password hashes, so what it creates is private: folders 0700, the file 0600 (SQLite gives its -wal and -shm
 * files the database file's mode); an existing file that others may read is logged as a warning. With `readonly`, an
 * existing file is opened for reading only: no folder or file is made, no journal mode set, nothing written; what keeps
 * SQLite from reading it that way (a missing file, a permission) is one sentence naming it.
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (
  filename: string,
  options: OpenOptions = {}
  // biome-ignore lint/suspicious/noExplicitAny: the manager's view of the database is untyped until the plugin
): Effect.Effect<Kysely<any>, StorageError> =>
  Effect.try({
    try: () => {
      const readonly = options.readonly === true && filename !== ":memory:"
      const exposed = filename === ":memory:" || readonly ? undefined : createPrivately(filename)
      const Database = Driver.load<typeof SqliteDatabase>("sqlite")
      const database = readonly ? openReadOnly(Database, filename) : new Database(filename)
      if (filename !== ":memory:" && !readonly) database.pragma("journal_mode = WAL")
      database.pragma("busy_timeout = 5000")
      database.pragma("foreign_keys = ON")
      database.pragma("synchronous = NORMAL")
      const cached = withStatementCache(database)
      // Statements whose rows come as arrays of values: better-sqlite3 makes no object a row, which a listing
      // would otherwise pay on every row.
      const arrays = withStatementCache(database, (statement) => statement.raw(true))
      // The directory runs its transactions on the database directly, in one synchronous step each (see
      // KyselyDirectory); migrations, and whatever else uses the Kysely instance, go through Kysely's executor.
      const db = Synchronous.register(new Kysely({ dialect: new SqliteDialect({ database: cached }) }), {
        execute: <R>({ sql, parameters }: CompiledQuery<R>): QueryResult<R> => {
          const statement = cached.prepare(sql)
          if (statement.reader) return { rows: statement.all(parameters) as Array<R> }
          const { changes } = statement.run(parameters)
          return { rows: [], numAffectedRows: BigInt(changes) }
        },
        values: ({ sql, parameters }) => arrays.prepare(sql).all(parameters) as Array<Array<unknown>>
      })
      return { db, exposed: readonly ? exposedMode(filename) : exposed }
    },
    catch: Driver.openFailure(`cannot open the SQLite database '${filename}'`)
  }).pipe(
    Effect.tap(({ exposed }) =>
      exposed === undefined
        ? Effect.void
        : Effect.logWarning(
            `The SQLite database '${filename}' holds password hashes and other users of this machine can read it (mode ${exposed}): make it private with 'chmod 600 ${filename}', and its -wal and -shm files likewise.`
          )
    ),
    Effect.map(({ db }) => db)
  )

/**
 * Creates the database's missing folders 0700 and a missing database file 0600, whatever the umask (which can only
 * take permissions away); returns the mode of an existing file that its group or others may read.
 */
const createPrivately = (filename: string): string | undefined => {
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 })
  let fd: number
  try {
    fd = openSync(filename, "wx", 0o600)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause
    return exposedMode(filename)
  }
  try {
    fchmodSync(fd, 0o600)
  } finally {
    closeSync(fd)
  }
  return undefined
}

/** The mode of a database file that its group or others may read (else undefined). */
const exposedMode = (filename: string): string | undefined => {
  const mode = statSync(filename).mode & 0o777
  return (mode & 0o044) === 0 ? undefined : mode.toString(8).padStart(4, "0")
}

/**
 * Opens an existing database file for reading only. SQLite opens the file, and a WAL database's -wal and -shm files,
 * only at the first read: one read here tells at once whether reading works, and if not, what keeps it from working.
 */
const openReadOnly = (Database: typeof SqliteDatabase, filename: string): SqliteDatabase.Database => {
  let database: SqliteDatabase.Database | undefined
  try {
    database = new Database(filename, { readonly: true, fileMustExist: true })
    database.prepare("select count(*) from sqlite_master").get()
    return database
  } catch (cause) {
    database?.close()
    throw new StorageError({
      reason: `cannot read the SQLite database '${filename}': ${whyUnreadable(filename, cause)}`,
      cause
    })
  }
}

/**
 * What keeps this process from reading a database file, in words: the file is missing, or the permission it lacks. A WAL
 * database is read with its -wal and -shm files: SQLite creates them beside it when they are missing (which needs write
 * permission on the folder), and reads them when they are there.
 */
const whyUnreadable = (filename: string, cause: unknown): string => {
  const folder = dirname(filename)
  if ((cause as { code?: unknown }).code === "SQLITE_READONLY_DIRECTORY") {
    return `it is in WAL mode, read through its -wal and -shm files, which are missing, and this user has no write permission on the folder '${folder}' to create them`
  }
  const lacks = (path: string, mode: number) => {
    try {
      accessSync(path, mode)
      return undefined
    } catch (error) {
      return (error as NodeJS.ErrnoException).code
    }
  }
  switch (lacks(filename, constants.F_OK)) {
    case undefined:
      break
    case "ENOENT":
    case "ENOTDIR":
      return "the file does not exist"
    default:
      return `this user cannot reach the folder '${folder}' (no search permission on it or on a folder above it)`
  }
  if (lacks(filename, constants.R_OK)) return "this user has no read permission on the file"
  for (const companion of [`${filename}-wal`, `${filename}-shm`]) {
    if (existsSync(companion) && lacks(companion, constants.R_OK)) {
      return `this user has no read permission on '${companion}'`
    }
  }
  return cause instanceof Error ? cause.message : String(cause)
}

/** How many prepared statements an SQLite connection keeps for reuse: up to twice this many. */
const STATEMENT_CACHE_GENERATION = 128

/**
 * The database with its prepared statements kept for reuse. Kysely prepares every query it runs, and preparing costs
 * more than running a point lookup; the manager's queries repeat with new parameters, so their SQL text is a good key.
 * Two generations approximate least-recently-used at the cost of one lookup a hit: a statement is kept in the recent
 * generation; when that fills up it becomes the older one (whose statements are dropped unless used again before the
 * next turn) and a new one starts. `prepared` sets up each statement it prepares (to return rows as arrays).
 */
const withStatementCache = (
  database: SqliteDatabase.Database,
  prepared: (statement: SqliteDatabase.Statement) => SqliteDatabase.Statement = (statement) => statement
) => {
  let recent = new Map<string, SqliteDatabase.Statement>()
  let older = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      const hit = recent.get(sql)
      if (hit !== undefined) return hit
      const statement = older.get(sql) ?? prepared(database.prepare(sql))
      if (recent.size >= STATEMENT_CACHE_GENERATION) {
        older = recent
        recent = new Map()
      }
      recent.set(sql, statement)
      return statement
    }
  }
}

/**
 * The directory in an SQLite database, closed when the layer is released (read-only with `readonly`: then only reads
 * succeed).
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> =>
  KyselyDirectory.scoped(open(options.filename, { readonly: options.readonly === true }), {
    engine: "sqlite",
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    migrate: options.readonly === true ? false : (options.migrate ?? true)
  })
