/**
 * What every operation of a transaction shares: the statements it runs, how it reads rows, and the derived columns it
 * keeps in step (a group's member count, a user's group list).
 */
import { GROUPS_SORT_KEY_LENGTH, type GroupRecord, type GroupRow } from "@user-manager/core/Directory"
import { StorageError } from "@user-manager/core/Errors"
import type { Username } from "@user-manager/core/Names"
import { Effect, Option } from "effect"
import { type CompiledQuery, type Kysely, sql } from "kysely"
import type * as Migrations from "../Migrations.js"
import type { EngineSql } from "./engines.js"
import type { QuantilesCache, StartKeysCache, StatisticsCache } from "./postgresSearch.js"
import { fromGroupRow, type ListingRow, toGroupRecord, toListing, toRecord } from "./rowMappers.js"
import type { Database, GroupRowSql, UserRowSql } from "./schema.js"
import { padToPowerOfTwo, type Query, type Shaped } from "./statementCache.js"
import type { Execute, ValueRows } from "./transactionRunner.js"

/** What a store keeps for its life: its view of the database, its engine, and its statements compiled once. */
export interface StoreStatements {
  readonly db: Kysely<Database>
  readonly engine: EngineSql
  readonly engineName: Migrations.Engine
  /** The prefix of the store's tables and indexes ("" for none): what a statement naming an index adds. */
  readonly prefix: string
  readonly shaped: Shaped
  /** PostgreSQL: the usernames' quantiles as last read from the statistics, which a search's plan consults. */
  readonly usernameQuantiles: QuantilesCache
  /** PostgreSQL: a sample of the users' search texts from the statistics, which says whether a term is rare. */
  readonly searchTextSample: StatisticsCache<ReadonlyArray<string>>
  /** PostgreSQL: the keys of the walks' start index the statistics list as common, which are not looked up. */
  readonly searchStartKeys: StartKeysCache
  readonly findUserWithGroups: {
    readonly with: (
      parameters: ReadonlyArray<unknown>
    ) => CompiledQuery<UserRowSql & { readonly group_name: string | null }>
  }
  readonly findSessionWithUser: {
    readonly with: (parameters: ReadonlyArray<unknown>) => CompiledQuery<
      UserRowSql & {
        readonly group_name: string | null
        readonly session_created_at: string
        readonly session_expires_at: string
      }
    >
  }
}

