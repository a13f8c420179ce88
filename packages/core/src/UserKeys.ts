/**
 * The keys a store keeps beside each user so that every store finds and orders users alike: the text a search runs
 * over, and the sort keys of the name columns. They are computed here, once, and a store only stores and compares them
 * (by code point, as the SQL stores' binary collations do).
 *
 * @since 0.1.0
 */
import { GROUPS_SORT_KEY_LENGTH } from "./Directory.js"
import { fullName } from "./User.js"

/**
 * How many characters of a name a sort key keeps: names that agree on their first this many sort by username (a store
 * may keep the key in an indexed column of this length).
 *
 * @category constants
 * @since 0.1.0
 */
export const SORT_KEY_LENGTH = 128

/**
 * A name's sort key, so that names sort as people expect: compatibility-decomposed (NFKD), its combining marks removed
 * and lower-cased, so that "émile" sorts beside "Emile" and "root" before "Zoë 山田". Cut to `SORT_KEY_LENGTH`
 * characters (code points).
 *
 * @category keys
 * @since 0.1.0
 */
export const sortKey = (name: string): string => {
  const key = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
  return key.length <= SORT_KEY_LENGTH ? key : Array.from(key).slice(0, SORT_KEY_LENGTH).join("")
}

/**
 * The sort keys of a user's names: its first name, its last name and its full name as the Full Name column shows it.
 *
 * @category keys
 * @since 0.1.0
 */
export interface NameSortKeys {
  readonly firstName: string
  readonly lastName: string
  readonly fullName: string
}

/**
 * The sort keys of a user's names.
 *
 * @category keys
 * @since 0.1.0
 */
export const nameSortKeys = (user: { readonly firstName: string; readonly lastName: string }): NameSortKeys => ({
  firstName: sortKey(user.firstName),
  lastName: sortKey(user.lastName),
  fullName: sortKey(fullName(user))
})

/**
 * The lower-cased text a user search runs over: the username, then the full name as the Full Name column shows it (so
 * that "John Doe" finds John Doe, and every part of a first or last name is found too), then the email address when
 * there is one (so that "example.org" finds everyone at that domain), on separate lines (a search term holds no line
 * break, so it never matches across them).
 *
 * @category keys
 * @since 0.1.0
 */
export const searchText = (user: {
  readonly username: string
  readonly firstName: string
  readonly lastName: string
  readonly email: string | null
}): string =>
  (user.email === null
    ? `${user.username}\n${fullName(user)}`
    : `${user.username}\n${fullName(user)}\n${user.email}`
  ).toLowerCase()

/**
 * The key of the `groups` sort: the user's group names in name order, joined with `,`, cut to
 * `GROUPS_SORT_KEY_LENGTH` characters (names are ASCII, so every store's binary order of them is this one).
 *
 * @category keys
 * @since 0.1.0
 */
export const groupsSortKey = (groups: ReadonlyArray<string>): string =>
  [...groups].sort().join(",").slice(0, GROUPS_SORT_KEY_LENGTH)
