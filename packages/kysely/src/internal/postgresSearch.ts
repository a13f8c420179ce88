/**
 * The PostgreSQL branch of a search's page sorted by username: a walk of the username/search-text index stopped at a
 * bound, then, when the page is not full, the page sorted from every match (migrations 20261205010000 and
 * 20261209030000).
 */
import { type CompiledQuery, type Kysely, sql } from "kysely"
import { type ListingRowSql, listingRowsOf } from "./rowMappers.js"
import type { Database } from "./schema.js"

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
 * How many index entries a search's walk reads at most: a bound from its matches when its term narrows the trigram
 * index, else none (the walk is then the better plan however far it reads).
 */
export const walkEntries = (matches: number, term: string) =>
  narrowed(term) ? Math.ceil(WALK_PER_MATCH * matches) : UNBOUNDED

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
 * The page sorted from every match: the matches found first (a materialized set, which the planner cannot turn back
 * into a walk), then their usernames sorted and the page's rows read.
 */
export const sortedPage = (
  db: Kysely<Database>,
  v: { readonly pattern: unknown; readonly limit: unknown; readonly offset: unknown },
  order: "asc" | "desc"
): CompiledQuery<ListingRowSql> =>
  sql<ListingRowSql>`with matches as materialized (
      select username from ${sql.table("users")} where search_text like ${v.pattern} escape '!')
    ${listingRowsOf(sql`select username from matches order by username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`, order)}`.compile(
    db
  )
