/**
 * The storage port: transactions over users, groups, memberships, the GID ledger, sessions, sign-in counters and the
 * audit trail, one interface per concern (`UserStore`, `GroupStore`, …) and `DirectoryTransaction` their combination.
 *
 * The services hold every rule; a store only reads and writes. Each operation of a service runs in one
 * `write` (or `read`) transaction, so an SQL store can make it atomic and lock the rows a rule depends on.
 *
 * @since 0.1.0
 */
import type { Option } from "effect"
import { Context, Effect, FiberRef, GlobalValue } from "effect"
import type { TokenScope } from "./ApiToken.js"
import type { AuditAction, AuditEntry, NewAuditEntry } from "./AuditEntry.js"
import type { DirectoryConfigShape } from "./DirectoryConfig.js"
import type { EmailTaken, GidTaken, GroupNameTaken, StorageError, TokenNameTaken, UsernameTaken } from "./Errors.js"
import type { GroupSort } from "./Group.js"
import type { GroupName, TokenName, Username } from "./Names.js"
import type { ListQuery } from "./Page.js"
import type { PasswordHash } from "./Password.js"
import type { GroupFilter, UserFilter } from "./RecordFilter.js"
import type { UserSort } from "./User.js"

/**
 * A user as stored: the record's fields and its password hash, without its memberships.
 *
 * @category models
 * @since 0.1.0
 */
