/**
 * The HTTP API, defined once: every endpoint, its inputs, its answers and its refusals. The OpenAPI document at
 * `/api/openapi.json` is generated from this definition.
 *
 * Inputs are described here with their JSON types; the rules of each field (a username's pattern, a password's length)
 * are checked by the core, which answers `InvalidInput` (400) naming the field.
 *
 * @since 0.1.0
 */

import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as OpenApi from "@effect/platform/OpenApi"
import { AuditEntry, Group, Names, User } from "@user-manager/core"
import type { Actor } from "@user-manager/core/Actor"
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@user-manager/core/Page"
import { Context, Schema } from "effect"
import * as ApiError from "./ApiError.js"

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

/** A JSON object that refuses fields it does not know, so that a typo is an error and not silently ignored. */
const strict = <F extends Schema.Struct.Fields>(identifier: string, fields: F) =>
  Schema.Struct(fields).annotations({ identifier, parseOptions: { onExcessProperty: "error" } })

// The core's page-size limit: the API refuses what the core would.
const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, MAX_PAGE_SIZE)).annotations({
  description: `page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`
})
const Offset = Schema.NumberFromString.pipe(Schema.int(), Schema.greaterThanOrEqualTo(0)).annotations({
  description: "how many matches to skip (default 0)"
})
const Order = Schema.Literal("asc", "desc")
const DryRun = Schema.Struct({
  dryRun: Schema.optional(Schema.BooleanFromString).annotations({
    description: "check every rule and answer with the result, changing nothing"
  })
})

const usernameParam = HttpApiSchema.param("username", Schema.String)
const groupParam = HttpApiSchema.param("group", Schema.String)
const nameParam = HttpApiSchema.param("name", Schema.String)

/**
 * One page of a list and the exact number of matches.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Page = <A, I>(item: Schema.Schema<A, I>, identifier: string) =>
  Schema.Struct({ items: Schema.Array(item), total: Schema.Int, offset: Schema.Int, limit: Schema.Int }).annotations({
    identifier
  })

/**
 * The users list's query.
 *
 * @category schemas
 * @since 0.1.0
 */
export const UserListParams = Schema.Struct({
  search: Schema.optional(Schema.String).annotations({
    description: "case-insensitive substring of the username, first or last name"
  }),
  sort: Schema.optional(User.UserSort),
  order: Schema.optional(Order),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})

/**
 * What creating a user takes (the field rules are the core's).
 *
 * @category schemas
 * @since 0.1.0
 */
export const CreateUserBody = strict("CreateUser", {
  username: Schema.String,
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  password: Schema.optional(Schema.String).annotations({ description: "never returned" }),
  groups: Schema.Array(Schema.String).annotations({ description: "at least one existing group" }),
  system: Schema.optional(Schema.Boolean)
})

/**
 * What modifying a user takes: the fields to change (`null` clears one) and the new group set.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ModifyUserBody = strict("ModifyUser", {
  firstName: Schema.optional(Schema.NullOr(Schema.String)),
  lastName: Schema.optional(Schema.NullOr(Schema.String)),
  email: Schema.optional(Schema.NullOr(Schema.String)),
  groups: Schema.optional(Schema.Array(Schema.String)).annotations({ description: "replaces the set; never empty" })
})

/**
 * A new password, set by an administrator.
 *
 * @category schemas
 * @since 0.1.0
 */
export const PasswordBody = strict("PasswordReset", { password: Schema.String })

/**
 * The actor's own password change: the current password and the new one.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ChangePasswordBody = strict("ChangePassword", { current: Schema.String, next: Schema.String })

/**
 * The `If-Match` header: the version the caller saw (`"3"`, `W/"3"` or `*`).
 *
 * @category schemas
 * @since 0.1.0
 */
export const IfMatch = Schema.Struct({
  "if-match": Schema.optional(Schema.String).annotations({ description: "the ETag of the version the caller saw" })
})

