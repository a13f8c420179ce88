/**
 * The whole-directory JSON document: every group with its GID, the GID ledger and every user with its groups, in one
 * JSON text that export writes and import reads back, streaming both ways (read with @streamparser/json, so a
 * document of a million users is never held in memory).
 *
 * ```json
 * {
 *   "format": "user-manager/directory",
 *   "version": 1,
 *   "groups": [{ "name": "staff", "gid": 1001, "createdAt": "2026-01-02T03:04:05.000Z" }],
 *   "gids": { "highWaterMark": 1042, "used": [1001, 1007] },
 *   "users": [{ "username": "alice", "groups": ["staff"], "enabled": true, "system": false }]
 * }
 * ```
 *
 * `format` and `version` come first, then `groups`, `gids`, `users` in that order: groups are created before the
 * ledger is filled (a GID in the ledger cannot be claimed again) and before the users that belong to them. Groups carry
 * no `members`: users carry their groups.
 *
 * @since 0.1.0
 */

import { JSONParser } from "@streamparser/json"
import type { ImportRecord } from "@user-manager/core"
import { Chunk, Effect, Stream } from "effect"
import { FormatError, type TextInput } from "./Format.js"
import { describeJson, isJsonObject, jsonEntry } from "./internal/jsonRecord.js"
import { describeError } from "./internal/jsonSyntax.js"
import { decodeText } from "./internal/text.js"
import { type GidsRecord, type GroupRecord, groupToJson, type UserRecord, userToJson } from "./Records.js"

/**
 * The `format` a whole-directory document names itself with.
 *
 * @category constants
 * @since 0.1.0
 */
export const FORMAT = "user-manager/directory"

/**
 * The version of the document this package writes and reads.
 *
 * @category constants
 * @since 0.1.0
 */
export const VERSION = 1

const SECTIONS = ["groups", "gids", "users"] as const

const fail = (reason: string) => new FormatError({ format: "json", reason })

class DocumentReader {
  private readonly parser = new JSONParser({
    paths: ["$.format", "$.version", "$.groups.*", "$.gids", "$.users.*"],
    keepStack: false
  })
  private format: unknown
  private version: unknown
  private section = -1
  private out: Array<ImportRecord.ImportEntry> = []
  private error: FormatError | undefined

  constructor() {
    this.parser.onValue = ({ value, key, stack }) => {
      if (this.error !== undefined) return
      const name = stack.length === 1 ? key : stack[1]?.key
      if (name === "format") this.format = value
      else if (name === "version") this.version = value
      else this.entry(String(name), typeof key === "number" ? key : undefined, value)
    }
  }

  private entry(name: string, index: number | undefined, value: unknown): void {
    if (this.section === -1) {
      if (this.format !== FORMAT) {
        this.error = fail(
          `The JSON document is not a user-manager directory document: it does not begin with "format": "${FORMAT}".`
        )
        return
      }
      if (this.version !== VERSION) {
        this.error = fail(
          `The directory document is of version ${JSON.stringify(this.version)}; this reader knows version ${VERSION}.`
        )
        return
      }
    }
    const section = SECTIONS.indexOf(name as (typeof SECTIONS)[number])
    if (section < this.section) {
      this.error = fail(
        `The directory document lists "${name}" after "${SECTIONS[this.section]}": the order is groups, gids, users.`
      )
      return
    }
    this.section = section
    const location = index === undefined ? name : `${name}[${index}]`
    const raw = JSON.stringify(value)
    if (!isJsonObject(value)) {
      this.out.push({
        kind: "malformed",
        ...(name === "users" ? { of: "user" } : name === "groups" ? { of: "group" } : {}),
        reason: `the item is ${describeJson(value)}, not a JSON object`,
        location,
        raw
      })
      return
    }
    if (name === "groups" && value.members !== undefined) {
      this.out.push({
        kind: "malformed",
        of: "group",
        reason: "a group of a directory document lists no members: its users carry their groups",
        location,
        raw
      })
      return
    }
    this.out.push(jsonEntry(name === "groups" ? "group" : name === "gids" ? "gids" : "user", value, location, raw))
  }

