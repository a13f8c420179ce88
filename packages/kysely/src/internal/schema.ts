import type { Generated, Insertable, Selectable } from "kysely"

/**
 * The `users` table: one row a user; `search_text` and the `*_key` columns are the keys the core computes for search
 * and for the name sorts (see `UserKeys` in the core).
 */
export interface UsersTable {
  username: string
  first_name: string
  last_name: string
  email: string | null
  email_key: string | null
  /** The identity provider's id of the user, as given. */
  external_id: string | null
  /** The identity provider's name of the user, as given, and lower-cased (for lookups without regard to case). */
  external_name: string | null
  external_name_key: string | null
  enabled: number
  system: number
  password_hash: string | null
  search_text: string
  first_name_key: string
  last_name_key: string
  full_name_key: string
  /** The user's group names in name order joined with `,` (the first 1,000 characters), kept for sorting. */
  group_list: Generated<string>
  created_at: string
  updated_at: string
  version: number
}

/**
 * PostgreSQL only: each user's username and search text, hash-partitioned by username, kept by triggers on `users`
 * (migration 20261209030000); a search's total is counted here.
 */
export interface UserSearchTable {
  username: string
  search_text: string
}

/** The `groups` table. */
export interface GroupsTable {
  name: string
  gid: number
  /** How many members the group has, kept for sorting. */
  member_count: Generated<number>
  /** The identity provider's id and name of the group, as given, and the name lower-cased. */
  external_id: string | null
  external_name: string | null
  external_name_key: string | null
  created_at: string
  updated_at: string
  version: number
}

/** The `memberships` table: which user is in which group. */
export interface MembershipsTable {
  username: string
  group_name: string
}

/** Every GID ever given to a group, kept after the group is deleted. */
export interface GidLedgerTable {
  gid: number
  group_name: string
}

/** Counters and settings of the store (`gid_high_water`). */
export interface MetaTable {
  key: string
  value: number
}

/** The audit trail; `changes` is JSON text. */
export interface AuditTable {
  id: Generated<number>
  at: string
  actor: string
  action: string
  target_type: string
  target: string
  changes: string
}

/** The other users and groups an audit entry concerns besides its target, one row each. */
export interface AuditSubjectsTable {
  subject: string
  entry_id: number
}

/** Sign-in sessions, keyed by the SHA-256 hash of the token (never the token). */
export interface SessionsTable {
  token_hash: string
  username: string
  created_at: string
  expires_at: string
}

/** API tokens, keyed by name, found by the SHA-256 hash of their value (never the value). */
export interface ApiTokensTable {
  name: string
  token_hash: string
  scope: string
  created_by: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
}

/**
 * Sign-in throttle counters: failures in a window for a username from an address, an address (username `''`) or a
 * username (address `''`); times in epoch milliseconds (drivers may return the big integers as text).
 */
export interface SignInAttemptsTable {
  username: string
  address: string
  failures: number
  window_start: number | string
  last_failure_at: number | string
}

/** The directory-wide settings: one row (`id` 1), its values null until first stored. */
export interface SettingsTable {
  id: number
  admin_group: string | null
  gid_min: number | string | null
  gid_max: number | string | null
  min_password_length: number | null
}

/** The manager's tables, unprefixed (a plugin adds the host's prefix). */
export interface Database {
  users: UsersTable
  groups: GroupsTable
  memberships: MembershipsTable
  gid_ledger: GidLedgerTable
  meta: MetaTable
  audit: AuditTable
  audit_subjects: AuditSubjectsTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  sign_in_attempts: SignInAttemptsTable
  settings: SettingsTable
  user_search: UserSearchTable
}

export type UserRowSql = Selectable<UsersTable>
export type NewUserRowSql = Insertable<UsersTable>
export type GroupRowSql = Selectable<GroupsTable>

/** Every column of a table, each once: a statement names them instead of `*`, whose meaning a later migration changes. */
type AllColumns<Table, Columns extends ReadonlyArray<keyof Table>> =
  Exclude<keyof Table, Columns[number]> extends never ? Columns : never

const allColumns =
  <Table>() =>
  <const Columns extends ReadonlyArray<keyof Table & string>>(columns: AllColumns<Table, Columns>) =>
    columns

/**
 * The columns of `users`: what a prepared read of a whole user names, for a statement of `users.*` prepared before a
 * migration adds a column fails after it ("cached plan must not change result type").
 */
export const USER_COLUMNS = allColumns<UsersTable>()([
  "username",
  "first_name",
  "last_name",
  "email",
  "email_key",
  "external_id",
  "external_name",
  "external_name_key",
  "enabled",
  "system",
  "password_hash",
  "search_text",
  "first_name_key",
  "last_name_key",
  "full_name_key",
  "group_list",
  "created_at",
  "updated_at",
  "version"
])

/** The columns of `groups` (see `USER_COLUMNS`). */
export const GROUP_COLUMNS = allColumns<GroupsTable>()([
  "name",
  "gid",
  "member_count",
  "external_id",
  "external_name",
  "external_name_key",
  "created_at",
  "updated_at",
  "version"
])
