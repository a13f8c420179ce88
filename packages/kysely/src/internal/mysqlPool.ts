import type { Duplex } from "node:stream"
import type { MysqlPool, MysqlPoolConnection, MysqlQueryResult, MysqlStream, MysqlStreamOptions } from "kysely"
import type * as Mysql from "mysql2"
import type { Timeouts } from "../Timeouts.js"
import { DatabaseTimeout, Gate, statementLimit } from "./deadline.js"
import type { PoolUse } from "./poolUse.js"

type Callback = (error: unknown, result: MysqlQueryResult) => void

/**
 * Closes a connection's socket at once, which fails what waits on it (mysql2's `destroy` only half-closes it);
 * resolves once it is closed (mysql2 has then taken a broken connection out of its pool).
 */
const closeSocket = (connection: Mysql.PoolConnection) =>
  new Promise<void>((resolve) => {
    const stream = (connection as unknown as { stream?: Duplex }).stream
    if (stream === undefined || stream.destroyed) return resolve()
    stream.once("close", () => resolve())
    stream.destroy()
  })

/** Takes a connection out of the pool and closes its socket at once. */
const destroy = (connection: Mysql.PoolConnection) => {
  connection.destroy()
  closeSocket(connection)
}

/** The pool's connections that are still opening: neither idle nor lent (mysql2's own lists, read only here). */
const opening = (pool: Mysql.Pool, lent: ReadonlySet<Mysql.PoolConnection>) => {
  type List = { toArray?: () => Array<Mysql.PoolConnection> } | undefined
  const lists = pool as unknown as { _allConnections?: List; _freeConnections?: List }
  const idle = new Set(lists._freeConnections?.toArray?.() ?? [])
  return (lists._allConnections?.toArray?.() ?? []).filter(
    (connection) => !idle.has(connection) && !lent.has(connection)
  )
}

/**
 * A `mysql2` pool that gives up on a server that does not answer (see `Timeouts`): opening a connection is bounded by
 * mysql2's `connectTimeout`; the wait for a free connection by a `Gate` (mysql2 has no such timeout); each statement by
 * a timer, here (MySQL and MariaDB have no one server-side timeout for every statement). A connection whose statement
 * timed out is destroyed, and closing the pool destroys the connections still opening or in use.
 */
export const make = (
  driver: typeof Mysql,
  options: { readonly url: string; readonly poolSize: number; readonly timeouts: Timeouts }
): MysqlPool & { readonly use: () => PoolUse } => {
  const { connectMs, acquireMs, statementMs } = options.timeouts
  const pool = driver.createPool({
    uri: options.url,
    connectionLimit: options.poolSize,
    connectTimeout: connectMs,
    supportBigNumbers: true
  })
  const gate = new Gate(options.poolSize, acquireMs)
  const lent = new Map<Mysql.PoolConnection, Lent>()

  class Lent implements MysqlPoolConnection {
    /** Why the connection cannot be used any more: its statement timed out. */
    private broken: Error | undefined
    private released = false

    constructor(readonly connection: Mysql.PoolConnection) {}

    query(sql: string, parameters: Array<unknown>): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> }
    query(sql: string, parameters: Array<unknown>, callback: Callback): void
    query(
      sql: string,
      parameters: Array<unknown>,
      callback?: Callback
    ): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | undefined {
      if (callback === undefined) return this.connection.query(sql, parameters) as never
      const broken = this.broken
      if (broken !== undefined) {
        process.nextTick(() => callback(broken, []))
        return
      }
      let answered = false
      const limit = statementLimit(statementMs)
      const timer = setTimeout(() => {
        answered = true
        this.broken = new DatabaseTimeout(limit)
        callback(this.broken, [])
      }, limit)
      this.connection.query(sql, parameters, (error, result) => {
        if (answered) return
        clearTimeout(timer)
        callback(error, result as MysqlQueryResult)
      })
      return
    }

    release(): void {
      if (this.released) return
      this.released = true
      lent.delete(this.connection)
      if (this.broken === undefined) this.connection.release()
      else destroy(this.connection)
      gate.leave()
    }

    /** Gives the connection back destroyed, whatever it is doing. */
    destroy(): void {
      this.broken ??= new Error("the connection pool is closed")
      this.release()
    }
  }

  return {
    use: () => gate.use(),
    getConnection: (callback) => {
      gate.enter().then(
        () =>
          pool.getConnection((error, connection) => {
            if (error) {
              gate.leave()
              const timedOut = (error as { code?: unknown }).code === "ETIMEDOUT"
              return callback(timedOut ? new DatabaseTimeout(connectMs, "connecting") : error, undefined as never)
            }
            const client = new Lent(connection)
            lent.set(connection, client)
            callback(undefined, client)
          }),
        (error: unknown) => callback(error, undefined as never)
      )
    },
    end: (callback) => {
      gate.close()
      for (const client of lent.values()) client.destroy()
      // Not mysql2's destroy: it would leave the connection's opening waiting forever instead of failing it.
      Promise.all(opening(pool, new Set(lent.keys())).map(closeSocket)).then(() => pool.end(callback))
    }
  }
}
