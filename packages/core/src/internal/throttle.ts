import { Cause, Clock, Effect, Exit, Option } from "effect"
import type { Directory, DirectoryTransaction, SignInCounter, SignInCounterKey } from "../Directory.js"
import { type InvalidInput, type StorageError, TooManyAttempts } from "../Errors.js"
import { ThrottleConfig, type ThrottleOptions } from "../SignInThrottle.js"
import { decodeInput } from "./decode.js"
import { SignInName } from "./signInName.js"

/** The longest address kept in a key (an IPv6 address with a zone is shorter). */
export const MAX_ADDRESS_LENGTH = 64

/** The address of the user+address counter of a caller that gives no address (no client address is `-`). */
export const NO_ADDRESS = "-"

const decodeSignInName = decodeInput(SignInName, "username")

/** An attempt counted before its password is checked: the counters it was counted on, and their windows. */
export interface Reservation {
  readonly counters: ReadonlyArray<SignInCounterKey & { readonly windowStart: number }>
}

type Kind = "userAddress" | "address" | "username"

/** Which of the three counters a key is. */
export const kindOf = (key: SignInCounterKey): Kind =>
  key.username === "" ? "address" : key.address === "" ? "username" : "userAddress"

/**
 * The counters an attempt is counted on: the username from the address, the address (unless the caller gave none),
 * and the username from any address. Keys are bounded: the username by the sign-in rule (at most `MAX_NAME_LENGTH`
 * characters, checked before), the address here.
 */
const keysOf = (username: string, address: string | undefined): ReadonlyArray<SignInCounterKey> => {
  const from = address === undefined || address === "" ? undefined : address.slice(0, MAX_ADDRESS_LENGTH)
  return [
    { username, address: from ?? NO_ADDRESS },
    ...(from === undefined ? [] : [{ username: "", address: from }]),
    { username, address: "" }
  ]
}

/** When the username's progressive delay (from a failing address) ends, or 0 when it has none. */
export const delayEnd = (counter: SignInCounter, options: ThrottleOptions): number => {
  if (counter.failures < options.delayAfterUserFailures) return 0
  const doublings = Math.min(counter.failures - options.delayAfterUserFailures, 30)
  return counter.lastFailureAt + Math.min(options.firstDelayMillis * 2 ** doublings, options.maxDelayMillis)
}

/** The counter as it is at `now`: a window that has passed starts again, empty. */
const current = (counter: SignInCounter, now: number, options: ThrottleOptions): SignInCounter =>
  now - counter.windowStart >= options.windowMillis || counter.windowStart > now
    ? { ...counter, failures: 0, windowStart: now, lastFailureAt: 0 }
    : counter

/** How many milliseconds the attempt must wait, by the three counters' rules (0: it may go on). */
const waitFor = (counters: ReadonlyArray<SignInCounter>, now: number, options: ThrottleOptions): number => {
  let until = now
  const source = counters.find((counter) => kindOf(counter) === "address") ?? counters[0]
  for (const counter of counters) {
    const windowEnd = counter.windowStart + options.windowMillis
    switch (kindOf(counter)) {
      case "userAddress":
        if (counter.failures >= options.maxFailuresPerUserAddress) until = Math.max(until, windowEnd)
        break
      case "address":
        if (counter.failures >= options.maxFailuresPerAddress) until = Math.max(until, windowEnd)
        break
      case "username":
        // Only an address that is itself failing waits: the right password from a clean address always goes through.
        if (source !== undefined && source.failures > 0) until = Math.max(until, delayEnd(counter, options))
        break
    }
  }
  return until - now
}

/** The throttle's use of a store: reserve an attempt, then settle it. The options are read at each call. */
export const makeThrottle = (directory: Directory["Type"]) => {
  let reservations = 0

  /**
   * Deletes expired counters and keeps at most `maxKeys`, every `sweepEvery` reservations; a failure is only logged
   * (the sign-in goes on, and the next sweep tries again).
   */
  const sweep = (now: number, options: ThrottleOptions) =>
    ++reservations % Math.max(1, options.sweepEvery) === 0
      ? directory
          .write((tx) => tx.trimSignInCounters(now - options.windowMillis, options.maxKeys))
          .pipe(Effect.ignoreLogged)
      : Effect.void

  /**
   * Counts the attempt as a failure before its password is checked, in one write transaction over its locked
   * counters, or refuses it (nothing written) when a limit or the delay says so: requests sent at once cannot get
   * more checks than the limit.
   */
  const reserve = (
    username: string,
    address: string | undefined
  ): Effect.Effect<Reservation, TooManyAttempts | InvalidInput | StorageError> =>
    Effect.gen(function* () {
      yield* decodeSignInName(username)
      const options = yield* ThrottleConfig
      const keys = keysOf(username, address)
      const reserved = yield* directory.write((tx) =>
        Effect.gen(function* () {
          const locked = yield* tx.lockSignInCounters(keys, yield* Clock.currentTimeMillis)
          // The time is read once the counters are locked: an attempt counted on them before started its window earlier,
          // so a request that waited for the store does not take that window for one from the future and start it again.
          const now = yield* Clock.currentTimeMillis
          const counters = locked.map((counter) => current(counter, now, options))
          const wait = waitFor(counters, now, options)
          if (wait > 0) return yield* new TooManyAttempts({ retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) })
          const counted = counters.map((counter) => ({
            ...counter,
            failures: counter.failures + 1,
            lastFailureAt: now
          }))
          yield* tx.saveSignInCounters(counted)
          return { counters: counted.map(({ username, address, windowStart }) => ({ username, address, windowStart })) }
        })
      )
      yield* sweep(yield* Clock.currentTimeMillis, options)
      return reserved
    })

  /** Takes the attempt back from the counters whose window is still the one it was counted in. */
  const undo = (tx: DirectoryTransaction, reservation: Reservation, succeeded: boolean) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const found = yield* tx.lockSignInCounters(reservation.counters, now)
      const changed: Array<SignInCounter> = []
      for (const counter of found) {
        const at = reservation.counters.find(
          (key) => key.username === counter.username && key.address === counter.address
        )
        if (at === undefined || at.windowStart !== counter.windowStart) continue
        // A right password clears the username's failures from this address; elsewhere only this attempt is undone.
        const failures = succeeded && kindOf(counter) === "userAddress" ? 0 : Math.max(0, counter.failures - 1)
        if (failures !== counter.failures) changed.push({ ...counter, failures })
      }
      if (changed.length > 0) yield* tx.saveSignInCounters(changed)
    })

  /** The password was right: in the transaction that acts on it, the attempt is no longer counted. */
  const succeeded = (tx: DirectoryTransaction, reservation: Reservation) => undo(tx, reservation, true)

  /**
   * Runs the password check of a reserved attempt: a wrong password (`wrong`) stays counted, a success is settled by
   * the check's own transaction (`succeeded`), anything else (another refusal, a store failure, an interruption) takes
   * the attempt back. A crash in between leaves it counted.
   */
  const checked = <A, E, R>(
    reservation: Reservation,
    wrong: (error: E) => boolean,
    check: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> =>
    Effect.onExit(check, (exit) =>
      Exit.isSuccess(exit) || Option.exists(Cause.failureOption(exit.cause), wrong)
        ? Effect.void
        : directory.write((tx) => undo(tx, reservation, false)).pipe(Effect.ignoreLogged)
    )

  return { reserve, succeeded, checked }
}
