import type { ImportRecord } from "@user-manager/core"
import { GIDS_FIELDS, GROUP_FIELDS, USER_FIELDS } from "../Records.js"

/** The kinds of record a JSON object may hold. */
export type JsonKind = "user" | "group" | "gids"

const FIELDS: Record<JsonKind, ReadonlySet<string>> = {
  user: new Set(USER_FIELDS),
  group: new Set(GROUP_FIELDS),
  gids: new Set(GIDS_FIELDS)
}

const LISTS: Record<JsonKind, string> = {
  user: USER_FIELDS.join(", "),
  group: GROUP_FIELDS.join(", "),
  gids: GIDS_FIELDS.join(", ")
}

/** A JSON value's kind in words, for a sentence. */
export const describeJson = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`

/** Whether a parsed JSON value is an object (not null, not an array). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The entry of one JSON object read as a record of `kind`: the record itself (its rules are the core's to check), or
 * `malformed` when it names a field no such record has.
 */
export const jsonEntry = (
  kind: JsonKind,
  record: Record<string, unknown>,
  location: string,
  raw: string
): ImportRecord.ImportEntry => {
  const unknown = Object.keys(record).find((field) => !FIELDS[kind].has(field))
  if (unknown !== undefined) {
    return {
      kind: "malformed",
      ...(kind === "gids" ? {} : { of: kind }),
      reason: `a ${kind === "gids" ? "GID ledger" : kind} has no field '${unknown}' (its fields are ${LISTS[kind]})`,
      location,
      raw
    }
  }
  switch (kind) {
    case "user":
      return { kind, record: record as unknown as ImportRecord.ImportUser, location, raw }
    case "group":
      return { kind, record: record as unknown as ImportRecord.ImportGroup, location, raw }
    case "gids":
      return { kind, record: record as unknown as ImportRecord.ImportGids, location, raw }
  }
}
