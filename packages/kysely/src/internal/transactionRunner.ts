/**
 * The transaction runners: each operation of the port in one transaction on one connection (synchronously on the
 * SQLite database the adapter opened, on a connection of Kysely's driver on any other), retried when it lost a race.
 */
import type { DirectoryTransaction } from "@user-manager/core/Directory"
import { StorageError } from "@user-manager/core/Errors"
import * as TransactionBody from "@user-manager/core/TransactionBody"
import { Cause, Duration, Effect, Exit, Option, Runtime } from "effect"
import { type CompiledQuery, type Kysely, type QueryResult, sql } from "kysely"
import type { EngineSql, Failure } from "./engines.js"
import type { Database } from "./schema.js"
import { compiled, type Query } from "./statementCache.js"
import * as Synchronous from "./synchronous.js"

/** Runs one statement of a transaction. */
export type Execute = <R>(query: Query<R>) => Effect.Effect<QueryResult<R>, StorageError>

/** Runs one query of a transaction for its rows as arrays of their columns' values, in the query's order. */
export type ValueRows = (
  query: CompiledQuery<unknown>
) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, StorageError>

/** The transaction's operations over the statements it runs, for a reader or a writer. */
export type MakeTransaction = (execute: Execute, valueRows: ValueRows, mode: "read" | "write") => DirectoryTransaction

/** A driver failure, remembering what kind it was so that the transaction runner can retry lost races. */
class DriverFailure {
  constructor(
    readonly kind: Failure,
    readonly error: unknown
  ) {}
}

const failureKind = (error: StorageError): Failure | undefined =>
  error.cause instanceof DriverFailure ? error.cause.kind : undefined

const describe = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  return message.split("\n")[0] ?? "unknown error"
}

/**
 * The runner of a store's transactions on `db` (the manager's view, prefixed) over `host` (the Kysely instance the
 * store was given, which may be an SQLite database the adapter opened to run synchronously).
 */
export const transactionRunner = (options: {
  readonly db: Kysely<Database>
  // biome-ignore lint/suspicious/noExplicitAny: any host database
  readonly host: Kysely<any>
  readonly engine: EngineSql
  readonly maxAttempts: number
  readonly transaction: MakeTransaction
}) => {
  const { db, engine, maxAttempts, transaction } = options
  const beginWrite = engine.beginWrite.map((statement) => statement.compile(db))
  const beginRead = engine.beginRead.map((statement) => statement.compile(db))
  const commit = sql`commit`.compile(db)
  const rollback = sql`rollback`.compile(db)
  // The SQLite database the adapter opened runs its transactions synchronously; any other on a driver's connection.
  const synchronous = Synchronous.of(options.host)
  const failed = (error: unknown) =>
    new StorageError({ reason: describe(error), cause: new DriverFailure(engine.classify(error), error) })

  /**
   * Runs `body` in one transaction on one connection; commits only when it succeeds and `commit` is asked for.
   * A lost race (deadlock, serialization failure, unique-constraint race, busy database) rolls back and runs the
   * body again, so that the rules see the winner's data and answer with the domain error.
   */
  const runTransaction = <A, E>(
    mode: "read" | "write",
    body: (tx: DirectoryTransaction) => Effect.Effect<A, E>,
    completion: "commit" | "rollback"
  ): Effect.Effect<A, E | StorageError> =>
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<never>()
      const begin = mode === "write" ? beginWrite : beginRead
      const commits = (exit: Exit.Exit<A, E | StorageError>) =>
        Exit.isSuccess(exit) && mode === "write" && completion === "commit"
      const once: Effect.Effect<A, E | StorageError> =
        synchronous === undefined
          ? Effect.tryPromise({
              // The driver's connection itself: the statements are compiled already and the store's plugins leave
              // results as they are, so Kysely's executor (a connection provider and a result pass a statement) would
              // only add its own steps to each.
              try: () =>
                db.getExecutor().provideConnection(async (conn) => {
                  for (const statement of begin) await conn.executeQuery(statement)
                  // How many statements are running: the body may wait only on them (see TransactionBody).
                  let running = 0
                  const execute: Execute = <R>(query: Query<R>) =>
                    Effect.tryPromise({
                      try: () => {
                        running++
                        return conn.executeQuery<R>(compiled(query)).finally(() => {
                          running--
                        })
                      },
                      catch: failed
                    })
                  const valueRows: ValueRows = (query) =>
                    Effect.map(execute(query), (result) => result.rows.map((row) => Object.values(row as object)))
                  let exit: Exit.Exit<A, E | StorageError>
                  try {
                    exit = await Runtime.runPromiseExit(runtime)(
                      TransactionBody.guarded(body(transaction(execute, valueRows, mode)), () => running > 0)
                    )
                  } catch (error) {
                    await conn.executeQuery(rollback).catch(() => undefined)
                    throw error
                  }
                  await conn.executeQuery(commits(exit) ? commit : rollback)
                  return exit
                }),
              catch: failed
            }).pipe(Effect.flatten)
          : Effect.suspend((): Effect.Effect<A, E | StorageError> => {
              // BEGIN, the body and COMMIT in one synchronous step (a body that would wait is refused, rolled back).
              const execute: Execute = (query) =>
                Effect.try({ try: () => synchronous.execute(compiled(query)), catch: failed })
              const valueRows: ValueRows = (query) =>
                Effect.try({ try: () => synchronous.values(query), catch: failed })
              try {
                for (const statement of begin) synchronous.execute(statement)
              } catch (error) {
                return Effect.fail(failed(error))
              }
              const exit = TransactionBody.runSynchronously(runtime, body(transaction(execute, valueRows, mode)))
              try {
                synchronous.execute(commits(exit) ? commit : rollback)
              } catch (error) {
                // A COMMIT that failed (a busy database) leaves the transaction open.
                try {
                  synchronous.execute(rollback)
                } catch {}
                return Effect.fail(failed(error))
              }
              return exit
            })

      let attempt = 1
      while (true) {
        const exit = yield* Effect.exit(once)
        if (Exit.isSuccess(exit)) return exit.value
        const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
        const kind = failure instanceof StorageError ? failureKind(failure) : undefined
        if (kind === undefined || kind === "fatal" || attempt >= maxAttempts) {
          if (kind !== undefined && kind !== "fatal") {
            return yield* new StorageError({
              reason: `the change kept colliding with concurrent changes (${attempt} attempts); try again`,
              cause: failure
            })
          }
          return yield* exit
        }
        attempt++
        // Exponential back-off with jitter, capped, so that colliding writers spread out instead of colliding again.
        yield* Effect.sleep(Duration.millis(Math.random() * Math.min(200, 2 ** attempt)))
      }
    })
  return runTransaction
}
