/**
 * What bulk import reads and export writes: a user, a group, and the ledger of GIDs, as records in their JSON form
 * (the field names of `User` and `Group`), and the entries a file's reader hands to `Imports.run`. A reader (CSV,
 * JSON Lines, a whole-directory document, a Linux host's passwd files) turns its format into entries; the rules of
 * every record are checked once, by `Imports`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Gid } from "./Group.js"
import { GroupName, Username } from "./Names.js"
import { Password } from "./Password.js"
import { ForeignPasswordHash } from "./PasswordHashScheme.js"
import { Email, ExternalId, ExternalName, PersonName } from "./User.js"

/**
 * A user as a file holds it. Left-out fields take the defaults of `Users.create` (enabled, not a system user); a new
 * user needs at least one group. `password` is a plain password (hashed on import, in parallel); `passwordHash` one
 * already hashed, in a recognised format (`PasswordHashScheme`), stored as it is; never both.
 *
 * @category records
 * @since 0.1.0
 */
export const ImportUser = Schema.Struct({
  username: Username,
  firstName: Schema.optional(PersonName),
  lastName: Schema.optional(PersonName),
  email: Schema.optional(Schema.NullOr(Email)),
  enabled: Schema.optional(Schema.Boolean),
  system: Schema.optional(Schema.Boolean),
  groups: Schema.optional(Schema.Array(GroupName)),
  password: Schema.optional(Password),
  passwordHash: Schema.optional(ForeignPasswordHash),
  createdAt: Schema.optional(Schema.Date),
  // What an identity provider calls the user (SCIM `externalId`, `userName`): kept through an export and import.
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName))
}).annotations({ identifier: "ImportUser" })

/**
 * A user record as a file or a program writes it.
 *
 * @category records
 * @since 0.1.0
 */
export type ImportUser = typeof ImportUser.Encoded

/**
 * A group as a file holds it: its GID is kept (a new group without one is given the next free GID), and `members`,
 * when present, is its whole member list (existing users, or users of the same import).
 *
 * @category records
 * @since 0.1.0
 */
export const ImportGroup = Schema.Struct({
  name: GroupName,
  gid: Schema.optional(Gid),
  members: Schema.optional(Schema.Array(Username)),
  createdAt: Schema.optional(Schema.Date),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName))
}).annotations({ identifier: "ImportGroup" })

/**
 * A group record as a file or a program writes it.
 *
 * @category records
 * @since 0.1.0
 */
export type ImportGroup = typeof ImportGroup.Encoded

/**
 * The ledger of GIDs as a whole-directory document carries it: the allocator's high-water mark and every GID ever
 * used, so that a GID deleted before the export is still never handed out after the import.
 *
 * @category records
 * @since 0.1.0
 */
export const ImportGids = Schema.Struct({
  highWaterMark: Schema.optional(Schema.Int),
  used: Schema.Array(Gid)
}).annotations({ identifier: "ImportGids" })

/**
 * The GID ledger as a file or a program writes it.
 *
 * @category records
 * @since 0.1.0
 */
export type ImportGids = typeof ImportGids.Encoded

/**
 * Where an entry came from, as a person finds it again: `"line 17"`, `"line 17, column email"`, `"users[3]"`.
 *
 * @category records
 * @since 0.1.0
 */
export type Location = string

/**
 * One entry of an import, in the order of the file: a record to check and apply, or a piece of the file its reader
 * could not read (`malformed`: refused with its reason, and the rest of the file still checked; `of` says which kind of
 * record it was meant to be, when the file tells: a users CSV, a document's `users` array). `raw` keeps the text as
 * the file had it, so that the refused entries can be written back for fixing.
 *
 * @category records
 * @since 0.1.0
 */
export type ImportEntry =
  | { readonly kind: "user"; readonly record: ImportUser; readonly location?: Location; readonly raw?: string }
  | { readonly kind: "group"; readonly record: ImportGroup; readonly location?: Location; readonly raw?: string }
  | { readonly kind: "gids"; readonly record: ImportGids; readonly location?: Location; readonly raw?: string }
  | {
      readonly kind: "malformed"
      readonly reason: string
      readonly location: Location
      readonly of?: "user" | "group"
      readonly raw?: string
    }
