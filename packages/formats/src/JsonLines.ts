/**
 * JSON Lines (also called NDJSON): one record a line, read into import entries and written from records, streaming.
 * A file of one kind of record holds users or groups; a mixed file (a whole directory, `dt import`) says on each line
 * what it holds with a `"kind"` field: `"user"`, `"group"` or `"gids"`.
 *
 * @since 0.1.0
 */
import type { ImportRecord } from "@user-manager/core"
import { Option, Stream } from "effect"
import type { TextInput } from "./Format.js"
import { describeJson, isJsonObject, type JsonKind, jsonEntry } from "./internal/jsonRecord.js"
import { type Line, lines } from "./internal/text.js"
import * as JsonText from "./JsonText.js"
import { type GidsRecord, type GroupRecord, groupToJson, type UserRecord, userToJson } from "./Records.js"

/**
 * What a JSON Lines file holds: users only, groups only, or a mix in which each line names its kind.
 *
 * @category models
 * @since 0.1.0
 */
export type Contents = "user" | "group" | "mixed"

const KINDS: ReadonlyArray<JsonKind> = ["user", "group", "gids"]

const entryOf = (contents: Contents, line: Line): ImportRecord.ImportEntry | undefined => {
  if (line.text.trim() === "") return undefined
  const location = `line ${line.number}`
  const raw = line.text
  const of = contents === "mixed" ? {} : { of: contents }
  const malformed = (reason: string): ImportRecord.ImportEntry => ({ kind: "malformed", reason, location, raw, ...of })
  let value: unknown
  try {
    value = JSON.parse(line.text)
  } catch {
    return malformed(`the line is not JSON (${JsonText.problem(line.text) ?? "it cannot be read"})`)
  }
  if (!isJsonObject(value)) return malformed(`the line holds ${describeJson(value)}, not a JSON object`)
  const { kind, ...record } = value
  if (contents === "mixed") {
    if (kind === undefined) return malformed(`the line has no "kind" (one of "user", "group", "gids")`)
    if (!KINDS.includes(kind as JsonKind)) {
      return malformed(`the kind ${JSON.stringify(kind)} is none of "user", "group", "gids"`)
    }
    return jsonEntry(kind as JsonKind, record, location, raw)
  }
  if (kind !== undefined && kind !== contents) {
    return malformed(`the line holds a ${JSON.stringify(kind)} where this file holds ${contents}s`)
  }
  return jsonEntry(contents, record, location, raw)
}

/**
 * Reads a JSON Lines file into import entries, one line at a time: blank lines are skipped, a line that is not a JSON
 * object (or names a field its record does not have) becomes a `malformed` entry naming its line, and the rest is
 * still read. Each entry carries its `location` (`"line 17"`) and the line as `raw`.
 *
 * @category reading
 * @since 0.1.0
 */
export const read = <E>(input: TextInput<E>, contents: Contents): Stream.Stream<ImportRecord.ImportEntry, E> =>
  lines(input).pipe(Stream.filterMap((line) => Option.fromNullable(entryOf(contents, line))))

/**
 * Writes users as JSON Lines: one JSON object a line, its fields in the order of `USER_FIELDS`, a field the record
 * leaves out left out (so a password hash only when the record carries one).
 *
 * @category writing
 * @since 0.1.0
 */
export const writeUsers = <E, R>(users: Stream.Stream<UserRecord, E, R>): Stream.Stream<string, E, R> =>
  users.pipe(Stream.map((user) => `${JSON.stringify(userToJson(user))}\n`))

/**
 * Writes groups as JSON Lines.
 *
 * @category writing
 * @since 0.1.0
 */
export const writeGroups = <E, R>(groups: Stream.Stream<GroupRecord, E, R>): Stream.Stream<string, E, R> =>
  groups.pipe(Stream.map((group) => `${JSON.stringify(groupToJson(group))}\n`))

/**
 * A record of a mixed JSON Lines file, with its kind.
 *
 * @category models
 * @since 0.1.0
 */
export type MixedRecord =
  | { readonly kind: "user"; readonly record: UserRecord }
  | { readonly kind: "group"; readonly record: GroupRecord }
  | { readonly kind: "gids"; readonly record: GidsRecord }

/**
 * Writes a mixed JSON Lines file: each line a record with its `"kind"` first.
 *
 * @category writing
 * @since 0.1.0
 */
export const writeMixed = <E, R>(records: Stream.Stream<MixedRecord, E, R>): Stream.Stream<string, E, R> =>
  records.pipe(
    Stream.map((entry) => {
      const json =
        entry.kind === "user"
          ? userToJson(entry.record)
          : entry.kind === "group"
            ? groupToJson(entry.record)
            : { highWaterMark: entry.record.highWaterMark, used: entry.record.used }
      return `${JSON.stringify({ kind: entry.kind, ...json })}\n`
    })
  )
