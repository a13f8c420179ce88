/**
 * The reference store: the whole directory in memory, with real transactions (serialised, all-or-nothing).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Option } from "effect"
import { AuditEntry, type NewAuditEntry } from "./AuditEntry.js"
import {
  type AuditFilter,
  Directory,
  type DirectoryTransaction,
  type GroupRecord,
  type GroupRow,
  type SessionRow,
  type SignInCounter,
  type SortValue,
  type UserListing,
  type UserListQuery,
  type UserRecord,
  type UserRow
} from "./Directory.js"
import { EmailTaken, GidTaken, GroupNameTaken, StorageError, UsernameTaken } from "./Errors.js"
import type { GroupSort } from "./Group.js"
import { compareKeys, compareUserKeys, matchesSearch, userSortKey } from "./internal/search.js"
import type { GroupName, Username } from "./Names.js"
import type { ListQuery } from "./Page.js"
import { guarded } from "./TransactionBody.js"
import { type NameSortKeys, nameSortKeys, searchText } from "./UserKeys.js"

interface State {
  readonly users: Map<Username, UserRow>
  readonly emails: Map<string, Username>
  readonly groups: Map<GroupName, GroupRow>
  readonly gids: Map<number, GroupName>
  readonly gidLedger: Set<number>
  readonly userGroups: Map<Username, Set<GroupName>>
  readonly groupMembers: Map<GroupName, Set<Username>>
  readonly audit: Array<AuditEntry>
  /** The subjects of each audit entry that has any, by the entry's id. */
  readonly auditSubjects: Map<number, ReadonlySet<string>>
  readonly sessions: Map<string, SessionRow>
  /** Sign-in throttle counters by `counterKey`. */
  readonly signInCounters: Map<string, SignInCounter>
  highWaterMark: number
}

type Undo = Array<() => void>

const sorted = <A extends string>(set: ReadonlySet<A> | undefined): Array<A> =>
  set === undefined ? [] : [...set].sort()

/** Sets `key` in `map`, remembering how to put it back. */
const put = <K, V>(undo: Undo, map: Map<K, V>, key: K, value: V) => {
  const had = map.has(key)
  const previous = map.get(key)
  map.set(key, value)
  undo.push(() => (had ? map.set(key, previous as V) : map.delete(key)))
}

/** Deletes `key` from `map`, remembering how to put it back. */
const drop = <K, V>(undo: Undo, map: Map<K, V>, key: K) => {
  if (!map.has(key)) return
  const previous = map.get(key) as V
  map.delete(key)
  undo.push(() => map.set(key, previous))
}

/** Adds to or deletes from a set, remembering how to undo it. */
const toggle = <A>(undo: Undo, set: Set<A>, value: A, present: boolean) => {
  if (set.has(value) === present) return
  if (present) set.add(value)
  else set.delete(value)
  undo.push(() => (present ? set.delete(value) : set.add(value)))
}

const groupSortKey = (sort: GroupSort, group: GroupRecord): string | number => {
  switch (sort) {
    case "members":
      return group.members.length
    case "createdAt":
    case "updatedAt":
      return group[sort].getTime()
    default:
      return group[sort]
  }
}

/** The map key of a sign-in counter (a username has no newline). */
const counterKey = (key: { readonly username: string; readonly address: string }) => `${key.username}\n${key.address}`

const page = <A>(items: Array<A>, query: { readonly limit: number; readonly offset: number }) => ({
  items: items.slice(query.offset, query.offset + query.limit),
  total: items.length
})

