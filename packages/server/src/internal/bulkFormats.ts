/**
 * The formats of the bulk routes' bodies, read and written by `@user-manager/formats`: CSV, JSON Lines, and the
 * whole-directory JSON document.
 */
import type { Errors, Exports, ImportRecord } from "@user-manager/core"
import { Csv, DirectoryDocument, Format, JsonLines } from "@user-manager/formats"
import { Chunk, type Effect, Stream } from "effect"
import * as ApiError from "../ApiError.js"

/** A body's format on the wire. */
export type BodyFormat = "csv" | "ndjson" | "json"

/** What an import body holds, by the route's `kind` parameter. */
export type Kind = "users" | "groups" | "mixed" | "directory"

const CONTENTS = { users: "user", groups: "group", mixed: "mixed", directory: "mixed" } as const

/** A body that cannot be read as a whole (a CSV header naming an unknown column): 400, in one sentence. */
const unreadable = <A, E>(
  stream: Stream.Stream<A, E | Format.FormatError>
): Stream.Stream<A, E | Errors.InvalidInput> =>
  Stream.mapError(stream, (error) =>
    error instanceof Format.FormatError ? ApiError.invalidInput("body", error.reason.replace(/\.$/, "")) : error
  )

/** The entries of an import body: each record with its location, and the lines that could not be read. */
export const read = <E>(
  format: BodyFormat,
  kind: Kind,
  body: Stream.Stream<Uint8Array, E>
): Stream.Stream<ImportRecord.ImportEntry, E | Errors.InvalidInput> =>
  format === "json"
    ? unreadable(DirectoryDocument.read(body))
    : format === "csv"
      ? unreadable(Csv.read(body, kind === "groups" ? "group" : "user"))
      : unreadable(JsonLines.read(body, CONTENTS[kind]))

const encoder = new TextEncoder()

/** Text as UTF-8 bytes, a chunk of records (a page) at a time: one write each, not one a record. */
const bytes = <E>(text: Stream.Stream<string, E>): Stream.Stream<Uint8Array, E> =>
  Stream.mapChunks(text, (chunk) =>
    Chunk.isEmpty(chunk) ? Chunk.empty() : Chunk.of(encoder.encode(Chunk.join(chunk, "")))
  )

/** The text of an export of users, as UTF-8 bytes; with a column for their hashes when they were asked for. */
export const writeUsers = <E>(
  format: BodyFormat,
  hashes: boolean,
  users: Stream.Stream<Exports.ExportedUser, E>
): Stream.Stream<Uint8Array, E> =>
  bytes(
    format === "ndjson"
      ? JsonLines.writeUsers(users)
      : Csv.writeUsers(users, hashes ? { columns: [...Csv.DEFAULT_USER_COLUMNS, "passwordHash"] } : {})
  )

/** The text of an export of groups, as UTF-8 bytes. */
export const writeGroups = <E>(
  format: BodyFormat,
  groups: Stream.Stream<Exports.ExportedGroup, E>
): Stream.Stream<Uint8Array, E> => bytes(format === "csv" ? Csv.writeGroups(groups) : JsonLines.writeGroups(groups))

/**
 * The text of an export of the whole directory, as UTF-8 bytes: the groups, the GID ledger (read after them), the
 * users; one JSON document (`json`), or JSON Lines each naming its kind (`ndjson`), as `dt export` writes them.
 */
export const writeDirectory = <E>(
  format: "json" | "ndjson",
  contents: {
    readonly groups: Stream.Stream<Exports.ExportedGroupRow, E>
    readonly gids: Effect.Effect<Exports.ExportedGids, E>
    readonly users: Stream.Stream<Exports.ExportedUser, E>
  }
): Stream.Stream<Uint8Array, E> =>
  bytes(
    format === "json"
      ? DirectoryDocument.write(contents)
      : JsonLines.writeMixed(
          Stream.map(contents.groups, (record) => ({ kind: "group" as const, record })).pipe(
            Stream.concat(
              Stream.fromEffect(contents.gids).pipe(Stream.map((record) => ({ kind: "gids" as const, record })))
            ),
            Stream.concat(Stream.map(contents.users, (record) => ({ kind: "user" as const, record })))
          )
        )
  )
