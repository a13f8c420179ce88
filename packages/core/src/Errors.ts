/**
 * Every refusal the domain can give, as tagged errors with the data a program needs and a message a person understands.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { TokenScope } from "./ApiToken.js"

const names = (items: ReadonlyArray<string>): string => items.map((item) => `'${item}'`).join(", ")

/**
 * How many of the users a refused change would leave without a group its refusal names; it counts them all.
 *
 * @category constants
 * @since 0.1.0
 */
export const STRANDED_SHOWN = 100

/**
 * No user has this username.
 *
 * @category errors
 * @since 0.1.0
 */
export class UserNotFound extends Schema.TaggedError<UserNotFound>()("UserNotFound", {
  username: Schema.String
}) {
  override get message(): string {
    return `There is no user named '${this.username}'.`
  }
}

/**
 * No group has this name.
 *
 * @category errors
 * @since 0.1.0
 */
export class GroupNotFound extends Schema.TaggedError<GroupNotFound>()("GroupNotFound", {
  name: Schema.String,
  /** Every unknown name, when a change named more than one group (`name` is the first of them). */
  names: Schema.optional(Schema.Array(Schema.String)),
  /** The GID the group was looked for by (`Groups.getByGid`); `name` is then that GID as text. */
  gid: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    if (this.gid !== undefined) return `There is no group with GID ${this.gid}.`
    const all = this.names ?? [this.name]
    return all.length > 1 ? `There are no groups named ${names(all)}.` : `There is no group named '${this.name}'.`
  }
}

/**
 * Another user already has this username.
 *
 * @category errors
 * @since 0.1.0
 */
export class UsernameTaken extends Schema.TaggedError<UsernameTaken>()("UsernameTaken", {
  username: Schema.String
}) {
  override get message(): string {
    return `The username '${this.username}' is already taken.`
  }
}

/**
 * Another user already has this email address (compared without regard to case).
 *
 * @category errors
 * @since 0.1.0
 */
export class EmailTaken extends Schema.TaggedError<EmailTaken>()("EmailTaken", {
  email: Schema.String,
  username: Schema.String
}) {
  override get message(): string {
    return `The email address '${this.email}' already belongs to user '${this.username}'.`
  }
}

/**
 * Another group already has this name.
 *
 * @category errors
 * @since 0.1.0
 */
export class GroupNameTaken extends Schema.TaggedError<GroupNameTaken>()("GroupNameTaken", {
  name: Schema.String
}) {
  override get message(): string {
    return `The group name '${this.name}' is already taken.`
  }
}

/**
 * An API token of this name exists.
 *
 * @category errors
 * @since 0.2.0
 */
export class TokenNameTaken extends Schema.TaggedError<TokenNameTaken>()("TokenNameTaken", {
  name: Schema.String
}) {
  override get message(): string {
    return `An API token named '${this.name}' already exists: revoke it first, or choose another name.`
  }
}

/**
 * No API token has this name.
 *
 * @category errors
 * @since 0.2.0
 */
export class TokenNotFound extends Schema.TaggedError<TokenNotFound>()("TokenNotFound", {
  name: Schema.String
}) {
  override get message(): string {
    return `There is no API token named '${this.name}'.`
  }
}

/**
 * The GID is held by a group, or was held by a deleted one and is never handed out again.
 *
 * @category errors
 * @since 0.1.0
 */
export class GidTaken extends Schema.TaggedError<GidTaken>()("GidTaken", {
  gid: Schema.Number,
  group: Schema.NullOr(Schema.String)
}) {
  override get message(): string {
    return this.group === null
      ? `GID ${this.gid} belonged to a group that was deleted, and a GID is never handed out twice.`
      : `GID ${this.gid} already belongs to group '${this.group}'.`
  }
}

/**
 * A requested GID is outside 1–2147483646 or is one of the reserved values 65534 and 65535.
 *
 * @category errors
 * @since 0.1.0
 */
export class GidOutOfRange extends Schema.TaggedError<GidOutOfRange>()("GidOutOfRange", {
  gid: Schema.Number,
  min: Schema.Number,
  max: Schema.Number,
  reserved: Schema.Array(Schema.Number)
}) {
  override get message(): string {
    return `GID ${this.gid} cannot be used: choose a value from ${this.min} to ${this.max}, other than ${this.reserved.join(" and ")}.`
  }
}

