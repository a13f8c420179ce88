/**
 * What the bulk routes share: the services they run on, their query's decoding, and the log of a store failure.
 */
import { HttpServerRequest } from "@effect/platform"
import type { Errors, Exports, Imports } from "@user-manager/core"
import { Effect, ParseResult, Predicate, Schema } from "effect"
import * as ApiError from "../ApiError.js"
import type { ServerConfigShape } from "../ServerConfig.js"
import type { Authentication } from "./api/Authentication.js"

/** The services the bulk routes run on, found when their layer is built. */
export interface BulkServices {
  /** The actor of the request, as the API's authentication finds it (a cookie request that changes something: CSRF). */
  readonly actor: Effect.Effect.Success<typeof Authentication>
  readonly config: ServerConfigShape
  readonly exports: Exports.Exports["Type"]
  readonly imports: Imports.Imports["Type"]
}

/** The query parameters of the request, decoded by `schema`; anything else is refused as the API refuses it. */
export const query = <A, I>(schema: Schema.Schema<A, I>) =>
  Effect.flatMap(HttpServerRequest.ParsedSearchParams, (params) =>
    Schema.decodeUnknown(schema, { onExcessProperty: "error", errors: "all" })(params).pipe(
      Effect.mapError((error) => ApiError.fromIssues(ParseResult.ArrayFormatter.formatErrorSync(error)))
    )
  )

/** Runs a core operation, logging a store failure, which is answered 503 without its details. */
export const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.tapError(effect, (error) =>
    Predicate.isTagged(error, "StorageError")
      ? Effect.logError(`the user store failed: ${(error as unknown as Errors.StorageError).reason}`)
      : Effect.void
  )
