/**
 * The storage contract's suites on credentials: the password policy, signing in, and system users that hold no
 * password.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { DirectoryConfig } from "@user-manager/core/DirectoryConfig"
import type { Username } from "@user-manager/core/Names"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { administratorWarning, Users } from "@user-manager/core/Users"
import { Effect, Layer, Logger, Option, Redacted } from "effect"
import { admin } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on credentials: passwords, signing in, and system users that hold no password. */
export const credentialsContract = (name: string, { run, seeded, refuses }: Harness) => {
  describe(`${name} — user fields`, () => {
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

    it.effect("an administrator's password reset checks the policy, ends the user's sessions and is audited", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const directory = yield* Directory
          const now = new Date()
          const session = { tokenHash: "a".repeat(64), username: "john" as Username, createdAt: now, expiresAt: now }
          yield* directory.write((tx) => tx.insertSession({ ...session, expiresAt: new Date(now.getTime() + 60_000) }))
          yield* refuses(users.resetPassword(admin, "john", "short"), "InvalidInput")
          yield* refuses(users.resetPassword(admin, "nobody", "a long new password"), "UserNotFound")
          yield* refuses(users.resetPassword(Actor.user("john"), "alice", "a long new password"), "Forbidden")
          const user = yield* users.resetPassword(admin, "john", "a long new password")
          expect(user.version).toBe(2)
          expect(Option.isNone(yield* directory.read((tx) => tx.findSession(session.tokenHash)))).toBe(true)
          expect((yield* users.authenticate("john", "a long new password")).username).toBe("john")
          yield* refuses(users.authenticate("john", "john's secret"), "Unauthenticated")
          const { items } = yield* (yield* Audit).list(admin, { target: "john", action: "user.modify" })
          expect(items[0]?.changes).toEqual({ password: "changed" })
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
          // A refused sign-in says so, not "sign in first".
          expect(wrong.message).toBe("The username or password is not correct.")
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
          // Whatever the password, an empty one too (dt user add --system --password-stdin </dev/null).
          const empty = yield* refuses(
            users.create(admin, { username: "robot", groups: ["admins"], system: true, password: "" }),
            "InvalidInput"
          )
          expect(empty.message).toBe(error.message)
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
}
