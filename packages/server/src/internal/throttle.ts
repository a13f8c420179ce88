/** Counts failed sign-ins per key (a username, an address) in a fixed window, and says when a key must wait. */
export interface ThrottleOptions {
  /** Failed sign-ins allowed per username in a window before it must wait (default 5). */
  readonly maxFailuresPerUsername: number
  /** Failed sign-ins allowed per client address in a window before it must wait (default 20). */
  readonly maxFailuresPerAddress: number
  /** The window, in milliseconds (default 15 minutes). */
  readonly windowMillis: number
}

/** The defaults: 5 failures per username, 20 per address, in 15 minutes. */
export const defaultThrottle: ThrottleOptions = {
  maxFailuresPerUsername: 5,
  maxFailuresPerAddress: 20,
  windowMillis: 15 * 60 * 1000
}

interface Window {
  failures: number
  readonly start: number
}

const MAX_KEYS = 100_000

/** The sign-in throttle of one server. */
export const makeThrottle = (options: ThrottleOptions, now: () => number = Date.now) => {
  const windows = new Map<string, Window>()

  const current = (key: string, at: number): Window | undefined => {
    const window = windows.get(key)
    if (window === undefined || at - window.start >= options.windowMillis) {
      windows.delete(key)
      return undefined
    }
    return window
  }

  const keys = (username: string, address: string) =>
    [
      [`user:${username.toLowerCase()}`, options.maxFailuresPerUsername],
      [`addr:${address}`, options.maxFailuresPerAddress]
    ] as const

  return {
    /** How many seconds the caller must wait before trying again, or 0 when it may try now. */
    retryAfter: (username: string, address: string): number => {
      const at = now()
      let wait = 0
      for (const [key, max] of keys(username, address)) {
        const window = current(key, at)
        if (window !== undefined && window.failures >= max) {
          wait = Math.max(wait, Math.ceil((window.start + options.windowMillis - at) / 1000))
        }
      }
      return wait
    },
    /** Records a failed sign-in for the username and the address. */
    failed: (username: string, address: string): void => {
      const at = now()
      if (windows.size > MAX_KEYS) {
        for (const key of windows.keys()) current(key, at)
      }
      for (const [key] of keys(username, address)) {
        const window = current(key, at) ?? { failures: 0, start: at }
        window.failures++
        windows.set(key, window)
      }
    },
    /** Forgets the failures of a username after it signed in. */
    succeeded: (username: string): void => {
      windows.delete(`user:${username.toLowerCase()}`)
    }
  }
}

/** A sign-in throttle. */
export type Throttle = ReturnType<typeof makeThrottle>
