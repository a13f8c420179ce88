import type { CompiledQuery, Kysely, QueryResult } from "kysely"

/**
 * A database whose driver answers synchronously (better-sqlite3), reachable beside the Kysely instance that wraps it.
 * A transaction on it runs from BEGIN to COMMIT in one synchronous step: no other statement can come between, and
 * none of Kysely's promise-based executor, its connection lock or a fiber for the body is needed.
 */
export interface SynchronousDatabase {
  readonly execute: <R>(query: CompiledQuery<R>) => QueryResult<R>
  /** The rows of a query as arrays of their columns' values, in the query's order (no object a row). */
  readonly values: (query: CompiledQuery<unknown>) => ReadonlyArray<ReadonlyArray<unknown>>
}

// biome-ignore lint/suspicious/noExplicitAny: any database
const registry = new WeakMap<Kysely<any>, SynchronousDatabase>()

/** Remembers that `db` (as the adapter opened it) wraps `database`. */
// biome-ignore lint/suspicious/noExplicitAny: any database
export const register = <DB extends Kysely<any>>(db: DB, database: SynchronousDatabase): DB => {
  registry.set(db, database)
  return db
}

/** The synchronous database `db` wraps, when the adapter opened it (not for a host's own Kysely instance). */
// biome-ignore lint/suspicious/noExplicitAny: any database
export const of = (db: Kysely<any>): SynchronousDatabase | undefined => registry.get(db)