/**
 * The groups list's query.
 *
 * @category schemas
 * @since 0.1.0
 */
export const GroupListParams = Schema.Struct({
  search: Schema.optional(Schema.String).annotations({ description: "case-insensitive substring of the name" }),
  sort: Schema.optional(Group.GroupSort),
  order: Schema.optional(Order),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})

/**
 * What creating a group takes.
 *
 * @category schemas
 * @since 0.1.0
 */
export const CreateGroupBody = strict("CreateGroup", {
  name: Schema.String,
  gid: Schema.optional(Schema.Number),
  members: Schema.optional(Schema.Array(Schema.String))
})

/**
 * What modifying a group takes: a new name, the new member set, or both.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ModifyGroupBody = strict("ModifyGroup", {
  name: Schema.optional(Schema.String),
  members: Schema.optional(Schema.Array(Schema.String))
})

/**
 * Users to add to or remove from a group, all or none.
 *
 * @category schemas
 * @since 0.1.0
 */
export const MembersBody = strict("Members", { usernames: Schema.Array(Schema.String) })

/**
 * Who is asking, and whether it is an administrator.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Me = Schema.Struct({ user: User.User, admin: Schema.Boolean }).annotations({ identifier: "Me" })

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

/** The answer to clearing a username's sign-in locks: how many of the throttle's counters were cleared (0: no lock). */
const Unlocked = Schema.Struct({
  cleared: Schema.Int.annotations({ description: "the sign-in counters cleared, from every address" })
}).annotations({ identifier: "Unlocked" })

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

/**
 * `/users`: list, read, create, modify, delete, enable, disable, reset a password, and change memberships.
 *
 * @category groups
 * @since 0.1.0
 */
export class UsersApi extends HttpApiGroup.make("users")
  .add(
    HttpApiEndpoint.get("list", "/users")
      .setUrlParams(UserListParams)
      .addSuccess(Page(User.User, "UserPage"))
      .annotate(OpenApi.Summary, "List users: search, sort and paginate, with the exact total")
  )
  .add(
    HttpApiEndpoint.get("get")`/users/${usernameParam}`
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Read a user (administrators, or the user itself); the ETag is its version")
  )
  .add(
    HttpApiEndpoint.post("create", "/users")
      .setPayload(CreateUserBody)
      .addSuccess(User.User, { status: 201 })
      .annotate(OpenApi.Summary, "Create a user in at least one existing group")
  )
  .add(
    HttpApiEndpoint.patch("modify")`/users/${usernameParam}`
      .setPayload(ModifyUserBody)
      .setHeaders(IfMatch)
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Change a user's details or group set; If-Match refuses a stale version with 412")
  )
  .add(
    HttpApiEndpoint.del("delete")`/users/${usernameParam}`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Delete a user and end its sessions")
  )
  .add(
    HttpApiEndpoint.post("enable")`/users/${usernameParam}/enable`
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Enable a user")
  )
  .add(
    HttpApiEndpoint.post("disable")`/users/${usernameParam}/disable`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Disable a user and end its sessions")
  )
  .add(
    HttpApiEndpoint.put("resetPassword")`/users/${usernameParam}/password`
      .setPayload(PasswordBody)
      .annotate(OpenApi.Summary, "Set a user's password (administrators); ends the user's sessions")
  )
  .add(
    HttpApiEndpoint.put("addToGroup")`/users/${usernameParam}/groups/${groupParam}`
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Add a user to a group")
  )
  .add(
    HttpApiEndpoint.del("removeFromGroup")`/users/${usernameParam}/groups/${groupParam}`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .annotate(OpenApi.Summary, "Remove a user from a group (never its last one)")
  )
  .add(
    HttpApiEndpoint.del("unlock")`/users/${usernameParam}/sign-in-lock`
      .addSuccess(Unlocked)
      .annotate(
        OpenApi.Summary,
        "Clear the sign-in throttle's counts of a username, from every address (administrators; audited)"
      )
  )
  .middleware(Authentication) {}

