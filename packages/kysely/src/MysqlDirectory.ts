/**
 * The directory in MySQL or MariaDB, through a `mysql2` connection pool.
 *
 * @since 0.1.0
 */
import type { Directory } from "@user-manager/core/Directory"
import type { StorageError } from "@user-manager/core/Errors"
import { Effect, type Layer } from "effect"
import { Kysely, MysqlDialect } from "kysely"
import type * as Mysql from "mysql2"
import * as Driver from "./internal/driver.js"
import * as MysqlPool from "./internal/mysqlPool.js"
import { withPoolUse } from "./internal/poolUse.js"
import * as KyselyDirectory from "./KyselyDirectory.js"
import * as Timeouts from "./Timeouts.js"

/**
 * The server's URL (`mysql://user:password@host:3306/database`), the pool size, whether to migrate on opening, and how
 * long to wait for the server (`Timeouts`, each defaulted).
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
}

/**
 * A Kysely instance over a `mysql2` pool that gives up on a server that does not answer (`Timeouts`). Throws a
 * `StorageError` when the `mysql2` package is not installed.
 *
 * @category constructors
 * @since 0.1.0
 */
// biome-ignore lint/suspicious/noExplicitAny: the manager's view of the database is untyped until the plugin
export const open = (options: Pick<Options, "url" | "poolSize" | "timeouts">): Kysely<any> => {
  const pool = MysqlPool.make(Driver.load<typeof Mysql>("mysql"), {
    url: options.url,
    poolSize: options.poolSize ?? 10,
    timeouts: Timeouts.resolve(options.timeouts)
  })
  return withPoolUse(new Kysely({ dialect: new MysqlDialect({ pool }) }), pool.use)
}

/**
 * The directory in MySQL/MariaDB, its pool closed when the layer is released.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> =>
  KyselyDirectory.scoped(
    Effect.try({
      try: () => open(options),
      catch: Driver.openFailure("cannot open the MySQL/MariaDB connection pool")
    }),
    {
      engine: "mysql",
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      migrate: options.migrate ?? true
    }
  )
