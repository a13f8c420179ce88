import { Effect } from "effect"
import type { GroupRecord, GroupRow, UserRecord } from "../Directory.js"
import { GroupMembershipRequired, type StorageError, SystemUserImmutable } from "../Errors.js"
import type { GroupName } from "../Names.js"
import { ensureAdminsRemain, ensureNotSelf } from "./adminGroup.js"
import {
  assertNotSystem,
  audit,
  getUser,
  keptGroupRow,
  nextUserRow,
  type Operation,
  rewriteUser,
  touchGroup
} from "./operation.js"
import { USER_ACTION } from "./recordRules.js"

/** How a removal gives a group a new version: at once (`touchGroup`), or later, once per write (an import's). */
export type Touch = (op: Operation, group: GroupRow) => Effect.Effect<void, StorageError>

/**
 * Deletes a user read (and locked) in this transaction, after the admin group was locked: never a system user, never
 * the actor itself, never the last administrator. Every rule is checked before anything is written.
 */
export const removeUser = (op: Operation, user: UserRecord, touch: Touch = touchGroup) =>
  Effect.gen(function* () {
    yield* assertNotSystem(user, USER_ACTION.delete)
    yield* ensureNotSelf(op, user, USER_ACTION.delete)
    yield* ensureAdminsRemain(op, [user])
    for (const groupName of user.groups) yield* touch(op, yield* keptGroupRow(op.tx, groupName))
    yield* op.tx.deleteUserSessions(user.username)
    yield* op.tx.deleteUser(user.username)
    yield* audit(op, "user.delete", { type: "user", name: user.username }, { groups: user.groups }, user.groups)
  })

/**
 * Deletes a group read (and locked) in this transaction that is not the admin group (the caller checks that): never
 * one holding a system user, never one that is the only group of a member. Every rule is checked before anything is
 * written.
 */
export const removeGroup = (op: Operation, group: GroupRecord) =>
  Effect.gen(function* () {
    const groupName = group.name as GroupName
    yield* op.tx.lockUsers(group.members)
    const [system] = yield* op.tx.systemMembers(groupName)
    if (system !== undefined) {
      return yield* new SystemUserImmutable({ username: system, action: `delete its group '${groupName}'` })
    }
    const stranded = yield* op.tx.membersWithNoOtherGroup(groupName)
    if (stranded.length > 0) {
      return yield* GroupMembershipRequired.stranding(stranded, groupName)
    }
    for (const username of group.members) {
      yield* rewriteUser(op, nextUserRow(op, yield* getUser(op.tx, username)))
    }
    yield* op.tx.deleteGroup(groupName)
    yield* audit(
      op,
      "group.delete",
      { type: "group", name: groupName },
      { gid: group.gid, members: group.members },
      group.members
    )
  })
