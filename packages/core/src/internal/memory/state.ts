/**
 * The in-memory store's state, the undo log its writes keep, and what every operation of a transaction shares.
 */
import { Effect } from "effect"
import type { AuditEntry } from "../../AuditEntry.js"
import type {
  ApiTokenRow,
  GroupRecord,
  GroupRow,
  SessionRow,
  SignInCounter,
  UserListing,
  UserRecord,
  UserRow
} from "../../Directory.js"
import type { DirectoryConfigShape } from "../../DirectoryConfig.js"
import { StorageError } from "../../Errors.js"
import type { GroupName, Username } from "../../Names.js"
import { type NameSortKeys, nameSortKeys, searchText } from "../../UserKeys.js"

/** Everything the in-memory store holds, with the indexes a SQL store keeps (emails, GIDs, both membership sides). */
export interface State {
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
  /** API tokens by name. */
  readonly apiTokens: Map<string, ApiTokenRow>
  /** Sign-in throttle counters by `counterKey`. */
  readonly signInCounters: Map<string, SignInCounter>
  highWaterMark: number
  /** The directory-wide settings, once stored. */
  settings: DirectoryConfigShape | undefined
}

/** An empty directory's state. */
export const emptyState = (): State => ({
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
  apiTokens: new Map(),
  signInCounters: new Map(),
  highWaterMark: 0,
  settings: undefined
})

/** How to take back each change a write transaction made, in the order they were made. */
export type Undo = Array<() => void>

/** Sets `key` in `map`, remembering how to put it back. */
export const put = <K, V>(undo: Undo, map: Map<K, V>, key: K, value: V) => {
  const had = map.has(key)
  const previous = map.get(key)
  map.set(key, value)
  undo.push(() => (had ? map.set(key, previous as V) : map.delete(key)))
}

/** Deletes `key` from `map`, remembering how to put it back. */
export const drop = <K, V>(undo: Undo, map: Map<K, V>, key: K) => {
  if (!map.has(key)) return
  const previous = map.get(key) as V
  map.delete(key)
  undo.push(() => map.set(key, previous))
}

/** Deletes every entry of `map` that `doomed` picks, remembering how to put them back; returns how many it deleted. */
export const dropWhere = <K, V>(undo: Undo, map: Map<K, V>, doomed: (value: V) => boolean): number => {
  let count = 0
  for (const [key, value] of map) {
    if (!doomed(value)) continue
    drop(undo, map, key)
    count++
  }
  return count
}

/** Adds to or deletes from a set, remembering how to undo it. */
export const toggle = <A>(undo: Undo, set: Set<A>, value: A, present: boolean) => {
  if (set.has(value) === present) return
  if (present) set.add(value)
  else set.delete(value)
  undo.push(() => (present ? set.delete(value) : set.add(value)))
}

/** Takes back a failed or rolled-back transaction's changes, the last first. */
export const rollback = (undo: Undo) =>
  Effect.sync(() => {
    for (let index = undo.length - 1; index >= 0; index--) undo[index]?.()
  })

/** The members of a set in sorted order (none when there is no set). */
export const sorted = <A extends string>(set: ReadonlySet<A> | undefined): Array<A> =>
  set === undefined ? [] : [...set].sort()

/** One page of `items`, with how many there are in all. */
export const page = <A>(items: Array<A>, query: { readonly limit: number; readonly offset: number }) => ({
  items: items.slice(query.offset, query.offset + query.limit),
  total: items.length
})

/**
 * The search text and name sort keys of each stored user row (rows are replaced, never changed), kept as the SQL stores
 * keep them in their columns: computed once a row, not once a listing.
 */
export type ListingKeys = WeakMap<UserRow, { readonly search: string; readonly names: NameSortKeys }>

/** What every operation of a transaction shares: the state, how to change it, and how rows become records. */
export interface MemoryContext {
  readonly state: State
  /** Runs a change with the transaction's undo log; a read transaction's changes fail. */
  readonly mutate: <A>(f: (log: Undo) => A) => Effect.Effect<A, StorageError>
  /** A group's member set (an empty one, not stored, when the group has none). */
  readonly members: (group: GroupName) => Set<Username>
  readonly userRecord: (row: UserRow) => UserRecord
  readonly userListing: (row: UserRow) => UserListing
  /** A group with its member count and its members, sorted: all of them, or the first `memberPreview`. */
  readonly groupRecord: (row: GroupRow, memberPreview?: number) => GroupRecord
  /** A user row's search text and name sort keys (see `ListingKeys`). */
  readonly keysOf: (row: UserRow) => { readonly search: string; readonly names: NameSortKeys }
}

/** The context of one transaction over `state`: a write transaction has an undo log, a read transaction `null`. */
export const memoryContext = (state: State, listingKeys: ListingKeys, undo: Undo | null): MemoryContext => ({
  state,
  mutate: (f) =>
    Effect.try({
      try: () => {
        if (undo === null) throw new Error("a read transaction cannot write")
        return f(undo)
      },
      catch: (cause) => new StorageError({ reason: String(cause), cause })
    }),
  members: (group) => state.groupMembers.get(group) ?? new Set<Username>(),
  userRecord: (row) => ({ ...row, groups: sorted(state.userGroups.get(row.username)) }),
  userListing: ({ passwordHash: _hash, ...row }) => ({ ...row, groups: sorted(state.userGroups.get(row.username)) }),
  groupRecord: (row, memberPreview) => {
    const members = sorted(state.groupMembers.get(row.name))
    return {
      ...row,
      memberCount: members.length,
      members: memberPreview === undefined ? members : members.slice(0, memberPreview)
    }
  },
  keysOf: (row) => {
    let keys = listingKeys.get(row)
    if (keys === undefined) {
      keys = { search: searchText(row), names: nameSortKeys(row) }
      listingKeys.set(row, keys)
    }
    return keys
  }
})
