/**
 * Picks the store from a `DT_DATABASE_URL`-style URL: `sqlite:PATH`, `sqlite::memory:`, `postgres://…`,
 * `postgresql://…`, `mysql://…`.
 *
 * @since 0.1.0
 */
import type { Directory } from "@user-manager/core/Directory"
import { InvalidInput, type StorageError } from "@user-manager/core/Errors"
import { Effect, Layer } from "effect"
import type { Kysely } from "kysely"
import { openFailure } from "./internal/driver.js"
import { type PoolUse, poolUseOf } from "./internal/poolUse.js"
import * as SqliteDirectory from "./SqliteDirectory.js"
import type { Timeouts } from "./Timeouts.js"

// The PostgreSQL and MySQL drivers load only when a URL names them, so that the embedded default starts fast.
const postgres = () => Effect.promise(() => import("./PostgresDirectory.js"))
const mysql = () => Effect.promise(() => import("./MysqlDirectory.js"))

/**
 * A parsed database URL.
 *
 * @category models
 * @since 0.1.0
 */
export type DatabaseUrl =
  | { readonly engine: "sqlite"; readonly filename: string }
  | { readonly engine: "postgres"; readonly url: string }
  | { readonly engine: "mysql"; readonly url: string }

/**
 * Parses a database URL, or says in one sentence which forms are understood.
 *
 * @category parsing
 * @since 0.1.0
 */
export const parse = (text: string): Effect.Effect<DatabaseUrl, InvalidInput> => {
  const value = text.trim()
  if (value.startsWith("sqlite:")) {
    const filename = value.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "")
    if (filename === "") return invalid(text, "it names no file (write sqlite:PATH or sqlite::memory:)")
    return Effect.succeed({ engine: "sqlite", filename })
  }
  if (/^postgres(ql)?:\/\/./.test(value)) return Effect.succeed({ engine: "postgres", url: value })
  if (/^mysql:\/\/./.test(value)) return Effect.succeed({ engine: "mysql", url: value })
  return invalid(text, "use sqlite:PATH, sqlite::memory:, postgres://…, postgresql://… or mysql://…")
}

const invalid = (text: string, reason: string) =>
  new InvalidInput({ field: "database URL", reason: `'${redactPassword(text)}' is not understood: ${reason}` })

/**
 * The URL with any password replaced by `***`, for messages.
 *
 * @category parsing
 * @since 0.1.0
 */
export const redactPassword = (text: string): string => text.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@")

/**
 * Opens the database a URL names (without touching its schema), for tools that inspect or migrate it first; a
 * PostgreSQL or MySQL server is waited for at most `timeouts` (each defaulted; SQLite never waits on a server);
 * `readonly` opens an SQLite file for reading only, creating and writing nothing (see `SqliteDirectory.open`);
 * `poolSize` is a server's most connections (default 10).
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = (
  url: DatabaseUrl,
  options: {
    readonly timeouts?: Partial<Timeouts>
    readonly readonly?: boolean
    readonly poolSize?: number
    readonly preparedStatements?: boolean
  } = {}
) => {
  const server = {
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize })
  }
  switch (url.engine) {
    case "sqlite":
      return SqliteDirectory.open(url.filename, { readonly: options.readonly === true })
    case "postgres":
      return openPool(
        postgres,
        {
          url: url.url,
          ...server,
          ...(options.preparedStatements === undefined ? {} : { preparedStatements: options.preparedStatements })
        },
        "PostgreSQL"
      )
    case "mysql":
      return openPool(mysql, { url: url.url, ...server }, "MySQL/MariaDB")
  }
}

/**
 * How many connections a pool may hold, how many are lent out, and how many callers wait for one.
 *
 * @category models
 * @since 0.1.0
 */
export type { PoolUse }

/**
 * How to read the use of the connection pool under a database `open` returned (PostgreSQL, MySQL), for metrics;
 * `undefined` for SQLite, which has one connection and no pool.
 *
 * @category metrics
 * @since 0.1.0
 */
// biome-ignore lint/suspicious/noExplicitAny: any database `open` returns, whatever its tables
export const poolUse = (db: Kysely<any>): (() => PoolUse) | undefined => poolUseOf(db)

type PoolOptions = {
  readonly url: string
  readonly timeouts?: Partial<Timeouts>
  readonly poolSize?: number
  readonly preparedStatements?: boolean
}

/** Opens a server's connection pool with the driver module `load` brings in (loaded only when its engine is named). */
const openPool = <A>(
  load: () => Effect.Effect<{ readonly open: (options: PoolOptions) => A }>,
  options: PoolOptions,
  server: string
) =>
  load().pipe(
    Effect.flatMap((module) =>
      Effect.try({ try: () => module.open(options), catch: openFailure(`cannot open the ${server} connection pool`) })
    )
  )

/**
 * What `layer` takes besides the URL: whether to migrate (default true), the tables' prefix, how long to wait on a
 * server, and whether PostgreSQL prepares its lookups.
 *
 * @category models
 * @since 0.1.0
 */
export type LayerOptions = {
  readonly migrate?: boolean
  readonly prefix?: string
  readonly timeouts?: Partial<Timeouts>
  /** PostgreSQL: whether to prepare the lookups every operation runs (`PostgresDirectory.Options`; default true). */
  readonly preparedStatements?: boolean
}

/** The options but PostgreSQL's own. */
const withoutPrepared = ({ preparedStatements: _, ...options }: LayerOptions) => options

/**
 * The store a URL names, migrated on opening unless `migrate` is false; a PostgreSQL or MySQL server is waited for at
 * most `timeouts`. The URL is a parsed one, or its text (`"sqlite:users.db"`), which a layer that cannot understand it
 * refuses with `parse`'s `InvalidInput`.
 *
 * @category layers
 * @since 0.1.0
 */
export function layer(url: DatabaseUrl, options?: LayerOptions): Layer.Layer<Directory, StorageError>
export function layer(url: string, options?: LayerOptions): Layer.Layer<Directory, StorageError | InvalidInput>
export function layer(
  url: DatabaseUrl | string,
  options: LayerOptions = {}
): Layer.Layer<Directory, StorageError | InvalidInput> {
  if (typeof url === "string") return Layer.unwrapEffect(Effect.map(parse(url), (parsed) => layer(parsed, options)))
  switch (url.engine) {
    case "sqlite":
      return SqliteDirectory.layer({ filename: url.filename, ...withoutPrepared(options) })
    case "postgres":
      return Layer.unwrapEffect(postgres().pipe(Effect.map((module) => module.layer({ url: url.url, ...options }))))
    case "mysql":
      return Layer.unwrapEffect(
        mysql().pipe(Effect.map((module) => module.layer({ url: url.url, ...withoutPrepared(options) })))
      )
  }
}
