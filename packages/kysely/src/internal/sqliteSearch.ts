/**
 * The SQLite branch of user search: a term is looked up in an FTS5 index, the trigram index's search text column from
 * three characters (a substring match, see migrations 20261128020000 and 20261210000000), else the index of each
 * user's characters and pairs of characters (migration 20261213000000): the matches are counted in the index alone,
 * and their usernames read through its key table. A dense search of three characters or more sorted by username walks
 * the username/search-text index instead (migration 20261129000000), from the first user the characters-and-pairs
 * index, in username order (migration 20261214000000), shows may hold the term, as far as a bound, then sorts its
 * matches; a shorter one reads its first matches in username order from that index.
 */

import type { RecordFilter, UserField } from "@user-manager/core/RecordFilter"
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely"
import { KEY_SPAN, pairsRowid } from "../migrations/20261214000000_sqlite_short_terms_by_username.js"
import { type Counted, type ListingRowSql, listingRowsOf } from "./rowMappers.js"
import type { Database } from "./schema.js"
import { needsUnicodeCase } from "./unicodeCase.js"

/**
 * The FTS5 index a term is looked up in: the trigram index needs three characters; a term of one or two is one token
 * of the characters-and-pairs index.
 */
export type SearchIndex = "trigrams" | "pairs"

/** Whether SQLite looks this term up in its FTS5 index: the trigram tokenizer needs three characters. */
export const usesFts = (term: string) => [...term].length >= 3

/** The FTS5 index a (non-empty) term is looked up in. */
export const searchIndexOf = (term: string): SearchIndex => (usesFts(term) ? "trigrams" : "pairs")

const utf8 = new TextEncoder()

/**
 * The FTS5 phrase of a term, in its index: for the trigram tokenizer the term itself, which matches wherever it
 * occurs; for the characters and pairs, its one token, the hexadecimal of its UTF-8 bytes (as `pairTokens` writes it).
 */
export const ftsPhrase = (term: string) => (usesFts(term) ? `"${term.replace(/"/g, '""')}"` : `"${pairToken(term)}"`)

