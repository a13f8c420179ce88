/**
 * The work of `dt user export`, `dt group export` and `dt export`: the core's `Exports` streamed page by page through
 * a format's writer into a file or standard output, with a progress bar. Loaded only when an export runs.
 *
 * @since 0.1.0
 */
import { createWriteStream, rmSync } from "node:fs"
import { Exports } from "@user-manager/core"
import { Csv, DirectoryDocument, JsonLines } from "@user-manager/formats"
import { Chunk, Effect, Exit, Stream } from "effect"
import { COMMAND, chooseFormat, type ExportKind, type ExportRequest } from "./Bulk.js"
import * as Output from "./Output.js"
import * as Progress from "./Progress.js"
import { type Common, remoteTarget, runLocalOnly } from "./Session.js"

/**
 * The text of each chunk as one piece: a writer gives a line a record, and a page of a thousand records is then one
 * write, not a thousand (each a write request and a wait for the stream; a million of them were most of an export's
 * writing time). Bytes (a remote export's) are passed on as they come.
 */
const pieces = <E>(text: Stream.Stream<string | Uint8Array, E>): Stream.Stream<string | Uint8Array, E> =>
  Stream.mapChunks(text, (chunk) =>
    chunk.length > 1 && Chunk.every(chunk, (piece) => typeof piece === "string")
      ? Chunk.of(Chunk.join(chunk as Chunk.Chunk<string>, ""))
      : chunk
  )

/**
 * Writes an export's text to standard output, or to a file (mode 0600) that is removed if the export fails to finish,
 * never left half-written.
 */
const writeOut = <E>(
  text: Stream.Stream<string | Uint8Array, E>,
  output: string | undefined
): Effect.Effect<void, E> => {
  if (output === undefined || output === "-") return Stream.runForEach(pieces(text), Output.writeTo(process.stdout))
  const out = createWriteStream(output, { mode: 0o600 })
  return Stream.runForEach(pieces(text), Output.writeTo(out)).pipe(
    Effect.zipRight(Effect.async<void>((resume) => void out.end(() => resume(Effect.void)))),
    Effect.onExit((exit) =>
      Exit.isSuccess(exit)
        ? Effect.void
        : Effect.sync(() => {
            out.destroy()
            rmSync(output, { force: true })
          })
    )
  )
}

/**
 * Counts the records in an export's bytes as they pass. CSV: one a line, the lines inside a field's quotes not counted,
 * nor the header. JSON text (where a newline is never inside a string): one a line, or, for the whole directory, its
 * groups and users only, as a local export counts them: the document's lines that begin with an item (`    {`), the
 * JSON Lines' that do not hold the GID ledger.
 */
const recordCounter = (format: "ndjson" | "csv" | "json", kind: ExportKind) => {
  if (format === "csv") {
    let quoted = false
    let header = true
    return (bytes: Uint8Array): number => {
      let count = 0
      for (const byte of bytes) {
        if (byte === 0x22) quoted = !quoted
        else if (byte === 0x0a && !quoted) {
          if (header) header = false
          else count++
        }
      }
      return count
    }
  }
  // A line counts when it begins with `marker` (or, `counted: false`, when it does not).
  const { marker, counted } =
    kind !== "directory"
      ? { marker: "", counted: true }
      : format === "json"
        ? { marker: "    {", counted: true }
        : { marker: '{"kind":"gids"', counted: false }
  const codes = new TextEncoder().encode(marker)
  let matched = 0
  let differs = false
  return (bytes: Uint8Array): number => {
    let count = 0
    for (const byte of bytes) {
      if (byte === 0x0a) {
        if ((matched === codes.length && !differs) === counted) count++
        matched = 0
        differs = false
      } else if (!differs && matched < codes.length) {
        if (byte === codes[matched]) matched++
        else differs = true
      }
    }
    return count
  }
}

/**
 * An export in remote mode: the server's `GET /api/v1/export` (users, groups, or the whole directory in the same
 * document or JSON Lines as a local export) streamed into the output.
 */
