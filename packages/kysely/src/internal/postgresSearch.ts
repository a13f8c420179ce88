/**
 * The PostgreSQL branch of a search's page sorted by username: a walk of the username/search-text index stopped at a
 * bound, then, when the page is not full, the page sorted from every match (migrations 20261205010000 and
 * 20261209030000); the walk is skipped when the statistics place the first match beyond its bound.
 */
import { Clock, Effect } from "effect"
import { type CompiledQuery, type ExpressionBuilder, type Kysely, sql } from "kysely"
import { type ListingRowSql, listingRowsOf } from "./rowMappers.js"
import type { Database } from "./schema.js"
import type { Shaped } from "./statementCache.js"

/** The partitions of `user_search` (migration 20261209030000), which a bounded count reads one after another. */
const USER_SEARCH_PARTITIONS = 16

/**
 * How many entries of the username/search-text index a walk may read for each match before it stops and the matches
 * are sorted instead. Left to itself, the planner walks whenever matches are many, as if they were spread evenly:
 * `maria` (2.5% of the users, all named `maria.…`) walked 551,220 entries for one page. At 1,000,000 users a walked
 * entry costs about 0.25 µs and a sorted match 0.56 µs (found through the trigram index, then sorted). Bounds of 1,
 * 2, 4 and 8 entries a match were measured on the same searches: 1 gave the lowest times (first names clustered in
 * username order, the same day: 31–36 ms with 2, 26–31 with 1; 8 made a walk that fails cost more than the sort),
 * while `quartz`, whose 50th match is the 19,230th username, still walks (its 50,000 matches give a bound of about
 * 40,000).
 */
const WALK_PER_MATCH = 1

/** A walk that is not bounded: it reads the index to its end if it must. */
const UNBOUNDED = 2 ** 31 - 1

/**
 * Whether the trigram index narrows a search: its term holds three letters or digits in a row. A shorter one (`ma`,
 * `a.b`) gives no trigram, or only ones padded at word ends that many users hold, and every match is then read from
 * much of the table: at 1,000,000 users `ma` sorted its 124,434 matches in about 300 ms where its walk, unbounded,
 * finds the page by the 300,771st entry (343 → 82 ms a page with its total), and descending `a.b` 58 → 35 ms.
 */
const narrowed = (term: string) => /[\p{L}\p{N}]{3}/u.test(term)

/**
 * Whether a term is looked up in the index of characters and pairs of characters (migration 20261213010000): one or two
 * characters, each the whole of one key, so that the index alone answers it. A longer term the trigram index does not
 * narrow (`a.b`) is not: two keys as common as `a.` and `.b` hold together for most users (555 ms against a walk's
 * 35–58).
 */
export const paired = (term: string) => term !== "" && [...term].length <= 2

/**
 * How many index entries a search's walk reads at most: a bound from its matches when its term narrows the trigram
 * index, or is looked up by its characters and pairs and counted exactly (few enough to sort); else none, the walk
 * being the better plan however far it reads (`ma`: its 124,434 matches found through that index and sorted took 40 ms
 * in psql, after a bounded walk that fails, against 28–87 for the walk alone).
 */
export const walkEntries = (matches: number, term: string, exact = false) =>
  narrowed(term) || (exact && paired(term)) ? Math.ceil(WALK_PER_MATCH * matches) : UNBOUNDED

/** That a `user_search` row's search text contains a term of one or two characters: one key of its GIN index. */
const holdsPair = (prefix: string, v: { readonly term: unknown }) =>
  sql<boolean>`${sql.id(`${prefix}dt_search_pairs`)}(search_text) @> array[${v.term}]::text[]`

/**
 * The condition on `user_search`'s rows that their search text contains the term: a term of one or two characters is
 * one key of the index of characters and pairs (`dt_search_pairs`, migration 20261213010000), which answers it
 * exactly; a longer one is a LIKE, which the trigram index narrows.
 */
export const searchCondition = (
  prefix: string,
  term: string,
  v: { readonly pattern: unknown; readonly term: unknown }
) => (paired(term) ? holdsPair(prefix, v) : sql<boolean>`search_text like ${v.pattern} escape '!'`)

/** The usernames whose search text contains a term of one or two characters, by the index of characters and pairs. */
export const pairedUsernames = (prefix: string, v: { readonly term: unknown }) =>
  sql<{ readonly username: string }>`select username from ${sql.table("user_search")} where ${holdsPair(prefix, v)}`