/**
 * Every GID of the allocation range has been handed out.
 *
 * @category errors
 * @since 0.1.0
 */
export class GidRangeExhausted extends Schema.TaggedError<GidRangeExhausted>()("GidRangeExhausted", {
  min: Schema.Number,
  max: Schema.Number
}) {
  override get message(): string {
    return `Every GID from ${this.min} to ${this.max} has been handed out: widen the range or give an explicit GID.`
  }
}

/**
 * System users are read-only for ever: nothing may change, disable, delete or regroup them.
 *
 * @category errors
 * @since 0.1.0
 */
export class SystemUserImmutable extends Schema.TaggedError<SystemUserImmutable>()("SystemUserImmutable", {
  username: Schema.String,
  action: Schema.String
}) {
  override get message(): string {
    return `'${this.username}' is a system user and cannot be changed (refused: ${this.action}).`
  }
}

/**
 * The change would leave users without any group.
 *
 * @category errors
 * @since 0.1.0
 */
export class GroupMembershipRequired extends Schema.TaggedError<GroupMembershipRequired>()("GroupMembershipRequired", {
  /** The users it would leave without a group: at most `STRANDED_SHOWN` of them, by username. */
  usernames: Schema.Array(Schema.String),
  group: Schema.NullOr(Schema.String),
  /** How many users it would leave without a group, all of them (absent: as many as `usernames`). */
  count: Schema.optional(Schema.Int)
}) {
  /** The refusal of a change that would leave these users without a group: the first `STRANDED_SHOWN`, and the count. */
  static stranding(usernames: ReadonlyArray<string>, group: string | null): GroupMembershipRequired {
    return new GroupMembershipRequired({
      usernames: usernames.slice(0, STRANDED_SHOWN),
      group,
      count: usernames.length
    })
  }

  override get message(): string {
    const count = this.count ?? this.usernames.length
    const more =
      count > this.usernames.length ? ` and ${(count - this.usernames.length).toLocaleString("en-US")} more` : ""
    const who = count === 1 ? `user ${names(this.usernames)}` : `users ${names(this.usernames)}${more}`
    return this.group === null
      ? `Every user belongs to at least one group: give ${who} a group.`
      : `Every user belongs to at least one group: ${who} would be left without one by this change to group '${this.group}'.`
  }
}

/**
 * The change would leave the admin group without an enabled member.
 *
 * @category errors
 * @since 0.1.0
 */
export class LastAdmin extends Schema.TaggedError<LastAdmin>()("LastAdmin", {
  group: Schema.String,
  usernames: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `The admin group '${this.group}' must keep an enabled member: ${names(this.usernames)} cannot all lose admin access.`
  }
}

/**
 * An actor tried to disable, delete or demote itself.
 *
 * @category errors
 * @since 0.1.0
 */
export class SelfLockout extends Schema.TaggedError<SelfLockout>()("SelfLockout", {
  username: Schema.String,
  action: Schema.String,
  /** What the actor would leave ("the admin group"), for an action that takes them out of something. */
  from: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const from = this.from === undefined ? "" : ` from ${this.from}`
    return `You cannot ${this.action} yourself ('${this.username}')${from}: ask another administrator.`
  }
}

/**
 * Users asked to leave a group they are not in.
 *
 * @category errors
 * @since 0.1.0
 */
export class NotAMember extends Schema.TaggedError<NotAMember>()("NotAMember", {
  usernames: Schema.Array(Schema.String),
  group: Schema.String
}) {
  override get message(): string {
    return this.usernames.length === 1
      ? `User ${names(this.usernames)} is not a member of group '${this.group}'.`
      : `Users ${names(this.usernames)} are not members of group '${this.group}'.`
  }
}

/**
 * The admin group cannot be deleted or renamed.
 *
 * @category errors
 * @since 0.1.0
 */