const make = Effect.gen(function* () {
  const state: State = {
    users: new Map(),
    emails: new Map(),
    groups: new Map(),
    gids: new Map(),
    gidLedger: new Set(),
    userGroups: new Map(),
    groupMembers: new Map(),
    audit: [],
    auditSubjects: new Map(),
    sessions: new Map(),
    signInCounters: new Map(),
    highWaterMark: 0
  }
  const lock = yield* Effect.makeSemaphore(1)

  const userRecord = (row: UserRow): UserRecord => ({ ...row, groups: sorted(state.userGroups.get(row.username)) })
  const userListing = ({ passwordHash: _hash, ...row }: UserRow): UserListing => ({
    ...row,
    groups: sorted(state.userGroups.get(row.username))
  })
  const groupRecord = (row: GroupRow): GroupRecord => ({ ...row, members: sorted(state.groupMembers.get(row.name)) })
  // The search text and name sort keys of each stored row (rows are replaced, never changed), kept as the SQL stores
  // keep them in their columns: computed once a row, not once a listing.
  const listingKeys = new WeakMap<UserRow, { readonly search: string; readonly names: NameSortKeys }>()
  const keysOf = (row: UserRow) => {
    let keys = listingKeys.get(row)
    if (keys === undefined) {
      keys = { search: searchText(row), names: nameSortKeys(row) }
      listingKeys.set(row, keys)
    }
    return keys
  }

  const transaction = (undo: Undo | null): DirectoryTransaction => {
    const writable = (): Undo => {
      if (undo === null) throw new Error("a read transaction cannot write")
      return undo
    }
    const mutate = <A>(f: (log: Undo) => A) =>
      Effect.try({
        try: () => f(writable()),
        catch: (cause) => new StorageError({ reason: String(cause), cause })
      })
    const members = (group: GroupName) => state.groupMembers.get(group) ?? new Set<Username>()

    return {
      isEmpty: Effect.sync(() => state.users.size === 0 && state.groups.size === 0),

      findUser: (username) =>
        Effect.sync(() => Option.map(Option.fromNullable(state.users.get(username as Username)), userRecord)),
      findUsernameByEmail: (email) => Effect.sync(() => Option.fromNullable(state.emails.get(email.toLowerCase()))),
      insertUser: (row) =>
        Effect.suspend((): Effect.Effect<void, StorageError | UsernameTaken | EmailTaken> => {
          if (state.users.has(row.username)) return new UsernameTaken({ username: row.username })
          const owner = row.email === null ? undefined : state.emails.get(row.email.toLowerCase())
          if (row.email !== null && owner !== undefined) return new EmailTaken({ email: row.email, username: owner })
          return mutate((log) => {
            put(log, state.users, row.username, row)
            put(log, state.userGroups, row.username, new Set())
            if (row.email !== null) put(log, state.emails, row.email.toLowerCase(), row.username)
          })
        }),
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
          return { items: items.map(([, row]) => userListing(row)), total: query.count ? total : null }
        }),
      lockUsers: () => Effect.void,

      findGroup: (name) =>
        Effect.sync(() => Option.map(Option.fromNullable(state.groups.get(name as GroupName)), groupRecord)),
      findGroupRow: (name) => Effect.sync(() => Option.fromNullable(state.groups.get(name as GroupName))),
      findGroupByGid: (gid) => Effect.sync(() => Option.fromNullable(state.gids.get(gid))),
      insertGroup: (row) =>
        Effect.suspend((): Effect.Effect<void, StorageError | GroupNameTaken | GidTaken> => {
          if (state.groups.has(row.name)) return new GroupNameTaken({ name: row.name })
          const holder = state.gids.get(row.gid)
          if (holder !== undefined) return new GidTaken({ gid: row.gid, group: holder })
          return mutate((log) => {
            put(log, state.groups, row.name, row)
            put(log, state.groupMembers, row.name, new Set())
            put(log, state.gids, row.gid, row.name)
            toggle(log, state.gidLedger, row.gid, true)
          })
        }),
      updateGroup: (previousName, row) =>
        Effect.suspend((): Effect.Effect<void, StorageError | GroupNameTaken> => {
          if (previousName !== row.name && state.groups.has(row.name)) return new GroupNameTaken({ name: row.name })
          return mutate((log) => {
            if (previousName !== row.name) {
              const set = members(previousName)
              for (const username of set) {
                const groups = state.userGroups.get(username)
                if (groups === undefined) continue
                toggle(log, groups, previousName, false)
                toggle(log, groups, row.name, true)
              }
              drop(log, state.groupMembers, previousName)
              put(log, state.groupMembers, row.name, set)
              drop(log, state.groups, previousName)
            }
            put(log, state.groups, row.name, row)
            put(log, state.gids, row.gid, row.name)
          })
        }),
      deleteGroup: (name) =>
        mutate((log) => {
          const row = state.groups.get(name)
          if (row === undefined) return
          for (const username of members(name)) {
            const groups = state.userGroups.get(username)
            if (groups !== undefined) toggle(log, groups, name, false)
          }
          drop(log, state.groupMembers, name)
          drop(log, state.gids, row.gid)
          drop(log, state.groups, name)
        }),
      listGroups: (query: ListQuery<GroupSort>) =>
        Effect.sync(() => {
          const direction = query.order === "asc" ? 1 : -1
          const matches: Array<GroupRecord> = []
          for (const row of state.groups.values()) {
            if (matchesSearch(query.search, [row.name])) matches.push(groupRecord(row))
          }
          matches.sort(
            (a, b) =>
              direction * compareKeys(groupSortKey(query.sort, a), groupSortKey(query.sort, b)) ||
              compareKeys(a.name, b.name)
          )
          return page(matches, query)
        }),

      addMembership: (username, group) =>
        mutate((log) => {
          const groups = state.userGroups.get(username)
          const set = state.groupMembers.get(group)
          if (groups === undefined || set === undefined) throw new Error(`no user '${username}' or group '${group}'`)
          toggle(log, groups, group, true)
          toggle(log, set, username, true)
        }),
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
      systemMembers: (group) =>
        Effect.sync(() => sorted(members(group)).filter((username) => state.users.get(username)?.system)),

      gidHighWaterMark: Effect.sync(() => state.highWaterMark),
      setGidHighWaterMark: (gid) =>
        mutate((log) => {
          const previous = state.highWaterMark
          state.highWaterMark = gid
          log.push(() => {
            state.highWaterMark = previous
          })
        }),
      gidEverUsed: (gid) => Effect.sync(() => state.gidLedger.has(gid)),

      insertSession: (row) => mutate((log) => put(log, state.sessions, row.tokenHash, row)),
      findSession: (tokenHash) => Effect.sync(() => Option.fromNullable(state.sessions.get(tokenHash))),
      findSessionUser: (tokenHash) =>
        Effect.sync(() =>
          Option.flatMap(Option.fromNullable(state.sessions.get(tokenHash)), (session) =>
            Option.map(Option.fromNullable(state.users.get(session.username)), (user) => ({
              session,
              user: userRecord(user)
            }))
          )
        ),
      deleteSession: (tokenHash) => mutate((log) => drop(log, state.sessions, tokenHash)),
      deleteUserSessions: (username) =>
        mutate((log) => {
          let count = 0
          for (const [hash, row] of state.sessions) {
            if (row.username !== username) continue
            drop(log, state.sessions, hash)
            count++
          }
          return count
        }),
      deleteExpiredSessions: (now) =>
        mutate((log) => {
          for (const [hash, row] of state.sessions) if (row.expiresAt < now) drop(log, state.sessions, hash)
        }),

      lockSignInCounters: (keys, now) =>
        mutate((log) =>
          keys.map((key) => {
            const found = state.signInCounters.get(counterKey(key))
            if (found !== undefined) return found
            const counter: SignInCounter = { ...key, failures: 0, windowStart: now, lastFailureAt: 0 }
            put(log, state.signInCounters, counterKey(key), counter)
            return counter
          })
        ),
      saveSignInCounters: (counters) =>
        mutate((log) => {
          for (const counter of counters) put(log, state.signInCounters, counterKey(counter), counter)
        }),
      deleteSignInCounters: (username) =>
        mutate((log) => {
          let count = 0
          for (const [key, counter] of state.signInCounters) {
            if (counter.username !== username) continue
            drop(log, state.signInCounters, key)
            count++
          }
          return count
        }),
      trimSignInCounters: (before, maxCounters) =>
        mutate((log) => {
          for (const [key, counter] of state.signInCounters) {
            if (counter.windowStart < before) drop(log, state.signInCounters, key)
          }
          const excess = state.signInCounters.size - maxCounters
          if (excess <= 0) return
          const oldest = [...state.signInCounters].sort(([, a], [, b]) => a.windowStart - b.windowStart)
          for (const [key] of oldest.slice(0, excess)) drop(log, state.signInCounters, key)
        }),
      listSignInCounters: (query) =>
        Effect.sync(() =>
          [...state.signInCounters.values()]
            .filter((counter) => counter.windowStart >= query.since && counter.failures >= query.minFailures)
            .sort((a, b) => b.lastFailureAt - a.lastFailureAt)
            .slice(0, query.limit)
        ),

      appendAudit: ({ subjects = [], ...entry }: NewAuditEntry) =>
        mutate((log) => {
          const id = state.audit.length + 1
          state.audit.push(new AuditEntry({ ...entry, id }, { disableValidation: true }))
          log.push(() => state.audit.pop())
          if (subjects.length > 0) {
            state.auditSubjects.set(id, new Set(subjects))
            log.push(() => state.auditSubjects.delete(id))
          }
        }),
      listAudit: (filter: AuditFilter) =>
        Effect.sync(() => {
          const matches: Array<AuditEntry> = []
          for (let index = state.audit.length - 1; index >= 0; index--) {
            const entry = state.audit[index] as AuditEntry
            if (filter.actor !== undefined && entry.actor !== filter.actor) continue
            if (
              filter.target !== undefined &&
              entry.target !== filter.target &&
              state.auditSubjects.get(entry.id)?.has(filter.target) !== true
            ) {
              continue
            }
            if (filter.action !== undefined && entry.action !== filter.action) continue
            if (filter.since !== undefined && entry.at < filter.since) continue
            if (filter.until !== undefined && entry.at > filter.until) continue
            matches.push(entry)
          }
          return page(matches, filter)
        })
    }
  }

  const rollback = (undo: Undo) =>
    Effect.sync(() => {
      for (let index = undo.length - 1; index >= 0; index--) undo[index]?.()
    })

  return Directory.of({
    // Its operations never wait, so a body that waits waits on something else (see TransactionBody).
    read: (body) => lock.withPermits(1)(Effect.suspend(() => guarded(body(transaction(null)), () => false))),
    write: (body, completion = "commit") =>
      lock.withPermits(1)(
        Effect.suspend(() => {
          const undo: Undo = []
          return guarded(body(transaction(undo)), () => false).pipe(
            Effect.onExit((exit) =>
              exit._tag === "Failure" || completion === "rollback" ? rollback(undo) : Effect.void
            )
          )
        })
      )
  })
})

/**
 * An empty in-memory directory, new each time the layer is built.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Directory> = Layer.effect(Directory, make)
