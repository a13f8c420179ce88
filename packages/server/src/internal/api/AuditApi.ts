/**
 * The `/audit` endpoint: the recorded changes.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { type Audit, AuditEntry } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { Limit, Offset, Page } from "./fields.js"
import { OPERATION, refusals } from "./refusals.js"

/**
 * The audit list's query.
 *
 * @category schemas
 * @since 0.1.0
 */
export const AuditParams = Schema.Struct({
  actor: Schema.optional(Schema.String),
  target: Schema.optional(Schema.String),
  action: Schema.optional(AuditEntry.AuditAction),
  since: Schema.optional(Schema.String).annotations({ description: "ISO 8601 time" }),
  until: Schema.optional(Schema.String).annotations({ description: "ISO 8601 time" }),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})

/**
 * `/audit`: the recorded changes.
 *
 * @category groups
 * @since 0.1.0
 */
export class AuditApi extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("list", "/audit")
      .setUrlParams(AuditParams)
      .addSuccess(Page(AuditEntry.AuditEntry, "AuditPage"))
      .pipe(refusals<Audit.Audit["Type"]["list"]>()(...OPERATION))
      .annotate(OpenApi.Summary, "List audit entries, newest first")
  )
  .middleware(Authentication) {}
