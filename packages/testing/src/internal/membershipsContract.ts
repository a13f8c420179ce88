/**
 * The storage contract's suites on memberships: every user in a group, membership changes and optimistic versions.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import type { User } from "@user-manager/core/User"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin, john, snapshot } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on memberships: every user in a group, membership changes and optimistic versions. */
export const membershipsContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — invariant 1: every user belongs to at least one group`, () => {
    it.effect("refuses to create a user without a group", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.create(admin, { username: "eve", groups: [] }), "GroupMembershipRequired")
        })
      )
    )

    it.effect("refuses to create a user in a group that does not exist, and creates nothing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.create(admin, { username: "eve", groups: ["developers", "nope"] }),
            "GroupNotFound"
          )
          expect(error.name).toBe("nope")
        })
      )
    )

    it.effect("refuses to remove a user's last group", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(users.removeFromGroup(admin, "john", "developers"), "GroupMembershipRequired")
          expect(error.usernames).toEqual(["john"])
        })
      )
    )

    it.effect("refuses to replace a user's groups with none", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.modify(admin, "john", { groups: [] }), "GroupMembershipRequired")
        })
      )
    )

    it.effect("refuses to delete a group that is some member's only group, listing those members", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const error = yield* refuses(groups.remove(admin, "analysts"), "GroupMembershipRequired")
          expect(error.usernames).toEqual(["bob"])
          expect(error.message).toContain("'bob'")
        })
      )
    )

    it.effect("refuses to remove several users from a group when any would be left without one, removing none", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const error = yield* refuses(
            groups.removeMembers(admin, "analysts", ["alice", "bob"]),
            "GroupMembershipRequired"
          )
          expect(error.usernames).toEqual(["bob"])
        })
      )
    )

    it.effect("a user with two groups can leave one", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const user = yield* users.removeFromGroup(admin, "alice", "analysts")
          expect(user.groups).toEqual(["developers"])
        })
      )
    )

    it.effect("a group whose members all have other groups can be deleted, and they keep the others", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.addToGroup(admin, "bob", "developers")
          const deleted = yield* groups.remove(admin, "analysts")
          expect(deleted.members).toEqual(["alice", "bob"])
          expect((yield* users.get(admin, "alice")).groups).toEqual(["developers"])
          expect((yield* users.get(admin, "bob")).groups).toEqual(["developers"])
          yield* refuses(groups.get(admin, "analysts"), "GroupNotFound")
        })
      )
    )
  })
  describe(`${name} — modify, membership and optimistic versions`, () => {
    it.effect("modify changes the given fields, replaces the group set and bumps the version", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const before = yield* users.get(admin, "john")
          const after = yield* users.modify(admin, "john", {
            firstName: "Johnny",
            email: null,
            groups: ["developers", "admins"]
          })
          expect(after.firstName).toBe("Johnny")
          expect(after.lastName).toBe("Doe")
          expect(after.email).toBeNull()
          expect(after.groups).toEqual(["admins", "developers"])
          expect(after.version).toBeGreaterThan(before.version)
          expect(yield* users.get(admin, "john")).toEqual(after)
          expect((yield* users.whoAmI(john)).admin).toBe(true)
        })
      )
    )

    it.effect("refuses a modify or rename made against a stale version", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const seen = yield* users.get(admin, "john")
          yield* users.modify(admin, "john", { lastName: "Smith", expectedVersion: seen.version })
          const error = yield* refuses(
            users.modify(admin, "john", { lastName: "Jones", expectedVersion: seen.version }),
            "ConcurrentModification"
          )
          expect(error.expectedVersion).toBe(seen.version)
          const group = yield* groups.get(admin, "analysts")
          yield* groups.addMembers(admin, "analysts", ["john"])
          yield* refuses(
            groups.rename(admin, "analysts", "analysis", { expectedVersion: group.version }),
            "ConcurrentModification"
          )
          yield* refuses(
            groups.setMembers(admin, "analysts", ["bob"], { expectedVersion: group.version }),
            "ConcurrentModification"
          )
        })
      )
    )

    it.effect("a membership change bumps the version of the user and of the group", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const user = yield* users.get(admin, "bob")
          const group = yield* groups.get(admin, "developers")
          yield* users.addToGroup(admin, "bob", "developers")
          expect((yield* users.get(admin, "bob")).version).toBeGreaterThan(user.version)
          expect((yield* groups.get(admin, "developers")).version).toBeGreaterThan(group.version)
        })
      )
    )

    it.effect(
      "a rename, or a new external name, moves each member of the group on to its next version, and no one else",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const groups = yield* Groups
            const byName = (items: ReadonlyArray<User>) => new Map(items.map((user) => [user.username as string, user]))
            const before = byName((yield* users.list(admin, { limit: 100 })).items)
            yield* groups.rename(admin, "analysts", "analysis")
            const after = byName((yield* users.list(admin, { limit: 100 })).items)
            const moved = [...after.values()]
              .filter((user) => user.version !== before.get(user.username)?.version)
              .map((user) => user.username)
            expect(moved.sort()).toEqual(["alice", "bob"])
            for (const username of moved) {
              const user = after.get(username)
              expect(user?.version).toBe((before.get(username)?.version ?? 0) + 1)
              expect(user?.groups).toContain("analysis")
              expect(user?.updatedAt.getTime()).toBeGreaterThanOrEqual(before.get(username)?.updatedAt.getTime() ?? 0)
            }
            // A change made against the version read before the rename is a change against a stale read.
            yield* refuses(
              users.modify(admin, "bob", { lastName: "Mason", expectedVersion: before.get("bob")?.version ?? 0 }),
              "ConcurrentModification"
            )
            yield* users.modify(admin, "bob", { lastName: "Mason", expectedVersion: after.get("bob")?.version ?? 0 })
            // The external name is what a SCIM provider shows of the group in its members' answers.
            yield* groups.modify(admin, "analysis", { externalName: "Analysis team" })
            expect((yield* users.get(admin, "alice")).version).toBe((after.get("alice")?.version ?? 0) + 1)
            expect((yield* users.get(admin, "john")).version).toBe(after.get("john")?.version)
          })
        )
    )

    it.effect("adding an existing member changes nothing, and removing a non-member is refused (NotAMember)", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const audit = yield* Audit
          const before = yield* snapshot
          yield* users.addToGroup(admin, "john", "developers")
          yield* refuses(groups.removeMembers(admin, "analysts", ["john"]), "NotAMember")
          yield* users.enable(admin, "john")
          yield* users.modify(admin, "john", { firstName: "John" })
          expect(yield* snapshot).toEqual(before)
          expect((yield* audit.list(admin)).total).toBe(before.audit)
        })
      )
    )

    it.effect(
      "a modify that ignores absent removals removes the members it names and skips the others (non-members, unknown users)",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const groups = yield* Groups
            const audit = yield* Audit
            const before = yield* snapshot
            const unchanged = yield* groups.modify(admin, "analysts", {
              removeMembers: ["john", "ghost"],
              absentRemovals: "ignore"
            })
            expect(yield* snapshot).toEqual(before)
            expect((yield* audit.list(admin)).total).toBe(before.audit)
            expect(unchanged.version).toBe((yield* groups.get(admin, "analysts")).version)
            yield* refuses(groups.modify(admin, "analysts", { removeMembers: ["john"] }), "NotAMember")
            yield* users.addToGroup(admin, "john", "analysts")
            const changed = yield* groups.modify(admin, "developers", {
              removeMembers: ["john", "bob", "ghost"],
              addMembers: ["root"],
              absentRemovals: "ignore"
            })
            expect(changed.memberCount).toBe(3)
            expect((yield* groups.get(admin, "developers")).members).toEqual(["alice", "root", "svc"])
          })
        )
    )

    it.effect("adds several users to a group at once, or none when one is unknown", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const error = yield* refuses(groups.addMembers(admin, "analysts", ["john", "ghost"]), "UserNotFound")
          expect(error.username).toBe("ghost")
          const group = yield* groups.addMembers(admin, "analysts", ["john", "root"])
          expect(group.members).toEqual(["alice", "bob", "john", "root"])
        })
      )
    )

    it.effect("creates a group with members and replaces a group's members", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const ops = yield* groups.create(admin, { name: "ops", members: ["john", "bob"] })
          expect(ops.members).toEqual(["bob", "john"])
          expect((yield* users.get(admin, "bob")).groups).toEqual(["analysts", "ops"])
          const replaced = yield* groups.setMembers(admin, "ops", ["alice", "john"])
          expect(replaced.members).toEqual(["alice", "john"])
          yield* refuses(groups.create(admin, { name: "qa", members: ["ghost"] }), "UserNotFound")
        })
      )
    )

    it.effect("reports a missing user or group by name", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          expect((yield* refuses(users.get(admin, "ghost"), "UserNotFound")).message).toBe(
            "There is no user named 'ghost'."
          )
          yield* refuses(users.modify(admin, "ghost", { firstName: "G" }), "UserNotFound")
          yield* refuses(users.remove(admin, "ghost"), "UserNotFound")
          yield* refuses(users.addToGroup(admin, "john", "ghosts"), "GroupNotFound")
          yield* refuses(groups.rename(admin, "ghosts", "spirits"), "GroupNotFound")
          yield* refuses(groups.remove(admin, "ghosts"), "GroupNotFound")
        })
      )
    )

    it.effect("rejects unknown input fields instead of ignoring them", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.create(admin, { username: "eve", groups: ["analysts"], admin: true } as unknown as Parameters<
              typeof users.create
            >[1]),
            "InvalidInput"
          )
          expect(error.message).toBe("Invalid admin: it is not a known field.")
        })
      )
    )
  })
}
