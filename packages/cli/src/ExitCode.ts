/**
 * What each failure prints and which exit code it gives: 1 refused, 2 bad usage or input, 3 store unreachable.
 *
 * @since 0.1.0
 */

import { ValidationError } from "@effect/cli"
import { Errors } from "@user-manager/core"
import { Cause, type Console, Effect, Option } from "effect"

/**
 * The exit codes of `dt`.
 *
 * @category constants
 * @since 0.1.0
 */
export const ExitCode = { ok: 0, refused: 1, usage: 2, store: 3 } as const

const tagged = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error ? String((error as { _tag: unknown })._tag) : undefined

/**
 * The exit code for a failure.
 *
 * @category mapping
 * @since 0.1.0
 */
export const forError = (error: unknown): number => {
  if (ValidationError.isValidationError(error)) return ExitCode.usage
  const tag = tagged(error)
  if (tag === "InvalidInput" || tag === "LocalOnly" || tag === "FormatError") return ExitCode.usage
  if (tag === "StorageError" || tag === "NotInitialized") return ExitCode.store
  if (tag !== undefined && (Errors.DOMAIN_ERROR_TAGS as ReadonlyArray<string>).includes(tag)) return ExitCode.refused
  return ExitCode.store
}

/**
 * Prints a failure as one line on standard error (the usage errors were already printed by the parser) and sets the
 * exit code; a defect prints its message, never a stack trace.
 *
 * @category mapping
 * @since 0.1.0
 */
export const report = <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<void, never, R> =>
  program.pipe(
    Effect.asVoid,
    Effect.catchAllCause((cause) =>
      Effect.sync(() => {
        if (Cause.isInterruptedOnly(cause)) {
          process.exitCode = 130
          return
        }
        const failure = Option.getOrUndefined(Cause.failureOption(cause))
        const error = failure ?? Cause.squash(cause)
        process.exitCode = forError(failure ?? error)
        if (ValidationError.isValidationError(error)) return
        const message = error instanceof Error ? error.message : String(error)
        process.stderr.write(`dt: ${message.split("\n")[0]}\n`)
      })
    )
  )

/**
 * Runs `self` with the parser's usage errors (which @effect/cli writes with `Console.error`) printed as `dt` prints its
 * own: `dt: ` first, blank lines and trailing spaces taken out.
 *
 * @category mapping
 * @since 0.1.0
 */
export const oneLineUsageErrors = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.console, (console) =>
    Effect.withConsole(self, {
      ...console,
      error: (...args) => {
        const text = args
          .map(String)
          .join(" ")
          .split("\n")
          .map((line) => line.trimEnd())
          .filter((line) => line !== "")
          .join("\n")
        return console.error(text.startsWith("dt: ") ? text : `dt: ${text}`)
      }
    } satisfies Console.Console)
  )
