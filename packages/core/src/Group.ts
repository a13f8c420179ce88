/**
 * The group: its fields, its GID, and the inputs that create and change one.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { isoString } from "./internal/isoDate.js"
import { GroupName, Username } from "./Names.js"
import { ExternalId, ExternalName } from "./User.js"

/**
 * A numeric group id. Which values may be used is a rule of `Groups.create` (`GidOutOfRange`).
 *
 * @category schemas
 * @since 0.1.0
 */
export const Gid = Schema.Int.annotations({ message: () => "a GID is a whole number" }).pipe(
  Schema.brand("Gid"),
  Schema.annotations({ identifier: "Gid" })
)

/**
 * A group id.
 *
 * @category models
 * @since 0.1.0
 */
export type Gid = typeof Gid.Type

/**
 * The lowest and highest GID that may be requested explicitly, and the values that never may.
 *
 * @category constants
 * @since 0.1.0
 */
export const GID_LIMITS = { min: 1, max: 2_147_483_646, reserved: [65534, 65535] } as const

/**
 * How many members a group answer carries: the first this many by username. The rest come page by page from
 * `Groups.members` / `Groups.memberStream` (`GET /api/v1/groups/{name}/members`), so that a group of half a million
 * reads as small as a group of ten.
 *
 * @category constants
 * @since 0.1.0
 */
export const GROUP_MEMBER_PREVIEW = 10

/**
 * A group as every front end shows it: its member count and its first members (`GROUP_MEMBER_PREVIEW`), with
 * `membersTruncated` when there are more.
 *
 * @category models
 * @since 0.1.0
 */
export class Group extends Schema.Class<Group>("Group")({
  name: GroupName,
  gid: Gid,
  memberCount: Schema.Int.annotations({ description: "how many members the group has" }),
  members: Schema.Array(Username).annotations({
    description: `the first ${GROUP_MEMBER_PREVIEW} members by username; every member comes from the group's members pages`
  }),
  membersTruncated: Schema.Boolean.annotations({
    description: `true when the group has more members than the ${GROUP_MEMBER_PREVIEW} shown`
  }),
  externalId: Schema.NullOr(Schema.String).annotations({
    description: "the identity provider's id of the group (SCIM externalId), null when none"
  }),
  externalName: Schema.NullOr(Schema.String).annotations({
    description: "the identity provider's name of the group (SCIM displayName) as given, null when none"
  }),
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  version: Schema.Int
}) {}

/**
 * A group's JSON form, the same as `Schema.encodeSync(Group)` gives (a property test holds them equal), built
 * directly for pages of groups, as `User.toJson` is for users.
 *
 * @category encoding
 * @since 0.1.0
 */
export const toJson = (group: Group): typeof Group.Encoded => ({
  name: group.name,
  gid: group.gid,
  memberCount: group.memberCount,
  members: group.members,
  membersTruncated: group.membersTruncated,
  externalId: group.externalId,
  externalName: group.externalName,
  createdAt: isoString(group.createdAt),
  updatedAt: isoString(group.updatedAt),
  version: group.version
})

/**
 * What `Groups.modify` changes: a new name, the identity provider's id and name of the group (`null` clears one), and
 * either the whole member list (`members`, for small groups) or the users
 * to add and to remove (`addMembers`, `removeMembers`, which cost what they change whatever the group's size).
 * Removing a user who is not a member is refused (`NotAMember`) unless `absentRemovals` is `"ignore"`: then it changes
 * nothing, as a SCIM `remove` of members that match no one does (RFC 7644 §3.5.2.2), so that a provider's sync can
 * repeat it.
 *
 * @category inputs
 * @since 0.1.0
 */
export const GroupChanges = Schema.Struct({
  name: Schema.optional(Schema.String),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName)),
  members: Schema.optional(Schema.Array(Username)),
  addMembers: Schema.optional(Schema.Array(Username)),
  removeMembers: Schema.optional(Schema.Array(Username)),
  absentRemovals: Schema.optional(Schema.Literal("refuse", "ignore"))
})

/**
 * The input of `Groups.modify`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type GroupChanges = typeof GroupChanges.Encoded

/**
 * What `Groups.create` takes: a name, optional members, optionally an explicit GID, and the identity provider's id and
 * name of the group.
 *
 * @category inputs
 * @since 0.1.0
 */
export const CreateGroup = Schema.Struct({
  name: GroupName,
  gid: Schema.optional(Gid),
  members: Schema.optional(Schema.Array(Username)),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName))
})

/**
 * The input of `Groups.create`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type CreateGroup = typeof CreateGroup.Encoded

/**
 * The columns groups can be sorted by (`members` sorts by member count).
 *
 * @category queries
 * @since 0.1.0
 */
export const GroupSort = Schema.Literal("name", "gid", "members", "createdAt", "updatedAt")

/**
 * A column groups can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type GroupSort = typeof GroupSort.Type

/**
 * One page of a group's members (`Groups.members`): usernames in ascending order and, when more follow, `next`, the
 * username to pass as `after` for the next page.
 *
 * @category models
 * @since 0.1.0
 */
export const MemberPage = Schema.Struct({
  items: Schema.Array(Username),
  next: Schema.optional(Username)
}).annotations({ identifier: "MemberPage" })

/**
 * One page of a group's members.
 *
 * @category models
 * @since 0.1.0
 */
export type MemberPage = typeof MemberPage.Type
