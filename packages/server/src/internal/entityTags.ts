/**
 * The entity tags of conditional requests (RFC 9110 §8.8.3, §13.1): an `If-Match` or `If-None-Match` value read as `*`
 * or as the list of entity tags it names, and the record version a tag names. The native API sends a record's version
 * as a strong ETag (`"3"`), SCIM as a weak one (`W/"3"`); both read the conditional headers with this parser.
 */

/** One entity tag: its opaque text (between the quotes), and whether it is weak (`W/"3"`). */
export interface EntityTag {
  readonly weak: boolean
  readonly opaque: string
}

/** A conditional header's value: `*` (any current version), or the entity tags it names. */
export type Condition = "*" | ReadonlyArray<EntityTag>

/**
 * One element of a list and the comma or end after it (RFC 9110 §5.6.1.2: a recipient accepts empty elements): an
 * entity tag, `W/` or not, whose quoted text is any visible character but `"` (a comma too), or nothing.
 */
const ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*)?(,|$)/y

/**
 * Reads an `If-Match` or `If-None-Match` value: `*`, or a comma-separated list of entity tags; undefined when it is
 * malformed or names no entity tag.
 */
export const parse = (value: string): Condition | undefined => {
  const text = value.trim()
  if (text === "*") return "*"
  const element = new RegExp(ELEMENT)
  const tags: Array<EntityTag> = []
  while (element.lastIndex < text.length) {
    const found = element.exec(text)
    if (found === null) return undefined
    if (found[2] !== undefined) tags.push({ weak: found[1] !== undefined, opaque: found[2] })
    if (found[3] === "") break
  }
  return tags.length === 0 ? undefined : tags
}

/** An entity tag as a header writes it: `"3"`, or `W/"3"` when it is weak. */
export const format = (tag: EntityTag): string => `${tag.weak ? "W/" : ""}"${tag.opaque}"`

/** A record's version as a strong entity tag, `"3"`: the native API's `ETag`. */
export const strong = (version: number): string => format({ weak: false, opaque: String(version) })

/** A record's version as a weak entity tag, `W/"3"`: SCIM's `ETag` and `meta.version`. */
export const weak = (version: number): string => format({ weak: true, opaque: String(version) })

/** The record version an entity tag names, if it names one (its opaque text is digits). */
export const versionOf = (tag: EntityTag): number | undefined => {
  const version = /^\d+$/.test(tag.opaque) ? Number(tag.opaque) : undefined
  // Digits past the safe integers name no version a record can have.
  return version !== undefined && Number.isSafeInteger(version) ? version : undefined
}

/**
 * The versions an `If-Match` lets a change be made at (RFC 9110 §13.1.1): any for `*`; else those its strong entity
 * tags name, for it compares strongly and a weak tag never matches. One version is given as a number, several (or
 * none, which no record is at) as a list.
 */
export const strongVersions = (condition: Condition): number | ReadonlyArray<number> | undefined => {
  if (condition === "*") return undefined
  const versions = new Set<number>()
  for (const tag of condition) {
    const version = tag.weak ? undefined : versionOf(tag)
    if (version !== undefined) versions.add(version)
  }
  const [only] = versions
  return versions.size === 1 ? only : [...versions]
}