/** The hexadecimal of a text's UTF-8 bytes: a token of the characters-and-pairs index (as `pairTokens` writes it). */
const pairToken = (text: string) => Array.from(utf8.encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("")

/**
 * The FTS5 query of the characters-and-pairs index that every user whose search text contains the term matches: the
 * term's one token when it has one or two characters, else each pair of adjacent characters it holds (all of them).
 * For a longer term it also matches some users that do not contain it (`ab` and `bc` without `abc`), never fewer.
 */
export const pairsQuery = (term: string) => {
  const characters = [...term]
  if (characters.length <= 2) return ftsPhrase(term)
  const pairs = new Set(characters.slice(1).map((character, index) => pairToken(`${characters[index]}${character}`)))
  return [...pairs].map((token) => `"${token}"`).join(" AND ")
}

/**
 * How many entries of the username/search-text index a walk may read for each match before it stops and the matches
 * are sorted instead. A walked entry costs about half a sorted match (at 1,000,000 users: 0.14 against 0.29–0.33 µs),
 * so a walk that reaches its bound and then sorts costs at most about 1.25 times the sort alone; a walk that fills its
 * page first costs far less. The bound matters when the matches cluster after the walk's start: `maria` matches 2.5%
 * of the users, all of them named `maria.…`, half-way through the index (from the first user, the walk read 551,270
 * entries for one page; it now starts at the first that holds every pair of the term, `walkFrom`).
 */
const WALK_PER_MATCH = 0.5

/**
 * How many index entries a filter on a name may walk in username order for each of its matches before sorting every
 * match is cheaper (the walk reads the users' rows, a match sorted is read and sorted as any filter's).
 */
const NAME_WALK_PER_MATCH = 10

/** The users' FTS5 index: a column each for the search text and the lower-cased first and last names. */
const ftsTable = sql.table("users_fts")
const searchColumn = sql.ref("users_fts.search_text")

/** The characters-and-pairs index, matched by its table's name (it holds no positions, so no column filter). */
const pairsTable = sql.table("users_fts_pairs")

/** The term's index, with the rows whose search text contains the phrase. */
const ftsWhere = (phrase: unknown, index: SearchIndex) =>
  index === "trigrams"
    ? sql`${ftsTable} where ${searchColumn} match ${phrase}`
    : sql`${pairsTable} where ${pairsTable} match ${phrase}`

/** The index rows whose search text contains the phrase, in the term's index, in the order of their ids. */
const ftsRowids = (phrase: unknown, index: SearchIndex) => sql`select rowid from ${ftsWhere(phrase, index)}`

/**
 * The key table's ids (`id`) of the rows whose search text contains the phrase, in the term's index: a trigram row's
 * id is its key's, a row of characters and pairs holds its key below its username's order (migration 20261214000000).
 */
const ftsKeys = (phrase: unknown, index: SearchIndex) =>
  index === "trigrams"
    ? sql`select rowid as id from ${ftsWhere(phrase, index)}`
    : sql`select rowid % ${sql.lit(KEY_SPAN)} as id from ${ftsWhere(phrase, index)}`

/** The usernames whose search text contains the phrase, as a subquery (for `username in (…)`). */
export const ftsMatches = (phrase: unknown, index: SearchIndex) =>
  sql<string>`(select username from ${sql.table("users_fts_key")} where id in (${ftsKeys(phrase, index)}))`

/** A count of the FTS5 index: how many users match, the last index entry counted, and how many entries there are. */
export type FtsCounted = Counted & { readonly last: number | null; readonly size: number | null }

/**
 * How many users match the phrase (at most `upTo` when given), counted in the index alone, the last index entry
 * counted (`last`: the trigram index gives its matches in the order users were added; the other in username order)
 * and how many index entries there are (`size`).
 */
export const ftsCount = (
  db: Kysely<Database>,
  phrase: unknown,
  index: SearchIndex,
  upTo?: unknown
): CompiledQuery<FtsCounted> => {
  const matches = upTo === undefined ? ftsWhere(phrase, index) : sql`(${ftsRowids(phrase, index)} limit ${upTo})`
  return sql<FtsCounted>`select count(*) as n, max(rowid) as last,
    (select max(id) from ${sql.table("users_fts_key")}) as size from ${matches}`.compile(db)
}

/**
 * How many users a count stopped at its bound stands for: the `n` matches among the first `last` index entries,
 * spread over all `size` entries as they were over those (entries are in the order users were added, not by name).
 * An estimate, which only chooses how a page is read.
 */
export const estimatedMatches = (counted: FtsCounted) => {
  const n = Number(counted.n)
  const last = Number(counted.last ?? 0)
  return last === 0 ? n : Math.max(n, Math.round((n * Number(counted.size ?? 0)) / last))
}

/** How many index entries a search's walk reads at most: `WALK_PER_MATCH` for each match. */
export const walkEntries = (total: number) => Math.ceil(WALK_PER_MATCH * total)

/**
 * Whether a search's page walks the username/search-text index, keeping the users whose search text matches until the
 * page is full, rather than sorting every match: when sorted by username and matching densely enough that, spread
 * evenly, the page's matches lie within the walk's bound (about (offset + limit) × size / total entries).
 */
export const walks = (page: { readonly offset: number; readonly limit: number }, total: number, size: number) =>
  ((page.offset + page.limit) * size) / total <= walkEntries(total)

/** Whether a name filter's page walks the users in username order (see `NAME_WALK_PER_MATCH`). */
export const nameWalks = (page: { readonly offset: number; readonly limit: number }, total: number, size: number) =>
  ((page.offset + page.limit) * size) / total <= NAME_WALK_PER_MATCH * total

/**
 * Where a search's walk starts: no user before it in the page's direction holds the term. Ascending, the start of the
 * username order of the first user the characters-and-pairs index gives for the term's `pairsQuery` (every user
 * holding the term matches it); descending, the end of the last such user's order (none: every username, past any
 * text of valid UTF-8). A walk of matches clustered half-way along the usernames (a first name) starts at them instead
 * of reading every user before.
 */
const walkFrom = (v: { readonly pairsQuery: unknown }, order: "asc" | "desc") => {
  const matches = ftsWhere(v.pairsQuery, "pairs")
  return order === "asc"
    ? sql`username >= (select ${orderStart(sql.ref("rowid"))} from ${matches} order by rowid limit 1)`
    : sql`username < coalesce((select ${orderEnd(sql.ref("rowid"))} from ${matches} order by rowid desc limit 1),
        cast(x'ff' as text))`
}

/**
 * Where a search's walk stops: the username `walkEntries` users from its start (`walkFrom`) in the page's direction,
 * read in the users' primary key index (about 0.006 µs an entry, against 0.14 for a walked one); none when there are
 * fewer.
 */
export const walkEnd = (
  db: Kysely<Database>,
  v: { readonly walkEntries: unknown; readonly pairsQuery: unknown },
  order: "asc" | "desc"
): CompiledQuery<{ readonly username: string }> =>
  sql<{ readonly username: string }>`select username from ${sql.table("users")} where ${walkFrom(v, order)}
    order by username ${sql.raw(order)} limit 1 offset ${v.walkEntries}`.compile(db)

/**
 * The page that walks: only usernames and search texts from the index, from the walk's start (`walkFrom`) up to its
 * end when it has one; the page's rows are read by username.
 */
export const walkPage = (
  db: Kysely<Database>,
  v: {
    readonly pattern: unknown
    readonly limit: unknown
    readonly offset: unknown
    readonly walkBound: unknown
    readonly pairsQuery: unknown
  },
  order: "asc" | "desc",
  bounded: boolean
): CompiledQuery<ListingRowSql> =>
  listingRowsOf(
    sql`select username from ${sql.table("users")} where ${walkFrom(v, order)} and search_text like ${v.pattern} escape '!'
      ${bounded ? sql`and username ${sql.raw(order === "asc" ? "<=" : ">=")} ${v.walkBound}` : sql``}
      order by username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`,
    order
  ).compile(db)

/**
 * The page sorted by username from every match: the matches' usernames are sorted in the key table alone, then the
 * page's rows are read by username. Sorting the users' rows of every match instead (a listing's general statement)
 * read each match's row: at 1,000,000 users, 14.2 against 10.9 ms for 24,851 matches, 46 against 31 for a deep page of
 * 49,997. The matches are joined to their keys as the index gives them, in key order the page's way, not first
 * gathered into a set (`id in (…)`): users added in username order (a sorted import) then reach the sort in the page's
 * order, each kept or dropped at once (`maria`'s page 11.1 → 5.0 ms ascending, 10.6 → 8.5 descending).
 */
export const sortedPage = (
  db: Kysely<Database>,
  v: { readonly phrase: unknown; readonly limit: unknown; readonly offset: unknown },
  index: SearchIndex,
  order: "asc" | "desc"
): CompiledQuery<ListingRowSql> =>
  listingRowsOf(
    index === "trigrams"
      ? sql`select k.username from (${ftsRowids(v.phrase, index)} order by rowid ${sql.raw(order)}) as f
        join ${sql.table("users_fts_key")} as k on k.id = f.rowid
        order by k.username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`
      : sql`select k.username from (${ftsKeys(v.phrase, index)} and ${orderedAsFar(v, order)}) as f
        join ${sql.table("users_fts_key")} as k on k.id = f.id
        order by k.username ${sql.raw(order)} limit ${v.limit} offset ${v.offset}`,
    order
  ).compile(db)

/**
 * The rows of characters and pairs a page needs, whose ids are in username order but for users of the same order
 * (their first six characters' digits, migration 20261214000000): the page's `offset + limit` first matches in the
 * page's order, and every other match of the last one's order. At 1,000,000 users `ma` (124,434 matches): 2.1 ms
 * ascending (its page's first match is one of 25,006 `fatima.…`, all of one order) and 0.27 descending, against 7.8
 * and 23 sorting them all.
 */
const orderedAsFar = (
  v: { readonly phrase: unknown; readonly limit: unknown; readonly offset: unknown },
  order: "asc" | "desc"
) => {
  const span = sql.lit(KEY_SPAN)
  const first = sql`${ftsRowids(v.phrase, "pairs")} order by rowid ${sql.raw(order)} limit ${v.limit} + ${v.offset}`
  return order === "asc"
    ? sql`rowid <= (select (max(rowid) / ${span} + 1) * ${span} - 1 from (${first}))`
    : sql`rowid >= (select min(rowid) / ${span} * ${span} from (${first}))`
}

/** The digit at `position` (0–5) of the username order a row of characters and pairs holds in its id. */
const orderDigit = (rowid: RawBuilder<unknown>, position: number) =>
  sql`((${rowid}) / ${sql.lit(KEY_SPAN)} / ${sql.lit(45 ** (5 - position))} % 45)`

/**
 * The smallest text of a digit of the username order (migration 20261214000000): the empty text for 0 (past the end)
 * and for 1 (the characters before `-`, after which the digits are 0: the empty text sorts before them all), `:` for
 * upper case and its neighbours, `{` for the characters after `z`, else the one character the digit stands for.
 */
const digitText = (digit: RawBuilder<unknown>) =>
  sql`case when ${digit} <= 1 then '' when ${digit} <= 14 then char(${digit} + 43) when ${digit} = 15 then ':'
    when ${digit} <= 43 then char(${digit} + 79) else '{' end`

/**
 * A text no username of the order a row of characters and pairs holds sorts before: its digits' smallest characters
 * (a digit shared by several characters is followed by zeros, which add none).
 */
export const orderStart = (rowid: RawBuilder<unknown>) =>
  sql<string>`(${sql.join(
    [0, 1, 2, 3, 4, 5].map((position) => digitText(orderDigit(rowid, position))),
    sql` || `
  )})`

/**
 * A text every username of the order a row of characters and pairs holds sorts before, or null when none can be told
 * (the order's last digit that is not 0 is the greatest): the text of its digits up to that one, that one the smallest
 * character of the digit after it (greater than every character of its own digit, whatever follows).
 */
export const orderEnd = (rowid: RawBuilder<unknown>) => {
  const digits = [0, 1, 2, 3, 4, 5].map((position) => orderDigit(rowid, position))
  const before = (count: number) => (count === 0 ? sql`''` : sql.join(digits.slice(0, count).map(digitText), sql` || `))
  const last = [5, 4, 3, 2, 1, 0].map(
    (position) =>
      sql`when ${digits[position]} > 0 then case when ${digits[position]} < 44
        then ${before(position)} || ${digitText(sql`${digits[position]} + 1`)} end`
  )
  return sql<string | null>`(case ${sql.join(last, sql` `)} end)`
}

/**
 * Where a walk in username order of a group's members holding a term may start: the start of the username order of the
 * first member (after `after`, when given) that the characters-and-pairs index gives for the term's `pairsQuery`, in
 * username order, and not before `after`; null when there is none. Every member holding the term matches that query,
 * so a walk from there meets the first of them before any other of its order or after it, and no page member lies
 * before it; one from `after` or the first user would read every user before (`ma`, held by 124,434 of 1,000,000 users
 * from the 300,771st, within `everyone`: the statement 22.7 → 0.18 ms, the page through `Groups.members` 20.5 →
 * 0.69). Reading the matches, in username order, as far as the first member costs at most the members of one order
 * (after the last of 25,006 `fatima.…`: 2.4 ms).
 */
export const membersWalkStart = (
  v: { readonly query: unknown; readonly group: unknown; readonly after: unknown },
  after: boolean
) => {
  // The rows from the order of `after` on: the users after it are of that order or a greater one.
  const from = after
    ? sql` and rowid >= (select ${pairsRowid(sql.ref("a.v"), sql.lit(0))} from (select ${v.after} as v) as a)`
    : sql``
  const first = sql`(select ${orderStart(sql.ref("f.rowid"))} from (${ftsRowids(v.query, "pairs")}${from}
    order by rowid) as f join ${sql.table("users_fts_key")} as k on k.id = f.rowid % ${sql.lit(KEY_SPAN)}
    where exists (select 1 from ${sql.table("memberships")} as m where m.group_name = ${v.group}
      and m.username = k.username)${after ? sql` and k.username > ${v.after}` : sql``}
    order by f.rowid limit 1)`
  return after ? sql<string>`max(${first}, ${v.after})` : first
}

/** The usernames whose search text contains the phrase, in the term's index, as a statement of its own. */
export const ftsUsernames = (phrase: unknown, index: SearchIndex) =>
  sql<{ readonly username: string }>`select k.username from (${ftsKeys(phrase, index)}) as f
    join ${sql.table("users_fts_key")} as k on k.id = f.id`

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
