/**
 * The `/users` endpoints and what they take.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { Password, Permissions, type SignInThrottle, User, Users } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import {
  DryRun,
  documented,
  documentedAs,
  groupParam,
  IfMatch,
  Limit,
  Offset,
  Order,
  Page,
  strict,
  usernameParam
} from "./fields.js"
import { MEMBERSHIP, OPERATION, refusals } from "./refusals.js"

type Service = Users.Users["Type"]

/**
 * The users list's query.
 *
 * @category schemas
 * @since 0.1.0
 */
export const UserListParams = Schema.Struct({
  search: Schema.optional(Schema.String).annotations({
    description: "case-insensitive substring of the username, the full name or the email address"
  }),
  sort: Schema.optional(User.UserSort),
  order: Schema.optional(Order),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset),
  enabled: Schema.optional(Schema.BooleanFromString).annotations({
    description: "true: only the enabled users; false: only the disabled ones (default: both)"
  }),
  system: Schema.optional(Schema.BooleanFromString).annotations({
    description: "true: only the system users; false: only the regular ones (default: both)"
  }),
  group: Schema.optional(Schema.String).annotations({
    description: "only the members of this group (a group that does not exist has none)"
  })
})

/**
 * A user as the list and a read answer it: the user, and what the asking actor may not do with it (`refused`).
 *
 * @category schemas
 * @since 0.2.0
 */
export class UserAnswer extends User.User.extend<UserAnswer>("UserAnswer")({
  refused: Permissions.UserRefusals.annotations({
    description:
      "What the asking actor may not do with this user (update, enable, disable, delete, changeGroups, " +
      "resetPassword), each with the refusal the change would fail with: its _tag, its message (the sentence, in " +
      "English) and its error's data, to word it by. An action left out is allowed by the " +
      "rules the record alone decides (a system user is read-only; nobody disables or deletes itself; only " +
      "administrators change users). Rules that need the whole directory (the last administrator) are left to the " +
      "change itself: try it with dryRun."
  })
}) {}

/**
 * What creating a user takes (the field rules are the core's).
 *
 * @category schemas
 * @since 0.1.0
 */
export const CreateUserBody = strict("CreateUser", {
  username: documented(User.CreateUser.fields.username),
  firstName: Schema.optional(documented(User.PersonName)),
  lastName: Schema.optional(documented(User.PersonName)),
  email: Schema.optional(documented(User.Email)),
  password: Schema.optional(documented(Password.Password)),
  groups: documentedAs(
    Schema.Array(Schema.String).annotations({
      title: "a list of group names",
      description: "at least one existing group"
    }),
    User.CreateUser.fields.groups
  ),
  system: Schema.optional(Schema.Boolean),
  externalId: Schema.optional(Schema.NullOr(documented(User.ExternalId))),
  externalName: Schema.optional(Schema.NullOr(documented(User.ExternalName)))
})

/**
 * What modifying a user takes: the fields to change (`null` clears one), the new group set and whether the user is
 * enabled, all changed together or not at all.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ModifyUserBody = strict("ModifyUser", {
  firstName: Schema.optional(Schema.NullOr(documented(User.PersonName))),
  lastName: Schema.optional(Schema.NullOr(documented(User.PersonName))),
  email: Schema.optional(Schema.NullOr(documented(User.Email))),
  externalId: Schema.optional(Schema.NullOr(documented(User.ExternalId))),
  externalName: Schema.optional(Schema.NullOr(documented(User.ExternalName))),
  groups: Schema.optional(
    documentedAs(Schema.Array(Schema.String), User.CreateUser.fields.groups).annotations({
      title: "a list of group names",
      description: "replaces the set; never empty"
    })
  ),
  enabled: Schema.optional(Schema.Boolean).annotations({
    description:
      "enables or disables the user with the other changes (refused as /disable is: not oneself, not the last administrator)"
  })
})

/**
 * A new password, set by an administrator.
 *
 * @category schemas
 * @since 0.1.0
 */
export const PasswordBody = strict("PasswordReset", { password: documented(Password.Password) })

/**
 * A bulk action: one action, the users it applies to, the group of a membership action, and `dryRun` (the count of
 * users and the group's presence are the core's rules).
 *
 * @category schemas
 * @since 0.2.0
 */
export const BulkBody = strict("BulkUsers", {
  action: Users.BulkActionName,
  usernames: Schema.Array(Schema.String).annotations({
    title: "a list of usernames",
    description: `the users to apply the action to: 1–${Users.BULK_MAX_USERS.toLocaleString("en-US")} (a name given twice is applied once)`
  }),
  group: Schema.optional(Schema.String).annotations({
    description: "the group of addToGroup and removeFromGroup; no other action takes one"
  }),
  dryRun: Schema.optional(Schema.Boolean).annotations({
    description: "check every user by the same rules and answer what would be applied or refused, changing nothing"
  })
})

/** The answer to clearing a username's sign-in locks: how many of the throttle's counters were cleared (0: no lock). */
const Unlocked = Schema.Struct({
  cleared: Schema.Int.annotations({ description: "the sign-in counters cleared, from every address" })
}).annotations({ identifier: "Unlocked" })

