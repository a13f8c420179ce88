/**
 * What a SCIM request says beyond its path: its bearer token, the base URL its resources' locations start with, its
 * JSON body (within the server's limits), the version its `If-Match` requires, and a list's window, sort and the
 * attributes it shows. Each is read here, once, and refused with the SCIM error RFC 7644 names.
 */
import { HttpIncomingMessage, type HttpServerRequest } from "@effect/platform"
import { type Group, Page, type User } from "@user-manager/core"
import { JsonText } from "@user-manager/formats"
import { Effect, Option, Redacted } from "effect"
import type { Options as ScimOptions } from "../../Scim.js"
import type { ServerConfigShape } from "../../ServerConfig.js"
import { checkBody } from "../requestBody.js"
import { invalidSyntax, invalidValue, ScimError } from "./errors.js"
import { attributeName } from "./filter.js"
import { projection, versionOf } from "./resources.js"

/** Where the SCIM endpoints are served. */
export const SCIM_PATH = "/scim/v2"

/** The media type of SCIM bodies (RFC 7644 §3.1); `application/json` is accepted too. */
export const SCIM_CONTENT_TYPE = "application/scim+json"

const unauthenticated = (detail: string) => new ScimError({ status: 401, detail })

/** The bearer token of a request, or why there is none. */
export const bearer = (request: HttpServerRequest.HttpServerRequest): Redacted.Redacted<string> | ScimError => {
  const header = request.headers.authorization
  if (header === undefined) return unauthenticated("send an API token of scope scim: Authorization: Bearer dtk_…")
  const match = /^Bearer\s+([A-Za-z0-9_-]{16,256})$/i.exec(header.trim())
  if (match?.[1] === undefined) return unauthenticated("the Authorization header is not a bearer token")
  return Redacted.make(match[1])
}

export const baseUrl = (request: HttpServerRequest.HttpServerRequest, options: ScimOptions): string => {
  if (options.baseUrl !== undefined) return options.baseUrl.replace(/\/+$/, "")
  const proto = request.headers["x-forwarded-proto"] === "https" ? "https" : "http"
  return `${proto}://${request.headers.host ?? "localhost"}${options.basePath ?? ""}${SCIM_PATH}`
}

/** A request's JSON body: SCIM's or plain JSON, within the server's size and depth limits. */
export const body = (
  request: HttpServerRequest.HttpServerRequest,
  config: ServerConfigShape
): Effect.Effect<unknown, ScimError> => {
  const type = request.headers["content-type"]
  if (type !== undefined && !/^application\/(scim\+)?json\s*(;|$)/i.test(type)) {
    return Effect.fail(
      new ScimError({
        status: 415,
        detail: `send ${SCIM_CONTENT_TYPE} (or application/json), not ${type.slice(0, 80)}`
      })
    )
  }
  return checkBody(request, config.maxBodyBytes).pipe(
    Effect.zipRight(request.text),
    Effect.flatMap((text) =>
      Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: () => invalidSyntax(`the body is not valid JSON (${JsonText.problem(text) ?? "it cannot be read"})`)
      })
    ),
    HttpIncomingMessage.withMaxBodySize(Option.some(config.maxBodyBytes)),
    Effect.catchAll((error) =>
      Effect.fail(
        error instanceof ScimError
          ? error
          : error._tag === "PayloadTooLarge"
            ? new ScimError({ status: 413, detail: error.message })
            : error._tag === "InvalidInput"
              ? invalidSyntax(error.message)
              : invalidSyntax("the body could not be read, or is larger than the server accepts")
      )
    )
  )
}

/** The version an `If-Match` header requires, if any (`*`: any). */
export const ifMatch = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<number | undefined, ScimError> => {
  const version = versionOf(request.headers["if-match"])
  if (version === -1) return Effect.fail(invalidValue('If-Match names a version as W/"<version>"'))
  return Effect.succeed(version === "*" ? undefined : version)
}

/** `startIndex` and `count` (RFC 7644 §3.4.2.4) as the core's window. */
export const window = (query: URLSearchParams): Effect.Effect<{ startIndex: number; count: number }, ScimError> => {
  const number = (name: string, fallback: number) => {
    const text = query.get(name)
    if (text === null || text === "") return fallback
    const value = Number(text)
    return Number.isInteger(value) ? value : Number.NaN
  }
  const startIndex = number("startIndex", 1)
  const count = number("count", Page.DEFAULT_PAGE_SIZE)
  if (Number.isNaN(startIndex) || Number.isNaN(count))
    return Effect.fail(invalidValue("startIndex and count are integers"))
  // Below 1 is 1 and below 0 is 0 (§3.4.2.4); more than the most is the most.
  return Effect.succeed({
    startIndex: Math.max(1, startIndex),
    count: Math.min(Math.max(0, count), Page.MAX_PAGE_SIZE)
  })
}

export const USER_SORT: Record<string, User.UserSort> = {
  id: "username",
  username: "username",
  "name.givenname": "firstName",
  "name.familyname": "lastName",
  "name.formatted": "fullName",
  displayname: "fullName",
  emails: "email",
  "emails.value": "email",
  active: "enabled",
  "meta.created": "createdAt",
  "meta.lastmodified": "updatedAt"
}

export const GROUP_SORT: Record<string, Group.GroupSort> = {
  id: "gid",
  displayname: "name",
  "meta.created": "createdAt",
  "meta.lastmodified": "updatedAt"
}

export const sorting = <S extends string>(query: URLSearchParams, columns: Record<string, S>, fallback: S) => {
  const by = query.get("sortBy")
  const order = query.get("sortOrder")?.toLowerCase() === "descending" ? ("desc" as const) : ("asc" as const)
  const sort = by === null ? fallback : columns[attributeName(by)]
  return sort === undefined ? Effect.fail(invalidValue(`cannot sort by ${by}`)) : Effect.succeed({ sort, order })
}

/** The `attributes` / `excludedAttributes` of a request's query. */
export const shownOf = (query: URLSearchParams) =>
  projection(query.get("attributes") ?? undefined, query.get("excludedAttributes") ?? undefined, attributeName)
