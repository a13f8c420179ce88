/**
 * The user listing's planner: which statements a page of users runs (count, then the page sorted or walked).
 */
import type { UserListing, UserListQuery } from "@user-manager/core/Directory"
import type { StorageError } from "@user-manager/core/Errors"
import type { UserSort } from "@user-manager/core/User"
import { Effect } from "effect"
import { type CompiledQuery, type Kysely, type SelectQueryBuilder, sql } from "kysely"
import type * as Migrations from "../Migrations.js"
import type { EngineSql } from "./engines.js"
import * as PostgresSearch from "./postgresSearch.js"
import { userFilterSql } from "./recordFilterSql.js"
import { type Counted, LISTING_COLUMNS, type ListingRow, walkWithin } from "./rowMappers.js"
import type { Database } from "./schema.js"
import { keysetAfter, orderTerm, userSortColumns } from "./sortColumns.js"
import * as SqliteSearch from "./sqliteSearch.js"
import type { Shaped } from "./statementCache.js"

/** A LIKE pattern for a substring, with `%`, `_` and the escape character itself taken literally. */
export const containsPattern = (term: string) => `%${term.replace(/[!%_]/g, "!$&")}%`

/**
 * `containsPattern` with LIKE's default escape character (`\`), for a statement without an ESCAPE clause: PostgreSQL's
 * plan made once for every pattern applies an ESCAPE clause to the pattern again for each row it tests (a walk of
 * 9,552 members: 2.2 ms with it, 1.75 without).
 */
export const containsPatternDefaultEscape = (term: string) => `%${term.replace(/[\\%_]/g, "\\$&")}%`

/** The parameters a user listing's statements take, by name, in the order `listUsers` gives them. */
interface ListingParameters {
  readonly pattern: string
  readonly phrase: string
  readonly limit: number
  readonly offset: number
  /** The most matches a bounded count counts. */
  readonly countUpTo: number
  /** The filters' values (a filter that is not asked for is not in the statement). */
  readonly enabled: number
  readonly system: number
  readonly group: string
  /** The search's LIKE pattern with the default escape character, for a statement without ESCAPE (PostgreSQL). */
  readonly plainPattern: string
  /** The search's term itself (PostgreSQL's key of the index of characters and pairs). */
  readonly term: string
  /** The query of SQLite's index of characters and pairs that every user holding the term matches (`pairsQuery`). */
  readonly pairsQuery: string
  /**
   * How many index entries a search's walk reads at most, and the username where it stops (SQLite) or starts
   * (PostgreSQL: see `PostgresSearch.searchStart`).
   */
  readonly walkEntries: number
  readonly walkBound: string
}

/** The kinds of a listing's statements, part of each statement's shape: no two kinds share one. */
type StatementKind =
  | "count"
  | "boundedCount"
  | "walkEnd"
  | "walk"
  | "boundedWalk"
  | "boundedWalkFrom"
  | "sort"
  | "sortMatches"
  | "sortCounted"

const listingParameters = (parameters: ReadonlyArray<unknown>) =>
  ({
    pattern: parameters[0],
    phrase: parameters[1],
    limit: parameters[2],
    offset: parameters[3],
    countUpTo: parameters[4],
    enabled: parameters[5],
    system: parameters[6],
    group: parameters[7],
    plainPattern: parameters[8],
    term: parameters[9],
    pairsQuery: parameters[10],
    walkEntries: parameters[11],
    walkBound: parameters[12]
  }) as ListingParameters

/**
 * The most matches of a filter (`where`) whose page is read by sorting the matches themselves rather than by walking a
 * sort index and testing each row: a filter's matches can sit together far along that index (a prefix of a name sorted
 * by username), where the walk reads most of the table for one page. Sorting this many costs a few milliseconds.
 */
const FILTERED_SORT_LIMIT = 5000

