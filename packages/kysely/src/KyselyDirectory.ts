/**
 * The storage port over Kysely: one implementation for SQLite, PostgreSQL and MySQL/MariaDB, each operation one
 * transaction that locks what the rules depend on and retries lost races.
 *
 * @since 0.1.0
 */
import { AuditEntry } from "@user-manager/core/AuditEntry"
import {
  Directory,
  type DirectoryTransaction,
  GROUPS_SORT_KEY_LENGTH,
  type GroupRecord,
  type GroupRow,
  type SessionRow,
  type SignInCounter,
  type SignInCounterKey,
  type SortValue,
  type UserListing,
  type UserRecord,
  type UserRow
} from "@user-manager/core/Directory"
import { StorageError } from "@user-manager/core/Errors"
import type { GroupName, Username } from "@user-manager/core/Names"
import * as TransactionBody from "@user-manager/core/TransactionBody"
import type { UserSort } from "@user-manager/core/User"
import { nameSortKeys, searchText } from "@user-manager/core/UserKeys"
import { Cause, Duration, Effect, Exit, Layer, Option, Redacted, Runtime } from "effect"
import {
  type Compilable,
  type CompiledQuery,
  type Expression,
  type Kysely,
  type OrderByDirection,
  type QueryResult,
  sql
} from "kysely"
import { engines, type Failure } from "./internal/engines.js"
import type { Database, GroupRowSql, SignInAttemptsTable, UserRowSql } from "./internal/schema.js"
import * as Synchronous from "./internal/synchronous.js"
import { TablePrefixPlugin } from "./internal/TablePrefixPlugin.js"
import * as Migrations from "./Migrations.js"

/**
 * How to reach the manager's tables: a Kysely instance (the host's own, or one an adapter made), its engine, the
 * table prefix, and whether to apply pending migrations when the store opens.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  // biome-ignore lint/suspicious/noExplicitAny: any host database; the manager only touches its own tables
  readonly db: Kysely<any>
  readonly engine: Migrations.Engine
  readonly prefix?: string
  readonly migrate?: boolean
  /** How many times a transaction that lost a race (deadlock, serialization failure, unique race) is run again. */
  readonly maxAttempts?: number
}

/** A LIKE pattern for a substring, with `%`, `_` and the escape character itself taken literally. */
const containsPattern = (term: string) => `%${term.replace(/[!%_]/g, "!$&")}%`

