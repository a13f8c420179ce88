import { msg, str } from "@lit/localize"
import type { SignInLock } from "../Client.js"

/**
 * The users the throttle refuses now, by username: for each, the lock that ends last (a user can be locked from
 * several addresses, and delayed across them). Address locks name no user and are not shown on a row.
 */
export const lockedUsers = (locks: ReadonlyArray<SignInLock>): ReadonlyMap<string, SignInLock> => {
  const byUser = new Map<string, SignInLock>()
  for (const lock of locks) {
    if (lock.username === null) continue
    const known = byUser.get(lock.username)
    if (known === undefined || Date.parse(lock.until) > Date.parse(known.until)) byUser.set(lock.username, lock)
  }
  return byUser
}

/**
 * What a row says of its user's lock, for the badge's tooltip and accessible name; the time as `locale` (the element's
 * `lang`) writes it.
 */
export const lockDescription = (lock: SignInLock, locale: string | undefined): string => {
  let time: Intl.DateTimeFormat
  try {
    time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" })
  } catch {
    // A `lang` that is no language tag: the browser's own.
    time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" })
  }
  const until = time.format(new Date(lock.until))
  return lock.failures === 1
    ? msg(str`Sign-in locked until ${until} after 1 failed sign-in`)
    : msg(str`Sign-in locked until ${until} after ${lock.failures} failed sign-ins`)
}
