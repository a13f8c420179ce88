/**
 * Between the manager's rows and the core's values: one mapping each way per entity, and the columns a listing reads.
 */
import type {
  GroupRecord,
  GroupRow,
  SignInCounter,
  SignInCounterKey,
  UserListing,
  UserRecord,
  UserRow
} from "@user-manager/core/Directory"
import type { GroupName, Username } from "@user-manager/core/Names"
import { nameSortKeys, searchText } from "@user-manager/core/UserKeys"
import { Redacted } from "effect"
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely"
import type { Database, GroupRowSql, SignInAttemptsTable, UserRowSql } from "./schema.js"

/** A `count(*)`, which drivers return as a number or a string. */
export type Counted = { readonly n: number | string }

/**
 * The columns a listing reads: a user's fields, without the password hash (a page of users never needs it) and the keys
 * kept for search and sorting.
 */
export const LISTING_COLUMNS = [
  "username",
  "first_name",
  "last_name",
  "email",
  "enabled",
  "system",
  "created_at",
  "updated_at",
  "version",
  "external_id",
  "external_name"
] as const

export type ListingRowSql = Pick<UserRowSql, (typeof LISTING_COLUMNS)[number]>

/**
 * The listing rows of a page whose usernames `usernames` (a subquery) selects in order, read by username in the same
 * order: a search's page picks its usernames in a narrow index first, then reads only the page's rows. `last`: a value
 * each row ends with, after the listing's columns.
 */
export const listingRowsOf = (usernames: RawBuilder<unknown>, order: "asc" | "desc", last?: RawBuilder<unknown>) =>
  sql<ListingRowSql>`select ${sql.join([...LISTING_COLUMNS.map((column) => sql.ref(column)), ...(last === undefined ? [] : [last])])}
    from ${sql.table("users")} where username in (${usernames})
    order by username ${sql.raw(order)}`

/**
 * The page that walks within the first `walkEntries` entries of the username/search-text index in the page's order
 * (an index-only scan that stops once the page is full), those whose search text matches; fewer than the page when the
 * walk reached its bound first. `started`: the walk starts at `walkBound` (from it ascending, before it descending).
 * Its plan is the same for every pattern, so it is planned once: its pattern takes LIKE's default escape, as such a
 * plan would apply an ESCAPE clause to it again for every entry (`quartz`'s 19,230 entries: 3.6 ms with one, 2.7
 * without).
 */
export const walkWithin = (
  db: Kysely<Database>,
  v: {
    readonly plainPattern: unknown
    readonly limit: unknown
    readonly offset: unknown
    readonly walkEntries: unknown
    readonly walkBound: unknown
  },
  order: "asc" | "desc",
  started = false
): CompiledQuery<ListingRowSql> =>
  listingRowsOf(
    sql`select username from (select username, search_text from ${sql.table("users")}${started ? sql` where username ${sql.raw(order === "asc" ? ">=" : "<")} ${v.walkBound}` : sql``}
        order by username ${sql.raw(order)} limit ${v.walkEntries}) as walked
      where search_text like ${v.plainPattern}
      order by username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`,
    order
  ).compile(db)

/** A listing's row as the values of its columns, in `LISTING_COLUMNS`' order (a page reads its rows so). */
export type ListingRow = readonly [
  username: string,
  firstName: string,
  lastName: string,
  email: string | null,
  enabled: number | boolean,
  system: number | boolean,
  createdAt: string | Date,
  updatedAt: string | Date,
  version: number | string,
  externalId: string | null,
  externalName: string | null
]

/** A listed user from its row's values and its groups, built as one object (a page of users builds fifty). */
export const toListing = (values: ListingRow, groups: ReadonlyArray<string>): UserListing => ({
  username: values[0] as Username,
  firstName: values[1],
  lastName: values[2],
  email: values[3],
  externalId: values[9],
  externalName: values[10],
  enabled: Number(values[4]) === 1,
  system: Number(values[5]) === 1,
  createdAt: new Date(values[6]),
  updatedAt: new Date(values[7]),
  version: Number(values[8]),
  groups: groups as ReadonlyArray<GroupName>
})

export const toRecord = (row: UserRowSql, groups: ReadonlyArray<string>): UserRecord => ({
  ...toListing(LISTING_COLUMNS.map((column) => row[column]) as unknown as ListingRow, groups),
  passwordHash: row.password_hash === null ? null : Redacted.make(row.password_hash)
})

export const fromUserRow = (row: UserRow) => {
  const names = nameSortKeys(row)
  return {
    username: row.username,
    first_name: row.firstName,
    last_name: row.lastName,
    email: row.email,
    email_key: row.email?.toLowerCase() ?? null,
    external_id: row.externalId,
    external_name: row.externalName,
    external_name_key: row.externalName?.toLowerCase() ?? null,
    enabled: row.enabled ? 1 : 0,
    system: row.system ? 1 : 0,
    password_hash: row.passwordHash === null ? null : Redacted.value(row.passwordHash),
    search_text: searchText(row),
    first_name_key: names.firstName,
    last_name_key: names.lastName,
    full_name_key: names.fullName,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    version: row.version
  }
}

export const toCounter = (row: SignInAttemptsTable): SignInCounter => ({
  username: row.username,
  address: row.address,
  failures: Number(row.failures),
  windowStart: Number(row.window_start),
  lastFailureAt: Number(row.last_failure_at)
})

export const sameKey = (a: SignInCounterKey, b: SignInCounterKey) =>
  a.username === b.username && a.address === b.address

export const toGroupRow = (row: GroupRowSql): GroupRow => ({
  name: row.name as GroupName,
  gid: Number(row.gid),
  externalId: row.external_id,
  externalName: row.external_name,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  version: Number(row.version)
})

/**
 * A group's row with its member count and these members: the row's object given the two fields, not copied into a
 * second one (a page makes dozens, and a spread of each row cost a fifth of the groups page's own work).
 */
export const toGroupRecord = (row: GroupRowSql, members: ReadonlyArray<Username>): GroupRecord => {
  const record = toGroupRow(row) as { -readonly [K in keyof GroupRecord]: GroupRecord[K] }
  record.memberCount = Number(row.member_count)
  record.members = members
  return record
}

export const fromGroupRow = (row: GroupRow) => ({
  name: row.name,
  gid: row.gid,
  external_id: row.externalId,
  external_name: row.externalName,
  external_name_key: row.externalName?.toLowerCase() ?? null,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
  version: row.version
})
