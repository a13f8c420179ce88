/**
 * The memberships of an in-memory transaction: add and remove them, and the member counts the rules ask for.
 */
import { Effect } from "effect"
import type { MembershipStore } from "../../Directory.js"
import type { GroupName, Username } from "../../Names.js"
import { type MemoryContext, put, sorted, toggle } from "./state.js"

/** The memberships of a transaction, over its context. */
export const membershipOperations = ({ state, mutate, members, keysOf }: MemoryContext): MembershipStore => {
  const addMembership = (username: Username, group: GroupName) =>
    mutate((log) => {
      const groups = state.userGroups.get(username)
      const set = state.groupMembers.get(group)
      if (groups === undefined || set === undefined) throw new Error(`no user '${username}' or group '${group}'`)
      toggle(log, groups, group, true)
      toggle(log, set, username, true)
    })
  return {
    addMembership,
    addMemberships: (memberships) =>
      Effect.forEach(memberships, ({ username, group }) => addMembership(username, group), { discard: true }),
    removeMembership: (username, group) =>
      mutate((log) => {
        const groups = state.userGroups.get(username)
        if (groups !== undefined) toggle(log, groups, group, false)
        toggle(log, members(group), username, false)
      }),
    countEnabledNonSystemMembers: (group) =>
      Effect.sync(
        () =>
          [...members(group)].filter((username) => {
            const user = state.users.get(username)
            return user?.enabled === true && !user.system
          }).length
      ),
    membersWithNoOtherGroup: (group) =>
      Effect.sync(() => sorted(members(group)).filter((username) => state.userGroups.get(username)?.size === 1)),
    listMembers: ({ group, search, limit, after }) =>
      Effect.sync(() => {
        // A set has no order: the matches after `after` are sorted (an SQL store reads one range of its index).
        const matches: Array<Username> = []
        for (const username of members(group)) {
          if (after !== undefined && username <= after) continue
          const row = state.users.get(username)
          if (search !== "" && (row === undefined || !keysOf(row).search.includes(search))) continue
          matches.push(username)
        }
        return matches.sort().slice(0, limit)
      }),
    systemMembers: (group) =>
      Effect.sync(() => sorted(members(group)).filter((username) => state.users.get(username)?.system)),
    touchMembers: (group, updatedAt) =>
      mutate((log) => {
        for (const username of members(group)) {
          const row = state.users.get(username)
          if (row !== undefined) put(log, state.users, username, { ...row, updatedAt, version: row.version + 1 })
        }
      })
  }
}
