/**
 * The API's refusals: the HTTP status of each of the core's errors (the one table where they meet HTTP), the few
 * errors only the HTTP layer gives, and the one JSON shape of all of them, `{ _tag, message, status, ...data }`, which
 * decodes back into the same error classes (the CLI's remote mode gets the core's own errors).
 *
 * @since 0.1.0
 */

import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { Errors } from "@user-manager/core"
import { Schema } from "effect"
import { listed } from "./internal/listed.js"

/**
 * 403: a request signed in with the session cookie changes something without the session's CSRF token.
 *
 * @category errors
 * @since 0.1.0
 */
export class CsrfTokenInvalid extends Schema.TaggedError<CsrfTokenInvalid>()("CsrfTokenInvalid", {
  /** The header that must carry the token. */
  header: Schema.String
}) {
  override get message(): string {
    return `A request signed in with the session cookie must send the ${this.header} header given at sign-in.`
  }
}

/**
 * 404: no route has this path and method.
 *
 * @category errors
 * @since 0.1.0
 */
export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()("RouteNotFound", {}) {
  override get message(): string {
    return "There is no such resource or method."
  }
}

/**
 * 405: the path is the API's, but not with this method; `allowed` are the methods it takes (the answer's `Allow` header
 * names them too, with HEAD where it takes GET, and OPTIONS).
 *
 * @category errors
 * @since 0.2.0
 */
