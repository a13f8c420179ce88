import { Effect } from "effect"
import type { UserRecord } from "../Directory.js"
import { LastAdmin, SelfLockout } from "../Errors.js"
import type { GroupName } from "../Names.js"
import { getGroupRow, isAdmin, type Operation } from "./operation.js"

/** Locks the admin group's row so that no other transaction changes who is an administrator meanwhile. */
export const lockAdminGroup = (op: Operation) => getGroupRow(op.tx, op.config.adminGroup, true)

/**
 * Invariant 5: after `leaving` lose admin access (disabled, deleted or removed from the admin group), the admin
 * group still has an enabled member that is not a system user. Call after `lockAdminGroup`.
 */
export const ensureAdminsRemain = (op: Operation, leaving: ReadonlyArray<UserRecord>) =>
  Effect.gen(function* () {
    const adminGroup = op.config.adminGroup as GroupName
    const losing = leaving.filter((user) => isAdmin(user, op.config))
    if (losing.length === 0) return
    const remaining = (yield* op.tx.countEnabledNonSystemMembers(adminGroup)) - losing.length
    if (remaining < 1) {
      return yield* new LastAdmin({ group: adminGroup, usernames: losing.map((user) => user.username) })
    }
  })

/** Invariant 6: nobody disables, deletes or demotes itself. */
export const ensureNotSelf = (op: Operation, target: UserRecord, action: string) =>
  target.username === op.actor.username ? new SelfLockout({ username: target.username, action }) : Effect.void
