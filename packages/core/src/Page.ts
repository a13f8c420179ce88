/**
 * Listing: search, sort and paginate, with a total that is exact up to a limit.
 *
 * @since 0.1.0
 */
import { Context, Layer, Schema } from "effect"
import { Count, wholeBetween } from "./internal/counts.js"

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
    limit: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE)),
    offset: Schema.optional(Count)
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
 * One page of a list and the number of matches: exact when `totalExact`, otherwise a lower bound (the user list
 * counts at most `ExactTotalLimit` matches, and says "10,000+" beyond, or as far as the page reaches past it).
 *
 * @category models
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  /** Whether `total` is every match; when `false` there are at least `total`, and likely more. */
  readonly totalExact: boolean
  readonly offset: number
  readonly limit: number
}

/**
 * How many matches a user list counts by default before it stops and reports "more than" that.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_EXACT_TOTAL_LIMIT = 10_000

/**
 * How many matches a user list counts exactly (0: always every match). Counting every match of a broad search costs
 * a read of every match, which on a large directory is most of a page's time; past the limit a page says only that
 * there are more. A host sets it with `ExactTotalLimit.layer(n)`; `dt` and `dt serve` with `--exact-total-limit`.
 *
 * @category services
 * @since 0.1.0
 */
export class ExactTotalLimit extends Context.Reference<ExactTotalLimit>()("@user-manager/core/ExactTotalLimit", {
  defaultValue: (): number => DEFAULT_EXACT_TOTAL_LIMIT
}) {
  /** Counts at most `limit` matches exactly (0: every match). */
  static readonly layer = (limit: number) => Layer.succeed(ExactTotalLimit, limit)
}

/**
 * What a store is asked to count up to under a limit (one past it, to tell "exactly the limit" from "more"), and the
 * page's total from what it counted and the page itself: past the limit, a page that is not full ends the list, so
 * its end is the exact total; a full page says there are at least as many as it reaches (never fewer than the limit);
 * an empty page past the end knows no more than the count.
 *
 * @category constructors
 * @since 0.1.0
 */
export const boundedCount = (limit: number) => ({
  countUpTo: limit > 0 ? limit + 1 : undefined,
  total: (
    counted: number,
    page: { readonly offset: number; readonly limit: number; readonly returned: number }
  ): { readonly total: number; readonly totalExact: boolean } => {
    if (limit === 0 || counted <= limit) return { total: counted, totalExact: true }
    if (page.returned === 0) return { total: limit, totalExact: false }
    const end = page.offset + page.returned
    return page.returned < page.limit
      ? { total: end, totalExact: true }
      : { total: Math.max(limit, end), totalExact: false }
  }
})
