/**
 * The production password hasher: argon2id with the OWASP parameters, off the main thread.
 *
 * @since 0.1.0
 */

import { hash, verify } from "@node-rs/argon2"
import { StorageError } from "@user-manager/core/Errors"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Effect, Layer, Redacted } from "effect"

/**
 * argon2id, m = 19456 KiB, t = 2, p = 1 (the OWASP recommendation and `@node-rs/argon2`'s defaults); each hash runs
 * on libuv's thread pool, so several hash in parallel.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<PasswordHasher> = Layer.succeed(PasswordHasher, {
  hash: (password) =>
    Effect.tryPromise({
      try: () => hash(Redacted.value(password), { memoryCost: 19456, timeCost: 2, parallelism: 1 }),
      catch: (cause) => new StorageError({ reason: "the password could not be hashed", cause })
    }).pipe(Effect.map(Redacted.make)),
  verify: (password, phc) =>
    Effect.tryPromise({
      try: () => verify(Redacted.value(phc), Redacted.value(password)),
      catch: (cause) => new StorageError({ reason: "the password could not be checked", cause })
    }).pipe(Effect.catchAll(() => Effect.succeed(false)))
})
