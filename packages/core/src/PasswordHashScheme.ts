/**
 * The password hash formats an import may bring with it, recognised by their shape: the PHC strings of argon2, the
 * modular crypt formats of bcrypt, SHA-crypt and yescrypt. A recognised hash is stored as it is and checked at the
 * next sign-in with the algorithm that made it, then replaced by the project's own argon2id.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Every recognised format of password hash.
 *
 * @category models
 * @since 0.1.0
 */
export const PasswordHashScheme = Schema.Literal(
  "argon2id",
  "argon2i",
  "bcrypt",
  "sha256-crypt",
  "sha512-crypt",
  "yescrypt"
)

/**
 * A recognised format of password hash.
 *
 * @category models
 * @since 0.1.0
 */
export type PasswordHashScheme = typeof PasswordHashScheme.Type

const B64 = "[A-Za-z0-9+/]+"
const CRYPT64 = "[./0-9A-Za-z]"
const SHAPES: ReadonlyArray<readonly [PasswordHashScheme, RegExp]> = [
  ["argon2id", new RegExp(`^\\$argon2id\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$${B64}\\$${B64}$`)],
  ["argon2i", new RegExp(`^\\$argon2i\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$${B64}\\$${B64}$`)],
  ["bcrypt", new RegExp(`^\\$2[aby]\\$\\d\\d\\$${CRYPT64}{53}$`)],
  ["sha256-crypt", new RegExp(`^\\$5\\$(rounds=\\d+\\$)?[^$:\\s]{0,16}\\$${CRYPT64}{43}$`)],
  ["sha512-crypt", new RegExp(`^\\$6\\$(rounds=\\d+\\$)?[^$:\\s]{0,16}\\$${CRYPT64}{86}$`)],
  ["yescrypt", new RegExp(`^\\$y\\$${CRYPT64}+\\$${CRYPT64}*\\$${CRYPT64}{43}$`)]
]

/**
 * The format of a password hash, or `undefined` when it is none of the recognised ones.
 *
 * @category rules
 * @since 0.1.0
 */
export const schemeOf = (hash: string): PasswordHashScheme | undefined =>
  SHAPES.find(([, shape]) => shape.test(hash))?.[0]

/**
 * The formats no well-kept implementation on the npm registry checks (yescrypt): a user imported with such a hash is
 * imported without a password, and the import says so.
 *
 * @category rules
 * @since 0.1.0
 */
export const UNVERIFIABLE_SCHEMES: ReadonlyArray<PasswordHashScheme> = ["yescrypt"]

/**
 * Names a hash that is not recognised by its beginning only (the rest of a hash is not for printing).
 *
 * @category rules
 * @since 0.1.0
 */
export const describeUnrecognised = (hash: string): string => {
  const prefix = /^\$[^$]*\$?/.exec(hash)?.[0]
  return `${prefix === undefined ? "a password hash" : `the password hash beginning '${prefix}'`} is not in a recognised format (argon2id, argon2i, bcrypt $2a$/$2b$/$2y$, SHA-crypt $5$/$6$, yescrypt $y$)`
}

/**
 * A password hash brought by an import, in a recognised format, kept `Redacted` once read.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ForeignPasswordHash = Schema.Redacted(
  Schema.String.pipe(
    Schema.filter((hash) => schemeOf(hash) !== undefined || describeUnrecognised(hash)),
    Schema.annotations({ identifier: "ForeignPasswordHashText" })
  )
).annotations({
  identifier: "ForeignPasswordHash",
  description: "a password hash: argon2id/argon2i PHC string, bcrypt, SHA-crypt ($5$, $6$) or yescrypt ($y$)"
})
