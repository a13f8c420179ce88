/**
 * The per-record permissions (`Permissions.forUser`, `Permissions.forGroup`) against the writes themselves: for every
 * actor of the fixture, every user and group, and every action, a permission that says "no" is the very refusal the
 * write raises, and one that says "yes" is never refused by a rule the record alone decides. Each write runs on a
 * freshly seeded in-memory directory (the rules are the core's, the same on every store).
 */
import { describe, expect, it } from "@effect/vitest"
import { Actor } from "@user-manager/core"
import { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import * as Permissions from "@user-manager/core/Permissions"
import * as Tokens from "@user-manager/core/Tokens"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer, Schema } from "effect"

const fresh = <A, E>(effect: Effect.Effect<A, E, Users | Groups>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

/**
 * The refusals of the rules a record alone decides, for users and for groups: a "yes" must never meet one of them. (A
 * group's delete may still be refused for a system user among its members: a rule about the members, not the group.)
 */
const USER_RULES = ["SystemUserImmutable", "SelfLockout", "Forbidden"]
const GROUP_RULES = ["ProtectedGroup", "Forbidden"]

type Refusal = { readonly _tag: string; readonly message: string }
type Writes<K extends string> = Record<K, Effect.Effect<unknown, Refusal>>

const ACTORS = ["admin", "root", "john", "svc"]
const USERS = ["admin", "root", "john", "alice", "bob", "svc"]
const GROUPS = ["admins", "developers", "analysts"]

/** What the write answers: nothing when it went through, or its refusal. */
const attempt = (write: Effect.Effect<unknown, Refusal>): Effect.Effect<Refusal | undefined> =>
  write.pipe(
    Effect.as(undefined),
    Effect.catchAll((error) => Effect.succeed(error))
  )

/**
 * A "yes" meets none of the record-local refusals; a "no" is the write's refusal as data: its tag, its sentence and
 * every field of its error (for `Forbidden`, the write names its own action and the permission the general one: who is
 * refused and why are the same).
 */
const agrees = (rules: ReadonlyArray<string>, permission: Permissions.Permission, refusal: Refusal | undefined) => {
  if (permission === true) {
    expect(rules).not.toContain(refusal?._tag)
    return
  }
  expect(permission._tag).toBe(refusal?._tag)
  const written = refusal as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(permission)) {
    if (permission._tag === "Forbidden" && (key === "action" || key === "message")) continue
    expect({ [key]: written[key] }).toEqual({ [key]: value })
  }
  if (permission._tag === "Forbidden") {
    expect(permission.message.slice(permission.message.indexOf(": "))).toBe(
      refusal?.message.slice(refusal.message.indexOf(": "))
    )
  }
}

const userWrites = (
  users: Users["Type"],
  actor: Actor.Actor,
  name: string,
  groups: ReadonlyArray<string>
): Writes<keyof Permissions.UserPermissions> => ({
  update: users.modify(actor, name, { firstName: "Changed" }),
  enable: users.enable(actor, name),
  disable: users.disable(actor, name, { dryRun: true }),
  delete: users.remove(actor, name, { dryRun: true }),
  changeGroups: users.modify(actor, name, {
    groups: [...groups, groups.includes("analysts") ? "developers" : "analysts"]
  }),
  resetPassword: users.resetPassword(actor, name, "a brand new password")
})

const groupWrites = (groups: Groups["Type"], actor: Actor.Actor, name: string) => ({
  rename: groups.rename(actor, name, `${name}-renamed`),
  changeMembers: groups.addMembers(
    actor,
    name,
    ["bob"].filter(() => name !== "analysts").concat(name === "analysts" ? ["john"] : [])
  ),
  delete: groups.remove(actor, name, { dryRun: true })
})

