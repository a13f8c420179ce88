/**
 * The storage contract's suite on bulk actions (`Users.bulk`): each user applied in its own transaction by the
 * single-user operation and its rules, each outcome reported, a refused user stopping nobody else, a dry run changing
 * nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import { type BulkResult, Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin, john, snapshot } from "../fixture.js"

import type { Harness } from "./harness.js"

/** Each user's outcome, and the tag of its refusal, as `username:outcome[:tag]`. */
const outcomes = (result: BulkResult) =>
  result.results.map((item) => [item.username, item.outcome, ...(item.error ? [item.error._tag] : [])].join(":"))

/** The storage contract on bulk actions over users. */
export const bulkActionsContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — bulk actions`, () => {
    it.effect("a system user is refused (SystemUserImmutable) and the users around it are still deleted", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const audit = yield* Audit
          const before = (yield* audit.list(admin, { action: "user.delete" })).total
          const result = yield* users.bulk(admin, { action: "delete", usernames: ["bob", "svc", "john"] })
          expect(outcomes(result)).toEqual(["bob:applied", "svc:refused:SystemUserImmutable", "john:applied"])
          expect(result).toMatchObject({ action: "delete", dryRun: false, applied: 2, refused: 1 })
          expect(result.results[1]?.error?.message).toContain("'svc' is a system user")
          yield* refuses(users.get(admin, "bob"), "UserNotFound")
          yield* refuses(users.get(admin, "john"), "UserNotFound")
          expect((yield* users.get(admin, "svc")).username).toBe("svc")
          // Each applied user is its own change, audited as the single-user delete is.
          expect((yield* audit.list(admin, { action: "user.delete" })).total).toBe(before + 2)
        })
      )
    )

    it.effect("nobody disables itself (SelfLockout): the actor is refused, the other users are disabled", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const result = yield* users.bulk(admin, { action: "disable", usernames: ["root", "admin", "alice"] })
          expect(outcomes(result)).toEqual(["root:applied", "admin:refused:SelfLockout", "alice:applied"])
          expect((yield* users.get(admin, "root")).enabled).toBe(false)
          expect((yield* users.get(admin, "alice")).enabled).toBe(false)
          expect((yield* users.get(admin, "admin")).enabled).toBe(true)
          const enabled = yield* users.bulk(admin, { action: "enable", usernames: ["root", "alice", "john"] })
          expect(outcomes(enabled)).toEqual(["root:applied", "alice:applied", "john:applied"])
          expect((yield* users.get(admin, "root")).enabled).toBe(true)
        })
      )
    )

    it.effect("the admin group keeps an administrator: removing everyone from it refuses the actor's own removal", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          // Both keep a group besides the admin group, so that only the admin group's rules are in play.
          yield* users.bulk(admin, { action: "addToGroup", group: "developers", usernames: ["root", "admin"] })
          const result = yield* users.bulk(admin, {
            action: "removeFromGroup",
            group: "admins",
            usernames: ["root", "admin"]
          })
          expect(outcomes(result)).toEqual(["root:applied", "admin:refused:SelfLockout"])
          const members = yield* groups.members(admin, "admins")
          expect(members.items).toEqual(["admin"])
        })
      )
    )

    it.effect("a user left without a group is refused (GroupMembershipRequired), the others are removed", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const result = yield* users.bulk(admin, {
            action: "removeFromGroup",
            group: "developers",
            usernames: ["john", "alice", "svc", "bob"]
          })
          expect(outcomes(result)).toEqual([
            "john:refused:GroupMembershipRequired",
            "alice:applied",
            "svc:refused:SystemUserImmutable",
            "bob:refused:NotAMember"
          ])
          expect((yield* users.get(admin, "alice")).groups).toEqual(["analysts"])
          expect((yield* users.get(admin, "john")).groups).toEqual(["developers"])
        })
      )
    )

    it.effect(
      "addToGroup adds each user by itself: an unknown and a system user are refused, a name twice counts once",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const result = yield* users.bulk(admin, {
              action: "addToGroup",
              group: "analysts",
              usernames: ["john", "ghost", "svc", "john", "Bad Name"]
            })
            expect(outcomes(result)).toEqual([
              "john:applied",
              "ghost:refused:UserNotFound",
              "svc:refused:SystemUserImmutable",
              "Bad Name:refused:InvalidInput"
            ])
            expect(result).toMatchObject({ group: "analysts", applied: 1, refused: 3 })
            expect((yield* users.get(admin, "john")).groups).toEqual(["analysts", "developers"])
            const unknownGroup = yield* users.bulk(admin, { action: "addToGroup", group: "nobody", usernames: ["bob"] })
            expect(outcomes(unknownGroup)).toEqual(["bob:refused:GroupNotFound"])
          })
        )
    )

    it.effect("a dry run checks every user by the same rules, answers as applying would, and changes nothing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const input = { action: "delete", usernames: ["bob", "svc", "admin", "john"] } as const
          const before = yield* snapshot
          const checked = yield* users.bulk(admin, { ...input, dryRun: true })
          expect(yield* snapshot).toEqual(before)
          expect(checked).toMatchObject({ dryRun: true, applied: 2, refused: 2 })
          expect(outcomes(checked)).toEqual([
            "bob:applied",
            "svc:refused:SystemUserImmutable",
            "admin:refused:SelfLockout",
            "john:applied"
          ])
          const applied = yield* users.bulk(admin, input)
          expect({ ...applied, dryRun: true }).toEqual(checked)
        })
      )
    )

    it.effect("a non-administrator is refused once (Forbidden), and nothing changes", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.bulk(john, { action: "disable", usernames: ["alice", "bob"] }), "Forbidden")
        })
      )
    )
  })
}
