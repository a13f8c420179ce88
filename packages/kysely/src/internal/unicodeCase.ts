/**
 * SQLite's `lower` and `LIKE` fold the case of ASCII letters only, and so does PostgreSQL's `lower` in a database whose
 * character type is `C` (PGlite's), where the core compares a name by its JavaScript `toLowerCase` (`RecordFilter`):
 * `lower('ÉMILE')` is then `Émile`, which `like '%émi%'` misses. A value holding a letter outside ASCII that has other
 * cases is therefore matched with that letter as a class of every character that lower-cases to it (`é` → `[éÉ]`) —
 * by GLOB (SQLite's case-sensitive LIKE) or a regular expression (PostgreSQL) — over the name as `lower` leaves it
 * (where `lower` folds every letter, the class holds its lower case too). That is the core's answer for every letter
 * outside ASCII whose lower case is one letter outside ASCII (not `İ`, whose lower case is two characters, nor the
 * Kelvin sign, whose lower case is an ASCII `k`).
 */

/** For each lower-case letter outside ASCII, the characters that lower-case to it (itself first). */
let variants: Map<string, string> | undefined

const variantsOf = (letter: string): string | undefined => {
  if (variants === undefined) {
    const found = new Map<string, string>()
    // Every cased letter of Unicode lies below U+20000; the ones whose lower case is one character outside ASCII.
    for (let point = 0x80; point < 0x20000; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue
      const character = String.fromCodePoint(point)
      const lower = character.toLowerCase()
      if (lower === character || [...lower].length !== 1 || (lower.codePointAt(0) ?? 0) < 0x80) continue
      found.set(lower, `${found.get(lower) ?? lower}${character}`)
    }
    variants = found
  }
  return variants.get(letter)
}

/** The cases of a character outside ASCII that an ASCII-only `lower` leaves apart, as a class's contents. */
const casesOf = (character: string): string | undefined =>
  (character.codePointAt(0) ?? 0) >= 0x80 ? variantsOf(character) : undefined

/** Whether an ASCII-only `lower` could leave a case of some letter of this (lower-cased) text unfolded. */
export const needsUnicodeCase = (text: string): boolean => {
  for (const character of text) if (casesOf(character) !== undefined) return true
  return false
}

/**
 * A GLOB pattern that an ASCII-lowered text matches exactly when its JavaScript lower case holds `text` (already
 * lower-cased): anywhere after `*` where `before`, up to a `*` where `after`; the GLOB wildcards of `text` taken
 * literally.
 */
export const unicodeCaseGlob = (text: string, before: boolean, after: boolean): string => {
  let pattern = before ? "*" : ""
  for (const character of text) {
    const cases = casesOf(character)
    pattern += cases !== undefined ? `[${cases}]` : /[*?[]/.test(character) ? `[${character}]` : character
  }
  return after ? `${pattern}*` : pattern
}

/**
 * A PostgreSQL regular expression that a `lower`-ed text matches exactly when its JavaScript lower case holds `text`, as
 * `unicodeCaseGlob`'s pattern does: anchored at the start unless `before`, at the end unless `after`.
 */
export const unicodeCaseRegex = (text: string, before: boolean, after: boolean): string => {
  let pattern = before ? "" : "^"
  for (const character of text) {
    const cases = casesOf(character)
    pattern += cases !== undefined ? `[${cases}]` : /[\\^$.|?*+()[\]{}]/.test(character) ? `\\${character}` : character
  }
  return after ? pattern : `${pattern}$`
}

/** The part of a (lower-cased) text before its first letter that `needsUnicodeCase` names: what a range can narrow by. */
export const asciiFoldedPrefix = (text: string): string => {
  let prefix = ""
  for (const character of text) {
    if (casesOf(character) !== undefined) break
    prefix += character
  }
  return prefix
}
