/**
 * The directory in MySQL or MariaDB, through a `mysql2` connection pool.
 *
 * @since 0.1.0
 */
import type { Directory } from "@dt/core/Directory"
import type { StorageError } from "@dt/core/Errors"
import { Effect, type Layer } from "effect"
import { Kysely, MysqlDialect } from "kysely"
import { createPool } from "mysql2"
import * as KyselyDirectory from "./KyselyDirectory.js"

/**
 * The server's URL (`mysql://user:password@host:3306/database`), the pool size, and whether to migrate on opening.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly url: string
  readonly poolSize?: number
  readonly migrate?: boolean
  readonly prefix?: string
}

/**
 * A Kysely instance over a `mysql2` pool.
 *
 * @category constructors
 * @since 0.1.0
 */
// biome-ignore lint/suspicious/noExplicitAny: the manager's view of the database is untyped until the plugin
export const open = (options: Pick<Options, "url" | "poolSize">): Kysely<any> =>
  new Kysely({
    dialect: new MysqlDialect({
      pool: createPool({ uri: options.url, connectionLimit: options.poolSize ?? 10, supportBigNumbers: true })
    })
  })

/**
 * The directory in MySQL/MariaDB, its pool closed when the layer is released.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> =>
  KyselyDirectory.scoped(
    Effect.sync(() => open(options)),
    {
      engine: "mysql",
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      migrate: options.migrate ?? true
    }
  )
