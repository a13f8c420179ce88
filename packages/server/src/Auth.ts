/**
 * Who is asking: the built-in sessions (an HttpOnly cookie for browsers, a bearer token for the CLI), the CSRF check
 * of cookie requests, the sign-in throttle, and a way for host applications to supply the actor themselves.
 *
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { HttpServerRequest } from "@effect/platform"
import { Actor, Errors, Sessions, Tokens } from "@user-manager/core"
import { Effect, Layer, Option, Redacted } from "effect"
import { Authentication, CSRF_HEADER, SESSION_COOKIE } from "./Api.js"
import * as ApiError from "./ApiError.js"

/**
 * The cookie that carries the CSRF token to the page's scripts (not HttpOnly, SameSite=Strict), set with the session.
 *
 * @category csrf
 * @since 0.1.0
 */
export const CSRF_COOKIE = "dt_csrf"

export {
  /** The header that carries the CSRF token on cookie requests that change something. */
  CSRF_HEADER,
  /** The name of the session cookie. */
  SESSION_COOKIE
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * The CSRF token of a session: derived from its token, so that only the holder of the session can know it, and a
 * page of another site (which can make the browser send the cookie, never read it) cannot.
 *
 * @category csrf
 * @since 0.1.0
 */
export const csrfToken = (token: Redacted.Redacted<string>): string =>
  createHash("sha256")
    .update(`dt-csrf\u0000${Redacted.value(token)}`)
    .digest("base64url")

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Refuses (403 `CsrfTokenInvalid`) a cookie request that changes something without the session's CSRF token; the
 * comparison takes the same time wherever the tokens differ.
 *
 * @category csrf
 * @since 0.1.0
 */
export const checkCsrf = (
  request: HttpServerRequest.HttpServerRequest,
  token: Redacted.Redacted<string>
): Effect.Effect<void, ApiError.CsrfTokenInvalid> => {
  const header = request.headers[CSRF_HEADER]
  if (SAFE_METHODS.has(request.method) || (header !== undefined && sameText(header, csrfToken(token)))) {
    return Effect.void
  }
  return Effect.fail(new ApiError.CsrfTokenInvalid({ header: CSRF_HEADER }))
}

/**
 * Where the session token of a request is: the `Authorization: Bearer` header, the session cookie, or nowhere.
 *
 * @category models
 * @since 0.1.0
 */
export type Credential =
  | { readonly kind: "bearer"; readonly token: Redacted.Redacted<string> }
  | { readonly kind: "cookie"; readonly token: Redacted.Redacted<string> }
  | { readonly kind: "none" }
  | { readonly kind: "malformed"; readonly reason: string }

/**
 * Reads the session token of a request.
 *
 * @category sessions
 * @since 0.1.0
 */
export const credential = (request: HttpServerRequest.HttpServerRequest): Credential => {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    // The scheme's name is case-insensitive (RFC 9110, 11.1).
    const [, scheme = "", token = ""] = /^(\S+)\s+(\S*)$/.exec(authorization.trim()) ?? []
    if (scheme.toLowerCase() !== "bearer") {
      return { kind: "malformed", reason: "the Authorization header is not a bearer token" }
    }
    return /^[A-Za-z0-9_-]{16,128}$/.test(token)
      ? { kind: "bearer", token: Redacted.make(token) }
      : { kind: "malformed", reason: "the bearer token is not one this server gives out" }
  }
  const cookie = request.cookies[SESSION_COOKIE]
  if (cookie !== undefined && cookie !== "") return { kind: "cookie", token: Redacted.make(cookie) }
  return { kind: "none" }
}

/**
 * The built-in authentication: a bearer token names a session or an API token (`dtk_…`), a session cookie a session; a
 * cookie request that changes
 * something must carry the session's CSRF token; a request with neither runs as the anonymous actor (and the core
 * refuses what needs a user). The session itself is checked by the operation the request runs, in its transaction
 * (`Sessions.actor`): an ended or unknown one is refused there with 401 `Unauthenticated`.
 *
 * @category layers
 * @since 0.1.0
 */
export const sessions: Layer.Layer<Authentication, never, Tokens.Tokens> = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const tokens = yield* Tokens.Tokens
    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const found = credential(request)
      switch (found.kind) {
        case "none":
          return Actor.anonymous
        case "malformed":
          return yield* new Errors.Unauthenticated({ reason: found.reason })
        case "cookie":
          yield* checkCsrf(request, found.token)
          return Sessions.actor(found.token)
      }
      // A bearer API token's last use is recorded (at most once a minute); a failure to record it fails no request.
      yield* Effect.ignore(tokens.noteUse(found.token))
      return Sessions.actor(found.token)
    })
  })
)

/**
 * Authentication by the host application: `resolve` reads the request (its own cookie, header or session) and names
 * the actor; the core then decides what that actor may do.
 *
 * @category layers
 * @since 0.1.0
 */
export const fromRequest = (
  resolve: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Actor.Actor>
): Layer.Layer<Authentication> =>
  Layer.succeed(Authentication, Effect.flatMap(HttpServerRequest.HttpServerRequest, resolve))

/**
 * The address a request came from, for the sign-in throttle: the client's, as the API sets it on every request
 * (`ClientAddress`: the connection's other end, or, behind proxies the server trusts, the client they name).
 *
 * @category sessions
 * @since 0.1.0
 */
export const remoteAddress = (request: HttpServerRequest.HttpServerRequest): string =>
  Option.getOrElse(request.remoteAddress, () => "unknown")
