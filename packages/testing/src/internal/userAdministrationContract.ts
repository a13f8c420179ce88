/**
 * The storage contract's suites on administering users: who may do what, a user's fields, system users, and nobody
 * locking itself out.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import * as Tokens from "@user-manager/core/Tokens"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on administering users: who may do what, fields, system users, no self-lockout. */
export const userAdministrationContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — authorization`, () => {
    it.effect("refuses anonymous actors every operation with Unauthenticated", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const audit = yield* Audit
          yield* refuses(users.list(Actor.anonymous), "Unauthenticated")
          yield* refuses(users.get(Actor.anonymous, "john"), "Unauthenticated")
          yield* refuses(users.create(Actor.anonymous, { username: "eve", groups: ["developers"] }), "Unauthenticated")
          yield* refuses(users.disable(Actor.anonymous, "john"), "Unauthenticated")
          yield* refuses(groups.list(Actor.anonymous), "Unauthenticated")
          yield* refuses(groups.create(Actor.anonymous, { name: "eve" }), "Unauthenticated")
          yield* refuses(audit.list(Actor.anonymous), "Unauthenticated")
          yield* refuses(users.whoAmI(Actor.anonymous), "Unauthenticated")
        })
      )
    )

    it.effect("refuses an actor that is not a known user with Unauthenticated", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.list(Actor.user("ghost")), "Unauthenticated")
        })
      )
    )

    it.effect("refuses a disabled administrator everything, even reading its own record", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.disable(admin, "root")
          const root = Actor.user("root")
          yield* refuses(users.list(root), "Forbidden")
          yield* refuses(users.get(root, "root"), "Forbidden")
          yield* refuses(groups.create(root, { name: "x" }), "Forbidden")
          yield* refuses(users.enable(root, "root"), "Forbidden")
        })
      )
    )

    it.effect("refuses a non-admin every management operation with Forbidden", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const audit = yield* Audit
          yield* refuses(users.list(john), "Forbidden")
          yield* refuses(users.get(john, "alice"), "Forbidden")
          yield* refuses(users.create(john, { username: "eve", groups: ["developers"] }), "Forbidden")
          yield* refuses(users.modify(john, "john", { firstName: "Johnny" }), "Forbidden")
          yield* refuses(users.disable(john, "alice"), "Forbidden")
          yield* refuses(users.remove(john, "alice"), "Forbidden")
          yield* refuses(users.addToGroup(john, "john", "admins"), "Forbidden")
          yield* refuses(groups.list(john), "Forbidden")
          yield* refuses(groups.get(john, "developers"), "Forbidden")
          yield* refuses(groups.create(john, { name: "eve" }), "Forbidden")
          yield* refuses(groups.rename(john, "analysts", "analysis"), "Forbidden")
          yield* refuses(groups.addMembers(john, "analysts", ["john"]), "Forbidden")
          yield* refuses(groups.remove(john, "analysts"), "Forbidden")
          yield* refuses(audit.list(john), "Forbidden")
        })
      )
    )

    it.effect("refuses a password reset by a non-admin before hashing anything", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.modify(john, "alice", { password: "a new password" }), "Forbidden")
          yield* refuses(
            users.create(john, { username: "eve", groups: ["developers"], password: "p4ssword!" }),
            "Forbidden"
          )
        })
      )
    )

    it.effect("lets any enabled user read its own record, know it is no admin, and change its own password", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          expect((yield* users.get(john, "john")).username).toBe("john")
          expect((yield* users.whoAmI(john)).admin).toBe(false)
          yield* users.changePassword(john, { current: "john's secret", next: "a better secret" })
          yield* Effect.flip(users.authenticate("john", "john's secret"))
          expect((yield* users.authenticate("john", "a better secret")).username).toBe("john")
        })
      )
    )

    it.effect("lets an administrator do everything", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          expect((yield* users.whoAmI(admin)).admin).toBe(true)
          yield* users.modify(admin, "john", { firstName: "Johnny" })
          yield* groups.rename(admin, "analysts", "analysis")
          yield* users.disable(admin, "bob")
          yield* users.remove(admin, "bob")
          expect((yield* users.list(admin)).total).toBe(5)
        })
      )
    )

    it.effect("a system user in the admin group is no administrator: it manages nothing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
          const robot = Actor.user("robot")
          expect((yield* users.whoAmI(robot)).admin).toBe(false)
          const error = yield* refuses(users.disable(robot, "john"), "Forbidden")
          expect(error.message).toBe("'robot' may not disable user 'john': a system user never has admin access.")
          yield* refuses(users.list(robot), "Forbidden")
          yield* refuses(groups.create(robot, { name: "robots" }), "Forbidden")
          yield* refuses(users.get(robot, "john"), "Forbidden")
          expect((yield* users.get(robot, "robot")).system).toBe(true)
        })
      )
    )

    it.effect("refuses a password change whose current password is wrong", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.changePassword(john, { current: "wrong guess", next: "a better secret" }), "Forbidden")
        })
      )
    )

    it.effect("administrator status is lost with the admin group or the enabled flag", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const root = Actor.user("root")
          expect((yield* users.whoAmI(root)).admin).toBe(true)
          yield* users.modify(admin, "root", { groups: ["developers"] })
          expect((yield* users.whoAmI(root)).admin).toBe(false)
          yield* refuses(users.list(root), "Forbidden")
        })
      )
    )
  })
  describe(`${name} — user fields`, () => {
    it.effect("refuses a username with capitals and suggests the lowercase one", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.create(admin, { username: "John", groups: ["developers"] }),
            "InvalidInput"
          )
          expect(error.message).toBe(
            "Invalid username: usernames are lowercase only: 'John' has capitals (try 'john')."
          )
        })
      )
    )

    it.effect("refuses usernames that are empty, longer than 32 characters or use other characters", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (const username of ["", "a".repeat(33), "9lives", "jo hn", "jöhn", "-x"]) {
            const error = yield* refuses(users.create(admin, { username, groups: ["developers"] }), "InvalidInput")
            expect(error.field).toBe("username")
          }
          yield* users.create(admin, { username: `_${"a".repeat(31)}`, groups: ["developers"] })
          yield* users.create(admin, { username: "j.doe-2_x", groups: ["developers"] })
        })
      )
    )

    it.effect("trims names, takes an empty one as no name, and refuses over-long or control-character names", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const created = yield* users.create(admin, {
            username: "zoe",
            firstName: "  Zoë ",
            lastName: "Ñúñez-Ørsted",
            groups: ["developers"]
          })
          expect(created.firstName).toBe("Zoë")
          expect(created.fullName).toBe("Zoë Ñúñez-Ørsted")
          for (const firstName of ["x".repeat(65), "a\u0007b"]) {
            const error = yield* refuses(users.modify(admin, "zoe", { firstName }), "InvalidInput")
            expect(error.field).toBe("firstName")
          }
          yield* users.modify(admin, "zoe", { firstName: "界".repeat(64) })
          expect((yield* users.modify(admin, "zoe", { firstName: "   " })).fullName).toBe("Ñúñez-Ørsted")
        })
      )
    )

    it.effect("refuses malformed email addresses", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (const email of [
            "john",
            "john@",
            "@example.com",
            "a@b@example.com",
            "john@example",
            "jo hn@example.com",
            `${"a".repeat(250)}@x.io`
          ]) {
            const error = yield* refuses(users.modify(admin, "bob", { email }), "InvalidInput")
            expect(error.field).toBe("email")
          }
        })
      )
    )

    it.effect("refuses an email address another user has, in any case", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.create(admin, { username: "johnny", email: "JOHN@Example.com", groups: ["developers"] }),
            "EmailTaken"
          )
          expect(error.username).toBe("john")
          yield* refuses(users.modify(admin, "bob", { email: "Alice@example.com" }), "EmailTaken")
          yield* users.modify(admin, "john", { email: "John@Example.com" })
        })
      )
    )

    it.effect("an email freed by a change or a deletion can be used again", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.modify(admin, "john", { email: null })
          yield* users.modify(admin, "bob", { email: "john@example.com" })
          yield* users.remove(admin, "bob")
          yield* users.modify(admin, "alice", { email: "john@example.com" })
        })
      )
    )

    it.effect("refuses a username that is taken", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.create(admin, { username: "john", groups: ["analysts"] }), "UsernameTaken")
        })
      )
    )
  })
  describe(`${name} — invariant 2: system users are read-only`, () => {
    it.effect("refuses every change to a system user and leaves it exactly as it was", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* refuses(users.modify(admin, "svc", { firstName: "Changed" }), "SystemUserImmutable")
          yield* refuses(users.modify(admin, "svc", { password: "a new password" }), "SystemUserImmutable")
          yield* refuses(users.resetPassword(admin, "svc", "a new password"), "SystemUserImmutable")
          yield* refuses(users.disable(admin, "svc"), "SystemUserImmutable")
          yield* refuses(users.enable(admin, "svc"), "SystemUserImmutable")
          yield* refuses(users.remove(admin, "svc"), "SystemUserImmutable")
          yield* refuses(users.addToGroup(admin, "svc", "analysts"), "SystemUserImmutable")
          yield* refuses(users.removeFromGroup(admin, "svc", "developers"), "SystemUserImmutable")
          yield* refuses(groups.addMembers(admin, "analysts", ["svc"]), "SystemUserImmutable")
          yield* refuses(groups.setMembers(admin, "developers", ["john", "alice"]), "SystemUserImmutable")
          yield* refuses(groups.create(admin, { name: "ops", members: ["svc"] }), "SystemUserImmutable")
        })
      )
    )

    it.effect("refuses to delete a group a system user belongs to", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.create(admin, { username: "daemon", groups: ["developers", "analysts"], system: true })
          yield* users.addToGroup(admin, "bob", "developers")
          const error = yield* refuses(groups.remove(admin, "analysts"), "SystemUserImmutable")
          expect(error.username).toBe("daemon")
        })
      )
    )

    it.effect("the system flag is set only at creation", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.modify(admin, "john", { system: true } as unknown as Parameters<typeof users.modify>[2]),
            "InvalidInput"
          )
          expect(error.field).toBe("system")
        })
      )
    )

    it.effect("a group holding a system user can still be renamed, and the user follows", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* groups.rename(admin, "developers", "engineers")
          expect((yield* users.get(admin, "svc")).groups).toEqual(["engineers"])
        })
      )
    )
  })
  describe(`${name} — invariant 6: nobody locks itself out`, () => {
    it.effect("refuses to let an actor disable itself", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(users.disable(admin, "admin"), "SelfLockout")
          expect(error.message).toContain("disable yourself")
        })
      )
    )

    it.effect("refuses to let an actor delete itself", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* refuses(users.remove(admin, "admin"), "SelfLockout")
        })
      )
    )

    it.effect("refuses to let an actor take itself out of the admin group, by any command", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.addToGroup(admin, "admin", "developers")
          const error = yield* refuses(users.removeFromGroup(admin, "admin", "admins"), "SelfLockout")
          expect(error.message).toBe(
            "You cannot remove yourself ('admin') from the admin group: ask another administrator."
          )
          yield* refuses(users.modify(admin, "admin", { groups: ["developers"] }), "SelfLockout")
          yield* refuses(groups.removeMembers(admin, "admins", ["admin"]), "SelfLockout")
          yield* refuses(groups.setMembers(admin, "admins", ["root"]), "SelfLockout")
        })
      )
    )
  })

  describe(`${name} — modify with enabled: one change, all or nothing`, () => {
    it.effect("changes a user's details and disables it in one modify, audited as a modify and a disable", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const audit = yield* Audit
          const before = yield* users.get(admin, "john")
          const changed = yield* users.modify(admin, "john", { lastName: "Smith", enabled: false })
          expect([changed.lastName, changed.enabled, changed.version]).toEqual(["Smith", false, before.version + 1])
          expect(yield* users.get(admin, "john")).toEqual(changed)
          const entries = (yield* audit.list(admin, { target: "john" })).items
          expect(entries.slice(0, 2).map((entry) => [entry.action, entry.changes])).toEqual(
            expect.arrayContaining([
              ["user.modify", { lastName: "Smith" }],
              ["user.disable", { enabled: false }]
            ])
          )
          const enabled = yield* users.modify(admin, "john", { enabled: true })
          expect([enabled.enabled, enabled.version]).toEqual([true, before.version + 2])
          // The flag as it is already: nothing changes, no new version.
          expect((yield* users.modify(admin, "john", { enabled: true })).version).toBe(before.version + 2)
        })
      )
    )

    it.effect(
      "changes nothing when a modify also disables a user who may not be disabled (itself, the last admin, a system user)",
      () =>
        seeded(
          Effect.gen(function* () {
            const tokens = yield* Tokens.Tokens
            const users = yield* Users
            const own = yield* users.get(admin, "admin")
            yield* refuses(users.modify(admin, "admin", { firstName: "Changed", enabled: false }), "SelfLockout")
            expect(yield* users.get(admin, "admin")).toEqual(own)
            yield* refuses(users.modify(admin, "svc", { firstName: "Changed", enabled: false }), "SystemUserImmutable")
            const token = Tokens.actor((yield* tokens.create(admin, { name: "ops", scope: "api" })).token)
            yield* users.disable(admin, "root")
            yield* refuses(
              users.modify(token, "admin", { firstName: "Changed", groups: ["admins", "developers"], enabled: false }),
              "LastAdmin"
            )
            expect(yield* users.get(admin, "admin")).toEqual(own)
          })
        )
    )
  })
}
