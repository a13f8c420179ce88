/**
 * The CLI's stored session (`dt login`), which names the server and its token, and the server the commands run
 * against.
 *
 * @since 0.1.0
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { Errors } from "@user-manager/core"
import { Effect } from "effect"

/**
 * A signed-in session of the CLI: the server, the bearer token, the user, and when it ends.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredSession {
  readonly server: string
  readonly token: string
  readonly username: string
  readonly expiresAt: string
}

/**
 * Where the session is kept: `$XDG_CONFIG_HOME/dt/session.json` (`~/.config/dt/session.json`), readable only by its owner.
 *
 * @category sessions
 * @since 0.1.0
 */
export const sessionFile = (): string =>
  join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "dt", "session.json")

/**
 * The stored session, if there is one.
 *
 * @category sessions
 * @since 0.1.0
 */
export const readSession = (): StoredSession | undefined => {
  try {
    return JSON.parse(readFileSync(sessionFile(), "utf8")) as StoredSession
  } catch {
    return undefined
  }
}

/**
 * Stores a session with mode 0600.
 *
 * @category sessions
 * @since 0.1.0
 */
export const writeSession = (session: StoredSession): void => {
  const file = sessionFile()
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, `${JSON.stringify(session)}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
}

/**
 * Forgets the stored session.
 *
 * @category sessions
 * @since 0.1.0
 */
export const removeSession = (): void => rmSync(sessionFile(), { force: true })

/**
 * The server the commands run against: `DT_SERVER`, else the one of the stored session; none means local mode.
 *
 * @category sessions
 * @since 0.1.0
 */
export const serverUrl = (): string | undefined => {
  const url = process.env.DT_SERVER || readSession()?.server
  return url === undefined || url === "" ? undefined : url.replace(/\/+$/, "")
}

/**
 * A server's URL as given (`--server`, `DT_SERVER`): http:// or https://, kept without trailing slashes.
 *
 * @category sessions
 * @since 0.1.0
 */
export const parseServer = (url: string): Effect.Effect<string, Errors.InvalidInput> =>
  /^https?:\/\/[^/]/.test(url)
    ? Effect.succeed(url.replace(/\/+$/, ""))
    : new Errors.InvalidInput({ field: "server", reason: `'${url}' is not an http:// or https:// URL` })
