/**
 * The production password hasher: argon2id with the OWASP parameters, off the main thread; it also checks the hashes
 * an import brings (argon2i, bcrypt, SHA-crypt) and wants them replaced at the next sign-in.
 *
 * @since 0.1.0
 */

import { hash } from "@node-rs/argon2"
import { StorageError } from "@user-manager/core/Errors"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Duration, Effect, Layer, Redacted } from "effect"
import { checkPassword, measureSlowestCheck } from "./internal/importedHashes.js"

/** The beginning of every hash this hasher makes today: argon2id, version 19, with its parameters. */
const CURRENT = "$argon2id$v=19$m=19456,t=2,p=1$"

/**
 * argon2id, m = 19456 KiB, t = 2, p = 1 (the OWASP recommendation and `@node-rs/argon2`'s defaults); each hash runs
 * on libuv's thread pool, so several hash in parallel. It checks argon2id and argon2i PHC strings, bcrypt (`$2a$`,
 * `$2b$`, `$2y$`) and SHA-crypt (`$5$`, `$6$`, with or without `rounds=`); any hash but an argon2id one with these
 * parameters is to be replaced once its password is known (`needsRehash`). Its slowest check is measured once, at
 * the first failed sign-in, from the check of a wrong password against each scheme at reference parameters (argon2 with
 * the project's, bcrypt at cost 12, SHA-crypt at its default 5,000 rounds): every failed sign-in then lasts at least
 * that long, so that its time tells neither whether the user exists nor which scheme made the user's hash. A hash
 * made with heavier parameters than the reference is checked more slowly than that, until its user's next sign-in
 * replaces it.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<PasswordHasher> = Layer.effect(
  PasswordHasher,
  Effect.map(
    Effect.cached(
      Effect.tryPromise({
        try: measureSlowestCheck,
        catch: (cause) => new StorageError({ reason: "the password checks could not be timed", cause })
      }).pipe(Effect.map(Duration.millis))
    ),
    (slowestCheck) => ({
      hash: (password) =>
        Effect.tryPromise({
          try: () => hash(Redacted.value(password), { memoryCost: 19456, timeCost: 2, parallelism: 1 }),
          catch: (cause) => new StorageError({ reason: "the password could not be hashed", cause })
        }).pipe(Effect.map(Redacted.make)),
      verify: (password, stored) =>
        Effect.tryPromise({
          try: () => checkPassword(Redacted.value(password), Redacted.value(stored)),
          catch: (cause) => new StorageError({ reason: "the password could not be checked", cause })
        }).pipe(Effect.catchAll(() => Effect.succeed(false))),
      needsRehash: (stored) => Effect.sync(() => !Redacted.value(stored).startsWith(CURRENT)),
      slowestCheck
    })
  )
)
