/**
 * The SQLite branch of user search: a term of three characters or more is looked up in the FTS5 trigram index (a
 * substring match, see migrations 20261128010000 and 20261128020000): the matches are counted in the index alone, and
 * their usernames read through its key table. A dense search sorted by username walks the username/search-text index
 * instead (migration 20261129000000).
 */
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely"
import { type Counted, LISTING_COLUMNS, type ListingRowSql } from "./rowMappers.js"
import type { Database } from "./schema.js"

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

const ftsTable = sql.table("users_fts")

/** The usernames whose search text contains the phrase, as a subquery (for `username in (…)`). */
export const ftsMatches = (phrase: unknown) =>
  sql<string>`(select username from ${sql.table("users_fts_key")} where id in (
    select rowid from ${ftsTable} where ${ftsTable} match ${phrase}))`

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
      ? sql`${ftsTable} where ${ftsTable} match ${phrase}`
      : sql`(select rowid from ${ftsTable} where ${ftsTable} match ${phrase} limit ${upTo})`
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

/** The page that walks: only usernames and search texts from the index; the page's rows are read by username. */
export const walkPage = (
  db: Kysely<Database>,
  v: { readonly pattern: unknown; readonly limit: unknown; readonly offset: unknown },
  direction: RawBuilder<unknown>
): CompiledQuery<ListingRowSql> =>
  sql<ListingRowSql>`select ${sql.join(LISTING_COLUMNS.map((column) => sql.ref(column)))}
    from ${sql.table("users")} where username in (
    select username from ${sql.table("users")}
    where search_text like ${v.pattern} escape '!'
    order by username ${direction} limit ${v.limit} offset ${v.offset})
    order by username ${direction}`.compile(db)
