/**
 * How a request's actor is found: the session cookie or bearer token, the CSRF header, and the middleware that
 * provides the actor to the handlers.
 */

import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import type { Actor } from "@user-manager/core/Actor"
import { Context, Schema } from "effect"
import * as ApiError from "../../ApiError.js"

/**
 * The name of the session cookie (HttpOnly, SameSite=Strict) that a cookie sign-in sets.
 *
 * @category constants
 * @since 0.1.0
 */
export const SESSION_COOKIE = "dt_session"

/**
 * The header that carries the CSRF token on cookie requests that change something.
 *
 * @category constants
 * @since 0.1.0
 */
export const CSRF_HEADER = "x-csrf-token"

/**
 * The actor of the current request, as the `Authentication` middleware found it.
 *
 * @category services
 * @since 0.1.0
 */
export class CurrentActor extends Context.Tag("@user-manager/server/CurrentActor")<CurrentActor, Actor>() {}

/**
 * Finds the actor of each request. The built-in implementation (`Auth.sessions`) reads a session cookie or a bearer
 * token; a host application supplies its own layer to use its own authentication.
 *
 * @category middleware
 * @since 0.1.0
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@user-manager/server/Authentication", {
  provides: CurrentActor,
  failure: Schema.Union(ApiError.Refusal.Unauthenticated, ApiError.Refusal.CsrfTokenInvalid)
}) {}