/** The sort key columns a listing does not read, by sort (the others are among `LISTING_COLUMNS`). */
const SORT_KEY_COLUMN: Partial<Record<UserSort, string>> = {
  fullName: "full_name_key",
  firstName: "first_name_key",
  lastName: "last_name_key",
  groups: "group_list"
}

/**
 * A page of a filter's few matches (`FILTERED_SORT_LIMIT`), sorted: the matches are read first, apart from the sort (a
 * subquery with a LIMIT is kept apart by every engine's planner), then sorted. PostgreSQL and MySQL read the matching
 * rows (their planners, with statistics, take the filter's index); SQLite, which keeps none, reads the matching
 * usernames (a covering range of the filter's index) and then their rows, its CROSS JOIN keeping the matches the outer
 * loop.
 */
const matchesPage = (
  context: ListingContext,
  // biome-ignore lint/suspicious/noExplicitAny: the filtered users, whatever the filters add to the builder's type
  filtered: SelectQueryBuilder<Database, "users", any>,
  query: Pick<UserListQuery, "sort" | "order">,
  v: ListingParameters
): CompiledQuery<ListingRow> => {
  const { db, engine } = context
  const selected = (table: string) => sql.join(LISTING_COLUMNS.map((name) => sql.ref(`${table}.${name}`)))
  const order = (table: string) =>
    sql.join(userSortColumns(query.sort, query.order, table).map((column) => orderTerm(engine, column)))
  if (context.engineName === "sqlite") {
    const matches = filtered.select("users.username").limit(FILTERED_SORT_LIMIT)
    // Sorted by username, the matches' usernames are sorted and paged before any row is read: the page's rows only.
    if (query.sort === "username") {
      const direction = sql.raw(query.order)
      return sql<ListingRow>`select ${selected("users")} from (select ${sql.ref("matches.username")} from (${matches}) as matches order by ${sql.ref("matches.username")} ${direction} limit ${v.limit} offset ${v.offset}) as page cross join ${sql.table("users")} on ${sql.ref("users.username")} = ${sql.ref("page.username")} order by ${sql.ref("users.username")} ${direction}`.compile(
        db
      )
    }
    return sql<ListingRow>`select ${selected("users")} from (${matches}) as matches cross join ${sql.table("users")} on ${sql.ref("users.username")} = ${sql.ref("matches.username")} order by ${order("users")} limit ${v.limit} offset ${v.offset}`.compile(
      db
    )
  }
  const key = SORT_KEY_COLUMN[query.sort]
  const matches = filtered
    .select([...LISTING_COLUMNS, ...(key === undefined ? [] : [key as (typeof LISTING_COLUMNS)[number]])])
    .limit(FILTERED_SORT_LIMIT)
  return sql<ListingRow>`select ${selected("matches")} from (${matches}) as matches order by ${order("matches")} limit ${v.limit} offset ${v.offset}`.compile(
    db
  )
}

