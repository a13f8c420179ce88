import type { GroupRecord, UserListing } from "../Directory.js"
import { GROUP_MEMBER_PREVIEW, Group } from "../Group.js"
import { User } from "../User.js"

/** A constructor function of instances of `A` from records `R`. */
type FromRecord<R, A> = new (record: R) => A

/**
 * Instances of the schema classes made from records the store gives, as `new Class(fields, { disableValidation: true })`
 * makes them (the fields, in the class's order, on an object of the class's prototype), without the constructor's two
 * copies of its input and its walk over the schema's fields for defaults. Each is a plain constructor function whose
 * `prototype` is the class's: one object a record, far cheaper than the class's constructor or
 * `Object.assign(Object.create(…), fields)`, and a page of users makes fifty. Only for records already
 * valid, of classes without defaults; a property test holds the two equal.
 */
const UserFromRecord = function (this: Record<keyof User, unknown>, record: UserListing) {
  this.username = record.username
  this.firstName = record.firstName
  this.lastName = record.lastName
  this.email = record.email
  this.externalId = record.externalId
  this.externalName = record.externalName
  this.enabled = record.enabled
  this.system = record.system
  this.groups = record.groups
  this.createdAt = record.createdAt
  this.updatedAt = record.updatedAt
  this.version = record.version
} as unknown as FromRecord<UserListing, User>
UserFromRecord.prototype = User.prototype

const GroupFromRecord = function (this: Record<keyof Group, unknown>, record: GroupRecord) {
  this.name = record.name
  this.gid = record.gid
  this.memberCount = record.memberCount
  this.members =
    record.members.length > GROUP_MEMBER_PREVIEW ? record.members.slice(0, GROUP_MEMBER_PREVIEW) : record.members
  this.membersTruncated = record.memberCount > (this.members as ReadonlyArray<string>).length
  this.externalId = record.externalId
  this.externalName = record.externalName
  this.createdAt = record.createdAt
  this.updatedAt = record.updatedAt
  this.version = record.version
} as unknown as FromRecord<GroupRecord, Group>
GroupFromRecord.prototype = Group.prototype

/** The public view of a stored user: everything but the password hash. */
export const toUser = (record: UserListing): User => new UserFromRecord(record)

/** The public view of a stored group: its count and its first members (read with `memberPreview` where possible). */
export const toGroup = (record: GroupRecord): Group => new GroupFromRecord(record)