/** An FTS5 phrase for a substring: the trigram tokenizer matches it wherever it occurs. */
const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`

/**
 * How many index entries a search may walk in username order for each of its matches before sorting every match is
 * cheaper: a walked entry of the username/search-text index costs about 0.1 µs on SQLite, fetching and sorting a match
 * about 1.2 µs (measured at 100,000 and 1,000,000 users).
 */
const WALK_PER_MATCH = 10

/** How many subjects of an audit entry one insert writes (two parameters each, far below every engine's limit). */
const SUBJECTS_PER_INSERT = 1000

/** A `count(*)`, which drivers return as a number or a string. */
type Counted = { readonly n: number | string }

/**
 * The columns a listing reads: a user's fields, without the password hash (a page of users never needs it) and the keys
 * kept for search and sorting.
 */
const LISTING_COLUMNS = [
  "username",
  "first_name",
  "last_name",
  "email",
  "enabled",
  "system",
  "created_at",
  "updated_at",
  "version"
] as const

type ListingRowSql = Pick<UserRowSql, (typeof LISTING_COLUMNS)[number]>

/** A listing's row as the values of its columns, in `LISTING_COLUMNS`' order (a page reads its rows so). */
type ListingRow = readonly [
  username: string,
  firstName: string,
  lastName: string,
  email: string | null,
  enabled: number | boolean,
  system: number | boolean,
  createdAt: string | Date,
  updatedAt: string | Date,
  version: number | string
]

/** A listed user from its row's values and its groups, built as one object (a page of users builds fifty). */
const toListing = (values: ListingRow, groups: ReadonlyArray<string>): UserListing => ({
  username: values[0] as Username,
  firstName: values[1],
  lastName: values[2],
  email: values[3],
  enabled: Number(values[4]) === 1,
  system: Number(values[5]) === 1,
  createdAt: new Date(values[6]),
  updatedAt: new Date(values[7]),
  version: Number(values[8]),
  groups: groups as ReadonlyArray<GroupName>
})

const toRecord = (row: UserRowSql, groups: ReadonlyArray<string>): UserRecord => ({
  ...toListing(LISTING_COLUMNS.map((column) => row[column]) as unknown as ListingRow, groups),
  passwordHash: row.password_hash === null ? null : Redacted.make(row.password_hash)
})

const fromUserRow = (row: UserRow) => {
  const names = nameSortKeys(row)
  return {
    username: row.username,
    first_name: row.firstName,
    last_name: row.lastName,
    email: row.email,
    email_key: row.email?.toLowerCase() ?? null,
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

const toCounter = (row: SignInAttemptsTable): SignInCounter => ({
  username: row.username,
  address: row.address,
  failures: Number(row.failures),
  windowStart: Number(row.window_start),
  lastFailureAt: Number(row.last_failure_at)
})

const sameKey = (a: SignInCounterKey, b: SignInCounterKey) => a.username === b.username && a.address === b.address

const toGroupRow = (row: GroupRowSql): GroupRow => ({
  name: row.name as GroupName,
  gid: Number(row.gid),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  version: Number(row.version)
})

const fromGroupRow = (row: GroupRow) => ({
  name: row.name,
  gid: row.gid,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
  version: row.version
})

/** A driver failure, remembering what kind it was so that the transaction runner can retry lost races. */
class DriverFailure {
  constructor(
    readonly kind: Failure,
    readonly error: unknown
  ) {}
}

const failureKind = (error: StorageError): Failure | undefined =>
  error.cause instanceof DriverFailure ? error.cause.kind : undefined

const describe = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  return message.split("\n")[0] ?? "unknown error"
}

/**
 * Opens the store: checks (or, with `migrate`, brings up to date) the schema, then serves the `Directory` port.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options) =>
  Effect.gen(function* () {
    const prefix = options.prefix ?? ""
    const engine = engines[options.engine]
    const maxAttempts = options.maxAttempts ?? 20
    // The host's own plugins (say, CamelCasePlugin) must not rename the manager's snake_case columns.
    const base = options.db.withoutPlugins()
    const target: Migrations.Target = { db: base, engine: options.engine, prefix }
    if (options.migrate === true) yield* Migrations.migrateToLatest(target)
    yield* Migrations.check(target)
    const db = (prefix === "" ? base : base.withPlugin(new TablePrefixPlugin(prefix))) as Kysely<Database>
    if (options.engine === "postgres") yield* noticeMissingSearchIndex(base, prefix)

    // The statements every operation runs, compiled once: Kysely would build and compile them again on every call,
    // which costs more than an indexed lookup.
    const findUserWithGroups = compiledOnce(
      db
        .selectFrom("users")
        .leftJoin("memberships", "memberships.username", "users.username")
        .selectAll("users")
        .select("memberships.group_name")
        .where("users.username", "=", "")
        .orderBy("memberships.group_name")
    )
    // A session with its user and the user's groups (its one row a group, in name order), for each signed-in request.
    const findSessionWithUser = compiledOnce(
      db
        .selectFrom("sessions")
        .innerJoin("users", "users.username", "sessions.username")
        .leftJoin("memberships", "memberships.username", "users.username")
        .selectAll("users")
        .select([
          "memberships.group_name",
          "sessions.created_at as session_created_at",
          "sessions.expires_at as session_expires_at"
        ])
        .where("sessions.token_hash", "=", "")
        .orderBy("memberships.group_name")
    )
    // Statements compiled once, the first time their shape is asked for, with a placeholder (a `Slot`) where each of
    // the call's parameters goes; every call then runs the compiled SQL with its own parameters. The shapes are a
    // list's kind of statement, search, sort and order (~120 at most) and a membership read's size (11 a key); they
    // are kept for the directory's life.
    const shapes = new Map<string, Shape>()
    const shaped = <R>(
      shape: string,
      parameters: ReadonlyArray<unknown>,
      build: (slots: ReadonlyArray<unknown>) => CompiledQuery<R>
    ): CompiledQuery<R> => {
      let made = shapes.get(shape)
      if (made === undefined) {
        made = shapeOf(build(parameters.map((_, index) => new Slot(index))))
        shapes.set(shape, made)
      }
      return withParameters(
        made.compiled as CompiledQuery<R>,
        made.slots.map((slot, index) => (slot < 0 ? made.compiled.parameters[index] : parameters[slot]))
      )
    }
    const beginWrite = engine.beginWrite.map((statement) => statement.compile(db))
    const beginRead = engine.beginRead.map((statement) => statement.compile(db))
    const commit = sql`commit`.compile(db)
    const rollback = sql`rollback`.compile(db)
    // The SQLite database the adapter opened runs its transactions synchronously; any other through Kysely's executor.
    const synchronous = Synchronous.of(options.db)
    const failed = (error: unknown) =>
      new StorageError({ reason: describe(error), cause: new DriverFailure(engine.classify(error), error) })

    const transaction = (execute: Execute, valueRows: ValueRows, mode: "read" | "write"): DirectoryTransaction => {
      // Only writers lock; a read-only transaction reads a consistent snapshot instead.
      const locks = engine.locksRows && mode === "write"
      const rows = <R>(query: Query<R>) => Effect.map(execute(query), (result) => result.rows)
      const first = <R>(query: Query<R>) => Effect.map(execute(query), (result) => result.rows[0])
      /** The one row a query always returns (a count). */
      const single = <R>(query: Query<R>) =>
        Effect.flatMap(first(query), (row) =>
          row === undefined
            ? Effect.fail(new StorageError({ reason: "the query returned no row" }))
            : Effect.succeed(row)
        )

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
        ).pipe(
          Effect.map((rows) => {
            const map = new Map<string, Array<string>>()
            for (const [name, member] of rows as ReadonlyArray<readonly [string, string]>) {
              const list = map.get(name)
              if (list === undefined) map.set(name, [member])
              else list.push(member)
            }
            return map
          })
        )
      }

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

      /** Keeps `groups.member_count`, the indexed key of the `members` sort, in step with a membership change. */
      const countMembers = (group: string, change: 1 | -1) =>
        execute(
          db
            .updateTable("groups")
            .set((eb) => ({ member_count: eb("member_count", "+", change) }))
            .where("name", "=", group)
        )

      /** Recomputes `users.group_list`, the indexed key of the `groups` sort, for these users. */
      const refreshGroupLists = (usernames: ReadonlyArray<string>) =>
        Effect.forEach(
          chunks([...usernames], 1000),
          (chunk) =>
            execute(
              db
                .updateTable("users")
                .set({
                  group_list: sql<string>`coalesce(substr(${engine.groupList(sql.ref("users.username"))}, 1, ${GROUPS_SORT_KEY_LENGTH}), '')`
                })
                .where("username", "in", chunk)
            ),
          { discard: true }
        )

      /** The listed users of these rows' values, each with its groups. */
      const listings = (rows: ReadonlyArray<ListingRow>) =>
        memberships(
          "username",
          rows.map((row) => row[0])
        ).pipe(Effect.map((groups) => rows.map((row) => toListing(row, groups.get(row[0]) ?? []))))

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

      const withMembers = (rows: ReadonlyArray<GroupRowSql>) =>
        memberships(
          "group_name",
          rows.map((row) => row.name)
        ).pipe(
          Effect.map(
            (members): Array<GroupRecord> =>
              rows.map((row) => ({ ...toGroupRow(row), members: (members.get(row.name) ?? []) as Array<Username> }))
          )
        )

      const direction = (order: "asc" | "desc"): OrderByDirection => order

      /** One column of a user sort, in the order the port defines its sort key. */
      const userSortColumns = (sort: UserSort, order: "asc" | "desc"): ReadonlyArray<SortColumn> => {
        const column = (name: string, nullable = false): SortColumn => ({
          expression: sql.ref(`users.${name}`),
          nullable,
          order
        })
        const username: SortColumn = {
          expression: sql.ref("users.username"),
          nullable: false,
          order: sort === "username" ? order : "asc"
        }
        switch (sort) {
          case "username":
            return [username]
          case "fullName":
            return [column("full_name_key"), username]
          case "firstName":
            return [column("first_name_key"), username]
          case "lastName":
            return [column("last_name_key"), username]
          case "groups":
            return [column("group_list"), username]
          case "email":
            return [column("email", true), username]
          case "enabled":
          case "system":
            return [column(sort), username]
          case "createdAt":
            return [column("created_at"), username]
          case "updatedAt":
            return [column("updated_at"), username]
        }
      }

      /** `ORDER BY` one sort column, with missing values first when ascending on every engine. */
      const orderTerm = (column: SortColumn) =>
        column.nullable && engine.nullsLastByDefault
          ? sql`${column.expression} ${sql.raw(column.order)} ${sql.raw(column.order === "asc" ? "nulls first" : "nulls last")}`
          : sql`${column.expression} ${sql.raw(column.order)}`

      return {
        isEmpty: Effect.gen(function* () {
          const user = yield* first(db.selectFrom("users").select("username").limit(1))
          const group = yield* first(db.selectFrom("groups").select("name").limit(1))
          return user === undefined && group === undefined
        }),

        findUser: (username, options) =>
          options?.forUpdate && locks
            ? // Lock the user's row first, then read its memberships (a lock on an outer join would lock them too).
              first(db.selectFrom("users").selectAll().where("username", "=", username).forUpdate()).pipe(
                Effect.tap((row) => remember(row)),
                Effect.flatMap((row) =>
                  row === undefined
                    ? Effect.succeed(Option.none())
                    : memberships("username", [row.username]).pipe(
                        Effect.map((groups) => Option.some(toRecord(row, groups.get(row.username) ?? [])))
                      )
                )
              )
            : joinedUser(findUserWithGroups.with([username])).pipe(Effect.map(Option.map(({ record }) => record))),
        findUsernameByEmail: (email) =>
          first(db.selectFrom("users").select("username").where("email_key", "=", email.toLowerCase())).pipe(
            Effect.map((row) => Option.fromNullable(row?.username as Username | undefined))
          ),
        insertUser: (row) => Effect.asVoid(execute(db.insertInto("users").values(fromUserRow(row)))),
        updateUser: (row) =>
          Effect.suspend(() => {
            const { username, created_at: _created, ...values } = fromUserRow(row)
            // Only the columns that differ from the row as this transaction read it: every indexed column in the SET
            // list costs an index update even when its value stays (disable would rewrite five indexes otherwise).
            const before = read.get(username)
            const changed = Object.fromEntries(
              Object.entries(values).filter(([column, value]) => before?.[column as keyof typeof values] !== value)
            ) as Partial<typeof values>
            if (before !== undefined) read.set(username, { ...before, ...changed })
            if (Object.keys(changed).length === 0) return Effect.void
            return Effect.asVoid(execute(db.updateTable("users").set(changed).where("username", "=", username)))
          }),
        deleteUser: (username) =>
          Effect.gen(function* () {
            // Its memberships go with it (the foreign key cascades): its groups count one member less.
            yield* execute(
              db
                .updateTable("groups")
                .set((eb) => ({ member_count: eb("member_count", "-", 1) }))
                .where("name", "in", (eb) =>
                  eb.selectFrom("memberships").select("group_name").where("username", "=", username)
                )
            )
            yield* execute(db.deleteFrom("users").where("username", "=", username))
          }),
        listUsers: (query) =>
          Effect.gen(function* () {
            // On SQLite a term of three characters or more is looked up in the FTS5 trigram index (a substring
            // match): the matches are counted in the index alone, and their usernames read through its key table.
            const fts = options.engine === "sqlite" && [...query.search].length >= 3
            const search = query.search === "" ? "none" : fts ? "fts" : "like"
            const columns = userSortColumns(query.sort, query.order)
            const after = query.after
            // The statements' parameters, in order: the search's LIKE pattern, its FTS5 phrase, the page's bounds.
            const parameters = [containsPattern(query.search), ftsPhrase(query.search), query.limit, query.offset]
            /** This listing's statement of `kind`, written once over its parameters (slots when compiled once). */
            const statement = <R>(
              kind: "count" | "walk" | "sort",
              build: (v: ListingParameters) => CompiledQuery<R>
            ) =>
              // A keyset page (streaming) depends on its key's values: it is compiled each time.
              after === undefined
                ? shaped(`users:${kind}:${search}:${query.sort}:${query.order}`, parameters, (slots) =>
                    build(listingParameters(slots))
                  )
                : build(listingParameters(parameters))
            const ftsTable = sql.table("users_fts")
            const filtered = (v: ListingParameters) =>
              db
                .selectFrom("users")
                .$if(search === "like", (q) => q.where(sql<boolean>`search_text like ${v.pattern} escape '!'`))
                .$if(search === "fts", (q) =>
                  q.where(
                    "username",
                    "in",
                    sql<string>`(select username from ${sql.table("users_fts_key")} where id in (
                      select rowid from ${ftsTable} where ${ftsTable} match ${v.phrase}))`
                  )
                )
                .$if(after !== undefined, (q) => q.where(keysetAfter(columns, after ?? [])))

            // Count first: an empty result needs no page, and on SQLite the number of matches picks the plan.
            let total: number | null = null
            // Sorted by username and matching densely, walking the username/search-text index and keeping the
            // users whose search text matches until the page is full ("walk": about (offset + limit) × size / total
            // index entries, more when the matches cluster late) costs less than fetching every match to sort it.
            let plan: "sort" | "walk" = "sort"
            if (query.count) {
              const counted: Counted & { readonly size?: number | null } = yield* single(
                statement("count", (v) =>
                  fts
                    ? sql<Counted & { readonly size: number | null }>`select count(*) as n,
                        (select max(id) from ${sql.table("users_fts_key")}) as size
                        from ${ftsTable} where ${ftsTable} match ${v.phrase}`.compile(db)
                    : filtered(v)
                        .select((eb) => eb.fn.countAll<number | string>().as("n"))
                        .compile()
                )
              )
              total = Number(counted.n)
              if (total === 0 || query.offset >= total) return { items: [], total }
              const size = "size" in counted ? Number(counted.size ?? 0) : 0
              const walked = ((query.offset + query.limit) * size) / total
              if (fts && query.sort === "username" && after === undefined && walked <= WALK_PER_MATCH * total) {
                plan = "walk"
              }
            }
            const dir = sql.raw(direction(query.order))
            const page =
              plan === "walk"
                ? // Only usernames and search texts from the index; the page's 50 rows are read by username.
                  statement("walk", (v) =>
                    sql<ListingRowSql>`select ${sql.join(LISTING_COLUMNS.map((column) => sql.ref(column)))}
                      from ${sql.table("users")} where username in (
                      select username from ${sql.table("users")}
                      where search_text like ${v.pattern} escape '!'
                      order by username ${dir} limit ${v.limit} offset ${v.offset})
                      order by username ${dir}`.compile(db)
                  )
                : statement("sort", (v) =>
                    filtered(v)
                      .select(LISTING_COLUMNS)
                      .$call((q) => columns.reduce((ordered, column) => ordered.orderBy(orderTerm(column)), q))
                      .limit(v.limit)
                      .offset(v.offset)
                      .compile()
                  )
            return { items: yield* listings((yield* valueRows(page)) as ReadonlyArray<ListingRow>), total }
          }),
        lockUsers: (usernames) =>
          !locks || usernames.length === 0
            ? Effect.void
            : Effect.forEach(
                chunks([...usernames].sort(), 1000),
                (chunk) =>
                  execute(db.selectFrom("users").select("username").where("username", "in", chunk).forUpdate()),
                { discard: true }
              ),

        findGroup: (name, options) =>
          Effect.suspend(() => {
            const query = db.selectFrom("groups").selectAll().where("name", "=", name)
            return first(options?.forUpdate && locks ? query.forUpdate() : query)
          }).pipe(
            Effect.flatMap((row) =>
              row === undefined
                ? Effect.succeed(Option.none())
                : withMembers([row]).pipe(Effect.map(([record]) => Option.fromNullable(record)))
            )
          ),
        findGroupRow: (name, options) =>
          Effect.suspend(() => {
            const query = db.selectFrom("groups").selectAll().where("name", "=", name)
            return first(options?.forUpdate && locks ? query.forUpdate() : query)
          }).pipe(Effect.map((row) => (row === undefined ? Option.none() : Option.some(toGroupRow(row))))),
        findGroupByGid: (gid) =>
          first(db.selectFrom("groups").select("name").where("gid", "=", gid)).pipe(
            Effect.map((row) => Option.fromNullable(row?.name as GroupName | undefined))
          ),
        insertGroup: (row) =>
          Effect.gen(function* () {
            yield* execute(db.insertInto("groups").values(fromGroupRow(row)))
            yield* execute(db.insertInto("gid_ledger").values({ gid: row.gid, group_name: row.name }))
          }),
        updateGroup: (previousName, row) =>
          Effect.gen(function* () {
            const { created_at: _created, name, ...values } = fromGroupRow(row)
            // The name is set only when it changes: setting the key, even to itself, makes the engine visit every
            // membership of the group for the foreign key's ON UPDATE CASCADE (milliseconds in a large group).
            yield* execute(
              db
                .updateTable("groups")
                .set(name === previousName ? values : { ...values, name })
                .where("name", "=", previousName)
            )
            // A rename changes its members' group lists (their memberships follow through the foreign key).
            if (row.name !== previousName) yield* refreshGroupLists(yield* membersOf(row.name))
          }),
        deleteGroup: (name) =>
          Effect.gen(function* () {
            const members = yield* membersOf(name)
            yield* execute(db.deleteFrom("groups").where("name", "=", name))
            yield* refreshGroupLists(members)
          }),
        listGroups: (query) =>
          Effect.gen(function* () {
            const filtered = db
              .selectFrom("groups")
              .$if(query.search !== "", (q) =>
                q.where(sql<boolean>`lower(name) like ${containsPattern(query.search)} escape '!'`)
              )
            const dir = direction(query.order)
            const counted = yield* single(filtered.select((eb) => eb.fn.countAll<number | string>().as("n")))
            const found = yield* rows(
              filtered
                .selectAll()
                .$call((q) => {
                  switch (query.sort) {
                    case "name":
                      return q
                    case "gid":
                      return q.orderBy("gid", dir)
                    case "members":
                      return q.orderBy("member_count", dir)
                    case "createdAt":
                      return q.orderBy("created_at", dir)
                    case "updatedAt":
                      return q.orderBy("updated_at", dir)
                  }
                })
                .orderBy("name", query.sort === "name" ? dir : "asc")
                .limit(query.limit)
                .offset(query.offset)
            )
            return { items: yield* withMembers(found), total: Number(counted.n) }
          }),

        addMembership: (username, group) =>
          Effect.gen(function* () {
            yield* execute(db.insertInto("memberships").values({ username, group_name: group }))
            yield* countMembers(group, 1)
            yield* refreshGroupLists([username])
          }),
        removeMembership: (username, group) =>
          Effect.gen(function* () {
            const { numAffectedRows } = yield* execute(
              db.deleteFrom("memberships").where("username", "=", username).where("group_name", "=", group)
            )
            if (numAffectedRows === undefined || numAffectedRows === 0n) return
            yield* countMembers(group, -1)
            yield* refreshGroupLists([username])
          }),
        countEnabledNonSystemMembers: (group) =>
          single(
            db
              .selectFrom("memberships")
              .innerJoin("users", "users.username", "memberships.username")
              .select((eb) => eb.fn.countAll<number | string>().as("n"))
              .where("memberships.group_name", "=", group)
              .where("users.enabled", "=", 1)
              .where("users.system", "=", 0)
          ).pipe(Effect.map((row) => Number(row.n))),
        membersWithNoOtherGroup: (group) =>
          rows(
            db
              .selectFrom("memberships as m")
              .select("m.username")
              .where("m.group_name", "=", group)
              .where(
                (eb) =>
                  eb
                    .selectFrom("memberships as other")
                    .select((inner) => inner.fn.countAll().as("n"))
                    .whereRef("other.username", "=", "m.username"),
                "=",
                1
              )
              .orderBy("m.username")
          ).pipe(Effect.map((rows) => rows.map((row) => row.username as Username))),
        systemMembers: (group) =>
          rows(
            db
              .selectFrom("memberships")
              .innerJoin("users", "users.username", "memberships.username")
              .select("users.username")
              .where("memberships.group_name", "=", group)
              .where("users.system", "=", 1)
              .orderBy("users.username")
          ).pipe(Effect.map((rows) => rows.map((row) => row.username as Username))),

        gidHighWaterMark: Effect.suspend(() => {
          const query = db.selectFrom("meta").select("value").where("key", "=", "gid_high_water")
          return single(locks ? query.forUpdate() : query)
        }).pipe(Effect.map((row) => Number(row.value))),
        setGidHighWaterMark: (gid) =>
          Effect.asVoid(execute(db.updateTable("meta").set({ value: gid }).where("key", "=", "gid_high_water"))),
        gidEverUsed: (gid) =>
          first(db.selectFrom("gid_ledger").select("gid").where("gid", "=", gid)).pipe(
            Effect.map((row) => row !== undefined)
          ),

        insertSession: (row) =>
          Effect.asVoid(
            execute(
              db.insertInto("sessions").values({
                token_hash: row.tokenHash,
                username: row.username,
                created_at: row.createdAt.toISOString(),
                expires_at: row.expiresAt.toISOString()
              })
            )
          ),
        findSession: (tokenHash) =>
          first(db.selectFrom("sessions").selectAll().where("token_hash", "=", tokenHash)).pipe(
            Effect.map((row) =>
              Option.fromNullable(row).pipe(
                Option.map(
                  (found): SessionRow => ({
                    tokenHash: found.token_hash,
                    username: found.username as Username,
                    createdAt: new Date(found.created_at),
                    expiresAt: new Date(found.expires_at)
                  })
                )
              )
            )
          ),
        findSessionUser: (tokenHash) =>
          joinedUser(findSessionWithUser.with([tokenHash])).pipe(
            Effect.map(
              Option.map(({ row, record }) => ({
                session: {
                  tokenHash,
                  username: record.username,
                  createdAt: new Date(row.session_created_at),
                  expiresAt: new Date(row.session_expires_at)
                },
                user: record
              }))
            )
          ),
        deleteSession: (tokenHash) =>
          Effect.asVoid(execute(db.deleteFrom("sessions").where("token_hash", "=", tokenHash))),
        deleteUserSessions: (username) =>
          execute(db.deleteFrom("sessions").where("username", "=", username)).pipe(
            Effect.map((result) => Number(result.numAffectedRows ?? 0n))
          ),
        deleteExpiredSessions: (now) =>
          Effect.asVoid(execute(db.deleteFrom("sessions").where("expires_at", "<", now.toISOString()))),

        lockSignInCounters: (keys, now) =>
          Effect.gen(function* () {
            if (keys.length === 0) return []
            const values = keys.map(({ username, address }) => ({
              username,
              address,
              failures: 0,
              window_start: now,
              last_failure_at: 0
            }))
            const insert = db.insertInto("sign_in_attempts").values(values)
            // A key inserted by a concurrent transaction is left as it is (the insert waits for it, then skips it).
            yield* execute(
              options.engine === "mysql"
                ? insert.ignore()
                : insert.onConflict((conflict) => conflict.columns(["username", "address"]).doNothing())
            )
            const query = db
              .selectFrom("sign_in_attempts")
              .selectAll()
              .where((eb) =>
                eb.or(keys.map((key) => eb.and([eb("username", "=", key.username), eb("address", "=", key.address)])))
              )
            const found = (yield* rows(locks ? query.forUpdate() : query)).map(toCounter)
            return keys.flatMap((key) => found.find((counter) => sameKey(counter, key)) ?? [])
          }),
        saveSignInCounters: (counters) =>
          Effect.forEach(
            counters,
            (counter) =>
              execute(
                db
                  .updateTable("sign_in_attempts")
                  .set({
                    failures: counter.failures,
                    window_start: counter.windowStart,
                    last_failure_at: counter.lastFailureAt
                  })
                  .where("username", "=", counter.username)
                  .where("address", "=", counter.address)
              ),
            { discard: true }
          ),
        deleteSignInCounters: (username) =>
          execute(db.deleteFrom("sign_in_attempts").where("username", "=", username)).pipe(
            Effect.map((result) => Number(result.numAffectedRows ?? 0n))
          ),
        trimSignInCounters: (before, maxCounters) =>
          Effect.gen(function* () {
            yield* execute(db.deleteFrom("sign_in_attempts").where("window_start", "<", before))
            const counted = yield* single(
              db.selectFrom("sign_in_attempts").select((eb) => eb.fn.countAll<number | string>().as("n"))
            )
            const excess = Number(counted.n) - maxCounters
            if (excess <= 0) return
            // The window start of the last counter to go: it and every older one go (ties with it too).
            const last = yield* first(
              db
                .selectFrom("sign_in_attempts")
                .select("window_start")
                .orderBy("window_start")
                .limit(1)
                .offset(excess - 1)
            )
            if (last === undefined) return
            yield* execute(db.deleteFrom("sign_in_attempts").where("window_start", "<=", last.window_start))
          }),
        listSignInCounters: (query) =>
          rows(
            db
              .selectFrom("sign_in_attempts")
              .selectAll()
              .where("window_start", ">=", query.since)
              .where("failures", ">=", query.minFailures)
              .orderBy("last_failure_at", "desc")
              .limit(query.limit)
          ).pipe(Effect.map((found) => found.map(toCounter))),

        appendAudit: ({ subjects = [], ...entry }) =>
          Effect.gen(function* () {
            yield* execute(
              db.insertInto("audit").values({
                at: entry.at.toISOString(),
                actor: entry.actor,
                action: entry.action,
                target_type: entry.targetType,
                target: entry.target,
                changes: JSON.stringify(entry.changes)
              })
            )
            if (subjects.length === 0) return
            const { id } = yield* single(
              sql<{ readonly id: number | string }>`select ${engine.lastInsertId} as id`.compile(db)
            )
            const unique = [...new Set(subjects)]
            for (let start = 0; start < unique.length; start += SUBJECTS_PER_INSERT) {
              const batch = unique.slice(start, start + SUBJECTS_PER_INSERT)
              yield* execute(
                db.insertInto("audit_subjects").values(batch.map((subject) => ({ subject, entry_id: Number(id) })))
              )
            }
          }),
        listAudit: (filter) =>
          Effect.gen(function* () {
            const filtered = db
              .selectFrom("audit")
              .$if(filter.actor !== undefined, (q) => q.where("actor", "=", filter.actor as string))
              // The entries the target names, and those it is a subject of: each found by its own index.
              .$if(filter.target !== undefined, (q) =>
                q.where("id", "in", (eb) =>
                  eb
                    .selectFrom("audit")
                    .select("id")
                    .where("target", "=", filter.target as string)
                    .union(
                      eb
                        .selectFrom("audit_subjects")
                        .select("entry_id as id")
                        .where("subject", "=", filter.target as string)
                    )
                )
              )
              .$if(filter.action !== undefined, (q) => q.where("action", "=", filter.action as string))
              .$if(filter.since !== undefined, (q) => q.where("at", ">=", (filter.since as Date).toISOString()))
              .$if(filter.until !== undefined, (q) => q.where("at", "<=", (filter.until as Date).toISOString()))
            const counted = yield* single(filtered.select((eb) => eb.fn.countAll<number | string>().as("n")))
            const found = yield* rows(
              filtered.selectAll().orderBy("id", "desc").limit(filter.limit).offset(filter.offset)
            )
            const items = found.map(
              (row) =>
                new AuditEntry(
                  {
                    id: Number(row.id),
                    at: new Date(row.at),
                    actor: row.actor,
                    action: row.action as AuditEntry["action"],
                    targetType: row.target_type as AuditEntry["targetType"],
                    target: row.target,
                    changes: JSON.parse(row.changes) as Record<string, unknown>
                  },
                  { disableValidation: true }
                )
            )
            return { items, total: Number(counted.n) }
          })
      }
    }

    /**
     * Runs `body` in one transaction on one connection; commits only when it succeeds and `commit` is asked for.
     * A lost race (deadlock, serialization failure, unique-constraint race, busy database) rolls back and runs the
     * body again, so that the rules see the winner's data and answer with the domain error.
     */
    const runTransaction = <A, E>(
      mode: "read" | "write",
      body: (tx: DirectoryTransaction) => Effect.Effect<A, E>,
      completion: "commit" | "rollback"
    ): Effect.Effect<A, E | StorageError> =>
      Effect.gen(function* () {
        const runtime = yield* Effect.runtime<never>()
        const begin = mode === "write" ? beginWrite : beginRead
        const commits = (exit: Exit.Exit<A, E | StorageError>) =>
          Exit.isSuccess(exit) && mode === "write" && completion === "commit"
        const once: Effect.Effect<A, E | StorageError> =
          synchronous === undefined
            ? Effect.tryPromise({
                try: () =>
                  db.connection().execute(async (conn) => {
                    for (const statement of begin) await conn.executeQuery(statement)
                    // How many statements are running: the body may wait only on them (see TransactionBody).
                    let running = 0
                    const execute: Execute = (query) =>
                      Effect.suspend(() => {
                        running++
                        return Effect.tryPromise({ try: () => conn.executeQuery(compiled(query)), catch: failed })
                      }).pipe(Effect.ensuring(Effect.sync(() => running--)))
                    const valueRows: ValueRows = (query) =>
                      Effect.map(execute(query), (result) => result.rows.map((row) => Object.values(row as object)))
                    let exit: Exit.Exit<A, E | StorageError>
                    try {
                      exit = await Runtime.runPromiseExit(runtime)(
                        TransactionBody.guarded(body(transaction(execute, valueRows, mode)), () => running > 0)
                      )
                    } catch (error) {
                      await conn.executeQuery(rollback).catch(() => undefined)
                      throw error
                    }
                    await conn.executeQuery(commits(exit) ? commit : rollback)
                    return exit
                  }),
                catch: failed
              }).pipe(Effect.flatten)
            : Effect.suspend((): Effect.Effect<A, E | StorageError> => {
                // BEGIN, the body and COMMIT in one synchronous step (a body that would wait is refused, rolled back).
                const execute: Execute = (query) =>
                  Effect.try({ try: () => synchronous.execute(compiled(query)), catch: failed })
                const valueRows: ValueRows = (query) =>
                  Effect.try({ try: () => synchronous.values(query), catch: failed })
                try {
                  for (const statement of begin) synchronous.execute(statement)
                } catch (error) {
                  return Effect.fail(failed(error))
                }
                const exit = TransactionBody.runSynchronously(runtime, body(transaction(execute, valueRows, mode)))
                try {
                  synchronous.execute(commits(exit) ? commit : rollback)
                } catch (error) {
                  // A COMMIT that failed (a busy database) leaves the transaction open.
                  try {
                    synchronous.execute(rollback)
                  } catch {}
                  return Effect.fail(failed(error))
                }
                return exit
              })

        let attempt = 1
        while (true) {
          const exit = yield* Effect.exit(once)
          if (Exit.isSuccess(exit)) return exit.value
          const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
          const kind = failure instanceof StorageError ? failureKind(failure) : undefined
          if (kind === undefined || kind === "fatal" || attempt >= maxAttempts) {
            if (kind !== undefined && kind !== "fatal") {
              return yield* new StorageError({
                reason: `the change kept colliding with concurrent changes (${attempt} attempts); try again`,
                cause: failure
              })
            }
            return yield* exit
          }
          attempt++
          // Exponential back-off with jitter, capped, so that colliding writers spread out instead of colliding again.
          yield* Effect.sleep(Duration.millis(Math.random() * Math.min(200, 2 ** attempt)))
        }
      })

    return Directory.of({
      read: (body) => runTransaction("read", body, "rollback"),
      write: (body, completion = "commit") => runTransaction("write", body, completion)
    })
  })

// biome-ignore lint/suspicious/noExplicitAny: any host database
const noticeMissingSearchIndex = (db: Kysely<any>, prefix: string) =>
  Effect.tryPromise(() =>
    sql<{
      n: number
    }>`select count(*) as n from pg_indexes where indexname = ${`${prefix}dt_users_search_trgm`}`.execute(db)
  ).pipe(
    Effect.flatMap((result) =>
      Number(result.rows[0]?.n ?? 0) > 0
        ? Effect.void
        : Effect.logWarning(
            "PostgreSQL has no pg_trgm extension here, so user search scans the users table; install postgresql-contrib and run the migrations again to index it"
          )
    ),
    Effect.orElse(() => Effect.void)
  )

/**
 * A query compiled once (with placeholder parameters) and run with the caller's parameters, in the same order.
 */
const compiledOnce = <Row>(query: Compilable<Row>) => {
  const compiled = query.compile()
  return { with: (parameters: ReadonlyArray<unknown>): CompiledQuery<Row> => withParameters(compiled, parameters) }
}

/** A compiled statement run with other parameters (the same number, in the same places). */
const withParameters = <Row>(compiled: CompiledQuery<Row>, parameters: ReadonlyArray<unknown>): CompiledQuery<Row> => ({
  query: compiled.query,
  queryId: compiled.queryId,
  sql: compiled.sql,
  parameters
})

/** The place of a value in a statement compiled once for its shape: the index of the value the caller gives. */
class Slot {
  constructor(readonly index: number) {}
}

/** A statement compiled with slots: for each of its parameters, the caller's value it takes (-1: a constant). */
interface Shape {
  readonly compiled: CompiledQuery<unknown>
  readonly slots: ReadonlyArray<number>
}

const shapeOf = (compiled: CompiledQuery<unknown>): Shape => ({
  compiled,
  slots: compiled.parameters.map((parameter) => (parameter instanceof Slot ? parameter.index : -1))
})

/** The parameters a user listing's statements take, by name, in the order `listUsers` gives them. */
interface ListingParameters {
  readonly pattern: string
  readonly phrase: string
  readonly limit: number
  readonly offset: number
}

const listingParameters = (parameters: ReadonlyArray<unknown>) =>
  ({ pattern: parameters[0], phrase: parameters[1], limit: parameters[2], offset: parameters[3] }) as ListingParameters

/** A column a user list is sorted by: its SQL, whether it can be NULL, and its direction. */
interface SortColumn {
  readonly expression: Expression<unknown>
  readonly nullable: boolean
  readonly order: "asc" | "desc"
}

/**
 * Keyset paging: the rows that sort after `key` (one value per column), compared column by column in each column's
 * direction, NULL lowest. A bound on the first column lets the database start its index range scan there.
 */
const keysetAfter = (columns: ReadonlyArray<SortColumn>, key: ReadonlyArray<SortValue>) => {
  const value = (index: number) => {
    const raw = key[index] ?? null
    return typeof raw === "boolean" ? (raw ? 1 : 0) : raw
  }
  const equal = (column: SortColumn, index: number) => {
    const v = value(index)
    return v === null ? sql`${column.expression} is null` : sql`${column.expression} = ${v}`
  }
  const beyond = (column: SortColumn, index: number) => {
    const v = value(index)
    if (column.order === "asc") {
      if (v === null) return column.nullable ? sql`${column.expression} is not null` : undefined
      return sql`${column.expression} > ${v}`
    }
    if (v === null) return undefined
    return column.nullable
      ? sql`(${column.expression} < ${v} or ${column.expression} is null)`
      : sql`${column.expression} < ${v}`
  }
  const branches = columns.flatMap((column, index) => {
    const last = beyond(column, index)
    if (last === undefined) return []
    return [sql.join([...columns.slice(0, index).map(equal), last], sql` and `)]
  })
  const anyBranch = branches.length === 0 ? sql`1 = 0` : sql`(${sql.join(branches, sql` or `)})`
  const [lead] = columns
  const first = value(0)
  if (lead === undefined || lead.nullable || first === null) return sql<boolean>`${anyBranch}`
  const bound = lead.order === "asc" ? sql`${lead.expression} >= ${first}` : sql`${lead.expression} <= ${first}`
  return sql<boolean>`${bound} and ${anyBranch}`
}

/** A statement a transaction runs: a query builder, or a query compiled ahead. */
type Query<R> = Compilable<R> | CompiledQuery<R>

const compiled = <R>(query: Query<R>): CompiledQuery<R> => ("compile" in query ? query.compile() : query)

/** Runs one statement of a transaction. */
type Execute = <R>(query: Query<R>) => Effect.Effect<QueryResult<R>, StorageError>

/** Runs one query of a transaction for its rows as arrays of their columns' values, in the query's order. */
type ValueRows = (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, StorageError>

/** The items followed by their last one as often as it takes to make a power of two of them (at least one item). */
const padToPowerOfTwo = <A>(items: ReadonlyArray<A>): ReadonlyArray<A> => {
  const size = 2 ** Math.ceil(Math.log2(items.length))
  if (size === items.length) return items
  const padded = items.slice()
  const last = items[items.length - 1] as A
  while (padded.length < size) padded.push(last)
  return padded
}

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<Array<A>> => {
  const result: Array<Array<A>> = []
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size))
  return result
}

/**
 * The directory in a host's own Kysely database (bring your own): the manager's tables, with an optional prefix,
 * beside the host's. The host keeps ownership of the Kysely instance and closes it.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Directory, StorageError> => Layer.effect(Directory, make(options))

/**
 * The directory over a Kysely instance the layer opens itself and destroys when released (the engine adapters).
 *
 * @category layers
 * @since 0.1.0
 */
export const scoped = <E>(
  // biome-ignore lint/suspicious/noExplicitAny: any database
  open: Effect.Effect<Kysely<any>, E>,
  options: Omit<Options, "db">
): Layer.Layer<Directory, E | StorageError> =>
  Layer.scoped(
    Directory,
    Effect.acquireRelease(open, (db) => Effect.promise(() => db.destroy())).pipe(
      Effect.flatMap((db) => make({ ...options, db }))
    )
  )
