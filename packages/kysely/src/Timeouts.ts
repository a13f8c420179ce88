/**
 * How long the PostgreSQL and MySQL/MariaDB stores wait for their server before an operation fails with a
 * `StorageError`, so that a server that stops answering (frozen, cut off by the network) never hangs the application.
 *
 * @since 0.1.0
 */

/**
 * How long a store waits, in milliseconds. The waits are measured in the application (the server's own timeouts never
 * fire when the server is frozen); a connection whose wait passed is destroyed, never used again.
 *
 * @category models
 * @since 0.1.0
 */
export interface Timeouts {
  /** To open a connection: TCP, TLS and signing in (default 10,000). */
  readonly connectMs: number
  /** For a connection of the pool to come free when every one is in use (default 10,000). */
  readonly acquireMs: number
  /** For the answer to one statement (default 30,000); PostgreSQL's server is given it too (`statement_timeout`). */
  readonly statementMs: number
}

/**
 * The defaults of `Timeouts`: a server that answers at all opens a connection in well under a second, and the
 * directory's statements take milliseconds, even a search over a million users, so these fail only a server
 * that has stopped answering (or a pool far too small for its load), never a slow but working one.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, acquireMs: 10_000, statementMs: 30_000 }

/**
 * The timeouts with the host's choices over the defaults (one left out or undefined keeps its default); each must be a
 * positive whole number of milliseconds.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (given: Partial<Timeouts> = {}): Timeouts => {
  const chosen = Object.entries(given).filter(([, value]) => value !== undefined)
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...Object.fromEntries(chosen) }
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`timeouts.${name} must be a positive whole number of milliseconds, not ${value}`)
    }
  }
  return timeouts
}
