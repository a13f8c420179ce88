/**
 * The storage contract's suites on export: every user, group and GID of the directory, read page by page, with password
 * hashes only when an administrator asks for them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { Exports } from "@user-manager/core/Exports"
import { Groups } from "@user-manager/core/Groups"
import type { Username } from "@user-manager/core/Names"
import type { Password } from "@user-manager/core/Password"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Users } from "@user-manager/core/Users"
import { Chunk, Effect, Redacted, Stream } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Stream.runCollect(stream).pipe(Effect.map(Chunk.toArray))

/** The storage contract on export. */
export const exportContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — export`, () => {
    it.effect("exports every user with its fields, groups, system flag and creation time, by username", () =>
      seeded(
        Effect.gen(function* () {
          const exported = yield* collect((yield* Exports).users(admin))
          const listed = (yield* (yield* Users).list(admin, { limit: 1000 })).items
          expect(exported).toEqual(
            listed.map((user) => ({
              username: user.username,
              firstName: user.firstName,
              lastName: user.lastName,
              email: user.email,
              enabled: user.enabled,
              system: user.system,
              groups: user.groups,
              createdAt: user.createdAt,
              externalId: user.externalId,
              externalName: user.externalName
            }))
          )
          expect(exported.map((user) => user.username)).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(exported.find((user) => user.username === "svc")?.system).toBe(true)
        })
      )
    )

    it.effect("gives every user once, in order, whatever the page size", () =>
      seeded(
        Effect.gen(function* () {
          const exports = yield* Exports
          const whole = yield* collect(exports.users(admin))
          for (const pageSize of [1, 2, 5, 6, 7]) {
            expect(yield* collect(exports.users(admin, { pageSize }))).toEqual(whole)
          }
          const groups = yield* collect(exports.groups(admin))
          for (const pageSize of [1, 2, 3, 4]) {
            expect(yield* collect(exports.groups(admin, { pageSize }))).toEqual(groups)
          }
        })
      )
    )

    it.effect("includes no password hash unless asked, and then records nothing in the audit trail", () =>
      seeded(
        Effect.gen(function* () {
          const audit = yield* Audit
          const before = (yield* audit.list(admin, { limit: 1 })).total
          const exported = yield* collect((yield* Exports).users(admin, { includePasswordHashes: false }))
          expect(exported.every((user) => !("passwordHash" in user))).toBe(true)
          expect((yield* audit.list(admin, { limit: 1 })).total).toBe(before)
        })
      )
    )

    it.effect("includes the stored password hashes when asked, still Redacted, and audits who exported them", () =>
      seeded(
        Effect.gen(function* () {
          const exported = yield* collect((yield* Exports).users(admin, { includePasswordHashes: true, pageSize: 2 }))
          const withHash = exported.filter((user) => user.passwordHash !== undefined).map((user) => user.username)
          expect(withHash).toEqual(["admin", "john"])
          const hash = exported.find((user) => user.username === "john")?.passwordHash
          expect(Redacted.isRedacted(hash)).toBe(true)
          expect(String(hash)).not.toContain("$")
          const hasher = yield* PasswordHasher
          expect(
            yield* hasher.verify(Redacted.make("john's secret") as Password, hash as Redacted.Redacted<string>)
          ).toBe(true)
          const entries = (yield* (yield* Audit).list(admin, { action: "directory.export" })).items
          expect(entries.map((entry) => [entry.actor, entry.changes])).toEqual([
            ["admin", { passwordHashes: "exported" }]
          ])
        })
      )
    )

    it.effect("refuses a user who is not an administrator, and writes no audit entry", () =>
      seeded(
        Effect.gen(function* () {
          const exports = yield* Exports
          expect((yield* refuses(collect(exports.users(john)), "Forbidden")).actor).toBe("john")
          yield* refuses(collect(exports.users(john, { includePasswordHashes: true })), "Forbidden")
          yield* refuses(collect(exports.groups(john)), "Forbidden")
          yield* refuses(exports.gids(john), "Forbidden")
        })
      )
    )

    it.effect("refuses a page size beyond a page in one sentence naming it", () =>
      seeded(
        Effect.gen(function* () {
          const error = yield* refuses(collect((yield* Exports).users(admin, { pageSize: 1001 })), "InvalidInput")
          expect(error.field).toBe("pageSize")
        })
      )
    )

    it.effect("exports every group with its GID, members and creation time, by name", () =>
      seeded(
        Effect.gen(function* () {
          const exported = yield* collect((yield* Exports).groups(admin))
          const listed = (yield* (yield* Groups).list(admin, { limit: 1000 })).items
          expect(exported).toEqual(
            listed.map((group) => ({
              name: group.name,
              gid: group.gid,
              members: group.members,
              createdAt: group.createdAt,
              externalId: group.externalId,
              externalName: group.externalName
            }))
          )
          expect(exported.map((group) => [group.name, group.gid, group.members])).toEqual([
            ["admins", 1000, ["admin", "root"]],
            ["analysts", 1002, ["alice", "bob"]],
            ["developers", 1001, ["alice", "john", "svc"]]
          ])
        })
      )
    )

    it.effect("exports every group without its members when asked, by name, whatever the page size", () =>
      seeded(
        Effect.gen(function* () {
          const exports = yield* Exports
          const withMembers = yield* collect(exports.groups(admin))
          const rows = withMembers.map(({ members: _, ...group }) => group)
          expect(yield* collect(exports.groups(admin, { members: false }))).toEqual(rows)
          for (const pageSize of [1, 2, 3, 4]) {
            expect(yield* collect(exports.groups(admin, { members: false, pageSize }))).toEqual(rows)
          }
        })
      )
    )

    it.effect("refuses the groups without their members to a user who is not an administrator", () =>
      seeded(
        Effect.gen(function* () {
          const error = yield* refuses(collect((yield* Exports).groups(john, { members: false })), "Forbidden")
          expect(error.actor).toBe("john")
        })
      )
    )

    it.effect("exports the GID high-water mark and every GID ever used, deleted groups' included", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* groups.create(admin, { name: "ops" })
          yield* groups.create(admin, { name: "legacy", gid: 5000 })
          yield* groups.remove(admin, "ops")
          yield* groups.remove(admin, "legacy")
          expect(yield* (yield* Exports).gids(admin)).toEqual({
            highWaterMark: 1003,
            used: [1000, 1001, 1002, 1003, 5000]
          })
        })
      )
    )

    it.effect("reads the password hashes of many users at once, leaving out those without one", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const names = ["admin", "bob", "john", "svc", "nobody"] as Array<Username>
          const hashes = yield* directory.read((tx) => tx.passwordHashes(names))
          expect([...hashes.keys()].sort()).toEqual(["admin", "john"])
          expect(yield* directory.read((tx) => tx.passwordHashes([]))).toEqual(new Map())
        })
      )
    )
  })
}
