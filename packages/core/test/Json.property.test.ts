/**
 * `User.toJson` and `Group.toJson` write the JSON form of a record directly instead of through the schema's encoder;
 * these properties hold them to exactly what the schema encodes, for records drawn from the schemas themselves.
 */
import { describe, expect, it } from "@effect/vitest"
// Effect's own fast-check, the one its `Arbitrary` builds on.
import { Arbitrary, FastCheck as fc, Schema } from "effect"
import * as Group from "../src/Group.js"
import * as User from "../src/User.js"

describe("JSON forms", () => {
  it("a user's JSON form is what the User schema encodes", () => {
    const encode = Schema.encodeSync(User.User)
    fc.assert(
      fc.property(Arbitrary.make(User.User), (user) => {
        expect(User.toJson(user)).toStrictEqual(encode(user))
      }),
      { numRuns: 500 }
    )
  })

  it("a group's JSON form is what the Group schema encodes", () => {
    const encode = Schema.encodeSync(Group.Group)
    fc.assert(
      fc.property(Arbitrary.make(Group.Group), (group) => {
        expect(Group.toJson(group)).toStrictEqual(encode(group))
      }),
      { numRuns: 500 }
    )
  })
})
