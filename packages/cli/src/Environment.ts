/**
 * Where and who: the database URL and the actor, from flags, environment variables or defaults.
 *
 * @since 0.1.0
 */
import { homedir, userInfo } from "node:os"
import { join } from "node:path"
import { Option } from "effect"

/**
 * The default database: an SQLite file in the user's data directory (`$XDG_DATA_HOME/dt/dt.db`).
 *
 * @category environment
 * @since 0.1.0
 */
export const defaultDatabaseUrl = (): string => {
  const data = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share")
  return `sqlite:${join(data, "dt", "dt.db")}`
}

/**
 * `--database`, else `DT_DATABASE_URL`, else the default SQLite file.
 *
 * @category environment
 * @since 0.1.0
 */
export const databaseUrl = (flag: Option.Option<string>): string =>
  Option.getOrElse(flag, () => process.env.DT_DATABASE_URL || defaultDatabaseUrl())

/**
 * The operating system's login name.
 *
 * @category environment
 * @since 0.1.0
 */
export const loginName = (): string => {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? "unknown"
  }
}

/**
 * `--as`, else `DT_USER`, else the OS login name.
 *
 * @category environment
 * @since 0.1.0
 */
export const actorName = (flag: Option.Option<string>): string =>
  Option.getOrElse(flag, () => process.env.DT_USER || loginName())
