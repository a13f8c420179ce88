/**
 * The password hasher port (argon2id in `@user-manager/kysely`, which also checks the hashes an import brings).
 *
 * @since 0.1.0
 */
import type { Duration, Effect } from "effect"
import { Context } from "effect"
import type { StorageError } from "./Errors.js"
import type { Password, PasswordHash } from "./Password.js"

/**
 * Hashes passwords with the project's scheme and parameters, checks a password against a hash of any scheme the
 * hasher knows (an imported bcrypt or SHA-crypt hash too), says which hashes are to be replaced, and how long its
 * slowest check takes, so that a failed sign-in can last as long whatever made the hash.
 *
 * @category services
 * @since 0.1.0
 */
export class PasswordHasher extends Context.Tag("@user-manager/core/PasswordHasher")<
  PasswordHasher,
  {
    readonly hash: (password: Password) => Effect.Effect<PasswordHash, StorageError>
    /** Whether the password matches the hash; a malformed hash, or one of a scheme it cannot check, is no match. */
    readonly verify: (password: Password, hash: PasswordHash) => Effect.Effect<boolean, StorageError>
    /**
     * Whether a hash is not what `hash` makes today (another scheme, or the project's scheme with other parameters):
     * once its password is known, the sign-in replaces it with a fresh one.
     */
    readonly needsRehash: (hash: PasswordHash) => Effect.Effect<boolean>
    /**
     * How long the slowest check this hasher makes (of any scheme it checks, at the reference parameters it documents)
     * takes on this machine, measured once and then remembered: a failed sign-in lasts at least this long.
     */
    readonly slowestCheck: Effect.Effect<Duration.Duration, StorageError>
  }
>() {}
