import type { GroupRecord, UserListing } from "../Directory.js"
import { Group } from "../Group.js"
import { User } from "../User.js"

/** The public view of a stored user: everything but the password hash. */
export const toUser = (record: UserListing): User =>
  new User(
    {
      username: record.username,
      firstName: record.firstName,
      lastName: record.lastName,
      email: record.email,
      enabled: record.enabled,
      system: record.system,
      groups: record.groups,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      version: record.version
    },
    { disableValidation: true }
  )

/** The public view of a stored group. */
export const toGroup = (record: GroupRecord): Group =>
  new Group(
    {
      name: record.name,
      gid: record.gid as Group["gid"],
      members: record.members,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      version: record.version
    },
    { disableValidation: true }
  )
