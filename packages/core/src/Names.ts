/**
 * The names that identify users and groups: POSIX-style, lowercase only.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The most characters a username or a group name has. Longer text is refused before it is looked up or kept.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_NAME_LENGTH = 32

const NAME_PATTERN = /^[a-z_][a-z0-9._-]*$/

// The rule in JSON Schema's words, for the API's OpenAPI document (and the forms that check fields before sending).
const nameConstraints = { minLength: 1, maxLength: MAX_NAME_LENGTH, pattern: NAME_PATTERN.source }

const nameProblem =
  (kind: string) =>
  (value: string): string | true => {
    if (value.length === 0) return `a ${kind} cannot be empty`
    if (value.length > MAX_NAME_LENGTH) {
      return `a ${kind} has at most ${MAX_NAME_LENGTH} characters, '${value.slice(0, 40)}' has ${value.length}`
    }
    if (NAME_PATTERN.test(value)) return true
    const lower = value.toLowerCase()
    if (lower !== value && NAME_PATTERN.test(lower)) {
      return `${kind}s are lowercase only: '${value}' has capitals (try '${lower}')`
    }
    if (!/^[a-z_]/.test(value)) return `a ${kind} starts with a lowercase letter or '_', '${value}' does not`
    return `a ${kind} may contain only a-z, 0-9, '.', '_' and '-', '${value}' has other characters`
  }

/**
 * A user's login name: 1–32 characters, `^[a-z_][a-z0-9._-]*$`; capitals are refused with a hint, never lowered.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Username = Schema.String.pipe(
  Schema.filter(nameProblem("username")),
  Schema.brand("Username"),
  Schema.annotations({
    identifier: "Username",
    description: "1–32 characters: a-z, 0-9, '.', '_', '-'",
    jsonSchema: nameConstraints
  })
)

/**
 * A valid username.
 *
 * @category models
 * @since 0.1.0
 */
export type Username = typeof Username.Type

/**
 * A username as typed at sign-in, before anything is looked up or kept: text of at most `MAX_NAME_LENGTH`
 * characters. (Any other text that is no username is a wrong sign-in, not bad input.)
 *
 * @category schemas
 * @since 0.1.0
 */
export const SignInUsername = Schema.String.pipe(
  Schema.maxLength(MAX_NAME_LENGTH, { message: () => `a username has at most ${MAX_NAME_LENGTH} characters` })
)

/**
 * A group's name: the same rule as a username.
 *
 * @category schemas
 * @since 0.1.0
 */
export const GroupName = Schema.String.pipe(
  Schema.filter(nameProblem("group name")),
  Schema.brand("GroupName"),
  Schema.annotations({
    identifier: "GroupName",
    description: "1–32 characters: a-z, 0-9, '.', '_', '-'",
    jsonSchema: nameConstraints
  })
)

/**
 * A valid group name.
 *
 * @category models
 * @since 0.1.0
 */
export type GroupName = typeof GroupName.Type

/**
 * An API token's name, the client it was made for (`scim-entra`, `backup`): the same rule as a username. The audit
 * trail names the token's changes `token:NAME`, which no username can be.
 *
 * @category schemas
 * @since 0.2.0
 */
export const TokenName = Schema.String.pipe(
  Schema.filter(nameProblem("token name")),
  Schema.brand("TokenName"),
  Schema.annotations({
    identifier: "TokenName",
    description: "1–32 characters: a-z, 0-9, '.', '_', '-'",
    jsonSchema: nameConstraints
  })
)

/**
 * A valid token name.
 *
 * @category models
 * @since 0.2.0
 */
export type TokenName = typeof TokenName.Type
