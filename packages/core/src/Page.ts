/**
 * Listing: search, sort and paginate, with an exact total.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The largest page a single call returns; callers that want everything walk the pages.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_PAGE_SIZE = 1000

/**
 * The page size when none is asked for.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_PAGE_SIZE = 50

/**
 * The longest search term, in characters.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_SEARCH_LENGTH = 256

/**
 * A search term or filter as a caller types it: at most 256 characters and no control characters (U+0000–U+001F,
 * U+007F–U+009F), which no name holds and which some stores cannot even compare (PostgreSQL refuses U+0000; SQLite
 * ends the pattern there and matched everything). The refusal never quotes the term back.
 *
 * @category schemas
 * @since 0.1.0
 */
export const SearchText = Schema.String.pipe(
  Schema.filter((text) => text.length <= MAX_SEARCH_LENGTH || `it has at most ${MAX_SEARCH_LENGTH} characters`),
  Schema.filter((text) => !/\p{Cc}/u.test(text) || "it cannot contain control characters")
).annotations({ description: `at most ${MAX_SEARCH_LENGTH} characters, no control characters` })

/**
 * The query of a list: a case-insensitive substring (`%` and `_` are plain characters), a sort column and direction,
 * and a window.
 *
 * @category queries
 * @since 0.1.0
 */
export const listQuery = <Sort extends string>(sort: Schema.Schema<Sort>) =>
  Schema.Struct({
    search: Schema.optional(SearchText),
    sort: Schema.optional(sort),
    order: Schema.optional(Schema.Literal("asc", "desc")),
    limit: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_PAGE_SIZE))),
    offset: Schema.optional(Schema.NonNegativeInt)
  })

/**
 * A decoded list query with every default applied, as the stores receive it.
 *
 * @category queries
 * @since 0.1.0
 */
export interface ListQuery<Sort extends string> {
  /** Lower-cased search term; empty means everything. */
  readonly search: string
  readonly sort: Sort
  readonly order: "asc" | "desc"
  readonly limit: number
  readonly offset: number
}

/**
 * One page of a list and the exact number of matches.
 *
 * @category models
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  readonly offset: number
  readonly limit: number
}
