/**
 * The middleware that answers every request the API cannot read with the one error shape.
 */
import { HttpApiBuilder, HttpApiError, HttpIncomingMessage, HttpServerError, HttpServerRequest } from "@effect/platform"
import { Cause, Effect, Option } from "effect"
import { Api } from "../Api.js"
import * as ApiError from "../ApiError.js"
import { ServerConfig } from "../ServerConfig.js"
import { IMPORT_PATH } from "./bulkPaths.js"
import { fromClientAddress } from "./peerAddress.js"
import { checkQuery, routesOf } from "./queryParameters.js"
import { checkBody, jsonOnly, unreadableBody } from "./requestBody.js"
import { isScimRequest } from "./scim/routes.js"

/** Whether the request is a bulk import, whose body is CSV or JSON Lines, streamed and held to its own limit. */
const isImport = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method === "POST" && request.url.split("?")[0] === IMPORT_PATH

/** The API's routes and the query parameters each takes. */
const routes = routesOf(Api)

/**
 * Answers every request the API cannot read with the one error shape: a body that is not JSON, too large or too
 * deep, a field of the wrong type or unknown, a query parameter its route does not take, an unknown route; and caps
 * the size of request bodies (a bulk import's at its own limit, checked by its route as it streams).
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
        Effect.catchAllCause((cause): Effect.Effect<never, unknown, HttpServerRequest.HttpServerRequest> => {
          const failure: unknown = Option.getOrUndefined(Cause.failureOption(cause))
          if (failure instanceof HttpApiError.HttpApiDecodeError)
            return Effect.fail(ApiError.fromIssues(failure.issues))
          if (HttpServerError.isServerError(failure) && failure._tag === "RouteNotFound") {
            return Effect.fail(new ApiError.RouteNotFound())
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
