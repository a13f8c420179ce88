/** Whether any of the fields contains the (already lower-cased) term, ignoring case; `%` and `_` are plain text. */
export const matchesSearch = (term: string, fields: ReadonlyArray<string>): boolean =>
  term === "" || fields.some((field) => field.toLowerCase().includes(term))

/** Compares two sort keys: text without regard to case (then exactly), booleans false first, numbers, dates. */
export const compareKeys = (a: string | number | boolean, b: string | number | boolean): number => {
  if (typeof a === "string" && typeof b === "string") {
    const la = a.toLowerCase()
    const lb = b.toLowerCase()
    if (la !== lb) return la < lb ? -1 : 1
  }
  return a === b ? 0 : a < b ? -1 : 1
}
