/**
 * How far behind a read replica may be by default, in a module of its own with no dependency, so that a command line
 * can state the default in its help without loading the storage code.
 *
 * @since 0.1.0
 */

/**
 * How far behind a replica may be by default and still answer reads: 10 s.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_MAX_LAG_MS = 10_000