describe("per-record permissions say what the writes do", () => {
  for (const actorName of ACTORS) {
    for (const target of USERS) {
      for (const action of Object.keys(Permissions.UserPermissions.fields) as Array<
        keyof Permissions.UserPermissions
      >) {
        it.effect(`user '${target}', ${action}, asked by '${actorName}'`, () =>
          fresh(
            Effect.gen(function* () {
              const users = yield* Users
              const actor = Actor.user(actorName)
              const context = yield* users.permissionContext(actor)
              const record = yield* users.get(Actor.user("admin"), target)
              const permission = Permissions.forUser(context, record)[action]
              agrees(USER_RULES, permission, yield* attempt(userWrites(users, actor, target, record.groups)[action]))
            })
          )
        )
      }
    }
    for (const target of GROUPS) {
      for (const action of Object.keys(Permissions.GroupPermissions.fields) as Array<
        keyof Permissions.GroupPermissions
      >) {
        it.effect(`group '${target}', ${action}, asked by '${actorName}'`, () =>
          fresh(
            Effect.gen(function* () {
              const users = yield* Users
              const groups = yield* Groups
              const actor = Actor.user(actorName)
              const context = yield* users.permissionContext(actor)
              const permission = Permissions.forGroup(context, { name: target })[action]
              agrees(GROUP_RULES, permission, yield* attempt(groupWrites(groups, actor, target)[action]))
            })
          )
        )
      }
    }
  }

  it.effect("a list reads the same permission context as permissionContext, in the list's own transaction", () =>
    fresh(
      Effect.gen(function* () {
        const users = yield* Users
        const groups = yield* Groups
        for (const name of ["admin", "root"]) {
          const actor = Actor.user(name)
          const context = yield* users.permissionContext(actor)
          const listed = yield* users.listWithPermissions(actor, { sort: "username" })
          expect(listed.context).toEqual(context)
          expect(listed.page).toEqual(yield* users.list(actor, { sort: "username" }))
          const groupsListed = yield* groups.listWithPermissions(actor)
          expect(groupsListed.context).toEqual(context)
          expect(groupsListed.page).toEqual(yield* groups.list(actor))
        }
        // A non-administrator is refused the list, as by `list`.
        const refused = yield* Effect.flip(users.listWithPermissions(Actor.user("john")))
        expect(refused._tag).toBe("Forbidden")
      })
    )
  )

  it.effect(
    "a single record's read carries the same permission context as permissionContext, in one transaction; a read-only token is refused every change",
    () =>
      Effect.gen(function* () {
        // The real in-memory store, with its transactions counted.
        let transactions = 0
        const counted = Layer.effect(
          Directory,
          Effect.map(Directory, (store): Directory["Type"] => ({
            ...store,
            read: (body) =>
              Effect.zipRight(
                Effect.sync(() => transactions++),
                store.read(body)
              ),
            readAfterCheck: (check, body) =>
              Effect.zipRight(
                Effect.sync(() => transactions++),
                store.readAfterCheck(check, body)
              )
          }))
        ).pipe(Layer.provide(MemoryDirectory.layer))
        yield* Effect.gen(function* () {
          yield* seed
          const users = yield* Users
          const groups = yield* Groups
          const tokens = yield* Tokens.Tokens
          const reader = Tokens.actor((yield* tokens.create(admin, { name: "reports", scope: "read" })).token)
          const readOnce = <A, E>(read: Effect.Effect<A, E>) =>
            Effect.gen(function* () {
              const before = transactions
              const answer = yield* read
              expect(transactions - before).toBe(1)
              return answer
            })
          // An administrator, a user reading itself (no administrator: every change refused), a token that only reads.
          for (const [actor, name] of [
            [admin, "bob"],
            [Actor.user("john"), "john"],
            [reader, "alice"]
          ] as const) {
            const read = yield* readOnce(users.getWithPermissions(actor, name))
            expect(read).toEqual({
              user: yield* users.get(actor, name),
              context: yield* users.permissionContext(actor)
            })
          }
          expect((yield* users.permissionContext(reader)).notAdmin?.reason).toEqual({ _tag: "ReadOnlyToken" })
          for (const actor of [admin, reader]) {
            const read = yield* readOnce(groups.getWithPermissions(actor, "analysts"))
            expect(read).toEqual({
              group: yield* groups.get(actor, "analysts"),
              context: yield* users.permissionContext(actor)
            })
          }
          // A list shows a token that only reads what the record's read shows it.
          for (const actor of [admin, reader]) {
            expect((yield* users.listWithPermissions(actor, { limit: 1 })).context).toEqual(
              yield* users.permissionContext(actor)
            )
            expect((yield* groups.listWithPermissions(actor, { limit: 1 })).context).toEqual(
              yield* users.permissionContext(actor)
            )
          }
          // Refused as `get` refuses: another user's record to a non-administrator, a group to anyone but administrators.
          expect((yield* Effect.flip(users.getWithPermissions(Actor.user("john"), "alice")))._tag).toBe("Forbidden")
          expect((yield* Effect.flip(groups.getWithPermissions(Actor.user("john"), "analysts")))._tag).toBe("Forbidden")
        }).pipe(Effect.provide(services(counted, TestHasher)))
      })
  )

  it.effect("a system user is read-only, nobody disables or deletes itself, the admin group keeps its name", () =>
    fresh(
      Effect.gen(function* () {
        const users = yield* Users
        const admin = yield* users.permissionContext(Actor.user("admin"))
        const svc = Permissions.forUser(admin, yield* users.get(Actor.user("admin"), "svc"))
        expect(Object.values(svc).map((permission) => permission !== true && permission._tag)).toEqual(
          Array(6).fill("SystemUserImmutable")
        )
        expect(svc.update).toEqual({
          _tag: "SystemUserImmutable",
          message: "'svc' is a system user and cannot be changed (refused: modify).",
          username: "svc",
          action: "modify"
        })
        const self = Permissions.forUser(admin, yield* users.get(Actor.user("admin"), "admin"))
        expect(self).toMatchObject({ update: true, enable: true, changeGroups: true, resetPassword: true })
        expect(self.disable).toEqual({
          _tag: "SelfLockout",
          message: "You cannot disable yourself ('admin'): ask another administrator.",
          username: "admin",
          action: "disable"
        })
        expect(Permissions.forGroup(admin, { name: "admins" })).toEqual({
          rename: {
            _tag: "ProtectedGroup",
            message: "'admins' is the admin group and cannot be renamed.",
            name: "admins",
            action: "renamed"
          },
          changeMembers: true,
          delete: {
            _tag: "ProtectedGroup",
            message: "'admins' is the admin group and cannot be deleted.",
            name: "admins",
            action: "deleted"
          }
        })
        expect(Permissions.forGroup(admin, { name: "developers" })).toEqual({
          rename: true,
          changeMembers: true,
          delete: true
        })
        // The compact form the API answers with: the refused actions alone.
        expect(Permissions.refusals(self)).toEqual({ disable: self.disable, delete: self.delete })
        expect(Permissions.refusals(Permissions.forGroup(admin, { name: "developers" }))).toEqual({})
      })
    )
  )

  it.effect("a refused permission is JSON the schemas read back exactly: _tag and message first, then the data", () =>
    fresh(
      Effect.gen(function* () {
        const users = yield* Users
        const admin = yield* users.permissionContext(Actor.user("admin"))
        const svc = Permissions.refusals(Permissions.forUser(admin, yield* users.get(Actor.user("admin"), "svc")))
        const json = JSON.parse(JSON.stringify(Schema.encodeSync(Permissions.UserRefusals)(svc)))
        expect(Object.keys(json.update)).toEqual(["_tag", "message", "username", "action"])
        expect(Schema.decodeUnknownSync(Permissions.UserRefusals)(json)).toEqual(svc)
        // A refusal a permission cannot meet is no valid answer: an update is never refused as a self-lockout.
        expect(() =>
          Schema.decodeUnknownSync(Permissions.UserRefusals)({
            update: { _tag: "SelfLockout", message: "…", username: "admin", action: "modify" }
          })
        ).toThrow()
        // Not an administrator: every change is refused with the same Forbidden, its reason as data.
        const john = yield* users.permissionContext(Actor.user("john"))
        const refused = Permissions.refusals(Permissions.forUser(john, yield* users.get(Actor.user("admin"), "bob")))
        expect(Object.keys(refused)).toEqual(Object.keys(Permissions.UserPermissions.fields))
        expect(refused.update).toMatchObject({ _tag: "Forbidden", actor: "john", action: "change users and groups" })
        expect(Schema.decodeUnknownSync(Permissions.UserRefusals)(JSON.parse(JSON.stringify(refused)))).toEqual(refused)
      })
    )
  )
})