/**
 * `/groups`: list, read, create, rename and set members, delete, add and remove members.
 *
 * @category groups
 * @since 0.1.0
 */
export class GroupsApi extends HttpApiGroup.make("groups")
  .add(
    HttpApiEndpoint.get("list", "/groups")
      .setUrlParams(GroupListParams)
      .addSuccess(Page(Group.Group, "GroupPage"))
      .annotate(OpenApi.Summary, "List groups: search, sort and paginate, with the exact total")
  )
  .add(
    HttpApiEndpoint.get("get")`/groups/${nameParam}`.addSuccess(Group.Group).annotate(OpenApi.Summary, "Read a group")
  )
  .add(
    HttpApiEndpoint.post("create", "/groups")
      .setPayload(CreateGroupBody)
      .addSuccess(Group.Group, { status: 201 })
      .annotate(OpenApi.Summary, "Create a group with an allocated or explicit GID and optional members")
  )
  .add(
    HttpApiEndpoint.patch("modify")`/groups/${nameParam}`
      .setPayload(ModifyGroupBody)
      .setHeaders(IfMatch)
      .addSuccess(Group.Group)
      .annotate(OpenApi.Summary, "Rename a group and/or replace its members; If-Match refuses a stale version with 412")
  )
  .add(
    HttpApiEndpoint.del("delete")`/groups/${nameParam}`
      .setUrlParams(DryRun)
      .addSuccess(Group.Group)
      .annotate(OpenApi.Summary, "Delete a group; 409 lists the users it would leave without a group")
  )
  .add(
    HttpApiEndpoint.post("addMembers")`/groups/${nameParam}/members`
      .setPayload(MembersBody)
      .addSuccess(Group.Group)
      .annotate(OpenApi.Summary, "Add users to a group, all or none")
  )
  .add(
    HttpApiEndpoint.del("removeMembers")`/groups/${nameParam}/members`
      .setPayload(MembersBody)
      .addSuccess(Group.Group)
      .annotate(OpenApi.Summary, "Remove users from a group, all or none")
  )
  .middleware(Authentication) {}

/**
 * `/me`: who is asking, and changing one's own password.
 *
 * @category groups
 * @since 0.1.0
 */
export class MeApi extends HttpApiGroup.make("me")
  .add(HttpApiEndpoint.get("me", "/me").addSuccess(Me).annotate(OpenApi.Summary, "Who am I, and am I an administrator"))
  .add(
    HttpApiEndpoint.put("changePassword", "/me/password")
      .setPayload(ChangePasswordBody)
      .annotate(OpenApi.Summary, "Change one's own password (the current one is required); ends every session")
  )
  .middleware(Authentication) {}

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
      .annotate(OpenApi.Summary, "List audit entries, newest first")
  )
  .middleware(Authentication) {}

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
      .annotate(OpenApi.Summary, "List the sign-ins refused now, latest failure first (administrators)")
  )
  .middleware(Authentication) {}

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
      .annotate(OpenApi.Summary, "Sign in: a session cookie (browsers) or a bearer token (CLI)")
  )
  .add(HttpApiEndpoint.post("logout", "/auth/logout").annotate(OpenApi.Summary, "Sign out: end the session")) {}

/** A schema of the OpenAPI document, as far as `withSecurity` reads it. */
interface JsonSchema {
  readonly $ref?: string
  readonly anyOf?: ReadonlyArray<JsonSchema>
}

/** The parts of the OpenAPI document that `withSecurity` reads and writes. */
interface Document {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        readonly operationId: string
        security?: unknown
        readonly responses?: Record<
          string,
          { description: string; readonly content?: Record<string, { schema: JsonSchema }> }
        >
      }
    >
  >
  readonly components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
  readonly security?: unknown
}

