/**
 * The storage contract: every rule of the domain, proved through the services on a given store. Every store (the
 * in-memory one here, the SQL ones in `@user-manager/kysely`) runs this same suite unchanged.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { DirectoryConfig, type DirectoryConfigShape } from "@user-manager/core/DirectoryConfig"
import { Groups } from "@user-manager/core/Groups"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import * as TransactionBody from "@user-manager/core/TransactionBody"
import { UserSort } from "@user-manager/core/User"
import { nameSortKeys } from "@user-manager/core/UserKeys"
import { type UserQuery, type UserStreamQuery, Users } from "@user-manager/core/Users"
import { Chunk, Effect, FastCheck as fc, Layer, Logger, Option, Redacted, Stream } from "effect"
import { admin, john, type StoreLayer, seed, services, snapshot } from "./fixture.js"

type Services = Users | Groups | Audit | Directory | PasswordHasher

/** Orders two strings by code point, as the SQL stores' binary collations do (for text without surrogates). */
const codePointOrder = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1)

/** Runs the storage contract against a store. */
export const directoryContract = (name: string, store: StoreLayer, hasher: Layer.Layer<PasswordHasher>) => {
  const run =
    (config: Partial<DirectoryConfigShape> = {}) =>
    <A, E>(effect: Effect.Effect<A, E, Services>) =>
      effect.pipe(Effect.provide(services(store, hasher, config)))
  /** A seeded directory with the default settings. */
  const seeded = <A, E>(effect: Effect.Effect<A, E, Services>) => run()(Effect.zipRight(seed, effect))

  /** Proves that `effect` is refused with `tag` and that the directory is exactly as it was. */
  const refuses = <A, E extends { readonly _tag: string }, T extends E["_tag"]>(
    effect: Effect.Effect<A, E, Services>,
    tag: T
  ) =>
    Effect.gen(function* () {
      const before = yield* snapshot
      const error = yield* Effect.flip(effect)
      expect(error._tag).toBe(tag)
      expect(yield* snapshot).toEqual(before)
      return error as Extract<E, { readonly _tag: T }>
    })

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
      "a directory whose admin group holds only system users opens with one warning, and bootstrap adds an administrator to it, audited",
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
            yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
            yield* open
            expect(logged).toEqual([])
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
            yield* open
            expect(logged).toEqual([
              "WARN The admin group 'admins' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME')."
            ])
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
            logged.length = 0
            yield* open
            expect(logged).toEqual([])
          })
        )
    )
  })

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

  describe(`${name} — invariant 4: a GID is never handed out twice`, () => {
    it.effect("allocates GIDs upwards from the start of the range", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          expect((yield* groups.create(admin, { name: "ops" })).gid).toBe(1003)
          expect((yield* groups.create(admin, { name: "qa" })).gid).toBe(1004)
        })
      )
    )

    it.effect("never allocates the GID of a deleted group again", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const ops = yield* groups.create(admin, { name: "ops" })
          yield* groups.remove(admin, "ops")
          const next = yield* groups.create(admin, { name: "ops" })
          expect(next.gid).toBe(ops.gid + 1)
        })
      )
    )

    it.effect("refuses an explicit GID that a deleted group had", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* groups.create(admin, { name: "legacy", gid: 5000 })
          yield* groups.remove(admin, "legacy")
          const error = yield* refuses(groups.create(admin, { name: "legacy", gid: 5000 }), "GidTaken")
          expect(error.group).toBeNull()
        })
      )
    )

    it.effect("accepts any unused explicit GID from 1 to 2147483646 except 65534 and 65535", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          expect((yield* groups.create(admin, { name: "g1", gid: 1 })).gid).toBe(1)
          expect((yield* groups.create(admin, { name: "g2", gid: 2147483646 })).gid).toBe(2147483646)
          expect((yield* groups.create(admin, { name: "g3", gid: 65533 })).gid).toBe(65533)
          for (const gid of [0, -5, 65534, 65535, 2147483647]) {
            const error = yield* refuses(groups.create(admin, { name: "gx", gid }), "GidOutOfRange")
            expect(error.gid).toBe(gid)
          }
          const error = yield* refuses(groups.create(admin, { name: "gx", gid: 1.5 }), "InvalidInput")
          expect(error.field).toBe("gid")
        })
      )
    )

    it.effect("skips GIDs in the range that were claimed explicitly", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* groups.create(admin, { name: "claimed", gid: 1003 })
          yield* groups.remove(admin, "claimed")
          yield* groups.create(admin, { name: "held", gid: 1004 })
          expect((yield* groups.create(admin, { name: "next" })).gid).toBe(1005)
        })
      )
    )

    it.effect("says clearly when the range is exhausted", () =>
      run({ gidMin: 1000, gidMax: 1002 })(
        Effect.gen(function* () {
          yield* seed
          const groups = yield* Groups
          const error = yield* refuses(groups.create(admin, { name: "ops" }), "GidRangeExhausted")
          expect(error.message).toContain("1000 to 1002")
          yield* groups.create(admin, { name: "ops", gid: 7000 })
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

  describe(`${name} — dry runs`, () => {
    it.effect("a dry run checks every rule, returns the result and changes nothing", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const before = yield* snapshot
          expect((yield* users.remove(admin, "bob", { dryRun: true })).username).toBe("bob")
          expect((yield* users.disable(admin, "john", { dryRun: true })).enabled).toBe(false)
          expect((yield* users.removeFromGroup(admin, "alice", "analysts", { dryRun: true })).groups).toEqual([
            "developers"
          ])
          expect((yield* groups.removeMembers(admin, "analysts", ["alice"], { dryRun: true })).members).toEqual(["bob"])
          yield* users.addToGroup(admin, "bob", "developers", { dryRun: true })
          const snap = yield* snapshot
          expect(snap).toEqual(before)
          yield* refuses(groups.remove(admin, "analysts", { dryRun: true }), "GroupMembershipRequired")
          yield* refuses(users.remove(admin, "svc", { dryRun: true }), "SystemUserImmutable")
        })
      )
    )
  })

  describe(`${name} — listing`, () => {
    it.effect("searches username, first name and last name as a case-insensitive substring, not email", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("JO")).toEqual(["john"])
          expect(yield* names("lidd")).toEqual(["alice"])
          expect(yield* names("bUiLd")).toEqual(["bob"])
          expect(yield* names("example.com")).toEqual([])
          expect(yield* names("o")).toEqual(["bob", "john", "root"])
        })
      )
    )

    it.effect("finds a user by the full name as shown, in any case, and by any part of it", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "zoe", firstName: "Zoë", lastName: "山田", groups: ["analysts"] })
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("John Doe")).toEqual(["john"])
          expect(yield* names("jOHN dOE")).toEqual(["john"])
          expect(yield* names("n D")).toEqual(["john"])
          expect(yield* names("Alice Liddell")).toEqual(["alice"])
          expect(yield* names("Zoë 山田")).toEqual(["zoe"])
          expect(yield* names("ë 山")).toEqual(["zoe"])
          expect(yield* names("Service")).toEqual(["svc"])
          expect(yield* names("John  Doe")).toEqual([])
          expect(yield* names("Doe John")).toEqual([])
          expect(yield* names("john@example")).toEqual([])
        })
      )
    )

    it.effect("each page of a listing is read with its own bounds and search, however many came before", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const names = (query: { readonly search?: string; readonly limit?: number; readonly offset?: number }) =>
            users.list(admin, query).pipe(Effect.map((page) => [page.total, page.items.map((user) => user.username)]))
          const all = ["admin", "alice", "bob", "john", "root", "svc"]
          for (const [limit, offset] of [
            [2, 0],
            [2, 2],
            [3, 1],
            [1, 5],
            [4, 4]
          ] as const) {
            expect(yield* names({ limit, offset })).toEqual([6, all.slice(offset, offset + limit)])
          }
          // A page of three reads the memberships of three users (a read padded to four names): each with its groups.
          const page = yield* users.list(admin, { limit: 3, offset: 1 })
          for (const user of page.items) expect(user.groups).toEqual((yield* users.get(admin, user.username)).groups)
          expect(yield* names({ search: "o", limit: 2, offset: 1 })).toEqual([3, ["john", "root"]])
          expect(yield* names({ search: "oo", limit: 2, offset: 0 })).toEqual([1, ["root"]])
          expect(yield* names({ search: "lidd", limit: 1, offset: 0 })).toEqual([1, ["alice"]])
          expect(yield* names({ search: "bUiLd", limit: 1, offset: 0 })).toEqual([1, ["bob"]])
        })
      )
    )

    it.effect("takes % and _ in a search term literally", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.create(admin, { username: "a_b", firstName: "100%", groups: ["analysts"] })
          yield* users.create(admin, { username: "axb", firstName: "1000", groups: ["analysts"] })
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("a_b")).toEqual(["a_b"])
          expect(yield* names("0%")).toEqual(["a_b"])
          expect(yield* names("%")).toEqual(["a_b"])
          expect(yield* names("\\")).toEqual([])
          yield* groups.create(admin, { name: "x_y" })
          yield* groups.create(admin, { name: "xzy" })
          expect((yield* groups.list(admin, { search: "x_" })).items.map((group) => group.name)).toEqual(["x_y"])
        })
      )
    )

    it.effect("sorts users by every column in both directions, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.disable(admin, "bob")
          const order = (sort: string, direction: "asc" | "desc" = "asc") =>
            users
              .list(admin, { sort: sort as "username", order: direction })
              .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* order("username")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("username", "desc")).toEqual(["svc", "root", "john", "bob", "alice", "admin"])
          expect(yield* order("firstName")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("lastName")).toEqual(["svc", "admin", "bob", "john", "alice", "root"])
          expect(yield* order("fullName")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("email")).toEqual(["admin", "bob", "root", "svc", "alice", "john"])
          expect(yield* order("groups")).toEqual(["admin", "root", "bob", "alice", "john", "svc"])
          expect(yield* order("enabled")).toEqual(["bob", "admin", "alice", "john", "root", "svc"])
          expect(yield* order("enabled", "desc")).toEqual(["admin", "alice", "john", "root", "svc", "bob"])
          expect(yield* order("system", "desc")).toEqual(["svc", "admin", "alice", "bob", "john", "root"])
          expect((yield* order("createdAt")).length).toBe(6)
          expect((yield* order("updatedAt", "desc")).length).toBe(6)
        })
      )
    )

    it.effect("sorts names as people expect: case and accents aside, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (const [username, firstName, lastName] of [
            ["zoe", "Zoë", "山田"],
            ["lower", "root", ""],
            ["emile2", "émile", "Zola"],
            ["emile1", "Emile", "Zola"],
            ["emma", "Emma", "Ångström"],
            ["eve", "ÉVE", "Adams"]
          ] as const) {
            yield* users.create(admin, { username, firstName, lastName, groups: ["analysts"] })
          }
          const order = (sort: "fullName" | "firstName" | "lastName", direction: "asc" | "desc" = "asc") =>
            users
              .list(admin, { sort, order: direction, search: "" })
              .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          const byFullName = ["admin", "alice", "bob", "emile1", "emile2", "emma", "eve", "john", "root", "lower"]
          expect(yield* order("fullName")).toEqual([...byFullName, "svc", "zoe"])
          // Descending, names that sort alike still list by username ascending.
          expect(yield* order("fullName", "desc")).toEqual([
            "zoe",
            "svc",
            "lower",
            "root",
            "john",
            "eve",
            "emma",
            "emile1",
            "emile2",
            "bob",
            "alice",
            "admin"
          ])
          expect(yield* order("firstName")).toEqual([
            "admin",
            "alice",
            "bob",
            "emile1",
            "emile2",
            "emma",
            "eve",
            "john",
            "root",
            "lower",
            "svc",
            "zoe"
          ])
          expect(yield* order("lastName")).toEqual([
            "lower",
            "svc",
            "eve",
            "admin",
            "emma",
            "bob",
            "john",
            "alice",
            "root",
            "emile1",
            "emile2",
            "zoe"
          ])
        })
      )
    )

    it.effect("every store lists names in the order of the core's sort key, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          // Letters in both cases, with and without marks, a ligature and wide characters: every store must order them
          // as the core's key does (no trailing mark: a name is trimmed, and its key must be too).
          const letter = fc.constantFrom("a", "A", "á", "Å", "e", "É", "ë", "z", "Z", "ﬁ", "山", "田", "ß", "0")
          const name = fc.array(letter, { maxLength: 4 }).map((letters) => letters.join(""))
          const people = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 9999 }), name, name), {
            minLength: 1,
            maxLength: 6,
            selector: ([number]) => number
          })
          let run = 0
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(people, async (drawn) => {
                run++
                const prefix = `p${run}x`
                const created = drawn.map(([number, firstName, lastName]) => ({
                  username: `${prefix}${number}`,
                  firstName,
                  lastName
                }))
                const listed = await Effect.runPromise(
                  Effect.gen(function* () {
                    for (const user of created) yield* users.create(admin, { ...user, groups: ["analysts"] })
                    return yield* Effect.all(
                      (["fullName", "firstName", "lastName"] as const).map((sort) =>
                        users
                          .list(admin, { sort, search: prefix })
                          .pipe(Effect.map((page) => page.items.map((user) => user.username)))
                      )
                    )
                  })
                )
                const expected = (["fullName", "firstName", "lastName"] as const).map((sort) =>
                  created
                    .map((user) => [nameSortKeys(user)[sort], user.username] as const)
                    .sort(([a, x], [b, y]) => codePointOrder(a, b) || codePointOrder(x, y))
                    .map(([, username]) => username)
                )
                expect(listed).toEqual(expected)
              }),
              { numRuns: 15 }
            )
          )
        })
      )
    )

    it.effect("the groups and members sorts follow membership changes, renames and deletions", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const byGroups = users
            .list(admin, { sort: "groups" })
            .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          const byMembers = groups
            .list(admin, { sort: "members", order: "desc" })
            .pipe(Effect.map((page) => page.items.map((group) => group.name)))
          yield* groups.rename(admin, "analysts", "zanalysts")
          expect(yield* byGroups).toEqual(["admin", "root", "john", "svc", "alice", "bob"])
          yield* groups.create(admin, { name: "beta", members: ["bob"] })
          expect(yield* byGroups).toEqual(["admin", "root", "bob", "john", "svc", "alice"])
          yield* groups.remove(admin, "zanalysts")
          expect(yield* byGroups).toEqual(["admin", "root", "bob", "alice", "john", "svc"])
          expect(yield* byMembers).toEqual(["developers", "admins", "beta"])
          yield* users.remove(admin, "john")
          yield* users.addToGroup(admin, "alice", "beta")
          expect(yield* byMembers).toEqual(["admins", "beta", "developers"])
        })
      )
    )

    it.effect("paginates with an exact total and a stable order", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const pages = []
          for (let offset = 0; offset < 6; offset += 4) pages.push(yield* users.list(admin, { limit: 4, offset }))
          expect(pages.map((page) => page.total)).toEqual([6, 6])
          expect(pages.flatMap((page) => page.items.map((user) => user.username))).toEqual([
            "admin",
            "alice",
            "bob",
            "john",
            "root",
            "svc"
          ])
          expect((yield* users.list(admin, { offset: 100 })).items).toEqual([])
          yield* refuses(users.list(admin, { limit: 0 }), "InvalidInput")
          yield* refuses(users.list(admin, { limit: 1001 }), "InvalidInput")
          yield* refuses(users.list(admin, { offset: -1 }), "InvalidInput")
          yield* refuses(users.list(admin, { sort: "password" as "username" }), "InvalidInput")
        })
      )
    )

    it.effect("streams every match in the list's order for every sort and direction, page after page by key", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          // Ties on every sorted column, and users without an email, so that the username must break them.
          for (const [username, firstName, email] of [
            ["zed", "John", null],
            ["amy", "John", "amy@example.com"],
            ["kim", "Kim", null],
            ["lee", "Alice", "LEE@example.com"]
          ] as const) {
            yield* users.create(admin, {
              username,
              firstName,
              lastName: "Doe",
              ...(email === null ? {} : { email }),
              groups: ["analysts"]
            })
          }
          yield* users.disable(admin, "kim")
          const listed = (query: UserQuery) =>
            users.list(admin, { ...query, limit: 1000 }).pipe(Effect.map((page) => page.items.map((u) => u.username)))
          const streamed = (query: UserStreamQuery) =>
            Stream.runCollect(users.stream(admin, query)).pipe(
              Effect.map((chunk) => Chunk.toReadonlyArray(chunk).map((u) => u.username))
            )
          for (const sort of UserSort.literals) {
            for (const order of ["asc", "desc"] as const) {
              for (const search of ["", "doe"]) {
                const expected = yield* listed({ sort, order, search })
                expect([sort, order, search, yield* streamed({ sort, order, search, pageSize: 3 })]).toEqual([
                  sort,
                  order,
                  search,
                  expected
                ])
              }
            }
          }
          const all = yield* listed({})
          expect(yield* streamed({ offset: 3, limit: 4, pageSize: 3 })).toEqual(all.slice(3, 7))
          expect(yield* streamed({ limit: 0 })).toEqual([])
          expect(yield* streamed({ offset: 100 })).toEqual([])
          yield* refuses(Stream.runDrain(users.stream(john)), "Forbidden")
          yield* refuses(Stream.runDrain(users.stream(admin, { pageSize: 0 })), "InvalidInput")
        })
      )
    )

    it.effect("lists groups with their members, searched by name and sorted by name, GID or member count", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* groups.create(admin, { name: "zeta", gid: 10 })
          const order = (sort: "name" | "gid" | "members", direction: "asc" | "desc" = "asc") =>
            groups
              .list(admin, { sort, order: direction })
              .pipe(Effect.map((page) => page.items.map((group) => group.name)))
          expect(yield* order("name")).toEqual(["admins", "analysts", "developers", "zeta"])
          expect(yield* order("gid")).toEqual(["zeta", "admins", "developers", "analysts"])
          expect(yield* order("members", "desc")).toEqual(["developers", "admins", "analysts", "zeta"])
          const found = yield* groups.list(admin, { search: "LYST" })
          expect(found.total).toBe(1)
          expect(found.items[0]?.members).toEqual(["alice", "bob"])
        })
      )
    )
  })

  describe(`${name} — audit`, () => {
    it.effect("records every change with actor, action, target and changed fields, newest first", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const audit = yield* Audit
          yield* users.modify(admin, "john", { lastName: "Smith", password: "new secret!" })
          yield* users.disable(admin, "john")
          yield* groups.rename(admin, "analysts", "analysis")
          const trail = yield* audit.list(admin, { limit: 3 })
          expect(trail.items.map((entry) => entry.action)).toEqual(["group.rename", "user.disable", "user.modify"])
          expect(trail.items[2]?.changes).toEqual({ lastName: "Smith", password: "changed" })
          expect(trail.items[0]?.changes).toEqual({ name: { from: "analysts", to: "analysis" } })
          expect(trail.items.every((entry) => entry.actor === "admin")).toBe(true)
        })
      )
    )

    it.effect("filters the audit trail by actor, target, action and time", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const audit = yield* Audit
          yield* users.addToGroup(admin, "root", "developers")
          yield* users.disable(Actor.user("root"), "john")
          const byRoot = yield* audit.list(admin, { actor: "root" })
          expect(byRoot.items.map((entry) => `${entry.action} ${entry.target}`)).toEqual(["user.disable john"])
          expect((yield* audit.list(admin, { target: "john" })).items.map((entry) => entry.action)).toEqual([
            "user.disable",
            "user.create"
          ])
          expect((yield* audit.list(admin, { action: "group.create" })).total).toBe(2)
          expect((yield* audit.list(admin, { since: "2999-01-01T00:00:00Z" })).total).toBe(0)
          expect((yield* audit.list(admin, { until: "2999-01-01T00:00:00Z" })).total).toBeGreaterThan(5)
          yield* refuses(audit.list(admin, { action: "user.explode" as "user.create" }), "InvalidInput")
        })
      )
    )

    it.effect("a membership change is one entry, listed in the trail of every user and group it affects", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const audit = yield* Audit
          const before = (yield* audit.list(admin, { limit: 1 })).total
          yield* users.modify(admin, "john", { groups: ["developers", "admins"] })
          yield* groups.addMembers(admin, "analysts", ["john", "root"])
          const [members, modify] = (yield* audit.list(admin, { limit: 2 })).items
          expect((yield* audit.list(admin, { limit: 1 })).total).toBe(before + 2)
          expect([modify?.action, modify?.target, modify?.changes]).toEqual([
            "user.modify",
            "john",
            { groups: { added: ["admins"], removed: [] } }
          ])
          expect([members?.action, members?.target, members?.changes]).toEqual([
            "group.members",
            "analysts",
            { added: ["john", "root"], removed: [] }
          ])
          const trail = (target: string) =>
            audit.list(admin, { target }).pipe(Effect.map((page) => page.items.map((entry) => entry.id)))
          expect((yield* trail("john")).slice(0, 2)).toEqual([members?.id, modify?.id])
          expect((yield* trail("admins"))[0]).toBe(modify?.id)
          expect((yield* trail("root"))[0]).toBe(members?.id)
          expect((yield* trail("analysts"))[0]).toBe(members?.id)
          // john stayed in developers: that change is not in its trail, and each trail counts what it lists.
          expect(yield* trail("developers")).not.toContain(modify?.id)
          const johns = yield* audit.list(admin, { target: "john", limit: 1 })
          expect(johns.total).toBe((yield* trail("john")).length)
          // A user's creation and deletion are in the trails of its groups.
          yield* users.remove(admin, "bob")
          const analysts = yield* audit.list(admin, { target: "analysts" })
          expect(analysts.items.slice(0, 2).map((entry) => `${entry.action} ${entry.target}`)).toEqual([
            "user.delete bob",
            "group.members analysts"
          ])
          expect(analysts.items.at(-1)?.action).toBe("group.create")
          expect(analysts.items.map((entry) => `${entry.action} ${entry.target}`)).toContain("user.create bob")
        })
      )
    )

    it.effect("indexes every subject of an entry, however many, in the entry's transaction", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const audit = yield* Audit
          const subjects = Array.from({ length: 2500 }, (_, index) => `member${index}`)
          const entry = {
            at: new Date(),
            actor: "admin",
            action: "group.members" as const,
            targetType: "group" as const,
            target: "crowd",
            changes: { added: subjects.length, removed: 0 },
            subjects
          }
          // Rolled back with its transaction: neither the entry nor its subjects stay.
          yield* Effect.exit(directory.write((tx) => Effect.zipRight(tx.appendAudit(entry), Effect.fail("undo"))))
          expect((yield* audit.list(admin, { target: "member0" })).total).toBe(0)
          yield* directory.write((tx) => tx.appendAudit(entry))
          for (const subject of ["member0", "member999", "member1000", "member2499", "crowd"]) {
            const found = yield* audit.list(admin, { target: subject })
            expect([subject, found.total, found.items[0]?.target]).toEqual([subject, 1, "crowd"])
          }
          expect((yield* audit.list(admin, { target: "member2500" })).total).toBe(0)
        })
      )
    )
  })

  describe(`${name} — store lookups`, () => {
    it.effect(
      "findUser returns the user with its groups in name order; findGroupRow returns the group's row alone",
      () =>
        seeded(
          Effect.gen(function* () {
            const directory = yield* Directory
            const groups = yield* Groups
            yield* groups.addMembers(admin, "analysts", ["john"])
            const [user, missing, full, row, noRow] = yield* directory.read((tx) =>
              Effect.all([
                tx.findUser("john"),
                tx.findUser("nobody"),
                tx.findGroup("analysts"),
                tx.findGroupRow("analysts"),
                tx.findGroupRow("nothing")
              ])
            )
            expect(Option.getOrThrow(user).groups).toEqual(["analysts", "developers"])
            expect(Option.isNone(missing)).toBe(true)
            const { members, ...groupRow } = Option.getOrThrow(full)
            expect(members).toContain("john")
            expect(Option.getOrThrow(row)).toEqual(groupRow)
            expect(Option.isNone(noRow)).toBe(true)
          })
        )
    )
  })

  describe(`${name} — transactions`, () => {
    it.effect("a failing write transaction leaves nothing of what it wrote", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const before = yield* snapshot
          const now = new Date(0)
          const failure = yield* Effect.flip(
            directory.write((tx) =>
              Effect.gen(function* () {
                yield* tx.insertGroup({ name: "temp" as never, gid: 4242, createdAt: now, updatedAt: now, version: 1 })
                yield* tx.addMembership("bob" as never, "temp" as never)
                yield* tx.removeMembership("bob" as never, "analysts" as never)
                yield* tx.deleteUser("john" as never)
                yield* tx.setGidHighWaterMark(9999)
                return yield* Effect.fail("stop" as const)
              })
            )
          )
          expect(failure).toBe("stop")
          expect(yield* snapshot).toEqual(before)
          const ledger = yield* directory.read((tx) => Effect.all([tx.gidEverUsed(4242), tx.gidHighWaterMark]))
          expect(ledger).toEqual([false, 1002])
        })
      )
    )

    it.effect("refuses a transaction body that waits on anything but the store, the same way, keeping nothing", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const before = yield* snapshot
          const now = new Date(0)
          // A timer (a real one: the tests' clock does not move by itself) and a promise.
          const timer = Effect.async<void>((resume) => {
            const timeout = setTimeout(() => resume(Effect.void), 1)
            return Effect.sync(() => clearTimeout(timeout))
          })
          for (const wait of [timer, Effect.promise(() => Promise.resolve())]) {
            const refused = yield* Effect.flip(
              directory.write((tx) =>
                Effect.gen(function* () {
                  yield* tx.insertGroup({
                    name: "temp" as never,
                    gid: 4242,
                    createdAt: now,
                    updatedAt: now,
                    version: 1
                  })
                  yield* wait
                  yield* tx.deleteUser("john" as never)
                })
              )
            )
            expect(refused).toEqual(TransactionBody.asyncBodyRefused())
            const read = yield* Effect.flip(directory.read((tx) => Effect.zipRight(wait, tx.isEmpty)))
            expect(read).toEqual(TransactionBody.asyncBodyRefused())
          }
          expect(yield* snapshot).toEqual(before)
          expect(yield* directory.read((tx) => tx.gidEverUsed(4242))).toBe(false)
        })
      )
    )

    it.effect("a long transaction body that never waits on anything but the store is not refused", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const found = yield* directory.write((tx) =>
            Effect.gen(function* () {
              // Many more steps than a fiber runs before it lets others run (2,048), with yields asked for.
              yield* Effect.forEach(Array.from({ length: 5000 }), () => Effect.yieldNow(), { discard: true })
              return yield* tx.findUser("john")
            })
          )
          expect(Option.getOrThrow(found).username).toBe("john")
        })
      )
    )
  })
}
