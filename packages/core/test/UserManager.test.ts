import { TestHasher } from "@user-manager/testing/TestHasher"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as Actor from "../src/Actor.js"
import { type ImportEntry, ImportGroup } from "../src/ImportRecord.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import * as UserManager from "../src/UserManager.js"

describe("UserManager (Promise facade)", () => {
  it("runs the same operations as the services and resolves with the same records", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      const { user } = await manager.users.bootstrap({ username: "admin", password: "correct horse" })
      expect(user.groups).toEqual(["admins"])
      const admin = Actor.user("admin")
      const group = await manager.groups.create(admin, { name: "developers" })
      expect(group.gid).toBe(1001)
      await manager.users.create(admin, { username: "john", groups: ["developers"] })
      const page = await manager.users.list(admin, { search: "jo" })
      expect(page.items.map((item) => item.username)).toEqual(["john"])
      expect((await manager.audit.list(admin)).total).toBe(3)
    } finally {
      await manager.dispose()
    }
  })

  it("counts a user list's total exactly only up to the exactTotalLimit it is made with", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher, exactTotalLimit: 2 })
    try {
      await manager.users.bootstrap({ username: "admin" })
      const admin = Actor.user("admin")
      for (const username of ["ann", "bob"]) await manager.users.create(admin, { username, groups: ["admins"] })
      expect(await manager.users.list(admin, { limit: 1 })).toMatchObject({ total: 2, totalExact: false })
      expect(await manager.users.list(admin, { search: "b" })).toMatchObject({ total: 1, totalExact: true })
    } finally {
      await manager.dispose()
    }
  })

  it("rejects a refusal with an Error carrying the same _tag, fields and message", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin" })
      const error = await manager.users.remove(Actor.user("admin"), "admin").catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ _tag: "SelfLockout", username: "admin", action: "delete" })
      expect((error as Error).message).toBe("You cannot delete yourself ('admin'): ask another administrator.")
      const invalid = await manager.users.get(Actor.user("admin"), "John").catch((caught: unknown) => caught)
      expect(invalid).toMatchObject({ _tag: "InvalidInput", field: "username" })
    } finally {
      await manager.dispose()
    }
  })

  it("exports users and groups as async iterables and the GID ledger as a Promise, admins only", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin", password: "correct horse" })
      const admin = Actor.user("admin")
      await manager.groups.create(admin, { name: "ops", gid: 4000 })
      await manager.users.create(admin, { username: "john", groups: ["ops"] })
      await manager.groups.create(admin, { name: "gone" })
      await manager.groups.remove(admin, "gone")
      const users: Array<string> = []
      for await (const user of manager.exports.users(admin, { includePasswordHashes: true, pageSize: 1 })) {
        users.push(`${user.username}:${user.groups.join(",")}:${user.passwordHash === undefined ? "-" : "hash"}`)
      }
      expect(users).toEqual(["admin:admins:hash", "john:ops:-"])
      const groups: Array<string> = []
      for await (const group of manager.exports.groups(admin)) groups.push(`${group.name}:${group.gid}`)
      expect(groups).toEqual(["admins:1000", "ops:4000"])
      expect(await manager.exports.gids(admin)).toEqual({ highWaterMark: 1001, used: [1000, 1001, 4000] })
      const refused = async () => {
        for await (const _ of manager.exports.users(Actor.user("john"))) return
      }
      await expect(refused()).rejects.toMatchObject({ _tag: "Forbidden", actor: "john" })
      await expect(manager.exports.gids(Actor.user("john"))).rejects.toMatchObject({ _tag: "Forbidden" })
    } finally {
      await manager.dispose()
    }
  })

  it("streams users as an async iterable, and a refused stream rejects with the tagged error", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin" })
      const admin = Actor.user("admin")
      for (const username of ["carol", "bob", "dave"])
        await manager.users.create(admin, { username, groups: ["admins"] })
      const seen: Array<string> = []
      for await (const user of manager.users.stream(admin, { sort: "username", order: "desc", pageSize: 2 })) {
        seen.push(user.username)
      }
      expect(seen).toEqual(["dave", "carol", "bob", "admin"])
      await manager.users.disable(admin, "bob")
      const refused = async () => {
        for await (const _ of manager.users.stream(Actor.user("bob"))) return
      }
      await expect(refused()).rejects.toMatchObject({ _tag: "Forbidden", actor: "bob" })
    } finally {
      await manager.dispose()
    }
  })

  it("pages a group's members and streams them as an async iterable, a refused stream rejecting with its tag", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin" })
      const admin = Actor.user("admin")
      for (const username of ["carol", "bob", "dave"]) {
        await manager.users.create(admin, { username, groups: ["admins"] })
      }
      expect(await manager.groups.members(admin, "admins", { limit: 2 })).toEqual({
        items: ["admin", "bob"],
        next: "bob"
      })
      const seen: Array<string> = []
      for await (const username of manager.groups.memberStream(admin, "admins", { pageSize: 3 })) seen.push(username)
      expect(seen).toEqual(["admin", "bob", "carol", "dave"])
      const refused = async () => {
        for await (const _ of manager.groups.memberStream(admin, "nope")) return
      }
      await expect(refused()).rejects.toMatchObject({ _tag: "GroupNotFound", name: "nope" })
    } finally {
      await manager.dispose()
    }
  })

  it("keeps one directory per manager, so two managers never share state", async () => {
    const first = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    const second = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await first.users.bootstrap({ username: "admin" })
      await second.users.bootstrap({ username: "admin" })
      await first.groups.create(Actor.user("admin"), { name: "only-first" })
      const error = await second.groups.get(Actor.user("admin"), "only-first").catch((caught: unknown) => caught)
      expect(error).toMatchObject({ _tag: "GroupNotFound" })
    } finally {
      await first.dispose()
      await second.dispose()
    }
  })

  it("restores the GID ledger and high-water mark exactly: after export then import, the next group gets the GID it would have got", async () => {
    const first = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    const second = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      const admin = Actor.user("admin")
      await first.users.bootstrap({ username: "admin" })
      // An explicit GID above the mark does not move it; a deleted group's GID stays used.
      await first.groups.create(admin, { name: "ops", gid: 2000 })
      await first.groups.create(admin, { name: "dev" })
      await first.groups.create(admin, { name: "gone" })
      await first.groups.remove(admin, "gone")
      const gids = await first.exports.gids(admin)
      async function* exported(): AsyncGenerator<ImportEntry> {
        for await (const { members: _, ...group } of first.exports.groups(admin)) {
          yield { kind: "group", record: Schema.encodeSync(ImportGroup)(group) }
        }
        yield { kind: "gids", record: gids }
      }
      await second.users.bootstrap({ username: "admin" })
      const result = await second.imports.run(admin, exported(), { onConflict: "skip" })
      expect(result.refused).toEqual([])
      expect(await second.exports.gids(admin)).toEqual(gids)
      const expected = await first.groups.create(admin, { name: "next" })
      expect((await second.groups.create(admin, { name: "next" })).gid).toBe(expected.gid)
    } finally {
      await first.dispose()
      await second.dispose()
    }
  })

  it("imports entries given as an async iterable, and resolves with the import's result", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin", password: "correct horse" })
      const admin = Actor.user("admin")
      async function* entries(): AsyncGenerator<ImportEntry> {
        yield { kind: "group", record: { name: "developers", gid: 2000 } }
        yield { kind: "user", record: { username: "john", groups: ["developers"], password: "john's secret" } }
        yield { kind: "user", record: { username: "jane", groups: ["nosuch"] }, location: "line 3" }
      }
      const result = await manager.imports.run(admin, entries(), { batchSize: 2 })
      expect(result.users).toEqual({ created: 1, updated: 0, unchanged: 0, skipped: 0, refused: 1 })
      expect(result.groups.created).toBe(1)
      expect(result.passwordsHashed).toBe(1)
      expect(result.batches).toBe(2)
      expect(result.refused[0]?.location).toBe("line 3")
      expect((await manager.groups.get(admin, "developers")).members).toEqual(["john"])
      await expect(manager.imports.run(admin, entries(), { onConflict: "replace" as never })).rejects.toMatchObject({
        _tag: "InvalidInput"
      })
    } finally {
      await manager.dispose()
    }
  })
})
