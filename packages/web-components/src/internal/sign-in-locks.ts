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

/** What a row says of its user's lock, for the badge's tooltip and accessible name. */
export const lockDescription = (lock: SignInLock): string => {
  const until = new Date(lock.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
  const failures = `${lock.failures} failed sign-in${lock.failures === 1 ? "" : "s"}`
  return `Sign-in locked until ${until} after ${failures}`
}
