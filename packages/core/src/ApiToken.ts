/**
 * API tokens: long-lived bearer credentials an administrator makes for a machine (an identity provider's SCIM client,
 * a backup job). A token is its own kind of actor, not a user: it acts with the rights its scope gives, its changes are
 * audited as `token:NAME`, and it never signs in, holds a password or manages other tokens.
 *
 * @since 0.2.0
 */
import { Duration, Redacted, Schema } from "effect"
import { TokenName } from "./Names.js"

/**
 * What every token's value starts with, so that secret scanners recognise a leaked one and a server tells it from a
 * session token without a lookup.
 *
 * @category constants
 * @since 0.2.0
 */
export const TOKEN_PREFIX = "dtk_"

/**
 * Whether `token` has the form of an API token (its prefix): how a server tells it from a session token, both sent as
 * `Authorization: Bearer`.
 *
 * @category predicates
 * @since 0.2.0
 */
export const isApiToken = (token: Redacted.Redacted<string>): boolean => Redacted.value(token).startsWith(TOKEN_PREFIX)

/**
 * How long a token lasts when its maker does not say: 90 days.
 *
 * @category constants
 * @since 0.2.0
 */
export const DEFAULT_TOKEN_TTL: Duration.Duration = Duration.days(90)

/**
 * The longest a token may last: 5 years (a token that never expires is asked for with `expiresAt: null`).
 *
 * @category constants
 * @since 0.2.0
 */
export const MAX_TOKEN_TTL: Duration.Duration = Duration.days(5 * 365)

/**
 * What a token may do: `api`, what an administrator may do, through the HTTP API (and the SDK); `scim`, the same
 * through the SCIM endpoints only; `read`, only read (lists, records, the audit trail), through the HTTP API.
 *
 * @category schemas
 * @since 0.2.0
 */
export const TokenScope = Schema.Literal("api", "scim", "read").annotations({
  identifier: "TokenScope",
  description:
    "api: what an administrator may do, through the HTTP API; scim: the same, through /scim/v2 only; read: reads only"
})

/**
 * @category models
 * @since 0.2.0
 */
export type TokenScope = typeof TokenScope.Type

/**
 * A token as listed: everything but its value, which is shown once when it is made and never stored.
 *
 * @category schemas
 * @since 0.2.0
 */
export class ApiToken extends Schema.Class<ApiToken>("ApiToken")({
  name: TokenName,
  scope: TokenScope,
  /** The administrator who made it. */
  createdBy: Schema.String,
  createdAt: Schema.Date,
  /** When it stops working; `null`: never. */
  expiresAt: Schema.NullOr(Schema.Date),
  /** When it was last used, to the minute; `null`: never. */
  lastUsedAt: Schema.NullOr(Schema.Date)
}) {}

/**
 * What a new token is made with: its name and scope, and when it expires (left out: in `DEFAULT_TOKEN_TTL`; `null`:
 * never).
 *
 * @category schemas
 * @since 0.2.0
 */
export const NewApiToken = Schema.Struct({
  name: TokenName,
  scope: TokenScope,
  expiresAt: Schema.optional(Schema.NullOr(Schema.DateFromSelf))
})

/**
 * @category models
 * @since 0.2.0
 */
export type NewApiToken = typeof NewApiToken.Encoded

/**
 * The audit trail's name for a token's actions: `token:NAME` (a colon is in no username).
 *
 * @category naming
 * @since 0.2.0
 */
export const auditName = (name: string): string => `token:${name}`
