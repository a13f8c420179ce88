/**
 * `toUser` and `toGroup` put a stored record's fields on an instance of the schema class directly instead of through
 * its constructor; these properties hold the result to what the constructor makes, for records drawn from the schemas.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Equal, FastCheck as fc, Schema } from "effect"
import type { GroupRecord, UserListing } from "../src/Directory.js"
import { GROUP_MEMBER_PREVIEW, Group } from "../src/Group.js"
import { toGroup, toUser } from "../src/internal/records.js"
import { User } from "../src/User.js"

/** The instance and the constructor's are the same: class, fields in the same order, equality, schema, encoding. */
const sameInstance = <A extends object, I>(
  Class: Schema.Schema<A, I> & (new (...args: never) => A),
  made: A,
  expected: A
) => {
  expect(made).toBeInstanceOf(Class)
  expect(Object.getPrototypeOf(made)).toBe(Object.getPrototypeOf(expected))
  expect(Object.entries(made)).toStrictEqual(Object.entries(expected))
  expect(Equal.equals(made, expected)).toBe(true)
  expect(Schema.is(Class)(made)).toBe(true)
  expect(Schema.encodeSync(Class)(made)).toStrictEqual(Schema.encodeSync(Class)(expected))
}

describe("records", () => {
  it("a user built from a stored record is the instance the User class's constructor makes", () => {
    fc.assert(
      fc.property(Arbitrary.make(User), (user) => {
        const record: UserListing = { ...user }
        sameInstance(User, toUser(record), new User(record, { disableValidation: true }))
      }),
      { numRuns: 300 }
    )
  })

  it("a group built from a stored record is the instance the Group class's constructor makes", () => {
    fc.assert(
      fc.property(Arbitrary.make(Group), fc.nat({ max: 30 }), (group, extra) => {
        // A store's record holds a preview of its members (or all of them) and counts them all.
        const { membersTruncated: _, ...fields } = group
        const members = group.members.slice(0, GROUP_MEMBER_PREVIEW)
        const record: GroupRecord = { ...fields, members, memberCount: members.length + extra }
        sameInstance(
          Group,
          toGroup(record),
          new Group(
            { ...group, members, memberCount: record.memberCount, membersTruncated: extra > 0 },
            { disableValidation: true }
          )
        )
        // A record of all its members shows only the first of them.
        const all: GroupRecord = { ...fields, memberCount: group.members.length }
        expect(toGroup(all).members).toEqual(members)
        expect(toGroup(all).membersTruncated).toBe(group.members.length > GROUP_MEMBER_PREVIEW)
      }),
      { numRuns: 300 }
    )
  })
})