const DECODE_ERROR = "#/components/schemas/HttpApiDecodeError"

/** Requests that change nothing: a cookie session alone is enough for them. */
const SAFE_METHODS = new Set(["get", "head", "options"])

/**
 * The document's security as the server really checks it: a bearer token (the CLI) or the session cookie (browsers),
 * with the CSRF header on cookie requests that change something; none to sign in. (Without credentials a request runs
 * as nobody, and the core refuses what needs a user with 401.) The framework's own decoding error, which the API
 * always answers as `InvalidInput`, is left out.
 */
const withSecurity = (spec: Document): Document => {
  for (const operations of Object.values(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.security =
        operation.operationId === "auth.login"
          ? []
          : [{ bearer: [] }, SAFE_METHODS.has(method) ? { cookie: [] } : { cookie: [], csrf: [] }]
      const invalid = operation.responses?.["400"]
      const body = invalid?.content?.["application/json"]
      const members = body?.schema.anyOf?.filter((member) => member.$ref !== DECODE_ERROR)
      if (invalid !== undefined && body !== undefined && members?.[0] !== undefined) {
        body.schema = members.length === 1 ? members[0] : { anyOf: members }
        invalid.description = "An input is malformed"
      }
    }
  }
  for (const unused of ["HttpApiDecodeError", "Issue", "PropertyKey"]) delete spec.components.schemas[unused]
  spec.components.securitySchemes = {
    bearer: { type: "http", scheme: "bearer", description: "the token of a bearer sign-in (session: bearer)" },
    cookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "the session of a cookie sign-in" },
    csrf: {
      type: "apiKey",
      in: "header",
      name: CSRF_HEADER,
      description: "the CSRF token a cookie sign-in answers, on every request that changes something"
    }
  }
  return spec
}

/**
 * The whole API, under `/api/v1`.
 *
 * @category api
 * @since 0.1.0
 */
export class Api extends HttpApi.make("dt")
  .add(UsersApi)
  .add(GroupsApi)
  .add(MeApi)
  .add(AuditApi)
  .add(SignInLocksApi)
  .add(AuthApi)
  .addError(ApiError.Refusal.InvalidInput)
  .addError(ApiError.Refusal.Unauthenticated)
  .addError(ApiError.Refusal.Forbidden)
  .addError(ApiError.Refusal.CsrfTokenInvalid)
  .addError(ApiError.Refusal.UserNotFound)
  .addError(ApiError.Refusal.GroupNotFound)
  .addError(ApiError.Refusal.RouteNotFound)
  .addError(ApiError.Refusal.UsernameTaken)
  .addError(ApiError.Refusal.EmailTaken)
  .addError(ApiError.Refusal.GroupNameTaken)
  .addError(ApiError.Refusal.GidTaken)
  .addError(ApiError.Refusal.GidOutOfRange)
  .addError(ApiError.Refusal.GidRangeExhausted)
  .addError(ApiError.Refusal.SystemUserImmutable)
  .addError(ApiError.Refusal.GroupMembershipRequired)
  .addError(ApiError.Refusal.NotAMember)
  .addError(ApiError.Refusal.LastAdmin)
  .addError(ApiError.Refusal.SelfLockout)
  .addError(ApiError.Refusal.ProtectedGroup)
  .addError(ApiError.Refusal.ConcurrentModification)
  .addError(ApiError.Refusal.PayloadTooLarge)
  .addError(ApiError.Refusal.TooManyAttempts)
  .addError(ApiError.Refusal.StorageError)
  .prefix("/api/v1")
  .annotate(OpenApi.Servers, [
    { url: "/", description: "the server this document is served by (a host that mounts the API under a path adds it)" }
  ])
  .annotate(OpenApi.Transform, (spec) => withSecurity(spec as Document) as typeof spec)
  .annotate(OpenApi.Title, "User Manager API")
  .annotate(OpenApi.Version, "0.1.0") {}
