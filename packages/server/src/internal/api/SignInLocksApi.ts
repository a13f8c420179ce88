/**
 * The `/sign-in-locks` endpoint: the sign-ins the throttle refuses now.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import type { SignInThrottle } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { refusals } from "./refusals.js"

/**
 * A sign-in the throttle refuses now, and until when: a username from an address (`user-address`), an address for
 * anyone (`address`), or a username's delay, which only addresses that are themselves failing wait for (`user-delay`).
 *
 * @category schemas
 * @since 0.1.0
 */
export const SignInLock = Schema.Struct({
  kind: Schema.Literal("user-address", "address", "user-delay"),
  username: Schema.NullOr(Schema.String),
  address: Schema.NullOr(Schema.String),
  failures: Schema.Int,
  until: Schema.Date
}).annotations({ identifier: "SignInLock" })

/**
 * `/sign-in-locks`: the sign-ins the throttle refuses now.
 *
 * @category groups
 * @since 0.1.0
 */
export class SignInLocksApi extends HttpApiGroup.make("signInLocks")
  .add(
    HttpApiEndpoint.get("list", "/sign-in-locks")
      .addSuccess(Schema.Struct({ items: Schema.Array(SignInLock) }).annotations({ identifier: "SignInLocks" }))
      .pipe(refusals<SignInThrottle.SignInThrottle["Type"]["locks"]>()("Unauthenticated", "Forbidden", "StorageError"))
      .annotate(OpenApi.Summary, "List the sign-ins refused now, latest failure first (administrators)")
  )
  .middleware(Authentication) {}
