/**
 * The storage contract's suites on memberships: every user in a group, membership changes and optimistic versions.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import type { User } from "@user-manager/core/User"
import { Users } from "@user-manager/core/Users"
import { Chunk, Effect, Stream } from "effect"
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

  describe(`${name} — members on demand`, () => {
    it.effect("a group answer carries its member count and its first 10 members, truncated when there are more", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const added = Array.from({ length: 12 }, (_, index) => `member${String(index).padStart(2, "0")}`)
          for (const username of added) yield* users.create(admin, { username, groups: ["analysts"] })
          const all = ["alice", "bob", ...added].sort()
          const shown = { memberCount: all.length, members: all.slice(0, 10), membersTruncated: true }
          const answer = (group: {
            memberCount: number
            members: ReadonlyArray<string>
            membersTruncated: boolean
          }) => ({
            memberCount: group.memberCount,
            members: group.members,
            membersTruncated: group.membersTruncated
          })
          expect(answer(yield* groups.get(admin, "analysts"))).toEqual(shown)
          const listed = yield* groups.list(admin, { search: "analysts" })
          expect(listed.items.map(answer)).toEqual([shown])
          expect(answer(yield* groups.addMembers(admin, "analysts", ["john"]))).toEqual({
            ...shown,
            memberCount: all.length + 1,
            members: [...all, "john"].sort().slice(0, 10)
          })
          expect(answer(yield* groups.removeMembers(admin, "analysts", ["john"]))).toEqual(shown)
          expect(answer(yield* groups.rename(admin, "analysts", "analytics"))).toEqual(shown)
          // The whole list comes page by page.
          expect((yield* groups.members(admin, "analytics", { limit: 100 })).items).toEqual(all)
          // A group of ten or fewer shows them all.
          expect(answer(yield* groups.get(admin, "developers"))).toEqual({
            memberCount: 3,
            members: ["alice", "john", "svc"],
            membersTruncated: false
          })
          expect(answer(yield* groups.create(admin, { name: "big", members: added }))).toEqual({
            memberCount: 12,
            members: added.slice(0, 10),
            membersTruncated: true
          })
        })
      )
    )

    it.effect("modify renames and adds and removes members in one transaction: a refused change applies nothing", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const users = yield* Users
          const before = yield* groups.get(admin, "analysts")
          // bob's only group is analysts: removing him refuses the whole change, the rename included.
          yield* refuses(
            groups.modify(admin, "analysts", { name: "analytics", addMembers: ["john"], removeMembers: ["bob"] }),
            "GroupMembershipRequired"
          )
          expect(yield* groups.get(admin, "analysts")).toEqual(before)
          expect((yield* users.get(admin, "john")).groups).not.toContain("analysts")
          const changed = yield* groups.modify(
            admin,
            "analysts",
            { name: "analytics", addMembers: ["john"], removeMembers: ["alice"] },
            { expectedVersion: before.version }
          )
          expect([changed.name, changed.members, changed.memberCount]).toEqual(["analytics", ["bob", "john"], 2])
          expect(changed.version).toBeGreaterThan(before.version)
          expect((yield* users.get(admin, "alice")).groups).toEqual(["developers"])
          // A whole list and changes to it, or a user both added and removed, are mistakes to point out.
          const both = yield* refuses(
            groups.modify(admin, "analytics", { members: ["bob"], addMembers: ["john"] }),
            "InvalidInput"
          )
          expect(both.message).toContain("not both")
          const twice = yield* refuses(
            groups.modify(admin, "analytics", { addMembers: ["john"], removeMembers: ["john"] }),
            "InvalidInput"
          )
          expect(twice.message).toContain("'john'")
          yield* refuses(groups.modify(admin, "analytics", { removeMembers: ["root"] }), "NotAMember")
        })
      )
    )

    it.effect("a refusal that would strand many users names the first 100 of them and counts them all", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* groups.create(admin, { name: "crowd" })
          const crowd = Array.from({ length: 120 }, (_, index) => `c${String(index).padStart(3, "0")}`)
          for (const username of crowd) yield* users.create(admin, { username, groups: ["crowd"] })
          const error = yield* refuses(groups.remove(admin, "crowd"), "GroupMembershipRequired")
          expect([error.usernames, error.count]).toEqual([crowd.slice(0, 100), 120])
          expect(error.message).toContain("and 20 more would be left without one")
          const emptied = yield* refuses(groups.setMembers(admin, "crowd", []), "GroupMembershipRequired")
          expect([emptied.usernames.length, emptied.count]).toEqual([100, 120])
          expect((yield* groups.get(admin, "crowd")).memberCount).toBe(120)
        })
      )
    )

    it.effect("pages a group's members by username, each page continuing after the last with `next`", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          for (const username of ["zoe", "carl", "dave", "erin"]) {
            yield* users.create(admin, { username, groups: ["developers"] })
          }
          const all = ["alice", "carl", "dave", "erin", "john", "svc", "zoe"]
          expect(yield* groups.members(admin, "developers")).toEqual({ items: all })
          const first = yield* groups.members(admin, "developers", { limit: 3 })
          expect(first).toEqual({ items: ["alice", "carl", "dave"], next: "dave" })
          const second = yield* groups.members(admin, "developers", { limit: 3, after: "dave" })
          expect(second).toEqual({ items: ["erin", "john", "svc"], next: "svc" })
          expect(yield* groups.members(admin, "developers", { limit: 3, after: "svc" })).toEqual({ items: ["zoe"] })
          // A page that ends exactly at the last member gives no `next`.
          expect(yield* groups.members(admin, "developers", { limit: 4, after: "dave" })).toEqual({
            items: ["erin", "john", "svc", "zoe"]
          })
          // `after` need not be a member: the page starts at the next username.
          expect(yield* groups.members(admin, "developers", { after: "bob" })).toEqual({ items: all.slice(1) })
          expect(yield* groups.members(admin, "analysts", { after: "zzz" })).toEqual({ items: [] })
        })
      )
    )

    it.effect("searches within a group as users are searched: username or full name, any case, only members", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          // "li" matches alice (both groups) but only analysts' members are searched.
          expect((yield* groups.members(admin, "analysts", { search: "LI" })).items).toEqual(["alice"])
          expect((yield* groups.members(admin, "developers", { search: "john doe" })).items).toEqual(["john"])
          expect((yield* groups.members(admin, "developers", { search: "Liddell" })).items).toEqual(["alice"])
          expect((yield* groups.members(admin, "developers", { search: "bob" })).items).toEqual([])
          expect((yield* groups.members(admin, "developers", { search: "%" })).items).toEqual([])
          // A search pages as the whole list does: "i" is in alice's name and in svc's ("Service"), not in john's.
          expect(yield* groups.members(admin, "developers", { search: "I", limit: 1 })).toEqual({
            items: ["alice"],
            next: "alice"
          })
          expect(yield* groups.members(admin, "developers", { search: "I", limit: 1, after: "alice" })).toEqual({
            items: ["svc"]
          })
        })
      )
    )

    it.effect("a search within a group answers the same whether the group holds most of the users or few of them", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* groups.create(admin, { name: "crowd" })
          yield* groups.create(admin, { name: "few" })
          // 30 users, every third one a Quartz: `crowd` holds all but the last three (most of the directory), `few`
          // two Quartz users and one other (a store may walk a group's members or the users, by the group's share).
          const usernames = Array.from({ length: 30 }, (_, index) => `q${String(index).padStart(2, "0")}`)
          for (const [index, username] of usernames.entries()) {
            const groupsOf = [...(index < 27 ? ["crowd"] : ["analysts"]), ...([3, 5, 6].includes(index) ? ["few"] : [])]
            yield* users.create(admin, { username, lastName: index % 3 === 0 ? "Quartz" : "Stone", groups: groupsOf })
          }
          const quartz = usernames.filter((_, index) => index % 3 === 0 && index < 27)
          expect((yield* groups.members(admin, "crowd", { search: "QUARTZ", limit: 1000 })).items).toEqual(quartz)
          expect(yield* groups.members(admin, "crowd", { search: "quartz", limit: 4 })).toEqual({
            items: quartz.slice(0, 4),
            next: "q09"
          })
          expect(yield* groups.members(admin, "crowd", { search: "quartz", limit: 4, after: "q19" })).toEqual({
            items: ["q21", "q24"]
          })
          expect((yield* groups.members(admin, "crowd", { search: "q2" })).items).toEqual(usernames.slice(20, 27))
          expect((yield* groups.members(admin, "few", { search: "quartz" })).items).toEqual(["q03", "q06"])
          expect(yield* groups.members(admin, "few", { search: "q0", limit: 1, after: "q03" })).toEqual({
            items: ["q05"],
            next: "q05"
          })
          expect((yield* groups.members(admin, "analysts", { search: "quartz" })).items).toEqual(["q27"])
          expect((yield* groups.members(admin, "analysts", { search: "stone" })).items).toEqual(["q28", "q29"])
        })
      )
    )

    it.effect("streams every member of a group in order, searched within the group, page after page", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const usernames = Array.from({ length: 12 }, (_, index) => `u${String(index).padStart(2, "0")}`)
          for (const username of usernames) yield* users.create(admin, { username, groups: ["analysts"] })
          const streamed = (query: { readonly search?: string; readonly pageSize?: number }) =>
            Stream.runCollect(groups.memberStream(admin, "analysts", query)).pipe(Effect.map(Chunk.toReadonlyArray))
          for (const pageSize of [1, 2, 5, 14, 1000]) {
            expect(yield* streamed({ pageSize })).toEqual(["alice", "bob", ...usernames])
          }
          expect(yield* streamed({ search: "U1", pageSize: 1 })).toEqual(["u10", "u11"])
          expect(yield* streamed({ search: "nobody" })).toEqual([])
          yield* refuses(Stream.runDrain(groups.memberStream(john, "analysts")), "Forbidden")
          yield* refuses(Stream.runDrain(groups.memberStream(admin, "nope")), "GroupNotFound")
          yield* refuses(Stream.runDrain(groups.memberStream(admin, "analysts", { pageSize: 0 })), "InvalidInput")
        })
      )
    )

    it.effect("refuses a page size out of bounds, a non-administrator and a group that does not exist", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* refuses(groups.members(admin, "developers", { limit: 0 }), "InvalidInput")
          yield* refuses(groups.members(admin, "developers", { limit: 1001 }), "InvalidInput")
          yield* refuses(groups.members(admin, "developers", { after: "Not A Name" }), "InvalidInput")
          expect((yield* groups.members(admin, "developers", { limit: 1000 })).items).toHaveLength(3)
          yield* refuses(groups.members(john, "developers"), "Forbidden")
          yield* refuses(groups.members(admin, "nope"), "GroupNotFound")
        })
      )
    )
  })
}
