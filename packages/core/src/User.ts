/**
 * The user: its fields, their rules, and the inputs that create and change one.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ExpectedVersion } from "./Errors.js"
import { isoString } from "./internal/isoDate.js"
import { isWellFormed, notWellFormed } from "./internal/wellFormed.js"
import { GroupName, Username } from "./Names.js"
import { Password } from "./Password.js"

const MAX_PERSON_NAME_LENGTH = 64
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
// The bidirectional embeddings, overrides and isolates (Trojan Source, CVE-2021-42574): they make text read in another
// order than it is stored, so that a listing can show one name and hold another.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/
/** The characters of a class (`[…]`) written as a regular expression's source, without its brackets. */
const classOf = (pattern: RegExp) => pattern.source.slice(1, -1)
const BIDI_RANGES = "U+202A–U+202E, U+2066–U+2069"

/**
 * A first or last name: trimmed, 0–64 characters (names are optional: an empty one is no name, as one left out is), any
 * script, no control or bidirectional control characters.
 *
 * @category schemas
 * @since 0.1.0
 */
export const PersonName = Schema.Trim.pipe(
  Schema.filter(
    (name) => [...name].length <= MAX_PERSON_NAME_LENGTH || `a name has at most ${MAX_PERSON_NAME_LENGTH} characters`
  ),
  Schema.filter((name) => !CONTROL_CHARACTERS.test(name) || "a name cannot contain control characters"),
  Schema.filter((name) => isWellFormed(name) || notWellFormed("a name")),
  Schema.filter(
    (name) => !BIDI_CONTROLS.test(name) || `a name cannot contain bidirectional control characters (${BIDI_RANGES})`
  ),
  Schema.brand("PersonName"),
  Schema.annotations({
    identifier: "PersonName",
    description: "0–64 characters (empty: no name)",
    // The rule in JSON Schema's words, for the API's OpenAPI document (and the forms that check fields before sending).
    jsonSchema: {
      maxLength: MAX_PERSON_NAME_LENGTH,
      pattern: `^[^${classOf(CONTROL_CHARACTERS)}${classOf(BIDI_CONTROLS)}]*$`
    }
  })
)

/**
 * A valid first or last name.
 *
 * @category models
 * @since 0.1.0
 */
export type PersonName = typeof PersonName.Type

const MAX_EMAIL_LENGTH = 254
/** RFC 5321 (4.5.3.1.1): the local part of an address has at most 64 characters. */
const MAX_EMAIL_LOCAL_LENGTH = 64

