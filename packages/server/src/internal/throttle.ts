import { Names } from "@user-manager/core"

/**
 * Counts sign-in attempts per key (a username, an address) in a fixed window, and says when a key must wait. An
 * attempt is reserved before its password is checked, so that requests sent at once cannot all be checked.
 */
export interface ThrottleOptions {
  /** Failed sign-ins allowed per username in a window before it must wait (default 5). */
  readonly maxFailuresPerUsername: number
  /** Failed sign-ins allowed per client address in a window before it must wait (default 20). */
  readonly maxFailuresPerAddress: number
  /** The window, in milliseconds (default 15 minutes). */
  readonly windowMillis: number
  /** The most keys the throttle keeps (default 100,000, a few MB); when it is full, the oldest window goes. */
  readonly maxKeys?: number
}

/** The defaults: 5 failures per username, 20 per address, in 15 minutes; at most 100,000 keys. */
export const defaultThrottle: ThrottleOptions = {
  maxFailuresPerUsername: 5,
  maxFailuresPerAddress: 20,
  windowMillis: 15 * 60 * 1000,
  maxKeys: 100_000
}

/** The longest address kept as a key (an IPv6 address with a zone is shorter). */
const MAX_ADDRESS_LENGTH = 64

interface Window {
  /** Attempts whose password was not correct. */
  failures: number
  /** Attempts reserved whose password is being checked. */
  pending: number
  readonly start: number
}

/** An attempt reserved before its password is checked: settled once, when the check has answered. */
export interface Reservation {
  /** The password was right: the attempt is not counted, and the username's earlier failures are forgotten. */
  readonly succeeded: () => void
  /** The password was not right: the attempt counts as a failure. */
  readonly failed: () => void
  /** The password was not checked (the request was refused for another reason, or interrupted): not counted. */
  readonly released: () => void
}

/** Either a reservation, or how many seconds the caller must wait before trying again. */
export type Attempt = { readonly retryAfter: number } | { readonly retryAfter: 0; readonly reservation: Reservation }

const sizes = new WeakMap<ThrottleOptions, () => number>()

/** How many keys the throttle made with these options keeps (for tests: the table must stay bounded). */
export const tableSizeForTests = (options: ThrottleOptions): number => sizes.get(options)?.() ?? 0

/** The sign-in throttle of one server. */
export const makeThrottle = (options: ThrottleOptions, now: () => number = Date.now) => {
  // In the order the windows started (a window that restarts is inserted anew): the first key is the oldest.
  const windows = new Map<string, Window>()
  const maxKeys = options.maxKeys ?? defaultThrottle.maxKeys ?? 100_000
  sizes.set(options, () => windows.size)

  const current = (key: string, at: number): Window | undefined => {
    const window = windows.get(key)
    if (window === undefined || at - window.start >= options.windowMillis) {
      windows.delete(key)
      return undefined
    }
    return window
  }

  // Bounded keys: a username longer than the username rule allows is refused before it gets here, and cut anyway.
  const userKey = (username: string) => `user:${username.slice(0, Names.MAX_NAME_LENGTH).toLowerCase()}`
  const keys = (username: string, address: string) =>
    [
      [userKey(username), options.maxFailuresPerUsername],
      [`addr:${address.slice(0, MAX_ADDRESS_LENGTH)}`, options.maxFailuresPerAddress]
    ] as const

  const reserve = (username: string, address: string): Attempt => {
    const at = now()
    const found = keys(username, address).map(([key, max]) => [key, max, current(key, at)] as const)
    let wait = 0
    for (const [, max, window] of found) {
      // Attempts being checked count as failures until they are settled: at most `max` are ever checked at once.
      if (window !== undefined && window.failures + window.pending >= max) {
        wait = Math.max(wait, Math.max(1, Math.ceil((window.start + options.windowMillis - at) / 1000)))
      }
    }
    if (wait > 0) return { retryAfter: wait }
    const held = found.map(([key, , window]) => {
      const held = window ?? { failures: 0, pending: 0, start: at }
      held.pending++
      if (window === undefined) windows.set(key, held)
      return [key, held] as const
    })
    // The oldest windows go first when the table is full.
    for (const key of windows.keys()) {
      if (windows.size <= maxKeys) break
      windows.delete(key)
    }
    let settled = false
    const settle = (outcome: "succeeded" | "failed" | "released") => {
      if (settled) return
      settled = true
      for (const [key, window] of held) {
        window.pending--
        if (outcome === "failed") window.failures++
        if (outcome === "succeeded" && key.startsWith("user:")) window.failures = 0
      }
    }
    return {
      retryAfter: 0,
      reservation: {
        succeeded: () => settle("succeeded"),
        failed: () => settle("failed"),
        released: () => settle("released")
      }
    }
  }

  return {
    /** Reserves an attempt for the username from the address, or says how long to wait when either is over its limit. */
    reserve
  }
}

/** A sign-in throttle. */
export type Throttle = ReturnType<typeof makeThrottle>
