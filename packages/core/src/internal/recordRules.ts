import { ProtectedGroup, SelfLockout, SystemUserImmutable } from "../Errors.js"

/**
 * The rules a record alone decides, as refusals or `undefined` (allowed): the write paths raise them, and
 * `Permissions` reports them before anything is tried, so that both say the same thing by the same code.
 */

/** What the write paths name when a record-local rule refuses them. */
export const USER_ACTION = {
  modify: "modify",
  enable: "enable",
  disable: "disable",
  delete: "delete",
  setPassword: "set a password for"
} as const

/** What the write paths name when the admin group's rule refuses them. */
export const GROUP_ACTION = { rename: "renamed", delete: "deleted" } as const

/** Invariant 2: a system user is never changed. */
export const systemUserRefusal = (
  user: { readonly username: string; readonly system: boolean },
  action: string
): SystemUserImmutable | undefined =>
  user.system ? new SystemUserImmutable({ username: user.username, action }) : undefined

/** Invariant 6: nobody disables, deletes or demotes itself. */
export const selfRefusal = (
  actor: string,
  target: { readonly username: string },
  action: string,
  from?: string
): SelfLockout | undefined =>
  target.username === actor
    ? new SelfLockout({ username: target.username, action, ...(from === undefined ? {} : { from }) })
    : undefined

/** Whether a group is the admin group, which is never renamed or deleted. */
export const isProtectedGroup = (adminGroup: string, name: string): boolean => name === adminGroup

/** The admin group is never renamed or deleted. */
export const protectedGroupRefusal = (adminGroup: string, name: string, action: string): ProtectedGroup | undefined =>
  isProtectedGroup(adminGroup, name) ? new ProtectedGroup({ name, action }) : undefined