/** The context of one transaction, for a reader or a writer, over the statements it runs. */
export const transactionContext = (
  store: StoreStatements,
  execute: Execute,
  valueRows: ValueRows,
  mode: "read" | "write"
) => {
  const { db, engine, shaped } = store
  // Only writers lock; a read-only transaction reads a consistent snapshot instead.
  const locks = engine.locksRows && mode === "write"
  const rows = <R>(query: Query<R>) => Effect.map(execute(query), (result) => result.rows)
  const first = <R>(query: Query<R>) => Effect.map(execute(query), (result) => result.rows[0])
  /** The one row a query always returns (a count). */
  const single = <R>(query: Query<R>) =>
    Effect.flatMap(first(query), (row) =>
      row === undefined ? Effect.fail(new StorageError({ reason: "the query returned no row" })) : Effect.succeed(row)
    )

  /** Rows of (name, member), a name's members in order, as lists by name. */
  const byName = (rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
    const map = new Map<string, Array<string>>()
    for (const [name, member] of rows as ReadonlyArray<readonly [string, string]>) {
      const list = map.get(name)
      if (list === undefined) map.set(name, [member])
      else list.push(member)
    }
    return map
  }

  /** The memberships of these users (or groups), listed per user (or per group), in name order. */
  const memberships = (key: "username" | "group_name", names: ReadonlyArray<string>) => {
    const other = key === "username" ? "group_name" : "username"
    if (names.length === 0) return Effect.succeed(new Map<string, Array<string>>())
    // As many names as the next power of two, the last one repeated (an IN list reads a name once, however often
    // it is named): one compiled statement for each of 11 sizes, not for every number of names up to 1,000.
    const padded = padToPowerOfTwo(names)
    return valueRows(
      shaped(`memberships:${key}:${padded.length}`, padded, (slots) =>
        db
          .selectFrom("memberships")
          .select([key, other])
          .where(key, "in", slots as ReadonlyArray<string>)
          .orderBy(other)
          .compile()
      )
    ).pipe(Effect.map(byName))
  }

  /**
   * The memberships of every user whose username is between `first` and `last` (both included), listed per user in
   * group name order: one range of the memberships' primary key (username, group name), read in its order — what a
   * page of users sorted by username and not searched needs, its users being every one in that range.
   */
  const membershipsBetween = (first: string, last: string) =>
    valueRows(
      shaped("memberships:username:between", [first, last], ([low, high]) =>
        db
          .selectFrom("memberships")
          .select(["username", "group_name"])
          .where("username", ">=", low as string)
          .where("username", "<=", high as string)
          .orderBy("username")
          .orderBy("group_name")
          .compile()
      )
    ).pipe(Effect.map(byName))

  /** The users this transaction has read, as stored, so that an update writes only what changed. */
  const read = new Map<string, Partial<Record<string, unknown>>>()
  const remember = (row: UserRowSql | undefined) =>
    Effect.sync(() => {
      if (row !== undefined) read.set(row.username, row)
    })

  const membersOf = (group: string) =>
    rows(db.selectFrom("memberships").select("username").where("group_name", "=", group)).pipe(
      Effect.map((found) => found.map((row) => row.username))
    )

  /** The groups this transaction has read, as stored, so that a new version writes only what changed. */
  const groupsRead = new Map<string, Partial<Record<string, unknown>>>()
  const rememberGroup = <Row extends { readonly name: string }>(row: Row | undefined) => {
    if (row !== undefined) groupsRead.set(row.name, row)
    return row
  }

  /**
   * Writes a group's new row under the name it has (a new version, new external fields): only the columns that
   * changed since this transaction read it (a new version would rewrite four indexes otherwise), and its member count
   * moved by `memberChange` in the same statement. Compiled once for each set of columns.
   */
  const writeGroup = (row: GroupRow, memberChange = 0) =>
    Effect.suspend(() => {
      const { created_at: _created, name, ...values } = fromGroupRow(row)
      const before = groupsRead.get(name)
      const changed = changedColumns(before, values)
      if (before !== undefined) groupsRead.set(name, { ...before, ...changed })
      const columns = Object.keys(changed)
      if (columns.length === 0 && memberChange === 0) return Effect.void
      const counted = memberChange !== 0
      return Effect.asVoid(
        execute(
          shaped(
            `groups:update:${columns.join(",")}${counted ? ":count" : ""}`,
            [...Object.values(changed), ...(counted ? [memberChange] : []), name],
            (slots) =>
              db
                .updateTable("groups")
                .set((eb) => ({
                  ...(Object.fromEntries(columns.map((column, index) => [column, slots[index]])) as typeof changed),
                  ...(counted ? { member_count: eb("member_count", "+", slots[columns.length] as number) } : {})
                }))
                .where("name", "=", slots[columns.length + (counted ? 1 : 0)] as string)
                .compile()
          )
        )
      )
    })

  /** Keeps `groups.member_count`, the indexed key of the `members` sort, in step with a membership change. */
  const countMembers = (group: string, change: number) =>
    execute(
      shaped("groups:count-members", [change, group], ([by, name]) =>
        db
          .updateTable("groups")
          .set((eb) => ({ member_count: eb("member_count", "+", by as number) }))
          .where("name", "=", name as string)
          .compile()
      )
    )

  /**
   * Recomputes `users.group_list`, the indexed key of the `groups` sort, for these users: compiled once for each
   * power of two of names up to 1,000 (the last name repeated), as the membership reads are.
   */
  const refreshGroupLists = (usernames: ReadonlyArray<string>) =>
    Effect.forEach(
      chunks([...usernames], 1000),
      (chunk) => {
        const padded = padToPowerOfTwo(chunk)
        return execute(
          shaped(`users:group-list:${padded.length}`, padded, (slots) =>
            db
              .updateTable("users")
              .set({
                group_list: sql<string>`coalesce(substr(${engine.groupList(sql.ref("users.username"))}, 1, ${GROUPS_SORT_KEY_LENGTH}), '')`
              })
              .where("username", "in", slots as ReadonlyArray<string>)
              .compile()
          )
        )
      },
      { discard: true }
    )

  /**
   * The listed users of these rows' values, each with its groups. `usernameRange` says the rows are every user from the
   * first row's username to the last one's, in this order of usernames (a page sorted by username, not searched): their
   * memberships are then read as one range of the primary key rather than by a list of names.
   */
  const listings = (rows: ReadonlyArray<ListingRow>, usernameRange?: "asc" | "desc") => {
    const first = rows[0]?.[0]
    const last = rows.at(-1)?.[0]
    const groupsOf =
      usernameRange === undefined || first === undefined || last === undefined
        ? memberships(
            "username",
            rows.map((row) => row[0])
          )
        : usernameRange === "asc"
          ? membershipsBetween(first, last)
          : membershipsBetween(last, first)
    return Effect.map(groupsOf, (groups) => rows.map((row) => toListing(row, groups.get(row[0]) ?? [])))
  }

  /**
   * A user read with its memberships in one statement (one row a group, in name order, `group_name` null when it
   * has none): its first row, remembered for an update, and its record.
   */
  const joinedUser = <Row extends UserRowSql & { readonly group_name: string | null }>(query: Query<Row>) =>
    rows(query).pipe(
      Effect.tap(([first]) => remember(first)),
      Effect.map(([first, ...rest]) => {
        if (first === undefined) return Option.none()
        const groups = [first, ...rest].flatMap((row) => (row.group_name === null ? [] : [row.group_name]))
        return Option.some({ row: first, record: toRecord(first, groups) })
      })
    )

  /**
   * The first `preview` members of each of these groups, by username: one statement of index ranges, each stopping
   * after `preview` rows, so that a page of groups costs the same whatever their sizes (SQLite takes at most 500
   * SELECTs in one compound statement: 100 groups a statement).
   */
  const firstMembers = (names: ReadonlyArray<string>, preview: number) => {
    const hint =
      store.engineName === "mysql" ? sql` force index (${sql.id(`${store.prefix}dt_memberships_group`)})` : sql``
    // Compiled once for each number of groups (at most 100 shapes), as rows of (group, username).
    return Effect.forEach(chunks(names, 100), (chunk) =>
      valueRows(
        shaped(`groups:preview:${preview}:${chunk.length}`, chunk, (slots) =>
          sql<{ readonly group_name: string; readonly username: string }>`${sql.join(
            slots.map(
              (name, index) =>
                sql`select * from (select m.group_name, m.username from ${sql.table("memberships")} as m${hint}
                  where m.group_name = ${name} order by m.username limit ${sql.lit(preview)}) as ${sql.id(`p${index}`)}`
            ),
            sql` union all `
          )}`.compile(db)
        )
      )
    ).pipe(
      Effect.map((pages) =>
        byName(pages.length === 1 ? (pages[0] as ReadonlyArray<ReadonlyArray<unknown>>) : pages.flat())
      )
    )
  }

  /** These groups with their member counts and their members: all of them, or the first `memberPreview`. */
  const withMembers = (rows: ReadonlyArray<GroupRowSql>, memberPreview?: number) =>
    (memberPreview === undefined
      ? memberships(
          "group_name",
          rows.map((row) => row.name)
        )
      : firstMembers(
          rows.filter((row) => Number(row.member_count) > 0).map((row) => row.name),
          memberPreview
        )
    ).pipe(
      Effect.map(
        (members): Array<GroupRecord> =>
          rows.map((row) => toGroupRecord(row, (members.get(row.name) ?? []) as Array<Username>))
      )
    )

  return {
    ...store,
    execute,
    valueRows,
    locks,
    rows,
    first,
    single,
    memberships,
    read,
    remember,
    groupsRead,
    rememberGroup,
    writeGroup,
    membersOf,
    countMembers,
    refreshGroupLists,
    listings,
    joinedUser,
    withMembers
  }
}

/** The context of one transaction. */
export type TransactionContext = ReturnType<typeof transactionContext>

/** The rows of a multi-row insert in chunks whose bound parameters (`columns` a row) stay within the engine's limit. */
export const insertChunks = <A>(engine: EngineSql, rows: ReadonlyArray<A>, columns: number): Array<Array<A>> =>
  chunks(rows, Math.max(1, Math.floor(engine.maxParameters / columns)))

/**
 * The columns of `values` that differ from the row as the transaction read it (every one when it read none): an update
 * sets only those, since every indexed column in the SET list costs an index update even when its value stays.
 */
export const changedColumns = <V extends Record<string, unknown>>(
  before: Partial<Record<string, unknown>> | undefined,
  values: V
): Partial<V> =>
  Object.fromEntries(Object.entries(values).filter(([column, value]) => before?.[column] !== value)) as Partial<V>

/** The items in chunks of at most `size`. */
export const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<Array<A>> => {
  const result: Array<Array<A>> = []
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size))
  return result
}
