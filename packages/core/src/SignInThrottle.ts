/**
 * The sign-in throttle: failed sign-ins (and own-password changes) are counted in the store, per username from an
 * address, per address, and per username from anywhere, so that every server on one database shares the counts and a
 * restart keeps them. Administrators list the locks and clear a user's.
 *
 * The rules: 5 failures for a username from one address in a 15-minute window refuse that username from that address
 * until the window ends; 20 failures from one address refuse that address for anyone; past 10 failures for a username
 * (from any addresses), an attempt from an address that is itself failing waits 1 s after the username's last failure,
 * twice as long with each further failure, at most 5 minutes. An address with no failure is never delayed: the right
 * password from it still signs in. Each attempt is counted before its password is checked.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer } from "effect"
import type { Actor } from "./Actor.js"
import { Directory, type SignInCounter } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import { decodeInput } from "./internal/decode.js"
import { asAdmin, audit } from "./internal/operation.js"
import { delayEnd, kindOf } from "./internal/throttle.js"
import { Username } from "./Names.js"

/**
 * The throttle's settings; every field has the default of `ThrottleConfig`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ThrottleOptions {
  /** Failed sign-ins for a username from one address in a window before that pair is refused (default 5). */
  readonly maxFailuresPerUserAddress: number
  /** Failed sign-ins from one address in a window before it is refused for anyone (default 20). */
  readonly maxFailuresPerAddress: number
  /** Failed sign-ins for a username in a window before failing addresses are delayed (default 10). */
  readonly delayAfterUserFailures: number
  /** The first delay, doubled with each further failure (default 1 second). */
  readonly firstDelayMillis: number
  /** The longest delay (default 5 minutes). */
  readonly maxDelayMillis: number
  /** The window, in milliseconds (default 15 minutes). */
  readonly windowMillis: number
  /** The most counters the store keeps (default 100,000); beyond it, those whose window started first go. */
  readonly maxKeys: number
  /** Every how many sign-ins (of one process) expired counters are deleted and `maxKeys` enforced (default 100). */
  readonly sweepEvery: number
}

/**
 * The throttle's settings, with defaults when no layer provides them. Read at each sign-in, so that a host can give
 * its own (`Effect.provideService`) around a call.
 *
 * @category services
 * @since 0.1.0
 */
export class ThrottleConfig extends Context.Reference<ThrottleConfig>()("@user-manager/core/SignInThrottle/Config", {
  defaultValue: (): ThrottleOptions => ({
    maxFailuresPerUserAddress: 5,
    maxFailuresPerAddress: 20,
    delayAfterUserFailures: 10,
    firstDelayMillis: 1000,
    maxDelayMillis: 5 * 60 * 1000,
    windowMillis: 15 * 60 * 1000,
    maxKeys: 100_000,
    sweepEvery: 100
  })
}) {
  /** Settings that override some defaults. */
  static readonly layer = (overrides: Partial<ThrottleOptions>) =>
    Layer.succeed(ThrottleConfig, { ...ThrottleConfig.defaultValue(), ...overrides })
}

/**
 * A lock: sign-ins refused now, and until when. `username` is `null` for an address's lock, `address` is `null` for
 * a username's delay (which only addresses that are themselves failing wait for).
 *
 * @category models
 * @since 0.1.0
 */
export interface SignInLock {
  readonly kind: "user-address" | "address" | "user-delay"
  readonly username: string | null
  readonly address: string | null
  readonly failures: number
  readonly until: Date
}

/** The lock a counter makes at `now`, if any. */
const lockOf = (counter: SignInCounter, now: number, options: ThrottleOptions): SignInLock | undefined => {
  const windowEnd = counter.windowStart + options.windowMillis
  const lock = (kind: SignInLock["kind"], until: number): SignInLock | undefined =>
    until > now
      ? {
          kind,
          username: counter.username === "" ? null : counter.username,
          address: counter.address === "" ? null : counter.address,
          failures: counter.failures,
          until: new Date(until)
        }
      : undefined
  switch (kindOf(counter)) {
    case "userAddress":
      return counter.failures >= options.maxFailuresPerUserAddress ? lock("user-address", windowEnd) : undefined
    case "address":
      return counter.failures >= options.maxFailuresPerAddress ? lock("address", windowEnd) : undefined
    case "username":
      return lock("user-delay", delayEnd(counter, options))
  }
}

/**
 * The most locks `locks` lists, latest failure first.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_LOCKS_LISTED = 1000

const decodeUsername = decodeInput(Username, "username")

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig

  const locks = Effect.fn("SignInThrottle.locks")(function* (actor: Actor) {
    const options = yield* ThrottleConfig
    return yield* directory.read((tx) =>
      Effect.gen(function* () {
        yield* asAdmin(tx, config, actor, "list sign-in locks", "read")
        const now = yield* Clock.currentTimeMillis
        const counters = yield* tx.listSignInCounters({
          since: now - options.windowMillis + 1,
          minFailures: Math.max(
            1,
            Math.min(options.maxFailuresPerUserAddress, options.maxFailuresPerAddress, options.delayAfterUserFailures)
          ),
          limit: MAX_LOCKS_LISTED
        })
        return counters.flatMap((counter) => lockOf(counter, now, options) ?? [])
      })
    )
  })

  const unlock = Effect.fn("SignInThrottle.unlock")(function* (actor: Actor, username: string) {
    const name = yield* decodeUsername(username)
    return yield* directory.write((tx) =>
      Effect.gen(function* () {
        const op = yield* asAdmin(tx, config, actor, `clear the sign-in locks of '${name}'`)
        const cleared = yield* tx.deleteSignInCounters(name)
        yield* audit(op, "user.unlock", { type: "user", name }, { counters: cleared })
        return cleared
      })
    )
  })

  return {
    /** The sign-ins refused now: usernames from an address, addresses, and usernames delayed (admins). */
    locks,
    /**
     * Clears every counter of a username, from every address, and returns how many there were: 0 when the username had
     * no failed sign-in to forget (admins; audited as `user.unlock`).
     */
    unlock
  }
})

/**
 * The administrators' side of the sign-in throttle (the counting itself is part of `Sessions.login` and
 * `Users.changePassword`).
 *
 * @category services
 * @since 0.1.0
 */
export class SignInThrottle extends Context.Tag("@user-manager/core/SignInThrottle")<
  SignInThrottle,
  Effect.Effect.Success<typeof make>
>() {
  /** The service over a `Directory`. */
  static readonly layer = Layer.effect(this, make)
}
