/**
 * The password hasher port (argon2id in `@user-manager/kysely`).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Context } from "effect"
import type { StorageError } from "./Errors.js"
import type { Password, PasswordHash } from "./Password.js"

/**
 * Hashes passwords into PHC strings and checks a password against one.
 *
 * @category services
 * @since 0.1.0
 */
export class PasswordHasher extends Context.Tag("@user-manager/core/PasswordHasher")<
  PasswordHasher,
  {
    readonly hash: (password: Password) => Effect.Effect<PasswordHash, StorageError>
    /** Whether the password matches the hash; a malformed hash is simply no match. */
    readonly verify: (password: Password, hash: PasswordHash) => Effect.Effect<boolean, StorageError>
  }
>() {}
