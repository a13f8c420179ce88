/**
 * The SQLite branch of user search: a term of three characters or more is looked up in the search text column of the
 * FTS5 trigram index (a substring match, see migrations 20261128020000 and 20261210000000): the matches are counted in
 * the index alone, and their usernames read through its key table. A dense search sorted by username walks the
 * username/search-text index instead (migration 20261129000000).
 */

import type { RecordFilter, UserField } from "@user-manager/core/RecordFilter"
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely"
import { type Counted, LISTING_COLUMNS, type ListingRowSql } from "./rowMappers.js"
import type { Database } from "./schema.js"
import { needsUnicodeCase } from "./unicodeCase.js"

/** Whether SQLite looks this term up in its FTS5 index: the trigram tokenizer needs three characters. */
export const usesFts = (term: string) => [...term].length >= 3

/** An FTS5 phrase for a substring: the trigram tokenizer matches it wherever it occurs. */
export const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`

/**
 * How many index entries a search may walk in username order for each of its matches before sorting every match is
 * cheaper: on SQLite a walked entry of the username/search-text index costs about a tenth of fetching and sorting a
 * match, whatever the directory's size.
 */
const WALK_PER_MATCH = 10

/** The users' FTS5 index: a column each for the search text and the lower-cased first and last names. */
const ftsTable = sql.table("users_fts")
const searchColumn = sql.ref("users_fts.search_text")

/** The index rows (the key table's ids) whose search text contains the phrase. */
const ftsRowids = (phrase: unknown) => sql`select rowid from ${ftsTable} where ${searchColumn} match ${phrase}`

/** The usernames whose search text contains the phrase, as a subquery (for `username in (…)`). */
export const ftsMatches = (phrase: unknown) =>
  sql<string>`(select username from ${sql.table("users_fts_key")} where id in (${ftsRowids(phrase)}))`

/**
 * How many users match the phrase (at most `upTo` when given), counted in the index alone, and how many index entries
 * there are (`size`).
 */
export const ftsCount = (
  db: Kysely<Database>,
  phrase: unknown,
  upTo?: unknown
): CompiledQuery<Counted & { readonly size: number | null }> => {
  const matches =
    upTo === undefined
      ? sql`${ftsTable} where ${searchColumn} match ${phrase}`
      : sql`(${ftsRowids(phrase)} limit ${upTo})`
  return sql<Counted & { readonly size: number | null }>`select count(*) as n,
    (select max(id) from ${sql.table("users_fts_key")}) as size from ${matches}`.compile(db)
}

/**
 * Whether a page walks the username/search-text index, keeping the users whose search text matches until the page is
 * full, rather than fetching every match to sort it: when sorted by username and matching densely (the walk reads
 * about (offset + limit) × size / total index entries, more when the matches cluster late).
 */
export const walks = (page: { readonly offset: number; readonly limit: number }, total: number, size: number) =>
  ((page.offset + page.limit) * size) / total <= WALK_PER_MATCH * total

/** The listing rows of a page whose usernames `usernames` selects in order, read by username in the same order. */
const rowsOf = (usernames: RawBuilder<unknown>, direction: RawBuilder<unknown>) =>
  sql<ListingRowSql>`select ${sql.join(LISTING_COLUMNS.map((column) => sql.ref(column)))}
    from ${sql.table("users")} where username in (${usernames})
    order by username ${direction}`

/** The page that walks: only usernames and search texts from the index; the page's rows are read by username. */
export const walkPage = (
  db: Kysely<Database>,
  v: { readonly pattern: unknown; readonly limit: unknown; readonly offset: unknown },
  direction: RawBuilder<unknown>
): CompiledQuery<ListingRowSql> =>
  rowsOf(
    sql`select username from ${sql.table("users")} where search_text like ${v.pattern} escape '!'
      order by username ${direction} limit ${v.limit} offset ${v.offset}`,
    direction
  ).compile(db)

/**
 * The page sorted by username from every match: the matches' usernames are sorted in the key table alone, then the
 * page's rows are read by username. Sorting the users' rows of every match instead (a listing's general statement)
 * read each match's row: at 1,000,000 users, 14.2 against 10.9 ms for 24,851 matches, 46 against 31 for a deep page of
 * 49,997.
 */
export const sortedPage = (
  db: Kysely<Database>,
  v: { readonly phrase: unknown; readonly limit: unknown; readonly offset: unknown },
  direction: RawBuilder<unknown>
): CompiledQuery<ListingRowSql> =>
  rowsOf(
    sql`select username from ${sql.table("users_fts_key")} where id in (${ftsRowids(v.phrase)})
      order by username ${direction} limit ${v.limit} offset ${v.offset}`,
    direction
  ).compile(db)

/** A filter the FTS5 index's name columns answer alone: a `co` or `ew` on a first or last name. */
export interface NameMatch {
  readonly column: "first_name" | "last_name"
  readonly operator: "co" | "ew"
  /** The text, lower-cased by the core. */
  readonly text: string
}

const NAME_COLUMNS = { firstName: "first_name", lastName: "last_name" } as const

/**
 * The name match a filter is, when the index answers it exactly: a `co` of three characters or more (a phrase of the
 * column, which holds exactly when its lower-cased name contains the text), or an `ew` of three or more with no GLOB
 * wildcard (the index finds the candidates of the column's GLOB, which SQLite then tests on each). Both give the
 * answers of `recordFilterSql`'s `lower(name) like …`: the index holds the names lower-cased by the same `lower`.
 */
export const nameMatch = (where: RecordFilter<UserField> | undefined): NameMatch | undefined => {
  if (where?._tag !== "Compare" || typeof where.value !== "string" || !usesFts(where.value)) return undefined
  // The index holds the names lowered by SQLite's `lower` (ASCII letters only): `recordFilterSql` matches such a
  // value by GLOB with its letters' cases, which the index cannot answer.
  if (needsUnicodeCase(where.value)) return undefined
  if (where.field !== "firstName" && where.field !== "lastName") return undefined
  const column = NAME_COLUMNS[where.field]
  if (where.operator === "co") return { column, operator: "co", text: where.value }
  if (where.operator === "ew" && !/[*?[]/.test(where.value)) return { column, operator: "ew", text: where.value }
  return undefined
}

/** How many users the name match holds (at most `upTo` when given), counted in the FTS5 index alone, and `size`. */
export const nameCount = (
  db: Kysely<Database>,
  match: NameMatch,
  upTo?: number
): CompiledQuery<Counted & { readonly size: number | null }> => {
  const condition =
    match.operator === "co"
      ? sql`${sql.ref(`users_fts.${match.column}`)} match ${ftsPhrase(match.text)}`
      : sql`${sql.ref(`users_fts.${match.column}`)} glob ${`*${match.text}`}`
  const matches =
    upTo === undefined
      ? sql`${ftsTable} where ${condition}`
      : sql`(select rowid from ${ftsTable} where ${condition} limit ${upTo})`
  return sql<Counted & { readonly size: number | null }>`select count(*) as n,
    (select max(id) from ${sql.table("users_fts_key")}) as size from ${matches}`.compile(db)
}