  feed(text: string | undefined): Chunk.Chunk<ImportRecord.ImportEntry> | FormatError {
    try {
      if (text === undefined) {
        if (!this.parser.isEnded) this.parser.end()
        if (this.section === -1 && this.error === undefined && this.format !== FORMAT) {
          this.error = fail(`The JSON document is not a user-manager directory document (no "format": "${FORMAT}").`)
        }
      } else this.parser.write(text)
    } catch (error) {
      this.error ??= fail(`The directory document is not valid JSON: ${describeError(error, "document")}.`)
    }
    if (this.error !== undefined) return this.error
    const out = Chunk.unsafeFromArray(this.out)
    this.out = []
    return out
  }
}

/**
 * Reads a whole-directory document into import entries, streaming: the groups (`groups[3]`), the GID ledger (`gids`),
 * the users (`users[17]`), each with its JSON text as `raw`. An item that is not a JSON object, names a field its
 * record does not have, or a group with `members`, becomes a `malformed` entry. Text that is not JSON, a document
 * without `"format": "user-manager/directory"` and `"version": 1` at its start, or sections out of order fail the read
 * with a `FormatError`.
 *
 * @category reading
 * @since 0.1.0
 */
export const read = <E>(input: TextInput<E>): Stream.Stream<ImportRecord.ImportEntry, E | FormatError> =>
  Stream.suspend(() => {
    const reader = new DocumentReader()
    const step = (text: string | undefined) =>
      Effect.suspend(() => {
        const entries = reader.feed(text)
        return entries instanceof FormatError ? Effect.fail(entries) : Effect.succeed(entries)
      })
    return decodeText(input).pipe(
      Stream.mapEffect(step),
      Stream.concat(Stream.fromEffect(step(undefined))),
      Stream.flattenChunks
    )
  })

/**
 * What a whole-directory document is written from: the groups, then the GID ledger (read after the groups, so that it
 * holds every GID they use), then the users.
 *
 * @category models
 * @since 0.1.0
 */
export interface Contents<E, R> {
  readonly groups: Stream.Stream<GroupRecord, E, R>
  readonly gids: Effect.Effect<GidsRecord, E, R>
  readonly users: Stream.Stream<UserRecord, E, R>
}

const items = <A, E, R>(records: Stream.Stream<A, E, R>, toJson: (record: A) => object) =>
  records.pipe(
    Stream.mapChunks((chunk) => Chunk.map(chunk, (record) => `${JSON.stringify(toJson(record))}`)),
    Stream.zipWithIndex,
    Stream.map(([json, index]) => `${index === 0 ? "\n    " : ",\n    "}${json}`)
  )

/**
 * Writes a whole-directory document as a stream of text: one line a group and a user, groups without `members`, a
 * user's password hash only when its record carries one.
 *
 * @category writing
 * @since 0.1.0
 */
export const write = <E, R>(contents: Contents<E, R>): Stream.Stream<string, E, R> =>
  Stream.make(`{\n  "format": ${JSON.stringify(FORMAT)},\n  "version": ${VERSION},\n  "groups": [`).pipe(
    Stream.concat(
      items(contents.groups, (group) => {
        const { members: _, ...json } = groupToJson(group)
        return json
      })
    ),
    Stream.concat(
      Stream.fromEffect(
        Effect.map(
          contents.gids,
          (gids) =>
            `\n  ],\n  "gids": ${JSON.stringify({ highWaterMark: gids.highWaterMark, used: gids.used })},\n  "users": [`
        )
      )
    ),
    Stream.concat(items(contents.users, userToJson)),
    Stream.concat(Stream.make("\n  ]\n}\n"))
  )
