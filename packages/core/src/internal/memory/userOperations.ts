/**
 * The users of an in-memory transaction: read, write, list and lock them.
 */
import { Effect, Option } from "effect"
import type { GroupRow, SortValue, UserListQuery, UserRow, UserStore } from "../../Directory.js"
import { EmailTaken, StorageError, UsernameTaken } from "../../Errors.js"
import type { Username } from "../../Names.js"
import type { PasswordHash } from "../../Password.js"
import { type FieldValue, matchesFilter, USER_FIELD_RULES, type UserField } from "../../RecordFilter.js"
import { compareUserKeys, userSortKey } from "../search.js"
import { drop, type MemoryContext, page, put, sorted, toggle } from "./state.js"

/** The users of a transaction, over its context. */
export const userOperations = ({
  state,
  mutate,
  members,
  userRecord,
  userListing,
  keysOf
}: MemoryContext): UserStore => {
  const insertUser = (row: UserRow, groups: ReadonlyArray<GroupRow>) =>
    Effect.suspend((): Effect.Effect<void, StorageError | UsernameTaken | EmailTaken> => {
      if (state.users.has(row.username)) return new UsernameTaken({ username: row.username })
      const owner = row.email === null ? undefined : state.emails.get(row.email.toLowerCase())
      if (row.email !== null && owner !== undefined) return new EmailTaken({ email: row.email, username: owner })
      return mutate((log) => {
        put(log, state.users, row.username, row)
        put(log, state.userGroups, row.username, new Set(groups.map((group) => group.name)))
        if (row.email !== null) put(log, state.emails, row.email.toLowerCase(), row.username)
        for (const group of groups) {
          const set = state.groupMembers.get(group.name)
          if (set === undefined) throw new Error(`no group '${group.name}'`)
          toggle(log, set, row.username, true)
          put(log, state.groups, group.name, group)
        }
      })
    })
  /** A user's fields as a filter reads them. */
  const fieldOf =
    (row: UserRow) =>
    (field: UserField): FieldValue =>
      field === "group" ? (state.userGroups.get(row.username) ?? new Set()) : row[field]
  return {
    findUser: (username) =>
      Effect.sync(() => Option.map(Option.fromNullable(state.users.get(username as Username)), userRecord)),
    findUsernameByEmail: (email) => Effect.sync(() => Option.fromNullable(state.emails.get(email.toLowerCase()))),
    insertUser,
    insertUsers: (rows) => Effect.forEach(rows, (row) => insertUser(row, []), { discard: true }),
    updateUser: (row) =>
      Effect.suspend((): Effect.Effect<void, StorageError | EmailTaken> => {
        const previous = state.users.get(row.username)
        if (previous === undefined) return new StorageError({ reason: `user '${row.username}' vanished` })
        const key = row.email?.toLowerCase()
        const owner = key === undefined ? undefined : state.emails.get(key)
        if (row.email !== null && owner !== undefined && owner !== row.username) {
          return new EmailTaken({ email: row.email, username: owner })
        }
        return mutate((log) => {
          if (previous.email !== null) drop(log, state.emails, previous.email.toLowerCase())
          if (key !== undefined) put(log, state.emails, key, row.username)
          put(log, state.users, row.username, row)
        })
      }),
    deleteUser: (username) =>
      mutate((log) => {
        const row = state.users.get(username)
        if (row === undefined) return
        for (const group of state.userGroups.get(username) ?? []) toggle(log, members(group), username, false)
        drop(log, state.userGroups, username)
        if (row.email !== null) drop(log, state.emails, row.email.toLowerCase())
        drop(log, state.users, username)
      }),
    listUsers: (query: UserListQuery) =>
      Effect.sync(() => {
        const compare = compareUserKeys(query.sort, query.order)
        const after = query.after
        // Sort keys are computed once per match, and records (with their groups) built only for the page.
        const matches: Array<readonly [ReadonlyArray<SortValue>, UserRow]> = []
        for (const row of state.users.values()) {
          const keys = keysOf(row)
          if (query.search !== "" && !keys.search.includes(query.search)) continue
          if (query.enabled !== undefined && row.enabled !== query.enabled) continue
          if (query.system !== undefined && row.system !== query.system) continue
          if (query.group !== undefined && !state.userGroups.get(row.username)?.has(query.group)) continue
          if (query.where !== undefined && !matchesFilter(USER_FIELD_RULES, query.where, fieldOf(row))) continue
          const key = userSortKey(
            query.sort,
            row,
            () => sorted(state.userGroups.get(row.username)),
            () => keys.names
          )
          if (after === undefined || compare(key, after) > 0) matches.push([key, row])
        }
        matches.sort(([a], [b]) => compare(a, b))
        const { items, total } = page(matches, query)
        const counted = query.countUpTo === undefined ? total : Math.min(total, query.countUpTo)
        return { items: items.map(([, row]) => userListing(row)), total: query.count ? counted : null }
      }),
    lockUsers: () => Effect.void,
    passwordHashes: (usernames) =>
      Effect.sync(() => {
        const hashes = new Map<Username, PasswordHash>()
        for (const username of usernames) {
          const hash = state.users.get(username)?.passwordHash
          if (hash !== undefined && hash !== null) hashes.set(username, hash)
        }
        return hashes
      })
  }
}
