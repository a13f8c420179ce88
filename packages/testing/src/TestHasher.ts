import { createHash } from "node:crypto"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Duration, Effect, Layer, Redacted } from "effect"

/**
 * A fast, salted SHA-256 hasher for the core's own tests, where argon2's deliberate slowness would only make thousands
 * of property-test steps slow. Production uses `Argon2Hasher` from `@user-manager/kysely`, whose tests run the same rules.
 * It makes `$test$` hashes and also checks `$test-legacy$` ones (see `legacyHash`), which it wants replaced: the
 * stand-in of an imported hash. Its slowest check is instant, so that no failed sign-in waits in the core's tests.
 */
export const TestHasher = Layer.succeed(PasswordHasher, {
  hash: (password) => Effect.sync(() => Redacted.make(make("test", Redacted.value(password)))),
  verify: (password, hash) =>
    Effect.sync(() => {
      const [, scheme = "", salt = "", expected] = Redacted.value(hash).split("$")
      return SCHEMES.includes(scheme) && digest(scheme, salt, Redacted.value(password)) === expected
    }),
  needsRehash: (hash) => Effect.sync(() => !Redacted.value(hash).startsWith("$test$")),
  slowestCheck: Effect.succeed(Duration.zero)
})

/**
 * A hash of the password in the older format `TestHasher` still checks but wants replaced (as an imported bcrypt or
 * SHA-crypt hash is by the production hasher); the password is taken as it is, already normalised.
 */
export const legacyHash = (password: string): Redacted.Redacted<string> => Redacted.make(make("test-legacy", password))

const SCHEMES = ["test", "test-legacy"]

const make = (scheme: string, password: string) => {
  const salt = Math.random().toString(36).slice(2, 10)
  return `$${scheme}$${salt}$${digest(scheme, salt, password)}`
}

const digest = (scheme: string, salt: string, text: string) =>
  createHash("sha256").update(`${scheme}:${salt}:${text}`).digest("hex")