export interface UserRow {
  readonly username: Username
  readonly firstName: string
  readonly lastName: string
  readonly email: string | null
  /** The identity provider's id of the user, as given (`User.ExternalId`). */
  readonly externalId: string | null
  /** The identity provider's name of the user, as given (`User.ExternalName`). */
  readonly externalName: string | null
  readonly enabled: boolean
  readonly system: boolean
  readonly passwordHash: PasswordHash | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/**
 * A stored user with the names of its groups, sorted.
 *
 * @category models
 * @since 0.1.0
 */
export interface UserRecord extends UserRow {
  readonly groups: ReadonlyArray<GroupName>
}

/**
 * A user as a listing reads it: the record without its password hash. Only the operations that check or change a
 * password read the hash; a page of users never carries one.
 *
 * @category models
 * @since 0.1.0
 */
export type UserListing = Omit<UserRecord, "passwordHash">

/**
 * A group as stored, without its members.
 *
 * @category models
 * @since 0.1.0
 */
export interface GroupRow {
  readonly name: GroupName
  readonly gid: number
  /** The identity provider's id of the group, as given (`User.ExternalId`). */
  readonly externalId: string | null
  /** The identity provider's name of the group, as given (`User.ExternalName`). */
  readonly externalName: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/**
 * A stored group with its member count and the usernames of its members, sorted: all of them, or only the first
 * `memberPreview` when the read asked for a preview (`GroupReadOptions`, `GroupListQuery`).
 *
 * @category models
 * @since 0.1.0
 */
export interface GroupRecord extends GroupRow {
  readonly memberCount: number
  readonly members: ReadonlyArray<Username>
}

/**
 * How a group is read: locked or not, and whether it carries only its first `memberPreview` members (by username)
 * instead of all of them — what an answer shows, at the cost of a page whatever the group's size.
 *
 * @category models
 * @since 0.1.0
 */
export interface GroupReadOptions extends ReadOptions {
  readonly memberPreview?: number | undefined
}

/**
 * A signed-in session as stored: only the SHA-256 hash of its token, never the token itself.
 *
 * @category models
 * @since 0.1.0
 */
export interface SessionRow {
  /** The SHA-256 hash of the session token, hex-encoded. */
  readonly tokenHash: string
  readonly username: Username
  readonly createdAt: Date
  readonly expiresAt: Date
}

/**
 * A sign-in throttle counter: failed sign-ins in a window, for a username from an address, for an address (username
 * `""`), or for a username from any address (address `""`). Times are epoch milliseconds.
 *
 * @category models
 * @since 0.1.0
 */
export interface SignInCounter {
  readonly username: string
  readonly address: string
  readonly failures: number
  /** When the counter's window started. */
  readonly windowStart: number
  /** When its last failure was counted (0 when none was). */
  readonly lastFailureAt: number
}

/**
 * The key of a sign-in throttle counter.
 *
 * @category models
 * @since 0.1.0
 */
export type SignInCounterKey = Pick<SignInCounter, "username" | "address">

/**
 * Whether a read should also lock the row until the transaction ends (`SELECT … FOR UPDATE`).
 *
 * @category models
 * @since 0.1.0
 */
export interface ReadOptions {
  readonly forUpdate?: boolean
}

/**
 * The audit filter as the store receives it: every default applied.
 *
 * @category models
 * @since 0.1.0
 */
export interface AuditFilter {
  readonly actor?: string | undefined
  readonly target?: string | undefined
  readonly action?: AuditAction | undefined
  readonly since?: Date | undefined
  readonly until?: Date | undefined
  readonly limit: number
  readonly offset: number
}

/**
 * A value of a sort key: text, a number, a boolean, or `null` for a missing value.
 *
 * @category models
 * @since 0.1.0
 */
export type SortValue = string | number | boolean | null

/**
 * How much of a user's joined group names the `groups` sort compares: the first this many characters (a store may
 * keep the sort key in an indexed column of this length).
 *
 * @category constants
 * @since 0.1.0
 */
export const GROUPS_SORT_KEY_LENGTH = 1000

/**
 * The user list query as the store receives it: every default applied, and how to page.
 *
 * @category models
 * @since 0.1.0
 */
export interface UserListQuery extends ListQuery<UserSort> {
  /**
   * Keyset paging: only the users that sort after this key, the sort key of the last user of the previous page. For
   * each sort it is the sorted column(s) then the username — `firstName`, `lastName`, `fullName`: the name's sort key
   * (see `UserKeys.sortKey`; the full name as shown), username; `groups`:
   * the group names joined with `,` (the first `GROUPS_SORT_KEY_LENGTH` characters); `createdAt`/`updatedAt`: ISO timestamps; `email`: `null` when there is none.
   */
  readonly after?: ReadonlyArray<SortValue> | undefined
  /** Only the users that are enabled (`true`) or disabled (`false`); every user when absent. */
  readonly enabled?: boolean | undefined
  /** Only the system users (`true`) or the regular ones (`false`); every user when absent. */
  readonly system?: boolean | undefined
  /** Only the members of this group (none when no such group exists); every user when absent. */
  readonly group?: GroupName | undefined
  /**
   * Only the users this filter holds for, checked by the core (values of the fields that ignore case lower-cased, times
   * as dates), run by the store in its own query with the other filters, the sort and the paging; every user when
   * absent.
   */
  readonly where?: UserFilter | undefined
  /** Whether to count the matches; a store that is not asked returns `null` as the total. */
  readonly count: boolean
  /**
   * When counting, the most matches to count: the store stops there and returns at most this many as the total (a
   * bounded count costs what the first matches cost, not every match). Left out: every match is counted.
   */
  readonly countUpTo?: number | undefined
}

/**
 * The group list query as the store receives it: every default applied, and how to page.
 *
 * @category models
 * @since 0.1.0
 */
export interface GroupListQuery extends ListQuery<GroupSort> {
  /**
   * Keyset paging, with the `name` sort in ascending order only: just the groups whose name sorts after this one, the
   * last of the previous page (the total still counts every match).
   */
  readonly after?: GroupName | undefined
  /** Each group carries only its first this many members (by username); all of them when absent. */
  readonly memberPreview?: number | undefined
  /** Only the groups this filter holds for, checked by the core as `UserListQuery.where` is; every group when absent. */
  readonly where?: GroupFilter | undefined
}

/**
 * The query of a group's members as the store receives it: every default applied.
 *
 * @category models
 * @since 0.1.0
 */
export interface MemberListQuery {
  readonly group: GroupName
  /** Lower-cased search term over the members' search text (`UserKeys.searchText`); empty means every member. */
  readonly search: string
  readonly limit: number
  /** Keyset paging: only the members whose username sorts after this one, the last of the previous page. */
  readonly after?: Username | undefined
}

/**
 * The users of a transaction: read, write, list and lock them.
 *
 * @category stores
 * @since 0.1.0
 */
export interface UserStore {
  readonly findUser: (username: string, options?: ReadOptions) => Effect.Effect<Option.Option<UserRecord>, StorageError>
  /** The user whose email equals this one, compared without regard to case. */
  readonly findUsernameByEmail: (email: string) => Effect.Effect<Option.Option<Username>, StorageError>
  /**
   * Stores a new user in its groups: the user, a membership in each group, and each group as given (its new version,
   * read and locked in this transaction) with one member more, in as few statements as the engine allows. A name or
   * email race surfaces as the domain error.
   */
  readonly insertUser: (
    row: UserRow,
    groups: ReadonlyArray<GroupRow>
  ) => Effect.Effect<void, StorageError | UsernameTaken | EmailTaken>
  /**
   * Stores many new users at once, without memberships (`addMemberships` adds them): what a bulk import writes after
   * the core checked every name and email free. A store writes them in as few statements as its engine allows.
   */
  readonly insertUsers: (rows: ReadonlyArray<UserRow>) => Effect.Effect<void, StorageError | UsernameTaken | EmailTaken>
  /** Replaces a user's fields (found by `row.username`). */
  readonly updateUser: (row: UserRow) => Effect.Effect<void, StorageError | EmailTaken>
  /** Deletes a user and its memberships. */
  readonly deleteUser: (username: Username) => Effect.Effect<void, StorageError>
  /**
   * Users matching the query (search over the username, the full name as shown and the email: `UserKeys.searchText`;
   * and every filter given) in the
   * sort's order (names by `UserKeys.sortKey`), ties broken by username (ascending, unless the username is what is
   * sorted), without their password hashes. A store stores the keys `UserKeys` computes; it never makes its own.
   */
  readonly listUsers: (
    query: UserListQuery
  ) => Effect.Effect<{ readonly items: ReadonlyArray<UserListing>; readonly total: number | null }, StorageError>
  /**
   * Locks the rows of these users until the transaction ends, so that their memberships cannot change
   * under a rule that depends on them.
   */
  readonly lockUsers: (usernames: ReadonlyArray<Username>) => Effect.Effect<void, StorageError>
  /**
   * The password hashes of these users, read together (an export reads a page of users, then their hashes): a user
   * that holds no password, or does not exist, is left out of the map.
   */
  readonly passwordHashes: (
    usernames: ReadonlyArray<Username>
  ) => Effect.Effect<ReadonlyMap<Username, PasswordHash>, StorageError>
}

/**
 * The groups of a transaction: read, write and list them (a group's GID enters the ledger as it is stored).
 *
 * @category stores
 * @since 0.1.0
 */
export interface GroupStore {
  /**
   * A group with its member count and its members: all of them (costs as much as the group is large) or, with
   * `memberPreview`, the first few (costs a page).
   */
  readonly findGroup: (
    name: string,
    options?: GroupReadOptions
  ) => Effect.Effect<Option.Option<GroupRecord>, StorageError>
  /** A group's own row, without its members: what a rule that only locks or touches the group needs. */
  readonly findGroupRow: (name: string, options?: ReadOptions) => Effect.Effect<Option.Option<GroupRow>, StorageError>
  readonly findGroupByGid: (gid: number) => Effect.Effect<Option.Option<GroupName>, StorageError>
  /** Stores a new group and records its GID in the ledger of GIDs ever used. */
  readonly insertGroup: (row: GroupRow) => Effect.Effect<void, StorageError | GroupNameTaken | GidTaken>
  /** Replaces a group's fields; `previousName` differs from `row.name` on a rename (memberships follow). */
  readonly updateGroup: (previousName: GroupName, row: GroupRow) => Effect.Effect<void, StorageError | GroupNameTaken>
  /** Deletes a group and its memberships; its GID stays in the ledger. */
  readonly deleteGroup: (name: GroupName) => Effect.Effect<void, StorageError>
  readonly listGroups: (
    query: GroupListQuery
  ) => Effect.Effect<{ readonly items: ReadonlyArray<GroupRecord>; readonly total: number }, StorageError>
  /**
   * Up to `limit` groups' own rows, without their members, by name in ascending order, after the group named `after`
   * when one is given, and only those named in `names` when it is given (a name no group has is left out): a listing
   * that costs as little as the groups are many, whatever their sizes.
   */
  readonly listGroupRows: (query: {
    readonly limit: number
    readonly after?: GroupName | undefined
    readonly names?: ReadonlyArray<GroupName> | undefined
  }) => Effect.Effect<ReadonlyArray<GroupRow>, StorageError>
}

/**
 * Which user is in which group, and what the rules ask of a group's members.
 *
 * @category stores
 * @since 0.1.0
 */
export interface MembershipStore {
  readonly addMembership: (username: Username, group: GroupName) => Effect.Effect<void, StorageError>
  /** Adds many memberships at once (each one new, of users and groups that exist), as `addMembership` adds each. */
  readonly addMemberships: (
    memberships: ReadonlyArray<{ readonly username: Username; readonly group: GroupName }>
  ) => Effect.Effect<void, StorageError>
  readonly removeMembership: (username: Username, group: GroupName) => Effect.Effect<void, StorageError>
  /**
   * How many enabled users that are not system users belong to the group: in the admin group, the administrators
   * (a system user never is one).
   */
  readonly countEnabledNonSystemMembers: (group: GroupName) => Effect.Effect<number, StorageError>
  /** The members for whom this group is their only one, sorted. */
  readonly membersWithNoOtherGroup: (group: GroupName) => Effect.Effect<ReadonlyArray<Username>, StorageError>
  /**
   * Up to `limit` of a group's members that match the query, by username in ascending order: one range of the
   * memberships' (group, username) index, so that a page costs as little in a group of a million as in a group of ten.
   * A group that does not exist has no members.
   */
  readonly listMembers: (query: MemberListQuery) => Effect.Effect<ReadonlyArray<Username>, StorageError>
  /** The system users among the group's members, sorted. */
  readonly systemMembers: (group: GroupName) => Effect.Effect<ReadonlyArray<Username>, StorageError>
  /**
   * Moves every member of the group on to its next version, stamped `updatedAt`: what a rename does to its members,
   * whose groups read differently from then on. A store does it in as few statements as its engine allows, without
   * reading the members first.
   *
   * @since 0.2.0
   */
  readonly touchMembers: (group: GroupName, updatedAt: Date) => Effect.Effect<void, StorageError>
}

/**
 * The GID allocator's high-water mark and the ledger of every GID ever used.
 *
 * @category stores
 * @since 0.1.0
 */
export interface GidLedger {
  /** The highest GID the allocator has handed out (0 when none), locked until the transaction ends. */
  readonly gidHighWaterMark: Effect.Effect<number, StorageError>
  readonly setGidHighWaterMark: (gid: number) => Effect.Effect<void, StorageError>
  /** Whether a group, current or deleted, ever had this GID. */
  readonly gidEverUsed: (gid: number) => Effect.Effect<boolean, StorageError>
  /** Every GID a group, current or deleted, ever had, in ascending order: the ledger as an export writes it. */
  readonly gidsEverUsed: Effect.Effect<ReadonlyArray<number>, StorageError>
  /**
   * Records these GIDs as used (an import brings the ledger of another directory), though no group holds them: the
   * allocator and `claimGid` never hand them out. A GID already in the ledger stays as it is.
   */
  readonly recordGidsUsed: (gids: ReadonlyArray<number>) => Effect.Effect<void, StorageError>
}

/**
 * Signed-in sessions, by the hash of their token.
 *
 * @category stores
 * @since 0.1.0
 */
export interface SessionStore {
  /** Stores a new session. */
  readonly insertSession: (row: SessionRow) => Effect.Effect<void, StorageError>
  /** The session whose token has this hash, expired or not. */
  readonly findSession: (tokenHash: string) => Effect.Effect<Option.Option<SessionRow>, StorageError>
  /**
   * The session whose token has this hash (expired or not) and its user, with the user's groups, read together: what
   * an operation run by a session's actor checks first.
   */
  readonly findSessionUser: (
    tokenHash: string
  ) => Effect.Effect<Option.Option<{ readonly session: SessionRow; readonly user: UserRecord }>, StorageError>
  /** Deletes one session (logout); nothing happens when there is none. */
  readonly deleteSession: (tokenHash: string) => Effect.Effect<void, StorageError>
  /** Deletes every session of a user (revocation); returns how many there were. */
  readonly deleteUserSessions: (username: Username) => Effect.Effect<number, StorageError>
  /** Deletes the sessions that expired before `now`. */
  readonly deleteExpiredSessions: (now: Date) => Effect.Effect<void, StorageError>
}

/**
 * An API token as stored: only the SHA-256 hash of its value, never the value itself.
 *
 * @category models
 * @since 0.2.0
 */
export interface ApiTokenRow {
  readonly name: TokenName
  /** The SHA-256 hash of the token's value, hex-encoded. */
  readonly tokenHash: string
  readonly scope: TokenScope
  readonly createdBy: string
  readonly createdAt: Date
  readonly expiresAt: Date | null
  readonly lastUsedAt: Date | null
}

/**
 * API tokens, by name and by the hash of their value.
 *
 * @category stores
 * @since 0.2.0
 */
export interface ApiTokenStore {
  /** Stores a new token; `TokenNameTaken` when a token of that name exists. */
  readonly insertApiToken: (row: ApiTokenRow) => Effect.Effect<void, TokenNameTaken | StorageError>
  /** The token whose value has this hash, expired or not. */
  readonly findApiToken: (tokenHash: string) => Effect.Effect<Option.Option<ApiTokenRow>, StorageError>
  /** Every token, by name. */
  readonly listApiTokens: () => Effect.Effect<ReadonlyArray<ApiTokenRow>, StorageError>
  /** Deletes the token of that name; whether there was one. */
  readonly deleteApiToken: (name: TokenName) => Effect.Effect<boolean, StorageError>
  /** Records that the token whose value has this hash was used at `at`. */
  readonly touchApiToken: (tokenHash: string, at: Date) => Effect.Effect<void, StorageError>
}

/**
 * The sign-in throttle's counters of failed sign-ins.
 *
 * @category stores
 * @since 0.1.0
 */
export interface SignInCounterStore {
  /**
   * The counters with these keys, locked until the transaction ends; a missing one is stored first, with no failure
   * and a window starting at `now` (two transactions that insert the same key at once both end up with the one row).
   */
  readonly lockSignInCounters: (
    keys: ReadonlyArray<SignInCounterKey>,
    now: number
  ) => Effect.Effect<ReadonlyArray<SignInCounter>, StorageError>
  /** Replaces these counters (found by their keys). */
  readonly saveSignInCounters: (counters: ReadonlyArray<SignInCounter>) => Effect.Effect<void, StorageError>
  /**
   * Deletes every counter of this username (with any address); returns how many of them held failures (a counter
   * that a right password settled holds none, and clearing it lifts no lock).
   */
  readonly deleteSignInCounters: (username: string) => Effect.Effect<number, StorageError>
  /**
   * Deletes the counters whose window started before `before`, then, while more than `maxCounters` remain, those whose
   * window started first.
   */
  readonly trimSignInCounters: (before: number, maxCounters: number) => Effect.Effect<void, StorageError>
  /**
   * The counters whose window started at or after `since` with at least `minFailures` failures, the latest failure
   * first, at most `limit` of them.
   */
  readonly listSignInCounters: (query: {
    readonly since: number
    readonly minFailures: number
    readonly limit: number
  }) => Effect.Effect<ReadonlyArray<SignInCounter>, StorageError>
}

/**
 * The audit trail: append entries, list them.
 *
 * @category stores
 * @since 0.1.0
 */
export interface AuditStore {
  /** Appends an entry, and indexes its subjects in the same transaction. */
  readonly appendAudit: (entry: NewAuditEntry) => Effect.Effect<void, StorageError>
  /** Appends many entries at once, in their order (their ids ascend in it), each as `appendAudit` appends it. */
  readonly appendAudits: (entries: ReadonlyArray<NewAuditEntry>) => Effect.Effect<void, StorageError>
  /** Audit entries matching the filter, newest first; `target` matches an entry's target or any of its subjects. */
  readonly listAudit: (
    filter: AuditFilter
  ) => Effect.Effect<{ readonly items: ReadonlyArray<AuditEntry>; readonly total: number }, StorageError>
}

/**
 * The directory-wide settings stored with the directory (admin group, GID range, minimum password length), so that
 * every process on one database enforces the same rules.
 *
 * @category stores
 * @since 0.1.0
 */
export interface SettingsStore {
  /**
   * The stored settings, none when the directory has none stored yet. In a write transaction the settings stay as read
   * until it ends (a store locks them shared: a change of them waits); with `forUpdate` they are locked for a change.
   */
  readonly readSettings: (options?: ReadOptions) => Effect.Effect<Option.Option<DirectoryConfigShape>, StorageError>
  /** Stores the settings, replacing any stored before. */
  readonly saveSettings: (settings: DirectoryConfigShape) => Effect.Effect<void, StorageError>
}

/**
 * What a store can do inside one transaction: every concern of the port together. Reads see the transaction's own
 * writes. A store implements each concern; the services see them as one.
 *
 * @category models
 * @since 0.1.0
 */
export interface DirectoryTransaction
  extends UserStore,
    GroupStore,
    MembershipStore,
    GidLedger,
    SessionStore,
    ApiTokenStore,
    SignInCounterStore,
    SettingsStore,
    AuditStore {
  /** Whether the directory has no user and no group yet. */
  readonly isEmpty: Effect.Effect<boolean, StorageError>
}

/**
 * How a write transaction ends when its body succeeds: `commit`, or `rollback` for a dry run.
 *
 * @category models
 * @since 0.1.0
 */
export type Completion = "commit" | "rollback"

/**
 * The storage port. `write` runs its body atomically: if the body fails (or `completion` is `rollback`) nothing it
 * wrote remains. Two write transactions never break a rule together: the store serialises them or locks the rows
 * that reads with `forUpdate` (and `lockUsers`, `gidHighWaterMark`) name.
 *
 * A body waits on nothing but the transaction's own operations: no timer, no promise, no other service (hash a
 * password before the transaction, not inside it). The SQLite store runs BEGIN, the body and COMMIT in one synchronous
 * step (better-sqlite3 has no other way), so a waiting body cannot go on there; every store refuses one alike, with
 * `TransactionBody.asyncBodyRefused` (a store does so through `TransactionBody.guarded` or `runSynchronously`).
 *
 * @category services
 * @since 0.1.0
 */
export class Directory extends Context.Tag("@user-manager/core/Directory")<
  Directory,
  {
    readonly read: <A, E>(body: (tx: DirectoryTransaction) => Effect.Effect<A, E>) => Effect.Effect<A, E | StorageError>
    /**
     * A read in two parts: `check` (the session, the actor's rights) sees the latest data, as `read` does; `body` (a
     * list, a search, a record) may be answered by a read replica, a moment behind, except that it always sees the
     * writes of the client it runs for (`client`). A store without replicas runs both in one read transaction
     * (`checkedInOneRead`).
     */
    readonly readAfterCheck: <C, A, E1, E2>(
      check: (tx: DirectoryTransaction) => Effect.Effect<C, E1>,
      body: (tx: DirectoryTransaction, checked: C) => Effect.Effect<A, E2>
    ) => Effect.Effect<A, E1 | E2 | StorageError>
    readonly write: <A, E>(
      body: (tx: DirectoryTransaction) => Effect.Effect<A, E>,
      completion?: Completion
    ) => Effect.Effect<A, E | StorageError>
  }
>() {}

/**
 * `readAfterCheck` for a store that answers every read itself: the check and the body in one read transaction.
 *
 * @category constructors
 * @since 0.1.0
 */
export const checkedInOneRead =
  (read: Directory["Type"]["read"]): Directory["Type"]["readAfterCheck"] =>
  (check, body) =>
    read((tx) => Effect.flatMap(check(tx), (checked) => body(tx, checked)))

/**
 * The client the current operations run for (a session, a connection's peer), as the server names it for each
 * request: a store that answers reads from a replica lets each client read its own writes by it. `undefined` when
 * nobody named one.
 *
 * @category references
 * @since 0.1.0
 */
export const client: FiberRef.FiberRef<string | undefined> = GlobalValue.globalValue(
  Symbol.for("@user-manager/core/Directory/client"),
  () => FiberRef.unsafeMake<string | undefined>(undefined)
)