export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()("MethodNotAllowed", {
  method: Schema.String,
  /** The path as the API documents it: `/api/v1/users/{username}`. */
  path: Schema.String,
  allowed: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.method} is not allowed on ${this.path}; it takes ${listed(this.allowed)}.`
  }
}

/**
 * 413: the request body is larger than the server accepts (`max` bytes).
 *
 * @category errors
 * @since 0.1.0
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  max: Schema.Number
}) {
  override get message(): string {
    return `The request body is larger than the server accepts (${this.max} bytes).`
  }
}

/**
 * The HTTP status of every refusal: the core's errors by their kind (400 invalid input, 401, 403, 404, 409 a rule or a
 * taken name, 412 a stale version, 429 too many sign-ins, 503 the store) and the HTTP layer's own (404 no such route, 405 a
 * method the path does not take, 413).
 *
 * @category errors
 * @since 0.1.0
 */
export const STATUS = {
  InvalidInput: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  CsrfTokenInvalid: 403,
  UserNotFound: 404,
  GroupNotFound: 404,
  TokenNotFound: 404,
  RouteNotFound: 404,
  MethodNotAllowed: 405,
  UsernameTaken: 409,
  EmailTaken: 409,
  GroupNameTaken: 409,
  TokenNameTaken: 409,
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
  PayloadTooLarge: 413,
  TooManyAttempts: 429,
  StorageError: 503
} as const satisfies Record<
  | Errors.DomainError["_tag"]
  | "StorageError"
  | "CsrfTokenInvalid"
  | "RouteNotFound"
  | "MethodNotAllowed"
  | "PayloadTooLarge",
  number
>

/** A tagged error class whose fields are its data. */
type ErrorClass<A, I, Tag extends keyof typeof STATUS> = Schema.Schema<A, I> & {
  readonly _tag: Tag
  readonly fields: Schema.Struct.Fields
  new (fields: never, options: { readonly disableValidation: true }): A
}

/**
 * A refusal on the wire: the error's `_tag` and data fields, its `message` and its `status`; decoded, the error itself
 * (whose message is its own again: the one sent is for people and other clients).
 */
const wire = <A extends { readonly message: string }, I, Tag extends keyof typeof STATUS>(
  Class: ErrorClass<A, I, Tag>,
  description: string
): Schema.Schema<A, I & { readonly message: string; readonly status: (typeof STATUS)[Tag] }> => {
  const status = STATUS[Class._tag]
  const keys = Object.keys(Class.fields)
  const schema = Schema.transform(
    Schema.Struct({ ...Class.fields, message: Schema.String, status: Schema.Literal(status) }),
    Schema.typeSchema(Class),
    {
      strict: false,
      decode: ({ message: _, status: __, ...fields }) => new Class(fields as never, { disableValidation: true }),
      // Only the error's own fields: never `name`, `stack` or `cause`.
      encode: (error) => ({
        ...Object.fromEntries(keys.map((key) => [key, (error as Record<string, unknown>)[key]])),
        message: error.message,
        status
      })
    }
  )
  return schema.annotations({
    identifier: Class._tag,
    description,
    ...HttpApiSchema.annotations({ status })
  }) as unknown as Schema.Schema<A, I & { readonly message: string; readonly status: (typeof STATUS)[Tag] }>
}

/**
 * A store failure on the wire: only that the store is unavailable (its reason goes to the server's log); decoded, a
 * `StorageError` that says the server failed.
 */
const storageError: Schema.Schema<
  Errors.StorageError,
  { readonly _tag: "StorageError"; readonly message: string; readonly status: 503 }
> = Schema.transform(
  Schema.Struct({ _tag: Schema.Literal("StorageError"), message: Schema.String, status: Schema.Literal(503) }),
  Schema.typeSchema(Errors.StorageError),
  {
    strict: true,
    decode: ({ message }) => new Errors.StorageError({ reason: `the server failed: ${message.replace(/\.$/, "")}` }),
    encode: () => ({ _tag: "StorageError" as const, message: "The user store is unavailable.", status: 503 as const })
  }
).annotations({
  identifier: "StorageError",
  description: "The user store failed (its details are in the server's log)",
  ...HttpApiSchema.annotations({ status: 503 })
})

/**
 * The wire form of each refusal, by its `_tag`, for the API definition (`.addError`).
 *
 * @category errors
 * @since 0.1.0
 */
export const Refusal = {
  UserNotFound: wire(Errors.UserNotFound, "No user has this username"),
  GroupNotFound: wire(Errors.GroupNotFound, "No group has this name"),
  UsernameTaken: wire(Errors.UsernameTaken, "Another user has this username"),
  EmailTaken: wire(Errors.EmailTaken, "Another user has this email address"),
  GroupNameTaken: wire(Errors.GroupNameTaken, "Another group has this name"),
  TokenNameTaken: wire(Errors.TokenNameTaken, "Another API token has this name"),
  TokenNotFound: wire(Errors.TokenNotFound, "No API token has this name"),
  GidTaken: wire(Errors.GidTaken, "The GID is, or was, another group's"),
  GidOutOfRange: wire(Errors.GidOutOfRange, "The GID is outside the range or reserved"),
  GidRangeExhausted: wire(Errors.GidRangeExhausted, "Every GID of the range has been handed out"),
  SystemUserImmutable: wire(Errors.SystemUserImmutable, "System users cannot be changed"),
  GroupMembershipRequired: wire(Errors.GroupMembershipRequired, "The change would leave users without a group"),
  NotAMember: wire(Errors.NotAMember, "The users are not members of the group"),
  LastAdmin: wire(Errors.LastAdmin, "The admin group must keep an enabled member"),
  SelfLockout: wire(Errors.SelfLockout, "The actor cannot disable, delete or demote itself"),
  ProtectedGroup: wire(Errors.ProtectedGroup, "The admin group cannot be deleted or renamed"),
  Forbidden: wire(Errors.Forbidden, "The actor may not do this"),
  Unauthenticated: wire(Errors.Unauthenticated, "Sign in first"),
  InvalidInput: wire(Errors.InvalidInput, "An input is malformed"),
  ConcurrentModification: wire(Errors.ConcurrentModification, "The record changed since the version named"),
  TooManyAttempts: wire(Errors.TooManyAttempts, "Too many failed sign-ins"),
  CsrfTokenInvalid: wire(CsrfTokenInvalid, "A cookie request lacks its CSRF token"),
  RouteNotFound: wire(RouteNotFound, "No such resource or method"),
  MethodNotAllowed: wire(MethodNotAllowed, "The path does not take this method"),
  PayloadTooLarge: wire(PayloadTooLarge, "The request body is too large"),
  StorageError: storageError
} as const satisfies Record<keyof typeof STATUS, Schema.Schema.Any>

/**
 * Any refusal the API answers with.
 *
 * @category errors
 * @since 0.1.0
 */
export type ApiError = Schema.Schema.Type<(typeof Refusal)[keyof typeof Refusal]>

/**
 * An `InvalidInput` (400) for a request the API cannot read (malformed JSON, a field of the wrong type, an unknown
 * field).
 *
 * @category constructors
 * @since 0.1.0
 */
export const invalidInput = (field: string, reason: string): Errors.InvalidInput =>
  new Errors.InvalidInput({ field, reason })

/** What an issue of Effect's expected, without the value it saw ("Expected "a", actual "b"" → "Expected "a""). */
const expected = (issue: { readonly message: string }): string =>
  issue.message.split(", actual ")[0] ?? "it is malformed"

/**
 * The `InvalidInput` for the issues of a request that does not match the API's schemas (as `ArrayFormatter` lists
 * them): the first issue's field, and what was expected there, never the value seen.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromIssues = (
  issues: ReadonlyArray<{ readonly _tag: string; readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>
): Errors.InvalidInput => {
  const [issue] = issues
  if (issue === undefined) return invalidInput("", "the request is malformed")
  const field = issue.path.map(String).join(".")
  // A value none of a choice's members took (a sort column) has an issue a member: all of them are named.
  const choices = issues
    .filter((other) => other._tag === "Type" && other.path.map(String).join(".") === field)
    .map((other) => expected(other).replace(/^Expected /, ""))
    .filter((choice) => choice !== "undefined")
  // Effect's messages quote the value they saw ("…, actual …"): a password, or a huge string, is never echoed.
  const reason =
    field === "" && issue._tag === "Type"
      ? "the body must be a JSON object"
      : issue._tag === "Missing"
        ? "it is required"
        : issue._tag === "Unexpected"
          ? "it is not a known field"
          : /(^|\.)password$|^current$|^next$/i.test(field)
            ? "a password must be text"
            : choices.length > 1
              ? `expected one of ${choices.join(", ")}`.slice(0, 300)
              : expected(issue).slice(0, 200)
  return invalidInput(field, reason.charAt(0).toLowerCase() + reason.slice(1))
}
