/**
 * The `/auth` endpoints: sign in and sign out.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { Names, type Sessions, User, type Users } from "@user-manager/core"
import { Schema } from "effect"
import type { checkCsrf } from "../../Auth.js"
import { strict } from "./fields.js"
import { refusals } from "./refusals.js"

/**
 * A sign-in: `session: "cookie"` (the default, for browsers) sets an HttpOnly cookie and answers a CSRF token;
 * `session: "bearer"` (for the CLI and scripts) answers the token itself.
 *
 * @category schemas
 * @since 0.1.0
 */
export const LoginBody = strict("Login", {
  username: Names.SignInUsername,
  password: Schema.String,
  session: Schema.optional(Schema.Literal("cookie", "bearer"))
})

/**
 * The answer to a sign-in.
 *
 * @category schemas
 * @since 0.1.0
 */
export const LoginResult = Schema.Struct({
  user: User.User,
  admin: Schema.Boolean,
  expiresAt: Schema.Date,
  token: Schema.optional(Schema.String).annotations({ description: "bearer sessions only: send as Authorization" }),
  csrfToken: Schema.optional(Schema.String).annotations({
    description: "cookie sessions only: send as X-CSRF-Token on every request that changes something"
  })
}).annotations({ identifier: "LoginResult" })

type Service = Sessions.Sessions["Type"]

/**
 * `/auth`: sign in and sign out.
 *
 * @category groups
 * @since 0.1.0
 */
export class AuthApi extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginBody)
      .addSuccess(LoginResult)
      .pipe(
        refusals<Service["login"] | Users.Users["Type"]["whoAmI"]>()(
          "Unauthenticated",
          "Forbidden",
          "InvalidInput",
          "StorageError",
          "TooManyAttempts"
        )
      )
      .annotate(OpenApi.Summary, "Sign in: a session cookie (browsers) or a bearer token (CLI)")
  )
  .add(
    HttpApiEndpoint.post("logout", "/auth/logout")
      .pipe(refusals<Service["logout"] | typeof checkCsrf>()("StorageError", "CsrfTokenInvalid"))
      .annotate(OpenApi.Summary, "Sign out: end the session")
  ) {}
