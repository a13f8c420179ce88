/** Whether any of the fields contains the (already lower-cased) term, ignoring case; `%` and `_` are plain text. */
export const matchesSearch = (term: string, fields: ReadonlyArray<string>): boolean =>
  term === "" || fields.some((field) => field.toLowerCase().includes(term))

/**
 * Compares two sort keys as every store does: text by code point (the SQL stores use binary collations), booleans
 * false first, numbers and timestamps by value.
 */
export const compareKeys = (a: string | number | boolean, b: string | number | boolean): number =>
  a === b ? 0 : a < b ? -1 : 1
