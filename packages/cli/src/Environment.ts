/**
 * Where and who: the database URL and the actor, from flags, environment variables (read through Effect's `Config`,
 * so that a test can give them with a `ConfigProvider`) or defaults.
 *
 * @since 0.1.0
 */
import { homedir, userInfo } from "node:os"
import { join } from "node:path"
import { Errors } from "@user-manager/core"
import type { Timeouts } from "@user-manager/kysely/Timeouts"
import { Config, Effect, Option } from "effect"

/**
 * An environment variable, through `Config`: none when it is unset or empty (an empty one is a way to unset it).
 *
 * @category environment
 * @since 0.1.0
 */
export const variable = (name: string): Effect.Effect<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(
    Effect.map(Option.filter((text) => text !== "")),
    // A variable that is set is always a string: reading one cannot fail.
    Effect.orDie
  )

/**
 * The default database: an SQLite file in the user's data directory (`$XDG_DATA_HOME/dt/dt.db`).
 *
 * @category environment
 * @since 0.1.0
 */
export const defaultDatabaseUrl: Effect.Effect<string> = Effect.map(
  variable("XDG_DATA_HOME"),
  (data) =>
    `sqlite:${join(
      Option.getOrElse(data, () => join(homedir(), ".local", "share")),
      "dt",
      "dt.db"
    )}`
)

/**
 * `--database`, else `DT_DATABASE_URL`, else the default SQLite file.
 *
 * @category environment
 * @since 0.1.0
 */
export const databaseUrl = (flag: Option.Option<string>): Effect.Effect<string> =>
  Option.match(flag, {
    onSome: Effect.succeed,
    onNone: () =>
      Effect.flatMap(
        variable("DT_DATABASE_URL"),
        Option.match({ onSome: Effect.succeed, onNone: () => defaultDatabaseUrl })
      )
  })

/** The environment variable of each of the store's timeouts. */
const timeoutVariables = {
  connectMs: "DT_DATABASE_CONNECT_TIMEOUT",
  acquireMs: "DT_DATABASE_ACQUIRE_TIMEOUT",
  statementMs: "DT_DATABASE_STATEMENT_TIMEOUT"
} as const satisfies Record<keyof Timeouts, string>

/**
 * How long to wait for a PostgreSQL or MySQL server, in seconds (fractions allowed): `DT_DATABASE_CONNECT_TIMEOUT`,
 * `DT_DATABASE_ACQUIRE_TIMEOUT` and `DT_DATABASE_STATEMENT_TIMEOUT`; each one unset keeps the store's default.
 *
 * @category environment
 * @since 0.1.0
 */
export const databaseTimeouts = (): Effect.Effect<Partial<Timeouts>, Errors.InvalidInput> =>
  Effect.forEach(Object.entries(timeoutVariables), ([key, name]) =>
    Effect.flatMap(variable(name), (value) => {
      const text = Option.getOrUndefined(value)?.trim()
      if (text === undefined || text === "") return Effect.succeed([])
      const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
      const ms = Math.round(seconds * 1000)
      if (!(ms >= 1 && ms <= 86_400_000)) {
        return new Errors.InvalidInput({
          field: name,
          reason: `'${text.slice(0, 20)}' is not a number of seconds from 0.001 to 86400`
        })
      }
      return Effect.succeed([[key, ms] as const])
    })
  ).pipe(Effect.map((entries) => Object.fromEntries(entries.flat()) as Partial<Timeouts>))

/**
 * Whether a PostgreSQL store prepares the lookups every operation runs: `DT_DATABASE_PREPARED_STATEMENTS`, `on` (the
 * default) or `off` (behind a pooler that cannot keep a connection's prepared statements); none when unset.
 *
 * @category environment
 * @since 0.1.0
 */
export const databasePreparedStatements = (): Effect.Effect<boolean | undefined, Errors.InvalidInput> =>
  Effect.flatMap(variable("DT_DATABASE_PREPARED_STATEMENTS"), (value) => {
    const text = Option.getOrUndefined(value)?.trim().toLowerCase()
    if (text === undefined || text === "") return Effect.succeed(undefined)
    if (text === "on" || text === "off") return Effect.succeed(text === "on")
    return new Errors.InvalidInput({
      field: "DT_DATABASE_PREPARED_STATEMENTS",
      reason: `it must be on or off, not '${text.slice(0, 20)}'`
    })
  })

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
export const actorName = (flag: Option.Option<string>): Effect.Effect<string> =>
  Option.match(flag, {
    onSome: Effect.succeed,
    onNone: () => Effect.map(variable("DT_USER"), Option.getOrElse(loginName))
  })

/**
 * A whole-number setting given as a flag (already checked by `Flags.wholeNumber`) or, without one, as the variable
 * `name`; none without either. A variable that is not a whole number within `bounds` is refused in one sentence that
 * names it.
 *
 * @category environment
 * @since 0.1.0
 */
export const wholeNumberSetting = (
  flag: Option.Option<number>,
  name: string,
  bounds: { readonly min: number; readonly max: number }
): Effect.Effect<Option.Option<number>, Errors.InvalidInput> =>
  Option.isSome(flag)
    ? Effect.succeed(flag)
    : Effect.flatMap(variable(name), (value) => {
        const text = Option.getOrUndefined(value)?.trim()
        if (text === undefined || text === "") return Effect.succeedNone
        const number = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN
        return number >= bounds.min && number <= bounds.max
          ? Effect.succeedSome(number)
          : new Errors.InvalidInput({
              field: name,
              reason: `'${text.slice(0, 20)}' is not a whole number from ${bounds.min} to ${bounds.max}`
            })
      })
