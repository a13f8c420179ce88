/**
 * The middleware that answers every request the API cannot read with the one error shape.
 */
import {
  HttpApiBuilder,
  HttpApiError,
  HttpIncomingMessage,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import type { Errors } from "@user-manager/core"
import { Cause, Effect, Option, Schema } from "effect"
import { Api } from "../Api.js"
import * as ApiError from "../ApiError.js"
import { ServerConfig } from "../ServerConfig.js"
import { allowedMethods } from "./allowedMethods.js"
import { BULK_ROUTES, IMPORT_PATH } from "./bulkPaths.js"
import { fromClientAddress } from "./peerAddress.js"
import { checkQuery, routesOf } from "./queryParameters.js"
import { checkBody, jsonOnly, unreadableBody } from "./requestBody.js"
import { isScimRequest } from "./scim/routes.js"

/** A refusal, or the answer to a request no route takes (405, an OPTIONS request's 204). */
type Answered = Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest>

/** Whether the request is a bulk import, whose body is CSV or JSON Lines, streamed and held to its own limit. */
const isImport = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method === "POST" && request.url.split("?")[0] === IMPORT_PATH

/** The API's routes and the query parameters each takes. */
const routes = routesOf(Api)

/** What each path of the API takes, the bulk routes' included. */
const allowed = allowedMethods([...routes, ...BULK_ROUTES])

const encodeMethodNotAllowed = Schema.encodeSync(ApiError.Refusal.MethodNotAllowed)

/** Whether the path of `url`, as far as the router reads it (to `?`, `;` or `#`), is valid percent-encoding. */
const decodable = (url: string): boolean => {
  try {
    decodeURIComponent(url.split(/[?;#]/, 1)[0] ?? "")
    return true
  } catch {
    return false
  }
}

/**
 * The answer to a request the router has no route for: a path that is not valid percent-encoding (which the router
 * cannot read) 400 (but SCIM's, left to SCIM); a path of the API with other methods, 405 with `Allow` (and `OPTIONS`
 * 204 with `Allow`); else 404.
 */
const unrouted = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<HttpServerResponse.HttpServerResponse, ApiError.RouteNotFound | Errors.InvalidInput> => {
  if (!isScimRequest(request) && !decodable(request.url)) {
    return Effect.fail(ApiError.invalidInput("path", "it is not valid percent-encoding"))
  }
  const path = allowed(request.url)
  if (path === undefined) return Effect.fail(new ApiError.RouteNotFound())
  const headers = { allow: path.allow }
  if (request.method === "OPTIONS") return Effect.succeed(HttpServerResponse.empty({ status: 204, headers }))
  const refusal = new ApiError.MethodNotAllowed({ method: request.method, path: path.path, allowed: path.methods })
  return Effect.succeed(HttpServerResponse.unsafeJson(encodeMethodNotAllowed(refusal), { status: 405, headers }))
}

/**
 * Answers every request the API cannot read with the one error shape: a body that is not JSON, too large or too
 * deep, a field of the wrong type or unknown, a query parameter its route does not take, a path that is not valid
 * percent-encoding, a method its path does not take (405, with `Allow`), an unknown route; and caps the size of
 * request bodies (a bulk import's at its own limit, checked by its route as it streams).
 */
export const normalizeRefusals = HttpApiBuilder.middleware(
  Effect.map(
    ServerConfig,
    (config) => (app) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const refused = checkQuery(routes, request.method, request.url)
        if (refused !== undefined) return Effect.fail(refused)
        return isImport(request)
          ? HttpIncomingMessage.withMaxBodySize(app, Option.some(config.maxImportBytes))
          : // SCIM reads its own bodies (application/scim+json) and answers its own errors, in SCIM's shape.
            isScimRequest(request)
            ? app
            : // Only JSON bodies: a form another site posts (urlencoded, multipart, text) never reaches a handler.
              jsonOnly(request)
              ? HttpIncomingMessage.withMaxBodySize(
                  Effect.zipRight(checkBody(request, config.maxBodyBytes), app),
                  Option.some(config.maxBodyBytes)
                )
              : Effect.fail(ApiError.invalidInput("content-type", "the API accepts application/json only"))
      }).pipe(
        Effect.catchAllCause((cause): Answered => {
          const failure: unknown = Option.getOrUndefined(Cause.failureOption(cause))
          if (failure instanceof HttpApiError.HttpApiDecodeError)
            return Effect.fail(ApiError.fromIssues(failure.issues))
          if (HttpServerError.isServerError(failure) && failure._tag === "RouteNotFound") {
            return unrouted(failure.request)
          }
          const defect: unknown = Option.getOrUndefined(Cause.dieOption(cause))
          if (HttpServerError.isServerError(defect) && defect._tag === "RequestError") {
            return Effect.flip(unreadableBody)
          }
          return Effect.failCause(cause)
        }),
        // Outermost: the body checks and the handlers read one request, and it is from the client's address.
        fromClientAddress(config.trustProxy)
      ) as typeof app
  )
)