export class ProtectedGroup extends Schema.TaggedError<ProtectedGroup>()("ProtectedGroup", {
  name: Schema.String,
  action: Schema.String
}) {
  override get message(): string {
    return `'${this.name}' is the admin group and cannot be ${this.action}.`
  }
}

const reason = <Tag extends string, Fields extends Schema.Struct.Fields>(
  tag: Tag,
  fields: Fields,
  description: string
) => Schema.TaggedStruct(tag, fields).annotations({ description })

/**
 * Why an actor may not do something (`Forbidden.reason`): one of a closed set of rules, each with the data its
 * sentence names, so that a program or a translated interface words it from its `_tag`.
 *
 * @category errors
 * @since 0.2.0
 */
export const ForbiddenReason = Schema.Union(
  reason("NotAdministrator", { adminGroup: Schema.String }, "only enabled members of the admin group may"),
  reason("SystemUser", {}, "a system user never has admin access"),
  reason("AccountDisabled", {}, "the actor's account is disabled"),
  reason("ReadOnlyToken", {}, "the API token's scope is read, and this is a change"),
  reason(
    "TokenChannel",
    { scope: TokenScope },
    "the API token was sent where its scope is not for: a scim token anywhere but the SCIM endpoints, another at them"
  ),
  reason("TokenNotAUser", {}, "an API token asked for what only a user does for itself (its record, its password)"),
  reason("TokensByUsersOnly", {}, "an API token asked to manage API tokens: administrators signed in as themselves do"),
  reason("OtherUsersByAdministrators", {}, "a user that is no administrator asked to read another user"),
  reason("AlreadySetUp", {}, "a bootstrap of a directory that already has users or groups"),
  reason("WrongPassword", {}, "the current password given to change one's own is not correct"),
  reason("LocalStoreOnly", {}, "dt asked a server for what needs a local store (bootstrap, sign-in by password)"),
  reason(
    "Undescribed",
    { text: Schema.String },
    "a refusal a server answered without describing it (a proxy's 403, an unknown 429), as dt reports it: its text"
  )
).annotations({ identifier: "ForbiddenReason" })

/**
 * @category errors
 * @since 0.2.0
 */
export type ForbiddenReason = typeof ForbiddenReason.Type

/** A reason's words in the English sentence of `Forbidden`. */
const reasonText = (why: ForbiddenReason): string => {
  switch (why._tag) {
    case "NotAdministrator":
      return `only enabled members of the admin group '${why.adminGroup}' may`
    case "SystemUser":
      return "a system user never has admin access"
    case "AccountDisabled":
      return "the account is disabled"
    case "ReadOnlyToken":
      return "the token's scope is read-only"
    case "TokenChannel":
      return why.scope === "scim"
        ? "the token's scope is scim: it works at the SCIM endpoints only"
        : `the token's scope is ${why.scope}: the SCIM endpoints take tokens of scope scim only`
    case "TokenNotAUser":
      return "an API token is not a user"
    case "TokensByUsersOnly":
      return "API tokens are managed by administrators only"
    case "OtherUsersByAdministrators":
      return "only administrators may read other users"
    case "AlreadySetUp":
      return "it already has users or groups"
    case "WrongPassword":
      return "the current password is not correct"
    case "LocalStoreOnly":
      return "it needs a local store, not a server"
    case "Undescribed":
      return why.text
  }
}

/**
 * The actor is known but may not do this: `reason` says by which rule.
 *
 * @category errors
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  actor: Schema.String,
  action: Schema.String,
  reason: ForbiddenReason
}) {
  override get message(): string {
    return `'${this.actor}' may not ${this.action}: ${reasonText(this.reason)}.`
  }
}

/**
 * Nobody, or nobody known, is asking.
 *
 * @category errors
 * @since 0.1.0
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {
  reason: Schema.String,
  /** Set when a sign-in itself was refused (its reason is the whole message), not a request made without one. */
  signIn: Schema.optional(Schema.Boolean)
}) {
  override get message(): string {
    return this.signIn === true
      ? `${this.reason.charAt(0).toUpperCase()}${this.reason.slice(1)}.`
      : `Sign in first: ${this.reason}.`
  }
}

