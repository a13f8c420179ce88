/**
 * Colour in what `dt` prints for people (`--help`, usage errors): only on a terminal, and never with `NO_COLOR`.
 *
 * @effect/cli always renders help with ANSI styles; this takes them out of the console output of a program when the
 * stream it goes to is a file or a pipe, or when `NO_COLOR` is set (https://no-color.org). The records `dt` prints
 * never contain an escape character (names and emails refuse control characters, JSON escapes them), so only styling
 * is removed.
 *
 * @since 0.1.0
 */
import { type Console, Effect } from "effect"

/**
 * Whether text written to `stream` may be coloured: it is a terminal and `NO_COLOR` is unset or empty.
 *
 * @category predicates
 * @since 0.1.0
 */
export const enabled = (
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env
): boolean => stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "")

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const STYLE = /\u001b\[[0-9;]*m/g

/**
 * Text, or any other console argument, without ANSI styles.
 *
 * @category formatting
 * @since 0.1.0
 */
export const strip = (value: unknown): unknown => (typeof value === "string" ? value.replace(STYLE, "") : value)

/**
 * Runs `self` with a console that drops ANSI styles from what goes to standard output (`log`, `info`, `debug`) unless
 * `stdout` may be coloured, and from what goes to standard error (`error`, `warn`) unless `stderr` may.
 *
 * @category combinators
 * @since 0.1.0
 */
export const plainUnlessTerminal = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  streams: { readonly stdout: { readonly isTTY?: boolean }; readonly stderr: { readonly isTTY?: boolean } } = process,
  env: Readonly<Record<string, string | undefined>> = process.env
): Effect.Effect<A, E, R> => {
  const out = enabled(streams.stdout, env)
  const err = enabled(streams.stderr, env)
  if (out && err) return self
  return Effect.flatMap(Effect.console, (console) =>
    Effect.withConsole(self, {
      ...console,
      log: (...args) => console.log(...(out ? args : args.map(strip))),
      info: (...args) => console.info(...(out ? args : args.map(strip))),
      debug: (...args) => console.debug(...(out ? args : args.map(strip))),
      error: (...args) => console.error(...(err ? args : args.map(strip))),
      warn: (...args) => console.warn(...(err ? args : args.map(strip)))
    } satisfies Console.Console)
  )
}
