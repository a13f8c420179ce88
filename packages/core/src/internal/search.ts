import type { SortValue, UserRow } from "../Directory.js"
import type { UserSort } from "../User.js"
import { groupsSortKey, type NameSortKeys, nameSortKeys } from "../UserKeys.js"

/** Whether any of the fields contains the (already lower-cased) term, ignoring case; `%` and `_` are plain text. */
export const matchesSearch = (term: string, fields: ReadonlyArray<string>): boolean =>
  term === "" || fields.some((field) => field.toLowerCase().includes(term))

/**
 * Compares two sort keys as every store does: text by code point (the SQL stores use binary collations), booleans
 * false first, numbers and timestamps by value.
 */
export const compareKeys = (a: string | number | boolean, b: string | number | boolean): number =>
  a === b ? 0 : a < b ? -1 : 1

/**
 * Where a user falls in a list sorted by `sort`: the sorted column(s), then the username that breaks ties. Names sort
 * by their sort keys (see `UserKeys.sortKey`), timestamps are ISO strings, booleans stay booleans, a missing email is
 * `null` (first in ascending order). Keyset paging passes the key of the last user of a page as `after`. A store that
 * keeps the names' keys passes them as `names`.
 */
export const userSortKey = (
  sort: UserSort,
  user: Omit<UserRow, "passwordHash">,
  groups: () => ReadonlyArray<string>,
  names: () => NameSortKeys = () => nameSortKeys(user)
): ReadonlyArray<SortValue> => {
  switch (sort) {
    case "username":
      return [user.username]
    case "fullName":
    case "firstName":
    case "lastName":
      return [names()[sort], user.username]
    case "groups":
      return [groupsSortKey(groups()), user.username]
    case "createdAt":
    case "updatedAt":
      return [user[sort].toISOString(), user.username]
    default:
      return [user[sort], user.username]
  }
}

/**
 * Orders two user sort keys: the sorted columns in the asked direction (`null` lowest), then the username ascending
 * (in the asked direction when the username is what is sorted).
 */
export const compareUserKeys =
  (sort: UserSort, order: "asc" | "desc") =>
  (a: ReadonlyArray<SortValue>, b: ReadonlyArray<SortValue>): number => {
    const direction = order === "asc" ? 1 : -1
    const last = a.length - 1
    for (let index = 0; index < a.length; index++) {
      const x = a[index] ?? null
      const y = b[index] ?? null
      const difference = x === y ? 0 : x === null ? -1 : y === null ? 1 : compareKeys(x, y)
      if (difference !== 0) return index === last && sort !== "username" ? difference : direction * difference
    }
    return 0
  }
