import { Effect, Option } from "effect"
import type { DirectoryTransaction, UserRecord } from "../Directory.js"
import { LastAdmin } from "../Errors.js"
import type { GroupName } from "../Names.js"
import { isAdmin, keptGroupRow, type Operation } from "./operation.js"
import { selfRefusal } from "./recordRules.js"

/** Locks the admin group's row so that no other transaction changes who is an administrator meanwhile. */
export const lockAdminGroup = (op: Operation) => keptGroupRow(op.tx, op.config.adminGroup)

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

/**
 * Whether the directory has an admin group but no administrator: no enabled member of that group is a user who is
 * not a system user (a directory made before system users lost admin access can be so). `Users.bootstrap` may then
 * add an administrator. With `forUpdate`, the admin group's row stays locked until the transaction ends.
 */
export const lacksAdministrator = (tx: DirectoryTransaction, adminGroup: string, forUpdate = false) =>
  Effect.gen(function* () {
    const group = yield* tx.findGroupRow(adminGroup, { forUpdate })
    if (Option.isNone(group)) return false
    return (yield* tx.countEnabledNonSystemMembers(group.value.name)) === 0
  })

/** Invariant 6: nobody disables, deletes or demotes itself. */
export const ensureNotSelf = (op: Operation, target: UserRecord, action: string, from?: string) =>
  selfRefusal(op.actor.username, target, action, from) ?? Effect.void