/** The refusals of a change to one user that the core checks against the directory's rules. */
const CHANGE = [...OPERATION, "UserNotFound", "SystemUserImmutable", "LastAdmin", "SelfLockout"] as const

/**
 * `/users`: list, read, create, modify, delete, enable, disable, reset a password, change memberships, and apply one of
 * these to many users at once.
 *
 * @category groups
 * @since 0.1.0
 */
export class UsersApi extends HttpApiGroup.make("users")
  .add(
    HttpApiEndpoint.get("list", "/users")
      .setUrlParams(UserListParams)
      .addSuccess(Page(UserAnswer, "UserPage"))
      .pipe(refusals<Service["list"]>()(...OPERATION))
      .annotate(OpenApi.Summary, "List users: search, sort and paginate, with the total (exact up to a limit)")
  )
  .add(
    HttpApiEndpoint.post("bulk", "/users/bulk")
      .setPayload(BulkBody)
      .addSuccess(Users.BulkResult)
      .pipe(refusals<Service["bulk"]>()(...OPERATION))
      .annotate(
        OpenApi.Summary,
        "Apply one action (enable, disable, delete, addToGroup, removeFromGroup) to up to 1,000 users, each in its own transaction by the same rules as one user's change, and report each user's outcome; dryRun checks each and changes nothing"
      )
  )
  .add(
    HttpApiEndpoint.get("get")`/users/${usernameParam}`
      .addSuccess(UserAnswer)
      .pipe(refusals<Service["get"]>()(...OPERATION, "UserNotFound"))
      .annotate(OpenApi.Summary, "Read a user (administrators, or the user itself); the ETag is its version")
  )
  .add(
    HttpApiEndpoint.post("create", "/users")
      .setPayload(CreateUserBody)
      .addSuccess(User.User, { status: 201 })
      .pipe(
        refusals<Service["create"]>()(
          ...OPERATION,
          "GroupNotFound",
          "UsernameTaken",
          "EmailTaken",
          "GroupMembershipRequired"
        )
      )
      .annotate(OpenApi.Summary, "Create a user in at least one existing group")
  )
  .add(
    HttpApiEndpoint.patch("modify")`/users/${usernameParam}`
      .setPayload(ModifyUserBody)
      .setHeaders(IfMatch)
      .addSuccess(User.User)
      .pipe(refusals<Service["modify"]>()(...MEMBERSHIP, "EmailTaken", "ConcurrentModification"))
      .annotate(OpenApi.Summary, "Change a user's details or group set; If-Match refuses a stale version with 412")
  )
  .add(
    HttpApiEndpoint.del("delete")`/users/${usernameParam}`
      .setUrlParams(DryRun)
      .setHeaders(IfMatch)
      .addSuccess(User.User)
      .pipe(refusals<Service["remove"]>()(...CHANGE, "ConcurrentModification"))
      .annotate(OpenApi.Summary, "Delete a user and end its sessions; If-Match refuses a stale version with 412")
  )
  .add(
    HttpApiEndpoint.post("enable")`/users/${usernameParam}/enable`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .pipe(refusals<Service["enable"]>()(...CHANGE))
      .annotate(OpenApi.Summary, "Enable a user")
  )
  .add(
    HttpApiEndpoint.post("disable")`/users/${usernameParam}/disable`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .pipe(refusals<Service["disable"]>()(...CHANGE))
      .annotate(OpenApi.Summary, "Disable a user and end its sessions")
  )
  .add(
    HttpApiEndpoint.put("resetPassword")`/users/${usernameParam}/password`
      .setPayload(PasswordBody)
      .pipe(refusals<Service["resetPassword"]>()(...OPERATION, "UserNotFound", "SystemUserImmutable"))
      .annotate(OpenApi.Summary, "Set a user's password (administrators); ends the user's sessions")
  )
  .add(
    HttpApiEndpoint.put("addToGroup")`/users/${usernameParam}/groups/${groupParam}`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .pipe(refusals<Service["addToGroup"]>()(...MEMBERSHIP))
      .annotate(OpenApi.Summary, "Add a user to a group")
  )
  .add(
    HttpApiEndpoint.del("removeFromGroup")`/users/${usernameParam}/groups/${groupParam}`
      .setUrlParams(DryRun)
      .addSuccess(User.User)
      .pipe(refusals<Service["removeFromGroup"]>()(...MEMBERSHIP))
      .annotate(OpenApi.Summary, "Remove a user from a group (never its last one)")
  )
  .add(
    HttpApiEndpoint.del("unlock")`/users/${usernameParam}/sign-in-lock`
      .addSuccess(Unlocked)
      .pipe(refusals<SignInThrottle.SignInThrottle["Type"]["unlock"]>()(...OPERATION))
      .annotate(
        OpenApi.Summary,
        "Clear the sign-in throttle's counts of a username, from every address (administrators; audited)"
      )
  )
  .middleware(Authentication) {}