/** Whether a walk of `entries` reads the index to its end if it must (then what it found is every match). */
export const unbounded = (entries: number) => entries === UNBOUNDED

/**
 * How many users a count stopped at its bound stands for: the count reads the partitions of `user_search` one after
 * another (users are spread over them by a hash of the username), so `n` matches in `parts` of them stand for about
 * `n` × 16 / `parts`. An estimate, which only bounds a walk.
 */
export const estimatedMatches = (n: number, parts: number) =>
  Math.max(n, Math.round((n * USER_SEARCH_PARTITIONS) / Math.max(parts, 1)))

/**
 * The page sorted from every match: the matches found first in `user_search` (a materialized set, which the planner
 * cannot turn back into a walk), then their usernames sorted and the page's rows read. Its partitions' narrow rows are
 * tested again faster than the users' (a trigram match is only a candidate): at 1,000,000 users, `kenji`'s 25,028
 * matches in 13–18 ms against 22–24 through the users' trigram index. `counted`: each row ends with the number of
 * matches, counted from those the sort read (~1 ms for 25,000; a count of its own reads them again, ~5), and the
 * matches are read up to one more than `SORTED_AT_ONCE_MOST`: a count past it says the page is not theirs (a
 * statistics' guess that was wrong), and the search is then counted and walked as any.
 */
export const sortedPage = (
  db: Kysely<Database>,
  v: { readonly pattern: unknown; readonly term: unknown; readonly limit: unknown; readonly offset: unknown },
  search: { readonly prefix: string; readonly term: string },
  order: "asc" | "desc",
  counted = false
): CompiledQuery<ListingRowSql> =>
  sql<ListingRowSql>`with matches as materialized (
      select username from ${sql.table("user_search")} where ${searchCondition(search.prefix, search.term, v)}${counted ? sql` limit ${sql.lit(SORTED_AT_ONCE_MOST + 1)}` : sql``})
    ${listingRowsOf(sql`select username from matches order by username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`, order, counted ? sql`(select count(*) from matches)` : undefined)}`.compile(
    db
  )

/**
 * Where usernames fall in username order, as PostgreSQL's statistics of the users saw them at their last `ANALYZE`:
 * the histogram's bounds (about 101 usernames, each a hundredth of the users past the one before) and how many users
 * there were. It tells about how many users come before a username, which says whether a search's walk can reach its
 * matches before its bound.
 */
export interface UsernameQuantiles {
  readonly bounds: ReadonlyArray<string>
  readonly users: number
}

/** A store's last read of one of its users' statistics (none without statistics) and when it read it. */
export interface StatisticsCache<A> {
  value: A | undefined
  readAt: number
}

/** A store's cache of its usernames' quantiles. */
export type QuantilesCache = StatisticsCache<UsernameQuantiles>

/** How long a store keeps a statistic it read: statistics change only when the users are analyzed again. */
const STATISTICS_KEPT_MS = 60_000

/** A store's cache of one of its users' statistics, not yet read. */
export const statisticsCache = <A>(): StatisticsCache<A> => ({ value: undefined, readAt: Number.NEGATIVE_INFINITY })

/** The statistic in `cache`, read again by `read` when it is older than a minute. */
const kept = <A, E>(cache: StatisticsCache<A>, read: Effect.Effect<A | undefined, E>) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    if (now - cache.readAt < STATISTICS_KEPT_MS) return cache.value
    cache.value = yield* read
    cache.readAt = now
    return cache.value
  })

/** A store's `pg_stats` row of one column of its users (by `to_regclass`, so that a prefix or schema is followed). */
const usersColumnStatistics = (db: Kysely<Database>, prefix: string, column: string, values: string) =>
  sql`select ${sql.raw(values)}
    from pg_class as c join pg_namespace as ns on ns.oid = c.relnamespace
    join pg_stats as s on s.schemaname = ns.nspname and s.tablename = c.relname and s.attname = ${column}
    where c.oid = to_regclass(quote_ident(${`${prefix}users`}))`.compile(db)

/**
 * The usernames' quantiles, read from `pg_stats` (about 1 ms) at most once a minute by a store; none when the users
 * have never been analyzed.
 */
