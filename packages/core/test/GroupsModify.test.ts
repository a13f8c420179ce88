import { describe, expect, it } from "@effect/vitest"
import { admin, seed, services, snapshot } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import type { Audit } from "../src/Audit.js"
import { Groups } from "../src/Groups.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import type { Users } from "../src/Users.js"

const seeded = <A, E>(effect: Effect.Effect<A, E, Groups | Users | Audit>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

describe("Groups.modify", () => {
  it.effect("renames a group and replaces its members in one change", () =>
    seeded(
      Effect.gen(function* () {
        const groups = yield* Groups
        const before = yield* groups.get(admin, "analysts")
        const after = yield* groups.modify(
          admin,
          "analysts",
          { name: "research", members: ["alice", "bob", "john"] },
          {
            expectedVersion: before.version
          }
        )
        expect(after).toMatchObject({ name: "research", gid: before.gid, members: ["alice", "bob", "john"] })
        expect((yield* Effect.flip(groups.get(admin, "analysts")))._tag).toBe("GroupNotFound")
      })
    )
  )

  it.effect("a refused rename leaves the members unchanged too (all or nothing)", () =>
    seeded(
      Effect.gen(function* () {
        const groups = yield* Groups
        const before = yield* snapshot
        const error = yield* Effect.flip(
          groups.modify(admin, "analysts", { name: "developers", members: ["alice", "bob", "john"] })
        )
        expect(error._tag).toBe("GroupNameTaken")
        expect(yield* snapshot).toEqual(before)
      })
    )
  )

  it.effect(
    "a new name that is not a group name is refused naming the change's field, `name`, as rename names its own",
    () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const before = yield* snapshot
          const modified = yield* Effect.flip(groups.modify(admin, "analysts", { name: "Bad Name!" }))
          expect(modified).toMatchObject({ _tag: "InvalidInput", field: "name" })
          expect(modified.message).toMatch(/^Invalid name: /)
          const renamed = yield* Effect.flip(groups.rename(admin, "analysts", "Bad Name!"))
          expect(renamed).toMatchObject({ _tag: "InvalidInput", field: "new group name" })
          expect(yield* snapshot).toEqual(before)
        })
      )
  )

  it.effect("a stale version, the admin group's rename and a member left without a group change nothing", () =>
    seeded(
      Effect.gen(function* () {
        const groups = yield* Groups
        const before = yield* snapshot
        const stale = yield* Effect.flip(groups.modify(admin, "analysts", { members: [] }, { expectedVersion: 0 }))
        expect(stale._tag).toBe("ConcurrentModification")
        const protectedGroup = yield* Effect.flip(groups.modify(admin, "admins", { name: "wheel" }))
        expect(protectedGroup._tag).toBe("ProtectedGroup")
        const stranded = yield* Effect.flip(groups.modify(admin, "analysts", { name: "research", members: [] }))
        expect(stranded._tag).toBe("GroupMembershipRequired")
        const dry = yield* groups.modify(admin, "analysts", { name: "research" }, { dryRun: true })
        expect(dry.name).toBe("research")
        expect(yield* snapshot).toEqual(before)
      })
    )
  )
})
