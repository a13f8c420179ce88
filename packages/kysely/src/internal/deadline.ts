/** What the PostgreSQL and MySQL pools share to give up on a server that does not answer (see `Timeouts`). */
import { AsyncLocalStorage } from "node:async_hooks"

/**
 * How long one statement of a schema migration may take: an index built or a table rewritten over a million users
 * takes tens of seconds (the index of characters and pairs: 39 s at 1,000,000 users, one partition a statement), ten
 * million ten times as long, while the store's statement timeout (30 s by default) is sized for the directory's own
 * statements. An hour still ends a migration on a server that stopped answering.
 */
export const MIGRATION_STATEMENT_MS = 60 * 60 * 1000

/** The statement timeout that `allowingLongStatements` raises for the statements run within it. */
const allowance = new AsyncLocalStorage<number>()

/**
 * Runs `run` with its statements allowed `ms` each, whatever the pool's statement timeout (the longer of the two): a
 * schema migration, on the one connection it holds.
 */
export const allowingLongStatements = <A>(ms: number, run: () => Promise<A>): Promise<A> => allowance.run(ms, run)

/** How long a statement started now may take on a pool whose statement timeout is `statementMs`. */
export const statementLimit = (statementMs: number) => Math.max(statementMs, allowance.getStore() ?? 0)

/** A wait for the server that passed its timeout; its message is the one sentence the operation fails with. */
export class DatabaseTimeout extends Error {
  constructor(ms: number, what?: string) {
    super(`the database did not answer within ${ms / 1000} s${what === undefined ? "" : ` (${what})`}`)
    this.name = "DatabaseTimeout"
  }
}

/**
 * The promise, or a `DatabaseTimeout` once `ms` pass first (`onTimeout` runs then, to destroy what waits). What the
 * promise settles to afterwards is dropped.
 */
export const deadline = <A>(promise: Promise<A>, ms: number, onTimeout: () => void): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout()
      reject(new DatabaseTimeout(ms))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })

/**
 * The places of a pool: an operation waits at most `ms` for one, in turn, and gives it back when done. The pool itself
 * never makes an operation wait (it has as many connections as places), so this is the one wait for a busy pool.
 */
export class Gate {
  private free: number
  private readonly queue: Array<{ readonly enter: () => void; readonly fail: (error: Error) => void }> = []
  private closed = false

  constructor(
    private readonly size: number,
    private readonly ms: number
  ) {
    this.free = size
  }

  /** Resolves when a place is the caller's; fails after `ms`, or when the pool closes. */
  enter(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the connection pool is closed"))
    if (this.free > 0) {
      this.free--
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        enter: () => {
          clearTimeout(timer)
          resolve()
        },
        fail: (error: Error) => {
          clearTimeout(timer)
          reject(error)
        }
      }
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1)
        const inUse = this.size === 1 ? "its one connection" : `all ${this.size} of its connections`
        reject(new DatabaseTimeout(this.ms, `${inUse} stayed in use`))
      }, this.ms)
      this.queue.push(waiter)
    })
  }

  /** How many places there are, how many are taken, and how many callers wait for one. */
  use(): { readonly size: number; readonly inUse: number; readonly waiting: number } {
    return { size: this.size, inUse: this.size - this.free, waiting: this.queue.length }
  }

  /** Gives a place back, to the longest waiting caller if any. */
  leave(): void {
    const next = this.queue.shift()
    if (next === undefined) this.free++
    else next.enter()
  }

  /** Fails every waiting caller and every later one. */
  close(): void {
    this.closed = true
    for (const waiter of this.queue.splice(0)) waiter.fail(new Error("the connection pool is closed"))
  }
}