const emailProblem = (email: string): string | true => {
  if (email.length > MAX_EMAIL_LENGTH) return `an email address has at most ${MAX_EMAIL_LENGTH} characters`
  if (/\s/.test(email) || CONTROL_CHARACTERS.test(email)) return `'${email}' contains spaces or control characters`
  if (!isWellFormed(email)) return notWellFormed("an email address")
  // Not echoed: the characters would reorder the message itself.
  if (BIDI_CONTROLS.test(email)) {
    return `an email address cannot contain bidirectional control characters (${BIDI_RANGES})`
  }
  // RFC 5322's specials, which an address holds only inside quotes (never in what people type): "<a@b.org>", a list.
  const special = /[()<>[\]\\,;:"]/.exec(email)?.[0]
  if (special !== undefined) return `'${email}' contains '${special}', which an email address cannot hold`
  const parts = email.split("@")
  if (parts.length !== 2) return `'${email}' must contain exactly one '@'`
  const [local = "", domain = ""] = parts
  if (local.length === 0) return `'${email}' has nothing before the '@'`
  if ([...local].length > MAX_EMAIL_LOCAL_LENGTH) {
    return `'${email}' has ${[...local].length} characters before the '@', and an address has at most ${MAX_EMAIL_LOCAL_LENGTH} there (RFC 5321)`
  }
  const labels = domain.split(".")
  if (labels.length < 2 || labels.some((label) => label.length === 0)) {
    return `'${email}' needs a domain such as example.com after the '@'`
  }
  return true
}

/**
 * An email address: trimmed, one `@`, a local part of 1–64 characters, a dotted domain, at most 254 characters, no
 * spaces, control or bidirectional control characters.
 *
 * @category schemas
 * @since 0.1.0
 */
export const Email = Schema.Trim.pipe(
  Schema.filter(emailProblem),
  Schema.brand("Email"),
  Schema.annotations({
    identifier: "Email",
    description: "name@example.com",
    // The rule's shape in JSON Schema's words (one '@', something before it, a dotted domain; spaces around are trimmed)
    // for the API's OpenAPI document and the forms that check fields before sending; the filter above has the details.
    jsonSchema: { maxLength: MAX_EMAIL_LENGTH, pattern: "^\\s*[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+\\s*$" }
  })
)

/**
 * A valid email address.
 *
 * @category models
 * @since 0.1.0
 */
export type Email = typeof Email.Type

const MAX_EXTERNAL_ID_LENGTH = 1024
const MAX_EXTERNAL_NAME_LENGTH = 256

/** A text of 1–`max` characters (code points) without control characters: what an identity provider's values are. */
const providerText = (what: string, max: number, identifier: string, description: string) =>
  Schema.String.pipe(
    Schema.filter((text) => text.length > 0 || `${what} is not empty (null clears it)`),
    Schema.filter((text) => [...text].length <= max || `${what} has at most ${max} characters`),
    Schema.filter((text) => !CONTROL_CHARACTERS.test(text) || `${what} cannot contain control characters`),
    Schema.filter((text) => isWellFormed(text) || notWellFormed(what)),
    Schema.brand(identifier),
    Schema.annotations({
      identifier,
      description,
      jsonSchema: { minLength: 1, maxLength: max, pattern: `^[^${classOf(CONTROL_CHARACTERS)}]*$` }
    })
  )

/**
 * The identifier an identity provider gives a user or a group (SCIM's `externalId`), kept exactly as given (compared
 * with case): 1–1,024 characters, no control characters. Not unique: a provider may give one to two records.
 *
 * @category schemas
 * @since 0.2.0
 */
export const ExternalId = providerText(
  "an external id",
  MAX_EXTERNAL_ID_LENGTH,
  "ExternalId",
  "the identity provider's id of the record, kept as given (1–1,024 characters)"
)

/**
 * An external id.
 *
 * @category models
 * @since 0.2.0
 */
export type ExternalId = typeof ExternalId.Type

/**
 * The name an identity provider gives a user or a group (SCIM's `userName`, a group's `displayName`), kept as given,
 * where the username or group name derived from it must follow their own rules: 1–256 characters, no control
 * characters; compared without regard to case.
 *
 * @category schemas
 * @since 0.2.0
 */
export const ExternalName = providerText(
  "an external name",
  MAX_EXTERNAL_NAME_LENGTH,
  "ExternalName",
  "the identity provider's name of the record, kept as given (1–256 characters)"
)

/**
 * An external name.
 *
 * @category models
 * @since 0.2.0
 */
export type ExternalName = typeof ExternalName.Type

/**
 * A user as every front end shows it; never carries a password or a hash.
 *
 * @category models
 * @since 0.1.0
 */
export class User extends Schema.Class<User>("User")({
  username: Username,
  firstName: Schema.String,
  lastName: Schema.String,
  email: Schema.NullOr(Schema.String),
  externalId: Schema.NullOr(Schema.String).annotations({
    description: "the identity provider's id of the user (SCIM externalId), null when none"
  }),
  externalName: Schema.NullOr(Schema.String).annotations({
    description: "the identity provider's name of the user (SCIM userName) as given, null when none"
  }),
  enabled: Schema.Boolean,
  system: Schema.Boolean,
  groups: Schema.Array(GroupName),
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  version: Schema.Int
}) {
  /** The name shown in the Full Name column: first and last name, whichever are set. */
  get fullName(): string {
    return fullName(this)
  }
}

/**
 * The name shown in the Full Name column: first and last name, whichever are set, with one space between them.
 *
 * @category models
 * @since 0.1.0
 */
export const fullName = (user: { readonly firstName: string; readonly lastName: string }): string =>
  user.firstName === "" ? user.lastName : user.lastName === "" ? user.firstName : `${user.firstName} ${user.lastName}`

/**
 * A user's JSON form, the same as `Schema.encodeSync(User)` gives (a property test holds them equal), built directly:
 * pages of users are what the API and `dt user ls -j` send most, and the schema's generic encoder takes several times
 * as long and leaves garbage on each user.
 *
 * @category encoding
 * @since 0.1.0
 */
export const toJson = (user: User): typeof User.Encoded => ({
  username: user.username,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
  externalId: user.externalId,
  externalName: user.externalName,
  enabled: user.enabled,
  system: user.system,
  groups: user.groups,
  createdAt: isoString(user.createdAt),
  updatedAt: isoString(user.updatedAt),
  version: user.version
})

/**
 * What `Users.create` takes: a new username, at least one existing group, and optional details.
 *
 * @category inputs
 * @since 0.1.0
 */
export const CreateUser = Schema.Struct({
  username: Username,
  firstName: Schema.optional(PersonName),
  lastName: Schema.optional(PersonName),
  email: Schema.optional(Email),
  password: Schema.optional(Password),
  // Documented as at least one: the rule itself is `Users.create`'s (GroupMembershipRequired names the user).
  groups: Schema.Array(GroupName).annotations({ jsonSchema: { minItems: 1 } }),
  system: Schema.optional(Schema.Boolean),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName))
})

/**
 * The input of `Users.create`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type CreateUser = typeof CreateUser.Encoded

/**
 * What `Users.modify` takes: the fields to change (`null` clears one), the new group set, an admin's password reset,
 * whether the user is enabled, and optionally the version the caller saw. Everything changes in one transaction, or
 * nothing does.
 *
 * @category inputs
 * @since 0.1.0
 */
export const ModifyUser = Schema.Struct({
  firstName: Schema.optional(Schema.NullOr(PersonName)),
  lastName: Schema.optional(Schema.NullOr(PersonName)),
  email: Schema.optional(Schema.NullOr(Email)),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName)),
  // Documented as at least one: the rule itself is `Users.modify`'s (GroupMembershipRequired names the user).
  groups: Schema.optional(Schema.Array(GroupName).annotations({ jsonSchema: { minItems: 1 } })),
  password: Schema.optional(Password),
  // Disabling is refused by the same rules as `Users.disable`: not oneself, not the last administrator.
  enabled: Schema.optional(Schema.Boolean),
  expectedVersion: Schema.optional(ExpectedVersion)
})

/**
 * The input of `Users.modify`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type ModifyUser = typeof ModifyUser.Encoded

/**
 * What `Users.resetPassword` takes: the user's new password, set by an administrator.
 *
 * @category inputs
 * @since 0.1.0
 */
export const ResetPassword = Schema.Struct({ password: Password })

/**
 * The columns users can be sorted by: each column of the Users table, and a few more.
 *
 * @category queries
 * @since 0.1.0
 */
export const UserSort = Schema.Literal(
  "username",
  "fullName",
  "firstName",
  "lastName",
  "groups",
  "email",
  "enabled",
  "system",
  "createdAt",
  "updatedAt"
)

/**
 * A column users can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type UserSort = typeof UserSort.Type
