/**
 * `GET /api/v1/export`: every user or group, read page by page by the core's `Exports` and written as it is read.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Exit, Option, Scope, Stream } from "effect"
import { ExportParams } from "./api/BulkApi.js"
import * as BulkFormats from "./bulkFormats.js"
import { type BulkServices, logged, query } from "./bulkServices.js"

/** The format an export is written in: its `format` parameter, else the `Accept` header, else JSON Lines. */
const exportFormat = (
  request: HttpServerRequest.HttpServerRequest,
  format: BulkFormats.BodyFormat | undefined
): BulkFormats.BodyFormat => format ?? (/\btext\/csv\b/i.test(request.headers.accept ?? "") ? "csv" : "ndjson")

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
    const format = exportFormat(request, params.format)
    const kind = params.kind ?? "users"
    const who = yield* actor
    const hashes = params.includePasswordHashes === true
    const text =
      kind === "users"
        ? BulkFormats.writeUsers(
            format,
            hashes,
            yield* logged(started(exports.users(who, { includePasswordHashes: hashes })))
          )
        : BulkFormats.writeGroups(format, yield* logged(started(exports.groups(who))))
    return HttpServerResponse.stream(
      // A failure once the answer has begun can only cut it short: it is logged.
      Stream.tapErrorCause(text, (cause) => Effect.logError("an export stopped half-way", cause)),
      {
        contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        headers: { "content-disposition": `attachment; filename="${kind}.${format === "csv" ? "csv" : "ndjson"}"` }
      }
    )
  })
