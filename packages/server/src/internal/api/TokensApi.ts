/**
 * The `/tokens` endpoints: API tokens for machines, made, listed and revoked by administrators.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { ApiToken, type Tokens } from "@user-manager/core"
import { Duration, Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { documented, nameParam, strict } from "./fields.js"
import { refusals } from "./refusals.js"

type Service = Tokens.Tokens["Type"]

/** How long a token lasts when its maker does not say, and at most, in days (the core's). */
const defaultDays = Duration.toDays(ApiToken.DEFAULT_TOKEN_TTL)
const maximumDays = Duration.toDays(ApiToken.MAX_TOKEN_TTL)

/**
 * A new token: its name, scope and, optionally, when it expires (left out: in the core's default; `null`: never). The
 * expiry's default and maximum, in days, are in the document too (`x-defaultDays`, `x-maximumDays`), so that forms
 * generated from it offer them.
 *
 * @category schemas
 * @since 0.2.0
 */
export const CreateTokenBody = strict("CreateTokenBody", {
  name: documented(ApiToken.NewApiToken.fields.name).annotations({
    description: "the client it is for: 1–32 characters, a-z, 0-9, '.', '_', '-'"
  }),
  scope: ApiToken.TokenScope,
  expiresAt: Schema.optional(
    Schema.NullOr(Schema.Date).annotations({
      description: `when it stops working (ISO 8601); left out: in ${defaultDays} days; null: never; at most ${maximumDays} days (5 years) away`,
      jsonSchema: { "x-defaultDays": defaultDays, "x-maximumDays": maximumDays }
    })
  )
})

/**
 * A token just made: its value, shown this once (the server keeps only its hash), and the token as listed.
 *
 * @category schemas
 * @since 0.2.0
 */
export const CreatedToken = Schema.Struct({
  token: Schema.String.annotations({
    description: "the token's value (dtk_…), shown once: send it as 'Authorization: Bearer <token>'"
  }),
  apiToken: ApiToken.ApiToken
}).annotations({ identifier: "CreatedToken" })

/**
 * `/tokens`: make, list and revoke API tokens (administrators signed in as themselves; a read token may list them).
 *
 * @category groups
 * @since 0.2.0
 */
export class TokensApi extends HttpApiGroup.make("tokens")
  .add(
    HttpApiEndpoint.get("list", "/tokens")
      .addSuccess(Schema.Struct({ items: Schema.Array(ApiToken.ApiToken) }).annotations({ identifier: "TokenList" }))
      .pipe(refusals<Service["list"]>()("Unauthenticated", "Forbidden", "StorageError"))
      .annotate(OpenApi.Summary, "List the API tokens, without their values (administrators)")
  )
  .add(
    HttpApiEndpoint.post("create", "/tokens")
      .setPayload(CreateTokenBody)
      .addSuccess(CreatedToken, { status: 201 })
      .pipe(
        refusals<Service["create"]>()("Unauthenticated", "Forbidden", "InvalidInput", "TokenNameTaken", "StorageError")
      )
      .annotate(
        OpenApi.Summary,
        "Make an API token for a named client; its value is in this answer only (administrators signed in as themselves)"
      )
  )
  .add(
    HttpApiEndpoint.del("revoke")`/tokens/${nameParam}`
      .addSuccess(Schema.Void, { status: 204 })
      .pipe(
        refusals<Service["revoke"]>()("Unauthenticated", "Forbidden", "InvalidInput", "TokenNotFound", "StorageError")
      )
      .annotate(OpenApi.Summary, "Revoke an API token: the next request made with it is refused (administrators)")
  )
  .middleware(Authentication) {}
