/**
 * The directory in PostgreSQL, through a `pg` connection pool.
 *
 * @since 0.1.0
 */
import type { Directory } from "@user-manager/core/Directory"
import type { StorageError } from "@user-manager/core/Errors"
import { Effect, type Layer } from "effect"
import { Kysely, PostgresDialect } from "kysely"
import type pg from "pg"
import * as Driver from "./internal/driver.js"
import { withPoolUse } from "./internal/poolUse.js"
import * as PostgresPool from "./internal/postgresPool.js"
import * as KyselyDirectory from "./KyselyDirectory.js"
import * as Timeouts from "./Timeouts.js"

/**
 * The server's URL (`postgres://user@host:5432/database`), the pool size, whether to migrate on opening, how long
 * to wait for the server (`Timeouts`, each defaulted), and whether to prepare the lookups every operation runs.
 *
 * `preparedStatements` (default `true`): the lookups by key each operation runs (the settings, the signed-in user,
 * a group's row) are prepared once on each connection and not planned again (planning one on `users` costs more than
 * running it). Set it to `false` behind a pooler that cannot keep a connection's prepared statements (PgBouncer in
 * transaction mode before 1.21, or with `max_prepared_statements = 0`).
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly url: string
  readonly poolSize?: number
  readonly migrate?: boolean
  readonly prefix?: string
  readonly timeouts?: Partial<Timeouts.Timeouts>
  readonly preparedStatements?: boolean
}

/**
 * A Kysely instance over a `pg` pool that gives up on a server that does not answer (`Timeouts`). Throws a
 * `StorageError` when the `pg` package is not installed.
 *
 * @category constructors
 * @since 0.1.0
 */
// biome-ignore lint/suspicious/noExplicitAny: the manager's view of the database is untyped until the plugin
export const open = (options: Pick<Options, "url" | "poolSize" | "timeouts" | "preparedStatements">): Kysely<any> => {
  const pool = PostgresPool.make(Driver.load<typeof pg>("postgres"), {
    url: options.url,
    poolSize: options.poolSize ?? 10,
    timeouts: Timeouts.resolve(options.timeouts),
    prepare: options.preparedStatements ?? true
  })
  return withPoolUse(new Kysely({ dialect: new PostgresDialect({ pool }) }), pool.use)
}

/**
 * The directory in PostgreSQL, its pool closed when the layer is released.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> =>
  KyselyDirectory.scoped(
    Effect.try({ try: () => open(options), catch: Driver.openFailure("cannot open the PostgreSQL connection pool") }),
    {
      engine: "postgres",
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      migrate: options.migrate ?? true
    }
  )
