/**
 * Sign-in sessions: a password check opens one, a random token names it, and only the token's hash is stored.
 *
 * A session ends when it expires, when its holder signs out, and (as `Users` decides) when its user is disabled or
 * deleted or its password changes.
 *
 * @since 0.1.0
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import { Clock, Context, Duration, Effect, Encoding, Layer, Option, Redacted } from "effect"
import * as Actor from "./Actor.js"
import { isApiToken } from "./ApiToken.js"
import { Directory } from "./Directory.js"
import { isOpen, sessionEnded } from "./internal/operation.js"
import { toUser } from "./internal/records.js"
import { makeThrottle } from "./internal/throttle.js"
import { makeSignIn, refused } from "./internal/users/signIn.js"
import type { Username } from "./Names.js"
import { PasswordHasher } from "./PasswordHasher.js"
import type { User } from "./User.js"

/**
 * How long a session lasts when none is asked for: eight hours, a working day.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_TTL: Duration.Duration = Duration.hours(8)

/**
 * How many random bytes a token carries (256 bits).
 *
 * @category constants
 * @since 0.1.0
 */
export const TOKEN_BYTES = 32

/**
 * A new session: the token (shown to its holder once, never stored), its user and when it ends.
 *
 * @category models
 * @since 0.1.0
 */
export interface Session {
  readonly token: Redacted.Redacted<string>
  readonly user: User
  readonly expiresAt: Date
}

/**
 * The SHA-256 hash of a token, hex-encoded, as the store keeps it. Computed in the calling fiber (@noble/hashes, the
 * same in Node and in browsers): Web Crypto's digest is asynchronous, and in Node it went through the thread pool on
 * every request that carried a session (a turn of the event loop, for a hash that takes far less on the fiber).
 *
 * @category hashing
 * @since 0.1.0
 */
export const hashToken = (token: Redacted.Redacted<string>): string =>
  bytesToHex(sha256(utf8ToBytes(Redacted.value(token))))

const newToken = Effect.sync(() => {
  const bytes = new Uint8Array(TOKEN_BYTES)
  globalThis.crypto.getRandomValues(bytes)
  return Redacted.make(Encoding.encodeBase64Url(bytes))
})

/**
 * The actor of whoever holds `token`: a session's, or an API token's (its `dtk_` prefix tells; sent to the HTTP API).
 * Nothing is looked up here: each operation checks the session and the user it names, or the token, in its own
 * transaction (one transaction a request instead of two, and no gap between the check and the operation in which a
 * sign-out, a disable or a revocation could fall).
 *
 * @category constructors
 * @since 0.1.0
 */
export const actor = (token: Redacted.Redacted<string>): Actor.Actor =>
  isApiToken(token)
    ? Actor.Actor.Token({ tokenHash: hashToken(token), channel: "api" })
    : Actor.Actor.Session({ tokenHash: hashToken(token) })

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const checkSignIn = yield* makeSignIn({ directory, hasher: yield* PasswordHasher })

  const throttle = makeThrottle(directory)

  const login = Effect.fn("Sessions.login")(function* (
    username: string,
    password: string,
    options: { readonly ttl?: Duration.DurationInput; readonly address?: string } = {}
  ) {
    // Counted before the password is checked: sign-ins sent at once cannot get more checks than the throttle allows.
    const reservation = yield* throttle.reserve(username, options.address)
    return yield* throttle.checked(
      reservation,
      (error) => error._tag === "Unauthenticated",
      Effect.gen(function* () {
        const { user: record, rehash } = yield* checkSignIn(username, password)
        const user = toUser(record)
        const token = yield* newToken
        const tokenHash = hashToken(token)
        const now = yield* Clock.currentTimeMillis
        const expiresAt = new Date(now + Duration.toMillis(options.ttl ?? DEFAULT_TTL))
        yield* directory.write((tx) =>
          Effect.gen(function* () {
            yield* throttle.succeeded(tx, reservation)
            yield* tx.deleteExpiredSessions(new Date(now))
            // The user may have been disabled or deleted while its password was checked.
            const current = yield* tx.findUser(user.username, { forUpdate: true })
            if (Option.isNone(current) || !current.value.enabled) {
              return yield* refused()
            }
            // A hash the hasher would not make today (imported, or older parameters) is replaced with the session.
            if (rehash !== undefined) yield* rehash(tx)
            yield* tx.insertSession({ tokenHash, username: user.username, createdAt: new Date(now), expiresAt })
          })
        )
        return { token, user, expiresAt } satisfies Session
      })
    )
  })

  const resolve = Effect.fn("Sessions.resolve")(function* (token: Redacted.Redacted<string>) {
    const tokenHash = hashToken(token)
    const found = yield* directory.read((tx) => tx.findSession(tokenHash))
    if (Option.isNone(found)) return yield* sessionEnded
    if (!isOpen(found.value, yield* Clock.currentTimeMillis)) {
      yield* directory.write((tx) => tx.deleteSession(tokenHash))
      return yield* sessionEnded
    }
    return { actor: Actor.user(found.value.username), username: found.value.username as Username, tokenHash }
  })

  const logout = Effect.fn("Sessions.logout")(function* (token: Redacted.Redacted<string>) {
    const tokenHash = hashToken(token)
    yield* directory.write((tx) => tx.deleteSession(tokenHash))
  })

  return {
    /**
     * Checks a username and password (the same work for unknown users, a failure lasting at least the hasher's slowest
     * check) and opens a session for it, replacing in the same transaction a hash the hasher would not make today;
     * throttled per username, per `address` (the client's, when the caller knows it) and per username from that address.
     */
    login,
    /** The actor a token names, or `Unauthenticated` when the session expired, was revoked or never existed. */
    resolve,
    /** Ends the session a token names; an unknown token is no error. */
    logout
  }
})

/**
 * The session use cases.
 *
 * @category services
 * @since 0.1.0
 */
export class Sessions extends Context.Tag("@user-manager/core/Sessions")<
  Sessions,
  Effect.Effect.Success<typeof make>
>() {
  /** The service over a `Directory` and the `PasswordHasher` (passwords are checked as `Users.authenticate` does). */
  static readonly layer = Layer.effect(this, make)
}
