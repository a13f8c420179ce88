import { Duration, Effect, Option, Redacted, Schema } from "effect"
import type { DirectoryTransaction, UserRecord } from "../../Directory.js"
import { type StorageError, Unauthenticated } from "../../Errors.js"
import { Password, type PasswordHash } from "../../Password.js"
import { decodeInput } from "../decode.js"
import { rewriteUser } from "../operation.js"
import { SignInName } from "../signInName.js"
import type { UserServices } from "./rules.js"

const Credentials = Schema.Struct({ username: SignInName, password: Password })

const decodeCredentials = decodeInput(Credentials)
const decodeSignInName = decodeInput(SignInName, "username")

/** The one answer to every failed sign-in, whatever failed: nothing in it tells a wrong password from a missing user. */
export const refused = () => new Unauthenticated({ reason: "the username or password is not correct", signIn: true })

/** A password found right for a user: the user, and the replacement of its hash if the hasher wants a new one. */
export interface SignIn {
  readonly user: UserRecord
  /**
   * Stores the new hash (computed already, outside any transaction) in the caller's transaction, if the stored hash is
   * still the one that was checked; `undefined` when the hash is already what the hasher makes.
   */
  readonly rehash: ((tx: DirectoryTransaction) => Effect.Effect<void, StorageError>) | undefined
}

/**
 * Waits, on the wall clock, until `millis` have passed since `started` (a `performance.now()` reading). Not Effect's
 * `Clock`, which a test may stop: the padding is for the time a caller outside sees.
 */
const waitSince = (started: number, millis: number): Effect.Effect<void> =>
  Effect.suspend(() => {
    const left = millis - (performance.now() - started)
    if (left <= 0) return Effect.void
    return Effect.async<void>((resume) => {
      const timer = setTimeout(() => resume(Effect.void), Math.ceil(left))
      return Effect.sync(() => clearTimeout(timer))
    })
  })

/**
 * The check of a username and password at sign-in, the rules of which live here only:
 * - the same password check is made whether or not the user exists (against a dummy argon2id hash when it does not);
 * - a failed sign-in lasts at least the hasher's slowest check (`PasswordHasher.slowestCheck`), so that its time tells
 *   neither whether the user exists nor which algorithm made the user's hash (an imported bcrypt hash is checked more
 *   slowly than argon2id, a SHA-crypt one faster);
 * - a right password against a hash the hasher would not make today (imported, or older parameters) is hashed again
 *   with the project's scheme, outside any transaction, and stored by whoever opens the session, in its transaction,
 *   only if the stored hash is still the one that was checked.
 */
export const makeSignIn = ({ directory, hasher }: Pick<UserServices, "directory" | "hasher">) =>
  Effect.gen(function* () {
    const dummyHash = yield* Effect.cached(hasher.hash(Redacted.make("not a real password") as Password))

    /** The user whose password this is, or `undefined` for every kind of failure. */
    const attempt = (username: string, password: string) =>
      Effect.gen(function* () {
        const credentials = Option.getOrUndefined(yield* Effect.option(decodeCredentials({ username, password })))
        if (credentials === undefined) return undefined
        const user = Option.getOrNull(yield* directory.read((tx) => tx.findUser(credentials.username)))
        const matches = yield* hasher.verify(credentials.password, user?.passwordHash ?? (yield* dummyHash))
        // A disabled account is answered as a wrong password is: only whoever knows the password could learn its state.
        // A system user never signs in, even with a hash stored before that rule, and is answered the same way.
        if (user === null || user.passwordHash === null || !matches || !user.enabled || user.system) return undefined
        return { user, checked: user.passwordHash, password: credentials.password }
      })

    return Effect.fn("Users.checkSignIn")(function* (username: string, password: string) {
      yield* decodeSignInName(username)
      const started = performance.now()
      const found = yield* attempt(username, password)
      if (found === undefined) {
        yield* waitSince(started, Duration.toMillis(yield* hasher.slowestCheck))
        return yield* refused()
      }
      const { user, checked } = found
      if (!(yield* hasher.needsRehash(checked))) return { user, rehash: undefined } satisfies SignIn
      const next: PasswordHash = yield* hasher.hash(found.password)
      const rehash = (tx: DirectoryTransaction) =>
        Effect.gen(function* () {
          const current = Option.getOrUndefined(yield* tx.findUser(user.username, { forUpdate: true }))
          const stored = current?.passwordHash
          // Changed meanwhile (a new password, a reset, another sign-in's rehash): that hash stays.
          if (current === undefined || stored == null || Redacted.value(stored) !== Redacted.value(checked)) return
          const { groups: _groups, ...row } = current
          // The same record in another form: not a change of the user, so neither its version nor updatedAt moves.
          yield* rewriteUser({ tx }, { ...row, passwordHash: next })
        })
      return { user, rehash } satisfies SignIn
    })
  })
