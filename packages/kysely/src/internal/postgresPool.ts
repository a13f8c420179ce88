import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely"
import type pg from "pg"
import type { Timeouts } from "../Timeouts.js"
import { DatabaseTimeout, deadline, Gate, statementLimit } from "./deadline.js"
import type { PoolUse } from "./poolUse.js"
import { preparedName } from "./statementCache.js"

/** `pg`'s own errors for a connection that took longer than `connectionTimeoutMillis` (pg-pool's and the client's). */
const connectTimedOut = (error: unknown) =>
  error instanceof Error &&
  /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout|timeout expired)$/.test(
    error.message
  )

/** PostgreSQL's `query_canceled`: the server's own `statement_timeout` passed (the server still answers). */
const statementTimedOut = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "57014"

/**
 * A `pg` pool that gives up on a server that does not answer (see `Timeouts`): opening a connection is bounded by
 * `pg`'s `connectionTimeoutMillis`; the wait for a free connection by a `Gate`; each statement by a timer, here, and by
 * the server's `statement_timeout`. A connection whose statement timed out is destroyed when it is released, and
 * closing the pool destroys the connections still opening or in use (a frozen server would never let them end).
 */
export const make = (
  Pg: typeof pg,
  options: {
    readonly url: string
    readonly poolSize: number
    readonly timeouts: Timeouts
    /** Whether the lookups listed by `planOnce` are prepared on each connection (named statements). */
    readonly prepare: boolean
  }
): PostgresPool & { readonly use: () => PoolUse } => {
  const { connectMs, acquireMs, statementMs } = options.timeouts
  /** The clients the pool made and that have not ended, and which of them finished connecting. */
  const made = new Set<pg.Client>()
  const connected = new WeakSet<pg.Client>()
  class Client extends Pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config)
      made.add(this)
      this.once("connect", () => connected.add(this))
      this.once("end", () => made.delete(this))
      // A connection that breaks between two statements fails the next one; it must not crash the host.
      this.on("error", () => undefined)
    }
  }
  const pool = new Pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: connectMs,
    statement_timeout: statementMs,
    Client: Client as unknown as new () => pg.ClientBase
  })
  // An idle connection the server closes (restart, admin shutdown) must not crash the host; the pool replaces it.
  pool.on("error", () => undefined)
  const gate = new Gate(options.poolSize, acquireMs)
  const lent = new Set<Lent>()

  class Lent implements PostgresPoolClient {
    /** Why the connection cannot be used any more: its statement timed out. */
    private broken: Error | undefined
    private released = false
    /**
     * The server's statement timeout on this connection when raised for long statements (`allowingLongStatements`):
     * the connection then goes back to the pool destroyed, not with the raised timeout.
     */
    private raised: number | undefined

    constructor(readonly client: pg.PoolClient) {}

    query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
    query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
    query<R>(
      query: string | PostgresCursor<R>,
      parameters?: ReadonlyArray<unknown>
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof query !== "string") return this.client.query(query as never) as PostgresCursor<R>
      if (this.broken !== undefined) return Promise.reject(this.broken)
      // A lookup is prepared on this connection the first time it runs (pg parses it under its name), then bound to
      // its new values each time, without being planned again.
      const name = options.prepare ? preparedName(query) : undefined
      const limit = statementLimit(statementMs)
      // Long statements allowed: the server is told too (it cancels a statement past `statement_timeout` itself).
      if (limit > statementMs && this.raised !== limit) {
        this.raised = limit
        void this.client.query(`set statement_timeout = ${limit}`).catch(() => undefined)
      }
      // pg sends a connection's queries in turn: the query goes after the `set`.
      const answer = (name === undefined
        ? this.client.query(query, parameters as Array<unknown>)
        : this.client.query({ name, text: query, values: parameters as Array<unknown> })) as unknown as Promise<
        PostgresQueryResult<R>
      >
      return deadline(answer, limit, () => {
        this.broken = new DatabaseTimeout(limit)
      }).catch((error: unknown) => {
        throw statementTimedOut(error) ? new DatabaseTimeout(limit) : error
      })
    }

    release(destroy?: boolean): void {
      if (this.released) return
      this.released = true
      lent.delete(this)
      // Ending a client whose statement is still unanswered destroys its socket (pg's Client.end).
      this.client.release(this.broken ?? (destroy === true || this.raised !== undefined))
      gate.leave()
    }

    /** Gives the connection back destroyed, whatever it is doing. */
    destroy(): void {
      this.broken ??= new Error("the connection pool is closed")
      this.release()
      this.client.connection.stream.destroy()
    }
  }

  return {
    use: () => gate.use(),
    connect: async () => {
      await gate.enter()
      try {
        const client = new Lent(await pool.connect())
        lent.add(client)
        return client
      } catch (error) {
        gate.leave()
        throw connectTimedOut(error) ? new DatabaseTimeout(connectMs, "connecting") : error
      }
    },
    end: async () => {
      gate.close()
      for (const client of lent) client.destroy()
      for (const client of made) if (!connected.has(client)) client.connection.stream.destroy()
      await pool.end()
    }
  }
}
