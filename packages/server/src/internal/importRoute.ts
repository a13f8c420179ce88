/**
 * `POST /api/v1/import`: a CSV or JSON Lines body, spooled to a temporary file as it arrives and read back from it by
 * the core's `Imports` batch by batch (memory stays flat), and its result answered as JSON.
 */
import { FileSystem, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { Errors } from "@user-manager/core"
import { Chunk, Effect, Schema, Stream } from "effect"
import * as ApiError from "../ApiError.js"
import { ImportParams, ImportResult } from "./api/BulkApi.js"
import * as BulkFormats from "./bulkFormats.js"
import { type BulkServices, logged, query } from "./bulkServices.js"

/** The types of a JSON Lines body, as clients name it. */
const JSON_LINES = new Set([
  "application/x-ndjson",
  "application/jsonl",
  "application/jsonlines",
  "application/x-jsonlines"
])

/** The format of an import body, by its `Content-Type`. */
const importFormat = (request: HttpServerRequest.HttpServerRequest) => {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? ""
  return type === "text/csv"
    ? Effect.succeed("csv" as const)
    : JSON_LINES.has(type)
      ? Effect.succeed("ndjson" as const)
      : type === "application/json"
        ? Effect.succeed("json" as const)
        : Effect.fail(
            ApiError.invalidInput("content-type", "an import is text/csv, application/x-ndjson or application/json")
          )
}

const unspooled = (reason: string) =>
  Effect.zipRight(
    Effect.logError(`an import body could not be written to a temporary file: ${reason}`),
    Effect.fail(new Errors.StorageError({ reason: "the import body could not be written to a temporary file" }))
  )

/**
 * The body of an import, held to `max` bytes, written to a temporary file (removed once the request is answered) and
 * read back from it as the core applies it: memory stays flat, a body over the limit is refused (413) before anything
 * is written, even one sent in chunks without a declared length, and the body arrives at the client's own speed, not
 * the store's, so that a big import is not cut off by the server's request timeout while the store works.
 */
const spooled = (request: HttpServerRequest.HttpServerRequest, max: number) =>
  Effect.gen(function* () {
    const declared = Number(request.headers["content-length"] ?? "0")
    const refuse = (what: string) =>
      Effect.zipRight(
        Effect.logWarning(`refused an import body ${what} (the limit is ${max} bytes)`),
        Effect.fail(new ApiError.PayloadTooLarge({ max }))
      )
    if (declared > max) return yield* refuse(`of ${declared} bytes`)
    const files = yield* FileSystem.FileSystem
    const path = yield* files.makeTempFileScoped({ prefix: "dt-import-" })
    let seen = 0
    yield* request.stream.pipe(
      Stream.mapError(() => ApiError.invalidInput("body", "it could not be read to its end")),
      Stream.mapChunksEffect((chunk) => {
        seen += Chunk.reduce(chunk, 0, (total, bytes) => total + bytes.byteLength)
        return seen > max ? refuse("sent without a length that grew past it") : Effect.succeed(chunk)
      }),
      Stream.run(files.sink(path))
    )
    return files
      .stream(path)
      .pipe(Stream.mapError(() => ApiError.invalidInput("body", "it could not be read back from the temporary file")))
  }).pipe(
    Effect.provide(NodeFileSystem.layer),
    // A full or unwritable temporary directory is the server's failure (503), with its details in the log only.
    Effect.catchTags({
      SystemError: (error) => unspooled(error.message),
      BadArgument: (error) => unspooled(error.message)
    })
  )

/** The options of `Imports.run` the query gives (the core checks their ranges). */
const options = (params: typeof ImportParams.Type) => ({
  ...(params.onConflict === undefined ? {} : { onConflict: params.onConflict }),
  ...(params.atomic === undefined ? {} : { atomic: params.atomic }),
  ...(params.batchSize === undefined ? {} : { batchSize: params.batchSize }),
  ...(params.dryRun === undefined ? {} : { dryRun: params.dryRun }),
  ...(params.prune === undefined ? {} : { prune: params.prune }),
  ...(params.listChanges === undefined ? {} : { listChanges: params.listChanges })
})

/** `POST /api/v1/import` on the given services. */
export const importRoute = ({ actor, config, imports }: BulkServices) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const params = yield* query(ImportParams)
    const format = yield* importFormat(request)
    const kind = params.kind ?? (format === "json" ? "directory" : "users")
    if (format === "csv" && (kind === "mixed" || kind === "directory")) {
      return yield* ApiError.invalidInput("kind", "a CSV body holds users or groups, not both")
    }
    if (format === "json" && kind !== "directory") {
      return yield* ApiError.invalidInput(
        "kind",
        "a JSON body is a whole-directory document: give kind=directory or none, or send JSON Lines"
      )
    }
    const body = yield* spooled(request, config.maxImportBytes)
    const who = yield* actor
    const result = yield* logged(imports.run(who, BulkFormats.read(format, kind, body), options(params)))
    // Encoded by the answer's schema, which leaves out each refused record's entry (it may hold a password).
    return HttpServerResponse.unsafeJson(yield* Schema.encode(ImportResult)(result))
  })
