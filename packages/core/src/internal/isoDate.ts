/**
 * `date.toISOString()`, written out from the date's UTC fields, faster than V8's own, and a page of 50 users formats
 * 100 dates. Years outside 0–9999 (which the ISO form writes with a sign and six digits) and
 * invalid dates (which throw) are left to `toISOString`.
 */
export const isoString = (date: Date): string => {
  const year = date.getUTCFullYear()
  if (!(year >= 0 && year <= 9999)) return date.toISOString()
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`
}

const pad = (value: number, width: number): string => {
  const digits = `${value}`
  return digits.length >= width ? digits : "000".slice(0, width - digits.length) + digits
}
