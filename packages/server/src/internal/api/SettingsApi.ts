/**
 * The `/config` endpoints: the directory-wide settings stored with the directory.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { Settings } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { DryRun, strict } from "./fields.js"
import { refusals } from "./refusals.js"

type Service = Settings.Settings["Type"]

/**
 * The directory's settings: the admin group, the GID range the allocator hands out, and the minimum password length.
 *
 * @category schemas
 * @since 0.1.0
 */
export const DirectorySettings = Schema.Struct({
  adminGroup: Schema.String,
  gidMin: Schema.Int,
  gidMax: Schema.Int,
  minPasswordLength: Schema.Int
}).annotations({ identifier: "DirectorySettings" })

/**
 * A change of settings: those to change, each left out staying as it is.
 *
 * @category schemas
 * @since 0.1.0
 */
export const SettingsBody = strict("SettingsChange", {
  adminGroup: Schema.optional(Schema.String),
  // The core's, so that a value that is not a whole number is refused in the core's sentence naming the bounds.
  gidMin: Settings.SettingsChange.fields.gidMin,
  gidMax: Settings.SettingsChange.fields.gidMax,
  minPasswordLength: Settings.SettingsChange.fields.minPasswordLength
})

/**
 * `/config`: read and change the directory's settings (administrators).
 *
 * @category groups
 * @since 0.1.0
 */
export class SettingsApi extends HttpApiGroup.make("settings")
  .add(
    HttpApiEndpoint.get("get", "/config")
      .addSuccess(DirectorySettings)
      .pipe(refusals<Service["get"]>()("Unauthenticated", "Forbidden", "StorageError"))
      .annotate(OpenApi.Summary, "Read the directory's settings (administrators)")
  )
  .add(
    HttpApiEndpoint.put("set", "/config")
      .setPayload(SettingsBody)
      .setUrlParams(DryRun)
      .addSuccess(DirectorySettings)
      .pipe(refusals<Service["set"]>()("Unauthenticated", "Forbidden", "InvalidInput", "GroupNotFound", "StorageError"))
      .annotate(
        OpenApi.Summary,
        "Change some of the directory's settings, checked together and audited (administrators; dryRun supported)"
      )
  )
  .middleware(Authentication) {}
