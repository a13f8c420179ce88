import { createHash } from "node:crypto"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Effect, Layer, Redacted } from "effect"

/**
 * A fast, salted SHA-256 hasher for the core's own tests, where argon2's deliberate slowness would only make thousands
 * of property-test steps slow. Production uses `Argon2Hasher` from `@user-manager/kysely`, whose tests run the same rules.
 */
export const TestHasher = Layer.succeed(PasswordHasher, {
  hash: (password) =>
    Effect.sync(() => {
      const salt = Math.random().toString(36).slice(2, 10)
      return Redacted.make(`$test$${salt}$${digest(salt, Redacted.value(password))}`)
    }),
  verify: (password, hash) =>
    Effect.sync(() => {
      const [, , salt = "", expected] = Redacted.value(hash).split("$")
      return digest(salt, Redacted.value(password)) === expected
    })
})

const digest = (salt: string, text: string) => createHash("sha256").update(`${salt}:${text}`).digest("hex")
