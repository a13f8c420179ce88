import { Effect, Option } from "effect"
import type { GroupRow, UserRecord } from "../Directory.js"
import { GroupMembershipRequired, NotAMember, type StorageError } from "../Errors.js"
import type { GroupName, Username } from "../Names.js"
import { ensureAdminsRemain, ensureNotSelf } from "./adminGroup.js"
import {
  assertNotSystem,
  audit,
  getGroupRows,
  getUser,
  nextUserRow,
  type Operation,
  rewriteUser,
  touchGroup
} from "./operation.js"

/** One membership to add or remove. */
export interface MembershipChange {
  readonly username: Username
  readonly group: GroupName
  readonly kind: "add" | "remove"
}

/**
 * The users a membership change touched, as they are after it (read a group again for its new members), and the
 * memberships it actually added or removed.
 */
export interface MembershipResult {
  readonly users: ReadonlyMap<Username, UserRecord>
  readonly changed: ReadonlyArray<MembershipChange>
}

/**
 * Every change of membership goes through here, whichever command asked for it: system users keep their groups
 * (invariant 2), every user keeps a group (invariant 1), the admin group keeps an enabled member (invariant 5) and
 * nobody removes itself from it (invariant 6); `touch` gives each changed group its new version (an import touches
 * a group once per batch instead); removing a user from a group it is not in is refused (`NotAMember`), or with
 * `absentRemovals: "ignore"` left out (a user who does not exist is no member either). Rows are locked in one order
 * (admin group, other groups, users) so that concurrent transactions wait for each other instead of deadlocking.
 */
export const changeMemberships = (
  op: Operation,
  requested: ReadonlyArray<MembershipChange>,
  context: GroupName | null,
  touch: (op: Operation, group: GroupRow) => Effect.Effect<void, StorageError> = touchGroup,
  options: { readonly absentRemovals?: "refuse" | "ignore" } = {}
) =>
  Effect.gen(function* () {
    const ignoring = options.absentRemovals === "ignore"
    let changes = requested
    const named = [...changes.map((change) => change.group), ...(context === null ? [] : [context])]
    const groupNames = [...new Set(named)].sort(adminFirst(op.config.adminGroup))
    const groups = new Map<GroupName, GroupRow>()
    for (const row of yield* getGroupRows(op.tx, groupNames, true)) groups.set(row.name as GroupName, row)
    const users = new Map<Username, UserRecord>()
    for (const name of [...new Set(changes.map((change) => change.username))].sort()) {
      const removedOnly = changes.every((change) => change.username !== name || change.kind === "remove")
      if (!(ignoring && removedOnly)) {
        users.set(name, yield* getUser(op.tx, name, true))
        continue
      }
      const found = yield* op.tx.findUser(name, { forUpdate: true })
      if (Option.isSome(found)) users.set(name, found.value)
    }
    if (ignoring) {
      changes = changes.filter(
        (change) => change.kind === "add" || (users.get(change.username)?.groups.includes(change.group) ?? false)
      )
    }
    // Leaving a group one is not in is a mistake to point out (a wrong name, a stale list), not a change to skip.
    for (const group of groupNames) {
      const strangers = changes
        .filter((change) => change.kind === "remove" && change.group === group)
        .map((change) => change.username)
        .filter((username) => !users.get(username)?.groups.includes(group))
      if (strangers.length > 0) return yield* new NotAMember({ usernames: [...new Set(strangers)].sort(), group })
    }

    const effective = changes.filter((change) => {
      const isMember = users.get(change.username)?.groups.includes(change.group) ?? false
      return change.kind === "add" ? !isMember : isMember
    })
    const unique = [...new Map(effective.map((change) => [`${change.username}\u0000${change.group}`, change])).values()]
    if (unique.length === 0) return { users, changed: [] } satisfies MembershipResult

    const newGroups = new Map<Username, Set<GroupName>>()
    for (const change of unique) {
      const user = users.get(change.username) as UserRecord
      yield* assertNotSystem(user, `${change.kind === "add" ? "add to" : "remove from"} group '${change.group}'`)
      const set = newGroups.get(user.username) ?? new Set(user.groups)
      if (change.kind === "add") set.add(change.group)
      else set.delete(change.group)
      newGroups.set(user.username, set)
    }

    const groupless = [...newGroups].filter(([, set]) => set.size === 0).map(([username]) => username)
    if (groupless.length > 0) return yield* GroupMembershipRequired.stranding(groupless, context)

    const leavingAdmins = unique
      .filter((change) => change.kind === "remove" && change.group === op.config.adminGroup)
      .map((change) => users.get(change.username) as UserRecord)
    for (const user of leavingAdmins) yield* ensureNotSelf(op, user, "remove", "the admin group")
    yield* ensureAdminsRemain(op, leavingAdmins)

    for (const change of unique) {
      yield* change.kind === "add"
        ? op.tx.addMembership(change.username, change.group)
        : op.tx.removeMembership(change.username, change.group)
    }
    const updatedUsers = new Map(users)
    for (const [username, set] of newGroups) {
      const user = users.get(username) as UserRecord
      const row = nextUserRow(op, user)
      yield* rewriteUser(op, row)
      updatedUsers.set(username, { ...row, groups: [...set].sort() })
    }
    for (const [name, group] of groups) {
      if (unique.some((change) => change.group === name)) yield* touch(op, group)
    }
    // One entry for the whole change, naming every user it affects as a subject (a group's command changes one group);
    // a change of one user's groups is recorded by the user's own entry (Users.modify), naming the groups.
    if (context !== null) {
      const added = unique.filter((c) => c.kind === "add").map((c) => c.username)
      const removed = unique.filter((c) => c.kind === "remove").map((c) => c.username)
      yield* audit(
        op,
        "group.members",
        { type: "group", name: context },
        { added: added.sort(), removed: removed.sort() },
        [...new Set([...added, ...removed])]
      )
    }
    return { users: updatedUsers, changed: unique } satisfies MembershipResult
  })

const adminFirst =
  (adminGroup: string) =>
  (a: string, b: string): number =>
    a === adminGroup ? -1 : b === adminGroup ? 1 : a < b ? -1 : a > b ? 1 : 0
