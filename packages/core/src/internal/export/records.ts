import type { GroupRecord, GroupRow, UserListing } from "../../Directory.js"
import type { ExportedGroup, ExportedGroupRow, ExportedUser } from "../../Exports.js"
import type { PasswordHash } from "../../Password.js"

/**
 * A stored user as export writes it: every field import reads back, and its password hash (still `Redacted`) when one
 * was asked for and the user holds one. A stored record is valid already, so its fields are taken as they are.
 */
export const exportedUser = (record: UserListing, hash: PasswordHash | undefined): ExportedUser => {
  const user = {
    username: record.username,
    firstName: record.firstName as ExportedUser["firstName"],
    lastName: record.lastName as ExportedUser["lastName"],
    email: record.email as ExportedUser["email"],
    enabled: record.enabled,
    system: record.system,
    groups: record.groups,
    createdAt: record.createdAt,
    externalId: record.externalId as ExportedUser["externalId"],
    externalName: record.externalName as ExportedUser["externalName"]
  }
  return hash === undefined ? user : { ...user, passwordHash: hash }
}

/** A stored group as export writes it: its name, GID, members, creation time and what a provider calls it. */
export const exportedGroup = (record: GroupRecord): ExportedGroup => ({
  name: record.name,
  gid: record.gid as ExportedGroup["gid"],
  members: record.members,
  createdAt: record.createdAt,
  externalId: record.externalId as ExportedGroup["externalId"],
  externalName: record.externalName as ExportedGroup["externalName"]
})

/** A stored group's own row as a whole-directory export writes it: its name, GID, creation time and external names. */
export const exportedGroupRow = (row: GroupRow): ExportedGroupRow => ({
  name: row.name,
  gid: row.gid as ExportedGroupRow["gid"],
  createdAt: row.createdAt,
  externalId: row.externalId as ExportedGroupRow["externalId"],
  externalName: row.externalName as ExportedGroupRow["externalName"]
})