/** What a listing needs of its transaction. */
export interface ListingContext {
  readonly db: Kysely<Database>
  readonly engineName: Migrations.Engine
  readonly engine: EngineSql
  readonly shaped: Shaped
  /** The prefix of the store's tables ("" for none). */
  readonly prefix: string
  /** PostgreSQL: the store's last read of its usernames' quantiles, which tell where a search's matches begin. */
  readonly usernameQuantiles: PostgresSearch.QuantilesCache
  /** PostgreSQL: the store's last read of the keys its walks' start index holds for many users. */
  readonly searchStartKeys: PostgresSearch.StartKeysCache
  /** The one row a query always returns. */
  readonly single: <R>(query: CompiledQuery<R>) => Effect.Effect<R, StorageError>
  readonly valueRows: (
    query: CompiledQuery<unknown>
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, StorageError>
  /** The listed users of these rows' values, each with its groups. */
  readonly listings: (
    rows: ReadonlyArray<ListingRow>,
    usernameRange?: "asc" | "desc"
  ) => Effect.Effect<Array<UserListing>, StorageError>
}

/** A page of users: counted first (an empty result needs no page; on SQLite the count picks the plan), then read. */
export const listUsers = (context: ListingContext, query: UserListQuery) =>
  Effect.gen(function* () {
    const { db, shaped, single, valueRows, listings } = context
    // SQLite looks every term up in an FTS5 index: the trigrams' from three characters, else the characters and pairs'.
    const fts = context.engineName === "sqlite" && query.search !== ""
    const index = SqliteSearch.searchIndexOf(query.search)
    const search = query.search === "" ? "none" : fts ? (index === "trigrams" ? "fts" : "pairs") : "like"
    // PostgreSQL: a term of one or two characters is counted and sorted through its index of characters and pairs.
    const paired = context.engineName === "postgres" && PostgresSearch.paired(query.search)
    // Which filters the statements hold, part of their shape: `e`nabled, `s`ystem, `g`roup, `w`here.
    const where = query.where
    const filters = `${query.enabled === undefined ? "" : "e"}${query.system === undefined ? "" : "s"}${query.group === undefined ? "" : "g"}${where === undefined ? "" : "w"}`
    // A filtered search is counted over the users' rows: the FTS index alone knows only the search text.
    const ftsAlone = fts && filters === ""
    // A co or ew on a first or last name, alone: counted in the names' FTS5 index (the page is read as any filter's).
    const names =
      context.engineName === "sqlite" && search === "none" && filters === "w"
        ? SqliteSearch.nameMatch(where)
        : undefined
    const columns = userSortColumns(query.sort, query.order)
    const after = query.after
    const countUpTo = query.countUpTo
    // The statements' parameters, in order: the search's LIKE pattern, its FTS5 phrase (in its index), the page's bounds,
    // the count's.
    const parameters = [
      containsPattern(query.search),
      SqliteSearch.ftsPhrase(query.search),
      query.limit,
      query.offset,
      countUpTo ?? 0,
      query.enabled ? 1 : 0,
      query.system ? 1 : 0,
      query.group ?? "",
      containsPatternDefaultEscape(query.search),
      query.search,
      SqliteSearch.pairsQuery(query.search)
    ]
    /** This listing's statement of `kind`, written once over its parameters (slots when compiled once). */
    const statement = <R>(
      kind: StatementKind,
      build: (v: ListingParameters) => CompiledQuery<R>,
      values: ReadonlyArray<unknown> = parameters,
      // A search's best plan depends on its pattern (rare: its index; common: the sort's, stopped at the page).
      planEachCall = true
    ) =>
      // A keyset page (streaming) depends on its key's values, a filter's statement on its tree: compiled each time.
      after === undefined && where === undefined
        ? shaped(
            `users:${kind}:${search}${paired ? "-paired" : ""}:${filters}:${query.sort}:${query.order}`,
            values,
            (slots) => build(listingParameters(slots)),
            { planEachCall }
          )
        : build(listingParameters(values))
    const filtered = (v: ListingParameters) =>
      db
        .selectFrom("users")
        .$if(search === "like", (q) => q.where(sql<boolean>`search_text like ${v.pattern} escape '!'`))
        .$if(fts, (q) => q.where("username", "in", SqliteSearch.ftsMatches(v.phrase, index)))
        .$if(query.enabled !== undefined, (q) => q.where("users.enabled", "=", v.enabled))
        .$if(query.system !== undefined, (q) => q.where("users.system", "=", v.system))
        // The group's members, read from the membership index (group, username) when the planner starts there.
        .$if(query.group !== undefined, (q) =>
          q.where("users.username", "in", (eb) =>
            eb.selectFrom("memberships").select("memberships.username").where("memberships.group_name", "=", v.group)
          )
        )
        .$if(where !== undefined, (q) =>
          q.where(userFilterSql(context.engineName, where ?? { _tag: "And", filters: [] }))
        )
        .$if(after !== undefined, (q) => q.where(keysetAfter(columns, after ?? [])))

    // PostgreSQL, a search alone: counted in `user_search` (migration 20261209030000), narrow rows in 16 partitions
    // each with its own trigram index, read one after another: a bounded count stops within the first few.
    // A LIKE search alone (PostgreSQL's every search), not a keyset page.
    const searchAlone = context.engineName === "postgres" && search === "like" && filters === "" && after === undefined
    const searched = (v: ListingParameters) =>
      db.selectFrom("user_search").where(PostgresSearch.searchCondition(context.prefix, query.search, v))

    /**
     * The statements' parameters with a walk's bounds: how many entries it reads at most, and where it stops (SQLite)
     * or starts (PostgreSQL).
     */
    const bounded = (entries: number, bound?: unknown) => [
      ...parameters,
      entries,
      ...(bound === undefined ? [] : [bound])
    ]
    /**
     * SQLite's walk: it stops at the username `entries` users in, found first; with no such user (fewer users), the
     * walk has no end and reads the whole index, so what it finds is every match (`whole`).
     */
    const sqliteWalk = (entries: number) =>
      Effect.gen(function* () {
        const [end] = yield* valueRows(
          statement("walkEnd", (v) => SqliteSearch.walkEnd(db, v, query.order), bounded(entries, ""))
        )
        const rows = yield* valueRows(
          end === undefined
            ? statement("walk", (v) => SqliteSearch.walkPage(db, v, query.order, false))
            : statement("boundedWalk", (v) => SqliteSearch.walkPage(db, v, query.order, true), bounded(entries, end[0]))
        )
        return { rows, whole: end === undefined }
      })
    /** Where PostgreSQL's walk starts (`PostgresSearch.searchStart`): looked up once, by the first that asks. */
    let started: PostgresSearch.WalkStart | undefined
    const walkStart = Effect.suspend(() =>
      started === undefined
        ? Effect.tap(PostgresSearch.searchStart(context, query.search, query.order), (start) => {
            started = start
          })
        : Effect.succeed(started)
    )
    /**
     * PostgreSQL's walk: bounded in its one statement, whose plan (a walk) is the same for every pattern; unbounded for
     * a term the trigram index does not narrow, so that what it finds is every match (`whole`).
     */
    const postgresWalk = (entries: number) =>
      Effect.gen(function* () {
        // From the first users who may hold the term (`searchStart`): none, no page.
        const start = yield* walkStart
        if (start._tag === "NoMatch") return { rows: [], whole: true }
        const rows = yield* valueRows(
          start._tag === "Anywhere"
            ? statement("boundedWalk", (v) => walkWithin(db, v, query.order), bounded(entries), false)
            : statement(
                "boundedWalkFrom",
                (v) => walkWithin(db, v, query.order, true),
                bounded(entries, PostgresSearch.walkBound(start)),
                false
              )
        )
        return { rows, whole: PostgresSearch.unbounded(entries) }
      })
    /** A search alone sorted by username, its page sorted from every match (its store's `sortedPage`). */
    const sortMatches = () =>
      valueRows(
        statement("sortMatches", (v) =>
          context.engineName === "postgres"
            ? PostgresSearch.sortedPage(db, v, { prefix: context.prefix, term: query.search }, query.order)
            : SqliteSearch.sortedPage(db, v, index, query.order)
        )
      )
    /**
     * A dense search alone sorted by username: the page walked in username order as far as the walk's bound (its
     * store's `walkEntries` of its `matches`); when the bound comes before the page is full (the matches cluster late
     * in username order), the page sorted from every match instead. The same users either way.
     */
    const walk = (matches: number, exact: boolean) =>
      Effect.gen(function* () {
        const postgres = context.engineName === "postgres"
        const { rows, whole } = postgres
          ? yield* postgresWalk(PostgresSearch.walkEntries(matches, query.search, exact))
          : yield* sqliteWalk(SqliteSearch.walkEntries(matches))
        if (whole || rows.length === query.limit || (exact && query.offset + rows.length >= matches)) return rows
        return yield* sortMatches()
      })
    // PostgreSQL, a search alone whose matches the usernames' quantiles show together and late (a first name), even
    // from where its walk would start: sorted at once, its total counted by the sort; a page past the matches, or more
    // matches than the guess allowed, is counted as any other. Where the walk would start is looked up only when the
    // latest it can be does not settle it (a walk from earlier reads as much or more).
    if (searchAlone && query.sort === "username" && query.count) {
      const quantiles = yield* PostgresSearch.usernameQuantiles(
        db,
        context.prefix,
        context.usernameQuantiles,
        valueRows
      )
      const sortsAtOnce = (from?: string) =>
        PostgresSearch.sortsAtOnce(quantiles, query.search, query.order, query.offset + query.limit, from)
      if (
        sortsAtOnce() &&
        (sortsAtOnce(PostgresSearch.latestWalkBound(quantiles, query.search, query.order)) ||
          sortsAtOnce(PostgresSearch.walkBound(yield* walkStart)))
      ) {
        const rows = yield* valueRows(
          statement("sortCounted", (v) =>
            PostgresSearch.sortedPage(db, v, { prefix: context.prefix, term: query.search }, query.order, true)
          )
        )
        const n = Number(rows[0]?.[LISTING_COLUMNS.length] ?? 0)
        const page = rows.map((row) => row.slice(0, LISTING_COLUMNS.length) as unknown as ListingRow)
        if (n > 0 && n <= PostgresSearch.SORTED_AT_ONCE_MOST) {
          return { items: yield* listings(page), total: countUpTo === undefined ? n : Math.min(n, countUpTo) }
        }
      }
    }
    let total: number | null = null
    let plan: "sort" | "walk" | "sorted" | "matches" = "sort"
    // The matches that bound a walk (estimated from a bounded count when not counted exactly), and whether exactly.
    let walked = { matches: 0, exact: false }
    if (query.count) {
      const counted: Counted & {
        readonly size?: number | null
        readonly parts?: number | string
        readonly edge?: string | null
      } = yield* single(
        countUpTo === undefined
          ? statement("count", (v) =>
              names !== undefined
                ? SqliteSearch.nameCount(db, names)
                : ftsAlone
                  ? SqliteSearch.ftsCount(db, v.phrase, index)
                  : searchAlone
                    ? searched(v)
                        .select((eb) => eb.fn.countAll<number | string>().as("n"))
                        .$if(query.sort === "username", (q) => q.select((eb) => PostgresSearch.edge(eb, query.order)))
                        .compile()
                    : filtered(v)
                        .select((eb) => eb.fn.countAll<number | string>().as("n"))
                        .compile()
            )
          : // Counting stops at the bound: the matches are read only as far as it.
            statement("boundedCount", (v) =>
              names !== undefined
                ? SqliteSearch.nameCount(db, names, countUpTo)
                : ftsAlone
                  ? SqliteSearch.ftsCount(db, v.phrase, index, v.countUpTo)
                  : searchAlone
                    ? // With the partitions of user_search it read, which tell how many matches the count stands for.
                      db
                        .selectFrom(
                          searched(v)
                            .select([sql`tableoid`.as("part"), "username"])
                            .limit(v.countUpTo)
                            .as("matches")
                        )
                        .select((eb) => [
                          eb.fn.countAll<number | string>().as("n"),
                          sql<number | string>`count(distinct part)`.as("parts")
                        ])
                        .$if(query.sort === "username", (q) => q.select((eb) => PostgresSearch.edge(eb, query.order)))
                        .compile()
                    : db
                        .selectFrom(filtered(v).select(sql`1`.as("one")).limit(v.countUpTo).as("matches"))
                        .select((eb) => eb.fn.countAll<number | string>().as("n"))
                        .compile()
            )
      )
      total = Number(counted.n)
      // A count that reached its bound is a lower bound: a page beyond it may still hold matches.
      const exact = countUpTo === undefined || total < countUpTo
      if (total === 0 || (exact && query.offset >= total)) return { items: [], total }
      const size = "size" in counted ? Number(counted.size ?? 0) : 0
      if (where !== undefined && exact && total <= FILTERED_SORT_LIMIT) plan = "matches"
      // Matches spread over the names (a substring, not a prefix): a page sorted by username is found by walking the
      // users in username order and testing each, about size / total users for each user of the page.
      if (plan === "matches" && names !== undefined && query.sort === "username" && after === undefined) {
        if (SqliteSearch.nameWalks(query, total, size)) plan = "sort"
      }
      // A term of one or two characters is never walked: its index gives its matches in username order.
      if (ftsAlone && index === "trigrams" && query.sort === "username" && after === undefined) {
        // A count stopped at its bound understates a dense search: the walk is planned and bounded on an estimate.
        const matches = exact ? total : SqliteSearch.estimatedMatches(counted as SqliteSearch.FtsCounted)
        if (SqliteSearch.walks(query, matches, size)) {
          plan = "walk"
          walked = { matches, exact }
        }
      }
      // PostgreSQL: every such page is first walked as far as its bound (the planner alone would walk without one).
      if (searchAlone && query.sort === "username") {
        const matches = exact ? total : PostgresSearch.estimatedMatches(total, Number(counted.parts ?? 1))
        const entries = PostgresSearch.walkEntries(matches, query.search, exact)
        const pageEnd = query.offset + query.limit
        if (pageEnd <= entries) {
          walked = { matches, exact }
          // Unless its first match, by the statistics, lies beyond where the walk from its start could fill its page.
          const from = PostgresSearch.walkBound(yield* walkStart)
          const short = yield* PostgresSearch.walkCannotFill(context, counted.edge, query.order, entries, pageEnd, from)
          plan = short ? "sorted" : "walk"
        }
      }
    }
    // PostgreSQL, a search sorted by username and not walked (filtered, or with no count): the page's usernames first,
    // then their rows. The planner then chooses between walking `dt_users_search_walk` alone (an index-only scan
    // testing each entry's search text, the cheaper when many users match) and the trigram index's matches sorted
    // (when few do); a statement reading the rows in the walk would read every row it tests. The same users in the
    // same order as the single statement.
    const byUsernames = context.engineName === "postgres" && search === "like" && query.sort === "username"
    // SQLite, a search alone sorted by username and not walked: its matches' usernames sorted in the FTS5 key table.
    const ftsByUsernames = ftsAlone && query.sort === "username" && after === undefined
    const page = () =>
      plan === "matches"
        ? statement("sort", (v) => matchesPage(context, filtered(v), query, v))
        : byUsernames
          ? statement("sort", (v) =>
              db
                .selectFrom("users")
                .select(LISTING_COLUMNS)
                .where(
                  "username",
                  "in",
                  filtered(v).select("username").orderBy("username", query.order).limit(v.limit).offset(v.offset)
                )
                .orderBy("username", query.order)
                .compile()
            )
          : statement("sort", (v) =>
              filtered(v)
                .select(LISTING_COLUMNS)
                .$call((q) =>
                  columns.reduce((ordered, column) => ordered.orderBy(orderTerm(context.engine, column)), q)
                )
                .limit(v.limit)
                .offset(v.offset)
                .compile()
            )
    const found = (
      plan === "walk"
        ? yield* walk(walked.matches, walked.exact)
        : plan === "sorted" || ftsByUsernames
          ? yield* sortMatches()
          : yield* valueRows(page())
    ) as ReadonlyArray<ListingRow>
    // Sorted by username, not searched nor filtered, a page holds every user between its first and last usernames.
    const contiguous = search === "none" && filters === "" && query.sort === "username" && plan === "sort"
    return { items: yield* listings(found, contiguous ? query.order : undefined), total }
  })