/**
 * An input is malformed; `field` names it and `reason` says what is wrong (never echoing a secret).
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  field: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return this.field === "" ? `Invalid input: ${this.reason}.` : `Invalid ${this.field}: ${this.reason}.`
  }
}

/**
 * The version a change to one record may be made at: the one the caller saw, or any of several (an HTTP `If-Match`
 * with a list of ETags; an empty list allows none).
 *
 * @category schemas
 * @since 0.2.0
 */
export const ExpectedVersion = Schema.Union(Schema.Int, Schema.Array(Schema.Int)).annotations({
  description: "the version the change was to be made at, or the list of versions it may be made at"
})

/**
 * The version(s) a change to one record may be made at.
 *
 * @category schemas
 * @since 0.2.0
 */
export type ExpectedVersion = typeof ExpectedVersion.Type

/** "5", "3 or 4", "2, 3 or 4". */
const either = (versions: ReadonlyArray<number>): string =>
  versions.length < 2 ? versions.join("") : `${versions.slice(0, -1).join(", ")} or ${versions.at(-1)}`

/**
 * The record changed since the caller read it (optimistic concurrency): it is at `actualVersion`, not at the version,
 * or at any of the versions, the change was to be made at.
 *
 * @category errors
 * @since 0.1.0
 */
export class ConcurrentModification extends Schema.TaggedError<ConcurrentModification>()("ConcurrentModification", {
  kind: Schema.Literal("user", "group"),
  name: Schema.String,
  expectedVersion: ExpectedVersion,
  actualVersion: Schema.Number
}) {
  override get message(): string {
    const expected = typeof this.expectedVersion === "number" ? [this.expectedVersion] : this.expectedVersion
    return expected.length === 0
      ? `The ${this.kind} '${this.name}' is at version ${this.actualVersion}, and the change named no version it may be made at (only a strong ETag such as "${this.actualVersion}" names one; a weak ETag, W/"${this.actualVersion}", never matches): reload it and try again.`
      : `The ${this.kind} '${this.name}' was changed by someone else (version ${this.actualVersion}, you had ${either(expected)}): reload it and try again.`
  }
}

/**
 * Too many failed sign-ins for this username from this address, from this address, or (from an address that is itself
 * failing) for this username: the attempt is refused without checking its password; `retryAfterSeconds` says when
 * the next one is allowed.
 *
 * @category errors
 * @since 0.1.0
 */
export class TooManyAttempts extends Schema.TaggedError<TooManyAttempts>()("TooManyAttempts", {
  retryAfterSeconds: Schema.Number
}) {
  override get message(): string {
    return `Too many failed sign-ins: try again in ${this.retryAfterSeconds} seconds.`
  }
}

/**
 * The store failed for a reason outside the domain (unreachable, corrupt, too busy).
 *
 * @category errors
 * @since 0.1.0
 */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message(): string {
    return `The user store failed: ${this.reason}.`
  }
}

/**
 * Every refusal a domain operation can give (all but infrastructure failures), as their classes: the one list of them,
 * for edges that map them (exit codes, HTTP statuses, decoding an answer) and tests that check them.
 *
 * @category errors
 * @since 0.1.0
 */
export const DOMAIN_ERRORS = [
  UserNotFound,
  GroupNotFound,
  UsernameTaken,
  EmailTaken,
  GroupNameTaken,
  TokenNameTaken,
  TokenNotFound,
  GidTaken,
  GidOutOfRange,
  GidRangeExhausted,
  SystemUserImmutable,
  GroupMembershipRequired,
  NotAMember,
  LastAdmin,
  SelfLockout,
  ProtectedGroup,
  Forbidden,
  Unauthenticated,
  InvalidInput,
  ConcurrentModification,
  TooManyAttempts
] as const

/**
 * Every refusal a domain operation can give (all but infrastructure failures).
 *
 * @category errors
 * @since 0.1.0
 */
export type DomainError = InstanceType<(typeof DOMAIN_ERRORS)[number]>

/**
 * The `_tag` of every domain refusal.
 *
 * @category errors
 * @since 0.1.0
 */
export const DOMAIN_ERROR_TAGS: ReadonlyArray<DomainError["_tag"]> = DOMAIN_ERRORS.map((error) => error._tag)
