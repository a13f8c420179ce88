/**
 * The records the writers take and the fields each kind of record has: a user or a group in its JSON form (as a file
 * holds it) or as the core's export hands it over (a hash still `Redacted`, a creation time a `Date`).
 *
 * @since 0.1.0
 */
import type { ImportRecord } from "@user-manager/core"
import { Redacted } from "effect"

/**
 * A user for a writer: the record as a file holds it, or as the core decodes it (`passwordHash` `Redacted`,
 * `createdAt` a `Date`). The hash is unwrapped only into the file, and written only when the record carries one.
 *
 * @category models
 * @since 0.1.0
 */
export type UserRecord = {
  readonly [K in keyof ImportRecord.ImportUser]: K extends "passwordHash"
    ? ImportRecord.ImportUser[K] | Redacted.Redacted<string>
    : K extends "createdAt"
      ? ImportRecord.ImportUser[K] | Date
      : ImportRecord.ImportUser[K]
}

/**
 * A group for a writer, in its file form or as the core decodes it.
 *
 * @category models
 * @since 0.1.0
 */
export type GroupRecord = {
  readonly [K in keyof ImportRecord.ImportGroup]: K extends "createdAt"
    ? ImportRecord.ImportGroup[K] | Date
    : ImportRecord.ImportGroup[K]
}

/**
 * The GID ledger for a writer.
 *
 * @category models
 * @since 0.1.0
 */
export type GidsRecord = ImportRecord.ImportGids

/**
 * Every field of a user record, in the order CSV columns and JSON fields are written.
 *
 * @category fields
 * @since 0.1.0
 */
export const USER_FIELDS = [
  "username",
  "firstName",
  "lastName",
  "email",
  "enabled",
  "system",
  "groups",
  "password",
  "passwordHash",
  "createdAt",
  "externalId",
  "externalName"
] as const

/**
 * A field of a user record.
 *
 * @category fields
 * @since 0.1.0
 */
export type UserField = (typeof USER_FIELDS)[number]

/**
 * Every field of a group record, in the order they are written.
 *
 * @category fields
 * @since 0.1.0
 */
export const GROUP_FIELDS = ["name", "gid", "members", "createdAt", "externalId", "externalName"] as const

/** The fields written only when they hold a value: most records have none, and a left-out one imports as none. */
const WRITTEN_WHEN_SET: ReadonlySet<string> = new Set(["externalId", "externalName"])

/**
 * A field of a group record.
 *
 * @category fields
 * @since 0.1.0
 */
export type GroupField = (typeof GROUP_FIELDS)[number]

/**
 * Every field of the GID ledger.
 *
 * @category fields
 * @since 0.1.0
 */
export const GIDS_FIELDS = ["highWaterMark", "used"] as const

/**
 * A user in its file form, whichever form it came in: the hash unwrapped, the creation time as ISO 8601 text, fields
 * left out stay left out.
 *
 * @category conversions
 * @since 0.1.0
 */
export const userToJson = (user: UserRecord): ImportRecord.ImportUser => {
  const json: Record<string, unknown> = {}
  for (const field of USER_FIELDS) {
    const value = user[field]
    if (value === undefined || (value === null && WRITTEN_WHEN_SET.has(field))) continue
    json[field] = Redacted.isRedacted(value)
      ? Redacted.value(value)
      : value instanceof Date
        ? value.toISOString()
        : value
  }
  return json as ImportRecord.ImportUser
}

/**
 * A group in its file form, whichever form it came in.
 *
 * @category conversions
 * @since 0.1.0
 */
export const groupToJson = (group: GroupRecord): ImportRecord.ImportGroup => {
  const json: Record<string, unknown> = {}
  for (const field of GROUP_FIELDS) {
    const value = group[field]
    if (value === undefined || (value === null && WRITTEN_WHEN_SET.has(field))) continue
    json[field] = value instanceof Date ? value.toISOString() : value
  }
  return json as ImportRecord.ImportGroup
}
