/**
 * The storage contract's suites on groups: unique names and GIDs, and the admin group that keeps an enabled member.
 */
import { describe, expect, it } from "@effect/vitest"
import { Groups } from "@user-manager/core/Groups"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on groups: unique names and GIDs, and the admin group that keeps an enabled member. */
export const groupsContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — invariant 3: names, emails and GIDs are unique`, () => {
    it.effect("refuses a group name that is taken", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* refuses(groups.create(admin, { name: "analysts" }), "GroupNameTaken")
          yield* refuses(groups.rename(admin, "analysts", "developers"), "GroupNameTaken")
        })
      )
    )

    it.effect("refuses a group name with capitals and suggests the lowercase one", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const error = yield* refuses(groups.create(admin, { name: "Analysts2" }), "InvalidInput")
          expect(error.message).toContain("try 'analysts2'")
        })
      )
    )

    it.effect("reads a group by its GID, after a rename too, and names a GID no group holds", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const developers = yield* groups.getByGid(admin, 1001)
          expect([developers.name, developers.gid, developers.members]).toEqual([
            "developers",
            1001,
            ["alice", "john", "svc"]
          ])
          yield* groups.rename(admin, "developers", "engineers")
          expect((yield* groups.getByGid(admin, 1001)).name).toBe("engineers")
          const missing = yield* refuses(groups.getByGid(admin, 4242), "GroupNotFound")
          expect(missing.message).toBe("There is no group with GID 4242.")
          yield* refuses(groups.getByGid(admin, 1.5), "InvalidInput")
          yield* refuses(groups.getByGid(john, 1001), "Forbidden")
        })
      )
    )

    it.effect("refuses an explicit GID another group has", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const error = yield* refuses(groups.create(admin, { name: "ops", gid: 1001 }), "GidTaken")
          expect(error.group).toBe("developers")
        })
      )
    )
  })
  describe(`${name} — invariant 5: the admin group keeps an enabled member`, () => {
    it.effect("refuses to delete or rename the admin group", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* refuses(groups.remove(admin, "admins"), "ProtectedGroup")
          yield* refuses(groups.rename(admin, "admins", "wheel"), "ProtectedGroup")
        })
      )
    )

    it.effect("another admin can be disabled, removed or deleted while one enabled admin remains", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.disable(admin, "root")
          yield* users.enable(admin, "root")
          yield* users.addToGroup(admin, "root", "developers")
          yield* groups.removeMembers(admin, "admins", ["root"])
          expect((yield* groups.get(admin, "admins")).members).toEqual(["admin"])
        })
      )
    )
  })
}
