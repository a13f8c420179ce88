/**
 * What every SCIM handler shares: the call it is given, the answer it gives (a failure answered as a SCIM error), the
 * versions a request names, and the window, sort and filter of a list request.
 */
import { type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { Actor, Groups, Provisioning, Tokens, Users } from "@user-manager/core"
import { Cause, Effect, Option } from "effect"
import type { Options as ScimOptions } from "../../Scim.js"
import type { ServerConfigShape } from "../../ServerConfig.js"
import { errorBody, fromCore, invalidFilter, ScimError } from "./errors.js"
import { SCIM_CONTENT_TYPE, shownOf, sorting, window } from "./request.js"
import { etag, LIST_SCHEMA, type Projection, versionOf } from "./resources.js"

/** An answer: its status, body and headers. */
export interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

/** The core's services and the server's settings the handlers run on. */
export interface Services {
  readonly users: Users.Users["Type"]
  readonly groups: Groups.Groups["Type"]
  readonly provisioning: Provisioning.Provisioning["Type"]
  readonly tokens: Tokens.Tokens["Type"]
  readonly config: ServerConfigShape
  readonly options: ScimOptions
}

/** What each handler is given: the services, the request, its actor, its base URL and its path parameters. */
export interface Call {
  readonly request: HttpServerRequest.HttpServerRequest
  readonly actor: Actor.Actor
  readonly base: string
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
}

const CONTENT_TYPE = `${SCIM_CONTENT_TYPE}; charset=utf-8`

/** An answer as the HTTP response: its body in `application/scim+json`. */
export const respond = (answer: Answer) =>
  answer.body === undefined
    ? HttpServerResponse.empty({ status: answer.status, headers: answer.headers ?? {} })
    : HttpServerResponse.text(JSON.stringify(answer.body), {
        status: answer.status,
        contentType: CONTENT_TYPE,
        headers: answer.headers ?? {}
      })

/** A core refusal, a SCIM error or a defect, answered as a SCIM error. */
export const failure = (cause: Cause.Cause<unknown>) => {
  const error = Option.getOrUndefined(Cause.failureOption(cause))
  const scim = error instanceof ScimError ? error : fromCore(error)
  if (scim !== undefined) {
    const headers: Record<string, string> =
      scim.status === 401 ? { "www-authenticate": 'Bearer realm="scim", error="invalid_token"' } : {}
    return Effect.succeed(respond({ status: scim.status, body: errorBody(scim), headers }))
  }
  return Effect.as(
    Effect.logError("SCIM request failed", cause),
    respond({ status: 500, body: errorBody(new ScimError({ status: 500, detail: "The server failed." })) })
  )
}

/** A parsed value, or its parser's SCIM error as the failure. */
export const failWith = <A>(value: A | ScimError): Effect.Effect<A, ScimError> =>
  value instanceof ScimError ? Effect.fail(value) : Effect.succeed(value)

/** 412 when a resource read for a removal is not at the version `If-Match` names. */
export const checkVersion = (expected: number | undefined, version: number) =>
  expected === undefined || expected === version
    ? Effect.void
    : Effect.fail(
        new ScimError({ status: 412, detail: `the resource is at version ${version}, not ${expected} (If-Match)` })
      )

/** A page of resources as a SCIM ListResponse. */
export const listAnswer = (items: ReadonlyArray<unknown>, total: number, startIndex: number): Answer => ({
  status: 200,
  body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: items.length, Resources: items }
})

/** A resource as the answer: shown as the request asks, with its ETag, and where it is when it was just created. */
export const resourceAnswer = (
  resource: Record<string, unknown>,
  shown: Projection,
  version: number,
  status: number
): Answer => ({
  status,
  body: shown.apply(resource),
  headers: {
    etag: etag(version),
    ...(status === 201 ? { location: String((resource.meta as { location: string }).location) } : {})
  }
})

/** 304 when the client holds this version already (`If-None-Match`). */
export const notModified = (call: Call, version: number): Answer | undefined =>
  versionOf(call.request.headers["if-none-match"]) === version
    ? { status: 304, headers: { etag: etag(version) } }
    : undefined

/** A list request's window, sort, filter (as the core's) and projection. */
export const listRequest = <S extends string, F>(
  call: Call,
  columns: Record<string, S>,
  fallback: S,
  parse: (text: string) => F | ScimError
) =>
  Effect.gen(function* () {
    const { startIndex, count } = yield* window(call.query)
    const { sort, order } = yield* sorting(call.query, columns, fallback)
    const filterText = call.query.get("filter")
    const where = filterText === null || filterText === "" ? undefined : yield* failWith(parse(filterText))
    const query = {
      sort,
      order,
      limit: Math.max(1, count),
      offset: startIndex - 1,
      ...(where === undefined ? {} : { where })
    }
    return { startIndex, count, query, shown: shownOf(call.query) }
  })

/** A filter the core refuses (an operator its field does not take) is the request's filter's fault. */
export const filterRefused = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (error) =>
      (error as { _tag?: string; field?: string })._tag === "InvalidInput" &&
      /^where/.test(String((error as { field?: string }).field)),
    (error) => Effect.fail(invalidFilter((error as unknown as Error).message))
  )
