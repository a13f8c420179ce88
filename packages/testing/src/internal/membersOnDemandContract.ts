/**
 * The storage contract's suite on members on demand: a group's answer carries its count and first members, and the
 * members come page by page, searched within the group.
 */
import { describe, expect, it } from "@effect/vitest"
import { Groups } from "@user-manager/core/Groups"
import { Users } from "@user-manager/core/Users"
import { Chunk, Effect, Stream } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on members on demand: counts, first members, pages and streams of a group's members. */
export const membersOnDemandContract = (name: string, { seeded, refuses }: Harness) => {
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