const exportRemote = (
  remote: { readonly server: string; readonly token: string | undefined },
  request: ExportRequest,
  format: "ndjson" | "csv" | "json",
  json: boolean
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const Remote = yield* Effect.promise(() => import("./Remote.js"))
      const toStdout = request.output === undefined || request.output === "-"
      const progress = yield* Progress.make({
        verb: "Exported",
        noun: request.kind === "directory" ? "records" : request.kind,
        quiet: request.quiet,
        json,
        summary: toStdout ? process.stderr : process.stdout
      })
      const count = recordCounter(format, request.kind)
      const bytes = Remote.exportBytes(remote.server, remote.token, {
        kind: request.kind,
        format,
        includePasswordHashes: request.includePasswordHashes
      }).pipe(Stream.tap((chunk) => progress.advance(count(chunk))))
      yield* writeOut(bytes, request.output)
      yield* progress.finish()
    })
  )

/**
 * Runs an export: every record (of one kind, or the whole directory) streamed page by page from `Exports` through the
 * format's writer into the output, which takes each page before the next is read (flat memory at any size). A file
 * that an export fails to finish is removed, never left half-written.
 *
 * @category running
 * @since 0.1.0
 */
export const exportFile = (common: Common, request: ExportRequest) =>
  Effect.gen(function* () {
    const command = `${COMMAND[request.kind]} export`
    const toStdout = request.output === undefined || request.output === "-"
    const format =
      request.format ??
      (toStdout
        ? request.kind === "directory"
          ? "json"
          : "jsonl"
        : yield* chooseFormat(request.kind, "export", undefined, request.output))
    const remote = yield* remoteTarget(common)
    if (remote !== undefined) {
      const wire = format === "csv" ? "csv" : format === "json" ? "json" : "ndjson"
      return yield* exportRemote(remote, request, wire, common.json)
    }
    // Exporting hashes writes an audit entry: the store is then opened for writing.
    const mode = request.includePasswordHashes ? "existing" : "read"
    return yield* runLocalOnly(
      command,
      common,
      (session) =>
        Effect.scoped(
          Effect.gen(function* () {
            const exports = yield* Exports.Exports
            const progress = yield* Progress.make({
              verb: "Exported",
              noun: request.kind === "directory" ? "records" : request.kind,
              quiet: request.quiet,
              json: session.format.json,
              // On standard output the data is the command's output: the summary goes to standard error then.
              summary: toStdout ? process.stderr : process.stdout
            })
            const counted = <A, E>(stream: Stream.Stream<A, E>) =>
              Stream.mapChunksEffect(stream, (chunk) => Effect.as(progress.advance(chunk.length), chunk))
            const users = counted(
              exports.users(session.actor, { includePasswordHashes: request.includePasswordHashes })
            )
            const groups = counted(exports.groups(session.actor))
            // The whole directory's groups without their members: its users carry their groups.
            const groupRows = counted(exports.groups(session.actor, { members: false }))
            const gids = exports.gids(session.actor)
            const text: Stream.Stream<string, Exports.ExportError> =
              request.kind === "users"
                ? format === "csv"
                  ? Csv.writeUsers(users, {
                      columns: request.includePasswordHashes
                        ? [...Csv.DEFAULT_USER_COLUMNS, "passwordHash"]
                        : Csv.DEFAULT_USER_COLUMNS
                    })
                  : JsonLines.writeUsers(users)
                : request.kind === "groups"
                  ? format === "csv"
                    ? Csv.writeGroups(groups)
                    : JsonLines.writeGroups(groups)
                  : format === "json"
                    ? DirectoryDocument.write({ groups: groupRows, gids, users })
                    : JsonLines.writeMixed(
                        Stream.map(groupRows, (group) => ({ kind: "group" as const, record: group })).pipe(
                          Stream.concat(
                            Stream.fromEffect(Effect.map(gids, (record) => ({ kind: "gids" as const, record })))
                          ),
                          Stream.concat(Stream.map(users, (record) => ({ kind: "user" as const, record })))
                        )
                      )
            yield* writeOut(text, request.output)
            yield* progress.finish()
          })
        ),
      mode
    )
  })
