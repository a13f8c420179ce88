/**
 * Membership changes that name something wrong are refused, naming every wrong name, instead of doing nothing quietly.
 * Tested through the services, so the rules hold on every store.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services, snapshot } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import * as MemoryDirectory from "../src/MemoryDirectory.js"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users | Groups | Audit>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

/** The refusal of `effect`, checked to have changed nothing. */
const refusal = <A, E>(effect: Effect.Effect<A, E, Users | Groups>) =>
  Effect.gen(function* () {
    const before = yield* snapshot
    const error = yield* Effect.flip(effect)
    expect(yield* snapshot).toEqual(before)
    return error
  })

describe("membership changes that name something wrong", () => {
  it.effect("refuses to remove a user from a group it is not in, naming every such user (NotAMember)", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const groups = yield* Groups
        const one = yield* refusal(users.removeFromGroup(admin, "bob", "developers"))
        expect(one).toMatchObject({ _tag: "NotAMember", usernames: ["bob"], group: "developers" })
        expect(one.message).toBe("User 'bob' is not a member of group 'developers'.")
        // All or none: bob is a member and stays one, since john and root are not.
        const several = yield* refusal(groups.removeMembers(admin, "analysts", ["root", "bob", "john"]))
        expect(several).toMatchObject({ _tag: "NotAMember", usernames: ["john", "root"], group: "analysts" })
        expect(several.message).toBe("Users 'john', 'root' are not members of group 'analysts'.")
      })
    )
  )

  it.effect("refuses to add or remove nobody (InvalidInput)", () =>
    seeded(
      Effect.gen(function* () {
        const groups = yield* Groups
        const add = yield* refusal(groups.addMembers(admin, "analysts", []))
        expect(add.message).toBe("Invalid usernames: name at least one user to add to group 'analysts'.")
        const remove = yield* refusal(groups.removeMembers(admin, "analysts", []))
        expect(remove.message).toBe("Invalid usernames: name at least one user to remove from group 'analysts'.")
      })
    )
  )

  it.effect("names every unknown group of a new user's or a modified user's groups (GroupNotFound)", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const created = yield* refusal(
          users.create(admin, { username: "eve", groups: ["nosuch", "developers", "alsonot"] })
        )
        expect(created).toMatchObject({ _tag: "GroupNotFound", name: "alsonot", names: ["alsonot", "nosuch"] })
        expect(created.message).toBe("There are no groups named 'alsonot', 'nosuch'.")
        const modified = yield* refusal(users.modify(admin, "john", { groups: ["developers", "nosuch", "alsonot"] }))
        expect(modified.message).toBe("There are no groups named 'alsonot', 'nosuch'.")
        const single = yield* refusal(users.create(admin, { username: "eve", groups: ["nosuch", "developers"] }))
        expect(single.message).toBe("There is no group named 'nosuch'.")
      })
    )
  )
})
