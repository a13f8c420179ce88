/**
 * The one JSON shape of every refusal (`_tag`, `message` and the refusal's data fields), one class per HTTP status,
 * and the mapping from the core's tagged errors to them.
 *
 * @since 0.1.0
 */

import { HttpApiSchema } from "@effect/platform"
import type { Errors } from "@user-manager/core"
import { Schema } from "effect"

const fields = {
  _tag: Schema.String.annotations({ description: "Which rule refused the request, e.g. UserNotFound" }),
  message: Schema.String.annotations({ description: "What went wrong, for a person" }),
  username: Schema.optional(Schema.String),
  usernames: Schema.optional(Schema.Array(Schema.String)),
  name: Schema.optional(Schema.String),
  names: Schema.optional(Schema.Array(Schema.String)),
  email: Schema.optional(Schema.String),
  group: Schema.optional(Schema.NullOr(Schema.String)),
  gid: Schema.optional(Schema.Number),
  min: Schema.optional(Schema.Number),
  max: Schema.optional(Schema.Number),
  reserved: Schema.optional(Schema.Array(Schema.Number)),
  actor: Schema.optional(Schema.String),
  action: Schema.optional(Schema.String),
  reason: Schema.optional(Schema.String),
  field: Schema.optional(Schema.String),
  kind: Schema.optional(Schema.String),
  expectedVersion: Schema.optional(Schema.Number),
  actualVersion: Schema.optional(Schema.Number),
  retryAfterSeconds: Schema.optional(Schema.Number)
}

/** The fields of a refusal with its status, which also tells the classes apart when the API encodes one. */
const withStatus = <S extends number>(status: S) => ({
  ...fields,
  status: Schema.Literal(status).pipe(
    Schema.propertySignature,
    Schema.withConstructorDefault(() => status)
  )
})

/**
 * The body of every refusal, whatever its status.
 *
 * @category models
 * @since 0.1.0
 */
export type ErrorBody = Schema.Struct.Type<typeof fields>

/**
 * 400: the request is malformed or an input breaks a field's rule (`InvalidInput`).
 *
 * @category errors
 * @since 0.1.0
 */
export class BadRequest extends Schema.Class<BadRequest>("BadRequest")(
  withStatus(400),
  HttpApiSchema.annotations({ status: 400, description: "Invalid input" })
) {}

/**
 * 401: nobody is signed in, or the session expired or was revoked (`Unauthenticated`).
 *
 * @category errors
 * @since 0.1.0
 */
export class Unauthorized extends Schema.Class<Unauthorized>("Unauthorized")(
  withStatus(401),
  HttpApiSchema.annotations({ status: 401, description: "Sign in first" })
) {}

/**
 * 403: the actor may not do this (`Forbidden`), or a cookie request lacks its CSRF token (`CsrfTokenInvalid`).
 *
 * @category errors
 * @since 0.1.0
 */
export class Forbidden extends Schema.Class<Forbidden>("Forbidden")(
  withStatus(403),
  HttpApiSchema.annotations({ status: 403, description: "Not allowed" })
) {}

/**
 * 404: no such user or group.
 *
 * @category errors
 * @since 0.1.0
 */
export class NotFound extends Schema.Class<NotFound>("NotFound")(
  withStatus(404),
  HttpApiSchema.annotations({ status: 404, description: "No such user or group" })
) {}

/**
 * 409: a rule of the domain refused the change, or a name, email or GID is taken.
 *
 * @category errors
 * @since 0.1.0
 */
export class Conflict extends Schema.Class<Conflict>("Conflict")(
  withStatus(409),
  HttpApiSchema.annotations({ status: 409, description: "Refused by a rule, or already taken" })
) {}

/**
 * 412: the record changed since the version named by `If-Match` (`ConcurrentModification`).
 *
 * @category errors
 * @since 0.1.0
 */
export class PreconditionFailed extends Schema.Class<PreconditionFailed>("PreconditionFailed")(
  withStatus(412),
  HttpApiSchema.annotations({ status: 412, description: "Stale version" })
) {}

/**
 * 413: the request body is larger than the server accepts.
 *
 * @category errors
 * @since 0.1.0
 */
export class PayloadTooLarge extends Schema.Class<PayloadTooLarge>("PayloadTooLarge")(
  withStatus(413),
  HttpApiSchema.annotations({ status: 413, description: "Request body too large" })
) {}

/**
 * 429: too many failed sign-ins for this username or from this address (`TooManyAttempts`).
 *
 * @category errors
 * @since 0.1.0
 */
export class TooManyRequests extends Schema.Class<TooManyRequests>("TooManyRequests")(
  withStatus(429),
  HttpApiSchema.annotations({ status: 429, description: "Too many failed sign-ins" })
) {}

/**
 * 503: the store failed for a reason outside the domain (`StorageError`); its details go to the log only.
 *
 * @category errors
 * @since 0.1.0
 */
export class Unavailable extends Schema.Class<Unavailable>("Unavailable")(
  withStatus(503),
  HttpApiSchema.annotations({ status: 503, description: "The user store failed" })
) {}

/**
 * Any refusal the API answers with.
 *
 * @category errors
 * @since 0.1.0
 */
export type ApiError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | PreconditionFailed
  | PayloadTooLarge
  | TooManyRequests
  | Unavailable

/**
 * Every refusal class, for the API definition.
 *
 * @category errors
 * @since 0.1.0
 */
export const all = [
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  Conflict,
  PreconditionFailed,
  PayloadTooLarge,
  TooManyRequests,
  Unavailable
] as const

type Status = 400 | 401 | 403 | 404 | 409 | 412 | 429

const statusOf: Record<Errors.DomainError["_tag"], Status> = {
  InvalidInput: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  UserNotFound: 404,
  GroupNotFound: 404,
  UsernameTaken: 409,
  EmailTaken: 409,
  GroupNameTaken: 409,
  GidTaken: 409,
  GidOutOfRange: 409,
  GidRangeExhausted: 409,
  SystemUserImmutable: 409,
  GroupMembershipRequired: 409,
  NotAMember: 409,
  LastAdmin: 409,
  SelfLockout: 409,
  ProtectedGroup: 409,
  ConcurrentModification: 412,
  TooManyAttempts: 429
}

const classOf = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  409: Conflict,
  412: PreconditionFailed,
  429: TooManyRequests
} as const

const dataKeys = Object.keys(fields).filter((key) => key !== "_tag" && key !== "message")

/**
 * The refusal for a domain error: its status by kind, its `_tag`, its message, and its data fields.
 *
 * @category mapping
 * @since 0.1.0
 */
export const fromDomain = (error: Errors.DomainError): ApiError => {
  // Only the error's own fields: never `name`, `stack` or `cause`.
  const data: Record<string, unknown> = {}
  for (const key of Object.keys(error)) {
    if (dataKeys.includes(key)) data[key] = (error as unknown as Record<string, unknown>)[key]
  }
  const Class = classOf[statusOf[error._tag]] as typeof BadRequest
  return new Class({ ...data, _tag: error._tag, message: error.message })
}

/**
 * A 400 for a request the API cannot read (malformed JSON, a field of the wrong type, an unknown field).
 *
 * @category constructors
 * @since 0.1.0
 */
export const invalidInput = (field: string, reason: string): BadRequest =>
  new BadRequest({
    _tag: "InvalidInput",
    message: field === "" ? `Invalid input: ${reason}.` : `Invalid ${field}: ${reason}.`,
    field,
    reason
  })