export const usernameQuantiles = <E>(
  db: Kysely<Database>,
  prefix: string,
  cache: QuantilesCache,
  valueRows: (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, E>
) =>
  kept(
    cache,
    Effect.map(
      valueRows(usersColumnStatistics(db, prefix, "username", "s.histogram_bounds::text::text[], c.reltuples")),
      ([row]) => {
        const bounds = row?.[0] as ReadonlyArray<string> | null | undefined
        const users = Number(row?.[1] ?? 0)
        return bounds != null && bounds.length > 1 && users > 0 ? { bounds, users } : undefined
      }
    )
  )

/**
 * A sample of the users' search texts as PostgreSQL's statistics keep them (the histogram's bounds: about 101 texts
 * spread over the users in search-text order), read at most once a minute by a store; none when the users have never
 * been analyzed. The share of them holding a term estimates the share of users who do, as the planner estimates it.
 */
export const searchTextSample = <E>(
  db: Kysely<Database>,
  prefix: string,
  cache: StatisticsCache<ReadonlyArray<string>>,
  valueRows: (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, E>
) =>
  kept(
    cache,
    Effect.map(
      valueRows(usersColumnStatistics(db, prefix, "search_text", "s.histogram_bounds::text::text[]")),
      ([row]) => {
        const texts = row?.[0] as ReadonlyArray<string> | null | undefined
        return texts != null && texts.length > 1 ? texts : undefined
      }
    )
  )

/**
 * Whether the statistics say a term's matches cluster in username order: the texts of their sample holding it (which
 * begin with their usernames) sit in runs of two or more on average, as a first name's users do (`maria`: one run;
 * `ma`: four first names' runs), where a term spread over the users (`quartz`) is held by texts apart. Without
 * statistics, or held by fewer than two texts, it does not.
 */
export const clusteredBySample = (sample: ReadonlyArray<string> | undefined, term: string) => {
  const holding = (sample ?? []).flatMap((text, index) => (text.includes(term) ? [index] : []))
  const runs = holding.filter((index, at) => at === 0 || holding[at - 1] !== index - 1).length
  return holding.length >= 2 && holding.length >= 2 * runs
}

/**
 * Whether the statistics say a term is rare: no search text of their sample holds it (a term one user in 20 holds is
 * missing from all ~101 about one time in 180; one in 100, about one time in 3). Without statistics, nothing is rare.
 */
export const rareBySample = (sample: ReadonlyArray<string> | undefined, term: string) =>
  sample !== undefined && !sample.some((text) => text.includes(term))

/**
 * Whether a walk of `entries` index entries cannot fill a page ending `pageEnd` matches in: the first match in the
 * page's order (the least matching username ascending, the greatest descending, of the matches the count read) comes
 * after more than `entries - pageEnd` users by the quantiles, so the walk would read to its bound and the matches be
 * sorted after it anyway. The users counted are those from where the walk starts (`from`: see `walkBound`; the first
 * username without one). An estimate from the count's matches and the statistics: it only saves that walk.
 */
export const walkFallsShort = (
  quantiles: UsernameQuantiles | undefined,
  first: string | null | undefined,
  order: "asc" | "desc",
  entries: number,
  pageEnd: number,
  from?: string
) => {
  if (quantiles === undefined || first == null) return false
  const { bounds, users } = quantiles
  // The bounds the walk reads before the first match in the page's order. From the first username (itself the first
  // bound), the match comes after every user up to the last of them but one. From a start within a quantile, the users
  // before the match are about as many quantiles as the bounds between them: the first and last quantiles are read in
  // part, and the least they can be (one fewer) let a walk from a first name's range start past the next name (25,000
  // users from `n` down to `maria`, estimated at 20,000) read to its bound in vain.
  const walked = (bound: string) =>
    order === "asc"
      ? bound < first && (from === undefined || bound >= from)
      : bound > first && (from === undefined || bound < from)
  const before = bounds.filter(walked).length
  const quantilesBefore = from === undefined ? Math.max(before - 1, 0) : before
  return (quantilesBefore * users) / (bounds.length - 1) > entries - pageEnd
}

/** The most matches a search is sorted from at once on the statistics' word (`kenji`'s 25,028: 8–13 ms). */
export const SORTED_AT_ONCE_MOST = 40_000

/**
 * Whether a search alone, sorted by username, is sorted from every match at once, its total counted by the same
 * statement, without a count of its own first: the usernames' quantiles that hold the term are one run of two
 * neighbours or more (the term is a part of usernames that sit together, as a first name is), their share of the users
 * is a number of matches cheap to sort, and the run begins after more users than the walk those matches allow may read
 * (`walkFallsShort`, from the quantile before the run, which holds no match), counted from where the walk would start
 * (`from`, see `searchStart`: a first name leading its range of usernames is walked from there). Terms spread over
 * the usernames (two runs or more), in one quantile only (as likely a spread term's chance: `quartz`, 5% of the users,
 * was in one of 101 after one ANALYZE and in eight after another), in none, or without statistics are counted first,
 * as before. An estimate: it changes the cost, never the answer (see `sortedPage`'s bound).
 */
export const sortsAtOnce = (
  quantiles: UsernameQuantiles | undefined,
  term: string,
  order: "asc" | "desc",
  pageEnd: number,
  from?: string
) => {
  if (quantiles === undefined) return false
  const { bounds, users } = quantiles
  const holding = bounds.flatMap((bound, index) => (bound.includes(term) ? [index] : []))
  const [start, end] = [holding[0], holding.at(-1)]
  if (start === undefined || end === undefined || holding.length < 2 || end - start + 1 !== holding.length) return false
  const matches = Math.round((holding.length / (bounds.length - 1)) * users)
  const before = order === "asc" ? bounds[start - 1] : bounds[end + 1]
  const entries = walkEntries(matches, term)
  return (
    matches <= SORTED_AT_ONCE_MOST &&
    before !== undefined &&
    pageEnd <= entries &&
    walkFallsShort(quantiles, before, order, entries, pageEnd, from)
  )
}

/**
 * Whether a search's walk of `entries` entries cannot fill a page ending `pageEnd` matches in, by the statistics (see
 * `walkFallsShort`); a walk without a bound always can.
 */
export const walkCannotFill = <E>(
  store: {
    readonly db: Kysely<Database>
    readonly prefix: string
    readonly usernameQuantiles: QuantilesCache
    readonly valueRows: (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, E>
  },
  first: string | null | undefined,
  order: "asc" | "desc",
  entries: number,
  pageEnd: number,
  from?: string
) =>
  unbounded(entries)
    ? Effect.succeed(false)
    : Effect.map(usernameQuantiles(store.db, store.prefix, store.usernameQuantiles, store.valueRows), (quantiles) =>
        walkFallsShort(quantiles, first, order, entries, pageEnd, from)
      )

/**
 * The first matching username a count read in a page's order (`edge`: the least ascending, the greatest descending),
 * which tells where a walk would meet its matches. About 0.4 ms for 10,000 matches.
 */
// biome-ignore lint/suspicious/noExplicitAny: over the count's subquery of matches, whatever its other columns
export const edge = (eb: ExpressionBuilder<any, any>, order: "asc" | "desc") =>
  (order === "asc" ? eb.fn.min<string>("username") : eb.fn.max<string>("username")).as("edge")

/**
 * The labels of `dt_search_start_pairs`' keys (migration 20261215000000), in username order: each one range of
 * usernames (`!` before `_`, `_` up to `a`, a letter up to the next, `z` from `z` on).
 */
const START_LABELS = ["!", "_", ..."abcdefghijklmnopqrstuvwxyz"]

/** The keys every search text that holds a term holds: the term itself when it has one or two characters, else its pairs. */
export const startKeys = (term: string) => {
  const characters = [...term]
  return paired(term)
    ? [term]
    : [...new Set(characters.slice(1).map((character, index) => `${characters[index]}${character}`))]
}

/**
 * Where the usernames of a label begin (the first username a walk ascending reads) or end (the first username past them,
 * before which a walk descending starts; none for the last label, whose walk starts at the greatest username).
 */
const labelStart = (label: string) => (label === "!" ? "" : label)
const labelEnd = (label: string) =>
  label === "z" ? undefined : label === "!" ? "_" : label === "_" ? "a" : String.fromCharCode(label.charCodeAt(0) + 1)

/** The label of the range a username falls in (the first character's, as `dt_search_start_pairs` gives it). */
const labelOf = (username: string) => {
  const first = username.charAt(0)
  return first < "_" ? "!" : first < "a" ? "_" : first < "z" ? first : "z"
}

/**
 * The latest a search's walk may start, by the usernames' quantiles: where the range of the first quantile bound (the
 * last, descending) that holds the term begins (ends); some user holds it there, so `searchStart` finds that range or
 * one before it. None when no bound holds the term, or descending from the last range (its walk starts at the end).
 */
export const latestWalkBound = (quantiles: UsernameQuantiles | undefined, term: string, order: "asc" | "desc") => {
  const holding = quantiles?.bounds.filter((bound) => bound.includes(term)) ?? []
  const bound = order === "asc" ? holding[0] : holding.at(-1)
  if (bound === undefined) return undefined
  return order === "asc" ? labelStart(labelOf(bound)) : labelEnd(labelOf(bound))
}

/** A store's cache of the keys of `dt_search_start_pairs` its statistics say many users hold. */
export type StartKeysCache = StatisticsCache<ReadonlySet<string>>

/**
 * The keys of the index of `dt_search_start_pairs` that PostgreSQL's statistics list as the most common (those a
 * few percent of the users hold or more, at its default statistics target), read at most once a minute; none before
 * the users are analyzed.
 */
const commonStartKeys = <E>(
  db: Kysely<Database>,
  prefix: string,
  cache: StartKeysCache,
  valueRows: (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, E>
) =>
  kept(
    cache,
    Effect.map(
      valueRows(
        sql`select s.most_common_elems::text::text[]
          from pg_class as c join pg_namespace as ns on ns.oid = c.relnamespace
          join pg_stats as s on s.schemaname = ns.nspname and s.tablename = c.relname
          where c.oid = to_regclass(quote_ident(${`${prefix}dt_users_search_start`}))`.compile(db)
      ),
      ([row]) => {
        const keys = row?.[0] as ReadonlyArray<string> | null | undefined
        return keys == null ? undefined : new Set(keys)
      }
    )
  )

/** Where a walk in username order starts: at or after `from` (ascending), or before `before` (descending). */
export type WalkStart =
  | { readonly _tag: "From"; readonly from: string }
  | { readonly _tag: "Before"; readonly before: string }
  | { readonly _tag: "Anywhere" }
  | { readonly _tag: "NoMatch" }

/**
 * The username a walk starting at `start` starts from (ascending) or before (descending); none for a walk from the
 * first username in its order, or for no walk at all.
 */
export const walkBound = (start: WalkStart): string | undefined =>
  start._tag === "From" ? start.from : start._tag === "Before" ? start.before : undefined

/**
 * Where a search's walk in username order may start: at the first label (in the walk's order) under which some user
 * holds every key of the term (`startKeys`), since no user of a label before it holds the term. Each label is ruled out
 * by one lookup of the index of `dt_search_start_pairs` (migration 20261215000000), in one statement that stops at the
 * first label a user holds (`coalesce` evaluates its arguments in order only as far as the first not null). A lookup
 * reads every user of its label holding the keys, so a label whose keys the statistics list as common is not looked up:
 * the walk starts there (its users cannot be ruled out cheaply, and few of them are read before a match). `NoMatch`:
 * no user holds the term.
 */
export const searchStart = <E>(
  store: {
    readonly db: Kysely<Database>
    readonly prefix: string
    readonly searchStartKeys: StartKeysCache
    readonly shaped: Shaped
    readonly valueRows: (query: CompiledQuery<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, E>
  },
  term: string,
  order: "asc" | "desc"
): Effect.Effect<WalkStart, E> =>
  Effect.gen(function* () {
    const { db, prefix, valueRows } = store
    const keys = startKeys(term)
    const common = yield* commonStartKeys(db, prefix, store.searchStartKeys, valueRows)
    const labels = order === "asc" ? START_LABELS : [...START_LABELS].reverse()
    const firstCommon = labels.findIndex(
      (label) => common !== undefined && keys.every((key) => common.has(label + key))
    )
    const looked = firstCommon === -1 ? labels : labels.slice(0, firstCommon)
    const startAt = (label: string | undefined): WalkStart => {
      if (label === undefined) return { _tag: "NoMatch" }
      if (order === "asc") return { _tag: "From", from: labelStart(label) }
      const end = labelEnd(label)
      return end === undefined ? { _tag: "Anywhere" } : { _tag: "Before", before: end }
    }
    if (looked.length === 0) return startAt(labels[firstCommon])
    const [row] = yield* valueRows(
      store.shaped(
        `search-start:${looked.length}`,
        looked.map((label) => keys.map((key) => label + key)),
        (slots) =>
          sql`select coalesce(${sql.join(
            slots.map(
              (labelKeys, index) => sql`(select ${sql.lit(index)} where exists (select 1 from ${sql.table("users")}
                where ${sql.id(`${prefix}dt_search_start_pairs`)}(username, search_text) @> cast(${labelKeys} as text[])))`
            )
          )}) as found`.compile(db)
      )
    )
    const found = row?.[0]
    return startAt(found == null ? labels[firstCommon] : looked[Number(found)])
  })
