/**
 * Passwords: NFKC-normalised, kept `Redacted`, checked against the configured policy.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Schema } from "effect"
import { InvalidInput } from "./Errors.js"
import { isWellFormed, notWellFormed } from "./internal/wellFormed.js"

/**
 * The longest password accepted, in characters (code points) after NFKC normalisation.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_PASSWORD_LENGTH = 256

/**
 * The default shortest password (NIST SP 800-63B: at least 8, no composition rules).
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_MIN_PASSWORD_LENGTH = 8

const PasswordText = Schema.transform(
  Schema.String.annotations({ message: () => "a password must be text" }),
  Schema.String,
  { strict: true, decode: (text) => text.normalize("NFKC"), encode: (text) => text }
).pipe(
  Schema.filter((text) => text.length > 0 || "a password cannot be empty"),
  Schema.filter(
    (text) => [...text].length <= MAX_PASSWORD_LENGTH || `a password has at most ${MAX_PASSWORD_LENGTH} characters`
  )
)

/**
 * A password as typed, NFKC-normalised and wrapped in `Redacted` so that it is never printed or logged.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Password = Schema.Redacted(PasswordText).pipe(
  Schema.brand("Password"),
  Schema.annotations({
    identifier: "Password",
    description: "8–256 characters; never returned",
    // The bounds in JSON Schema's words, for the API's OpenAPI document: a directory may ask for more than the default
    // minimum (its settings), never less.
    jsonSchema: { type: "string", minLength: DEFAULT_MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }
  })
)

/**
 * A normalised password inside `Redacted`.
 *
 * @category models
 * @since 0.1.0
 */
export type Password = typeof Password.Type

/**
 * An argon2id PHC string, kept `Redacted` so that it never reaches an output.
 *
 * @category models
 * @since 0.1.0
 */
export type PasswordHash = Redacted.Redacted<string>

/**
 * Refuses a password that breaks the policy: shorter than the minimum, equal to the username, or holding a control
 * character (a newline, a tab, …: what a script or a terminal would cut or change). A policy for new passwords only, so
 * that a password set before a rule was added still signs in.
 *
 * @category rules
 * @since 0.1.0
 */
export const checkPolicy = (
  password: Password,
  options: { readonly username: string; readonly minLength: number }
): Effect.Effect<void, InvalidInput> => {
  const text = Redacted.value(password)
  if ([...text].length < options.minLength) {
    return new InvalidInput({ field: "password", reason: `a password has at least ${options.minLength} characters` })
  }
  if (/\p{Cc}/u.test(text)) {
    return new InvalidInput({
      field: "password",
      reason: "a password cannot contain control characters (such as a newline or a tab)"
    })
  }
  if (!isWellFormed(text)) return new InvalidInput({ field: "password", reason: notWellFormed("a password") })
  if (text.toLowerCase() === options.username.toLowerCase()) {
    return new InvalidInput({ field: "password", reason: "a password cannot be the username" })
  }
  return Effect.void
}
