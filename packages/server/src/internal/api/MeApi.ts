/**
 * The `/me` endpoints: who is asking, and changing one's own password.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { User, type Users } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { strict } from "./fields.js"
import { refusals } from "./refusals.js"

type Service = Users.Users["Type"]

/**
 * Who is asking, and whether it is an administrator.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Me = Schema.Struct({ user: User.User, admin: Schema.Boolean }).annotations({ identifier: "Me" })

/**
 * The actor's own password change: the current password and the new one.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ChangePasswordBody = strict("ChangePassword", { current: Schema.String, next: Schema.String })

/**
 * `/me`: who is asking, and changing one's own password.
 *
 * @category groups
 * @since 0.1.0
 */
export class MeApi extends HttpApiGroup.make("me")
  .add(
    HttpApiEndpoint.get("me", "/me")
      .addSuccess(Me)
      .pipe(refusals<Service["whoAmI"]>()("Unauthenticated", "Forbidden", "StorageError"))
      .annotate(OpenApi.Summary, "Who am I, and am I an administrator")
  )
  .add(
    HttpApiEndpoint.put("changePassword", "/me/password")
      .setPayload(ChangePasswordBody)
      .pipe(
        refusals<Service["changePassword"]>()(
          "Unauthenticated",
          "Forbidden",
          "InvalidInput",
          "StorageError",
          "SystemUserImmutable",
          "ConcurrentModification",
          "TooManyAttempts"
        )
      )
      .annotate(OpenApi.Summary, "Change one's own password (the current one is required); ends every session")
  )
  .middleware(Authentication) {}
