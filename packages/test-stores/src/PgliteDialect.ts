import type { PGlite } from "@electric-sql/pglite"
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult
} from "kysely"

/**
 * Kysely over PGlite (PostgreSQL compiled to WASM): one connection, handed to one user at a time, and the event loop
 * turns before each query.
 */
export class PgliteDialect implements Dialect {
  constructor(readonly pglite: PGlite) {}

  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PgliteDriver(this.pglite)
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's signature
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
}

class PgliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve()
  readonly #connection: DatabaseConnection

  constructor(readonly pglite: PGlite) {
    this.#connection = {
      executeQuery: async <R>(compiled: CompiledQuery): Promise<QueryResult<R>> => {
        // PGlite runs in this thread and answers through promises alone: without a turn of the event loop before each
        // query, a long run of them would keep the test worker from reading Vitest's replies (see run.ts).
        await new Promise<void>((resolve) => setImmediate(resolve))
        const result = await pglite.query<R>(compiled.sql, [...compiled.parameters], { rowMode: "object" })
        return result.affectedRows === undefined
          ? { rows: result.rows }
          : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) }
      },
      streamQuery: () => {
        throw new Error("PGlite does not stream")
      }
    }
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release: () => void = () => undefined
    const previous = this.#queue
    this.#queue = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    this.#releases.push(release)
    return this.#connection
  }

  readonly #releases: Array<() => void> = []

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("begin"))
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("commit"))
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("rollback"))
  }
  async releaseConnection() {
    this.#releases.shift()?.()
  }
  async destroy() {}
}
