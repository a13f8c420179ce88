/**
 * `GET /api/v1/export`: every user or group, or the whole directory, read page by page by the core's `Exports` and
 * written as it is read.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { Errors } from "@user-manager/core"
import { Effect, Exit, Option, Scope, Stream } from "effect"
import * as ApiError from "../ApiError.js"
import { ExportParams } from "./api/BulkApi.js"
import * as BulkFormats from "./bulkFormats.js"
import { type BulkServices, logged, query } from "./bulkServices.js"

/**
 * The format an export is written in: its `format` parameter, else the `Accept` header, else JSON Lines (the whole
 * directory: its JSON document). CSV holds one kind of record, the JSON document the whole directory: either asked
 * for the other kind is refused in one sentence.
 */
const exportFormat = (
  request: HttpServerRequest.HttpServerRequest,
  kind: "users" | "groups" | "directory",
  format: BulkFormats.BodyFormat | undefined
): Effect.Effect<BulkFormats.BodyFormat, Errors.InvalidInput> => {
  const accept = request.headers.accept ?? ""
  const chosen =
    format ??
    (/\btext\/csv\b/i.test(accept) && kind !== "directory"
      ? "csv"
      : kind === "directory" && !/\bapplication\/(x-ndjson|jsonl)\b/i.test(accept)
        ? "json"
        : "ndjson")
  if (chosen === "csv" && kind === "directory") {
    return Effect.fail(
      ApiError.invalidInput(
        "format",
        "CSV holds one kind of record: export users or groups as CSV, or the directory as json or ndjson"
      )
    )
  }
  if (chosen === "json" && kind !== "directory") {
    return Effect.fail(
      ApiError.invalidInput(
        "format",
        "the JSON document is of the whole directory: give kind=directory, or format ndjson or csv"
      )
    )
  }
  return Effect.succeed(chosen)
}

const CONTENT_TYPE = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  json: "application/json; charset=utf-8"
} as const

/**
 * The stream, once its first chunk is read: a refusal of the core (not an administrator) comes with the first page,
 * and must be answered with its status before the answer's own status and headers are sent.
 */
const started = <A, E>(stream: Stream.Stream<A, E>): Effect.Effect<Stream.Stream<A, E>, E> =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const pull = yield* Scope.extend(Stream.toPull(stream), scope)
    const first = yield* Effect.exit(pull)
    if (Exit.isFailure(first)) {
      yield* Scope.close(scope, Exit.void)
      // The pull fails with `None` at the end of the stream: an empty one.
      return yield* Effect.failCause(first.cause).pipe(
        Effect.catchAll(Option.match({ onNone: () => Effect.succeed(Stream.empty), onSome: Effect.fail }))
      )
    }
    return Stream.concat(Stream.fromChunk(first.value), Stream.repeatEffectChunkOption(pull)).pipe(
      Stream.ensuring(Scope.close(scope, Exit.void))
    )
  })

/** `GET /api/v1/export` on the given services. */
export const exportRoute = ({ actor, exports }: BulkServices) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const params = yield* query(ExportParams)
    const kind = params.kind ?? "users"
    const format = yield* exportFormat(request, kind, params.format)
    const who = yield* actor
    const hashes = params.includePasswordHashes === true
    const users = () => exports.users(who, { includePasswordHashes: hashes })
    const text =
      kind === "users"
        ? BulkFormats.writeUsers(format, hashes, yield* logged(started(users())))
        : kind === "groups"
          ? BulkFormats.writeGroups(format, yield* logged(started(exports.groups(who))))
          : BulkFormats.writeDirectory(format === "json" ? "json" : "ndjson", {
              // The groups come first: a refusal comes with their first page, before the answer begins. Without their
              // members: the users carry their groups.
              groups: yield* logged(started(exports.groups(who, { members: false }))),
              gids: exports.gids(who),
              users: users()
            })
    return HttpServerResponse.stream(
      // A failure once the answer has begun can only cut it short: it is logged.
      Stream.tapErrorCause(text, (cause) => Effect.logError("an export stopped half-way", cause)),
      {
        contentType: CONTENT_TYPE[format],
        headers: { "content-disposition": `attachment; filename="${kind}.${format}"` }
      }
    )
  })
