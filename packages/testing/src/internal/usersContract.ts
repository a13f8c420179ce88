/**
 * The storage contract's suites on users: bootstrap, who may do what, a user's fields, system users, and nobody locking itself out.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { DirectoryConfig } from "@user-manager/core/DirectoryConfig"
import { Groups } from "@user-manager/core/Groups"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { administratorWarning, Users } from "@user-manager/core/Users"
import { Effect, Layer, Logger, Option, Redacted } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on users: bootstrap, who may do what, a user's fields, system users, and nobody locking itself out. */
export const usersContract = (name: string, { run, seeded, refuses }: Harness) => {
  describe(`${name} — bootstrap`, () => {
    it.effect("bootstrap creates the admin group with the first GID of the range and its first enabled member", () =>
      run()(
        Effect.gen(function* () {
          const users = yield* Users
          const { group, user } = yield* users.bootstrap({ username: "admin", password: "correct horse" })
          expect(group.name).toBe("admins")
          expect(group.gid).toBe(1000)
          expect(user.groups).toEqual(["admins"])
          const me = yield* users.whoAmI(admin)
          expect(me.admin).toBe(true)
          expect(me.user.enabled).toBe(true)
        })
      )
    )

    it.effect("bootstrap uses the configured admin group name", () =>
      run({ adminGroup: "wheel" })(
        Effect.gen(function* () {
          const users = yield* Users
          const { group } = yield* users.bootstrap({ username: "admin" })
          expect(group.name).toBe("wheel")
          expect((yield* users.whoAmI(admin)).admin).toBe(true)
        })
      )
    )

    it.effect("refuses to bootstrap a directory that already has users", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(users.bootstrap({ username: "mallory" }), "Forbidden")
          expect(error.message).toContain("already has users")
        })
      )
    )
  })
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

    it.effect("refuses passwords shorter than the minimum, longer than 256 characters, or equal to the username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const create = (password: string) => users.create(admin, { username: "eve", password, groups: ["analysts"] })
          for (const password of ["", "short", "x".repeat(257), "eve", "EVE"]) {
            const error = yield* refuses(create(password), "InvalidInput")
            expect(error.field).toBe("password")
            expect(error.message).not.toContain(password === "" ? "\u0000" : password)
          }
          yield* create("x".repeat(256))
        })
      )
    )

    it.effect("honours a configured minimum password length", () =>
      run({ minPasswordLength: 12 })(
        Effect.gen(function* () {
          const users = yield* Users
          yield* Effect.flip(users.bootstrap({ username: "admin", password: "elevenchars" }))
          yield* users.bootstrap({ username: "admin", password: "twelve chars" })
        })
      )
    )

    it.effect("normalises passwords with NFKC before hashing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "eve", password: "ｐａｓｓｗｏｒｄ１２", groups: ["analysts"] })
          expect((yield* users.authenticate("eve", "password12")).username).toBe("eve")
        })
      )
    )

    it.effect("never returns, records or echoes a password or its hash", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const audit = yield* Audit
          const created = yield* users.create(admin, {
            username: "eve",
            password: "hunter2hunter2",
            groups: ["analysts"]
          })
          yield* users.modify(admin, "eve", { password: "another secret" })
          const text = JSON.stringify([created, yield* users.list(admin), yield* audit.list(admin, { limit: 1000 })])
          expect(text).not.toContain("hunter2hunter2")
          expect(text).not.toContain("another secret")
          expect(text).not.toContain("$argon2")
          expect(text).not.toContain("$test$")
          expect(text).not.toMatch(/passwordHash/)
          const stored = yield* Directory.pipe(
            Effect.flatMap((directory) => directory.read((tx) => tx.findUser("eve")))
          )
          const hash = Option.getOrThrow(stored).passwordHash
          expect(String(hash)).toBe("<redacted>")
          expect(Redacted.value(hash as Redacted.Redacted<string>)).not.toContain("another secret")
        })
      )
    )

    it.effect("a store's listing of users never reads their password hashes, searched or not", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "eve", password: "hunter2hunter2", groups: ["analysts"] })
          const directory = yield* Directory
          for (const search of ["", "ev", "eve"]) {
            const { items } = yield* directory.read((tx) =>
              tx.listUsers({ search, sort: "username", order: "asc", limit: 50, offset: 0, count: true })
            )
            expect(items.map((user) => user.username)).toContain("eve")
            for (const user of items) expect(Object.keys(user)).not.toContain("passwordHash")
          }
        })
      )
    )

    it.effect("a user created without a password cannot sign in until one is set", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* Effect.flip(users.authenticate("bob", ""))
          expect(error._tag).toBe("Unauthenticated")
          yield* users.modify(admin, "bob", { password: "bob's new pass" })
          expect((yield* users.authenticate("bob", "bob's new pass")).username).toBe("bob")
        })
      )
    )

    it.effect("a sign-in username longer than a username can be is bad input, refused in one short sentence", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(users.authenticate("j".repeat(250 * 1024), "john's secret"), "InvalidInput")
          expect(error.message.length).toBeLessThan(100)
          expect(error.message).toContain("at most 32 characters")
        })
      )
    )

    it.effect("a disabled user with the right password is refused exactly as a wrong password is", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.disable(admin, "john")
          expect((yield* Effect.flip(users.authenticate("john", "john's secret"))).reason).toBe(
            "the username or password is not correct"
          )
          const unknown = yield* Effect.flip(users.authenticate("nobody", "john's secret"))
          const wrong = yield* Effect.flip(users.authenticate("alice", "john's secret"))
          expect(unknown.message).toBe(wrong.message)
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
  describe(`${name} — system users hold no password and never sign in`, () => {
    /** Gives a stored user a password hash behind the services' back, as a directory made before this rule may hold. */
    const storeHash = (username: string, password: string) =>
      Effect.gen(function* () {
        const directory = yield* Directory
        const hasher = yield* PasswordHasher
        const passwordHash = yield* hasher.hash(Redacted.make(password) as never)
        yield* directory.write((tx) =>
          Effect.gen(function* () {
            const { groups: _groups, ...row } = Option.getOrThrow(yield* tx.findUser(username))
            yield* tx.updateUser({ ...row, passwordHash })
          })
        )
      })

    it.effect("refuses to create a system user with a password, in one sentence, and creates nothing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(
            users.create(admin, { username: "robot", groups: ["admins"], system: true, password: "robot pass" }),
            "InvalidInput"
          )
          expect(error.field).toBe("password")
          expect(error.message).toBe("Invalid password: a system user holds none, since system users never sign in.")
          const robot = yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
          expect(robot.system).toBe(true)
        })
      )
    )

    it.effect("a system user's password hash stored before the rule never signs in: refused as a wrong password", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
          yield* storeHash("robot", "robot's old pass")
          yield* storeHash("svc", "svc's old pass")
          const wrong = yield* Effect.flip(users.authenticate("john", "not john's secret"))
          for (const [username, password] of [
            ["robot", "robot's old pass"],
            ["svc", "svc's old pass"]
          ] as const) {
            const refused = yield* Effect.flip(users.authenticate(username, password))
            expect(refused._tag).toBe("Unauthenticated")
            expect(refused.message).toBe(wrong.message)
          }
        })
      )
    )

    it.effect("a system member of the admin group is not counted as one of its enabled members", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const directory = yield* Directory
          yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
          yield* users.disable(admin, "root")
          const count = yield* directory.read((tx) => tx.countEnabledNonSystemMembers("admins" as never))
          expect(count).toBe(1)
          yield* users.enable(admin, "root")
          expect(yield* directory.read((tx) => tx.countEnabledNonSystemMembers("admins" as never))).toBe(2)
          expect(yield* directory.read((tx) => tx.countEnabledNonSystemMembers("developers" as never))).toBe(2)
        })
      )
    )

    it.effect(
      "a directory whose admin group holds only system users has a warning, read by administratorWarning and not by opening the Users service, and bootstrap adds an administrator to it, audited",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const audit = yield* Audit
            const directory = yield* Directory
            const logged: Array<string> = []
            const open = Effect.scoped(Layer.build(Users.layer)).pipe(
              Effect.provide(DirectoryConfig.layer({})),
              Effect.provide(
                Logger.replace(
                  Logger.defaultLogger,
                  Logger.make(({ logLevel, message }) => logged.push(`${logLevel.label} ${[message].flat().join(" ")}`))
                )
              )
            )
            const warning = Effect.map(administratorWarning, Option.getOrUndefined)
            yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
            expect(yield* warning).toBeUndefined()
            // As a directory made before system users lost admin access can be: its human administrators disabled by
            // a system user that was one.
            yield* directory.write((tx) =>
              Effect.forEach(["admin", "root"], (username) =>
                Effect.gen(function* () {
                  const { groups: _groups, ...row } = Option.getOrThrow(yield* tx.findUser(username))
                  yield* tx.updateUser({ ...row, enabled: false, version: row.version + 1 })
                })
              )
            )
            expect(yield* warning).toBe(
              "The admin group 'admins' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME')."
            )
            // Opening the service reads nothing and says nothing: every command and request would pay for the read.
            yield* open
            expect(logged).toEqual([])
            expect((yield* Effect.flip(users.bootstrap({ username: "john" })))._tag).toBe("UsernameTaken")
            expect((yield* Effect.flip(users.bootstrap({ username: "eve", email: "JOHN@example.com" })))._tag).toBe(
              "EmailTaken"
            )
            const boss = Actor.user("boss")
            const { group, user } = yield* users.bootstrap({ username: "boss", password: "boss's password" })
            expect(user.groups).toEqual(["admins"])
            expect(group.members).toEqual(["admin", "boss", "robot", "root"])
            expect((yield* users.whoAmI(boss)).admin).toBe(true)
            expect((yield* users.authenticate("boss", "boss's password")).username).toBe("boss")
            const [entry] = (yield* audit.list(boss, { action: "directory.bootstrap", limit: 1 })).items
            expect(entry?.actor).toBe("boss")
            expect(entry?.target).toBe("admins")
            expect(entry?.changes).toMatchObject({ adminGroup: "admins", admin: "boss" })
            yield* users.enable(boss, "admin")
            const again = yield* refuses(users.bootstrap({ username: "mallory" }), "Forbidden")
            expect(again.message).toContain("already has users")
            expect(yield* warning).toBeUndefined()
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
          yield* refuses(users.removeFromGroup(admin, "admin", "admins"), "SelfLockout")
          yield* refuses(users.modify(admin, "admin", { groups: ["developers"] }), "SelfLockout")
          yield* refuses(groups.removeMembers(admin, "admins", ["admin"]), "SelfLockout")
          yield* refuses(groups.setMembers(admin, "admins", ["root"]), "SelfLockout")
        })
      )
    )
  })
}
