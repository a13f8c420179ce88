import { describe, expect, it } from "@effect/vitest"
import { admin, seed, services, snapshot } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import type { Audit } from "../src/Audit.js"
import { ConcurrentModification } from "../src/Errors.js"
import { Groups } from "../src/Groups.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { Users } from "../src/Users.js"

const seeded = <A, E>(effect: Effect.Effect<A, E, Groups | Users | Audit>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

describe("expectedVersion as a list of versions", () => {
  it.effect("a user or a group is changed when it is at any of the versions named", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const groups = yield* Groups
        const bob = yield* users.get(admin, "bob")
        const changed = yield* users.modify(admin, "bob", {
          firstName: "Robert",
          expectedVersion: [bob.version - 1, bob.version, bob.version + 7]
        })
        expect(changed.firstName).toBe("Robert")
        const empty = yield* groups.create(admin, { name: "empty" })
        const renamed = yield* groups.modify(
          admin,
          "empty",
          { name: "vacant" },
          { expectedVersion: [empty.version + 1, empty.version] }
        )
        expect(renamed.name).toBe("vacant")
        yield* users.remove(admin, "bob", { expectedVersion: [0, changed.version] })
        yield* groups.remove(admin, "vacant", { expectedVersion: [renamed.version] })
        expect((yield* Effect.flip(users.get(admin, "bob")))._tag).toBe("UserNotFound")
        expect((yield* Effect.flip(groups.get(admin, "vacant")))._tag).toBe("GroupNotFound")
      })
    )
  )

  it.effect("refuses a change when the record is at none of the versions named, and changes nothing", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const groups = yield* Groups
        const bob = yield* users.get(admin, "bob")
        const analysts = yield* groups.get(admin, "analysts")
        yield* groups.create(admin, { name: "empty" })
        const before = yield* snapshot
        const stale = [bob.version + 1, bob.version + 2]
        const refusals = [
          yield* Effect.flip(users.modify(admin, "bob", { firstName: "Robert", expectedVersion: stale })),
          yield* Effect.flip(users.remove(admin, "bob", { expectedVersion: stale })),
          yield* Effect.flip(groups.modify(admin, "analysts", { name: "research" }, { expectedVersion: [0] })),
          yield* Effect.flip(groups.remove(admin, "empty", { expectedVersion: [0, 99] }))
        ]
        expect(refusals.map((error) => error._tag)).toEqual(Array(4).fill("ConcurrentModification"))
        expect(refusals[0]).toMatchObject({ kind: "user", name: "bob", expectedVersion: stale })
        expect(refusals[0]?.message).toBe(
          `The user 'bob' was changed by someone else (version ${bob.version}, you had ${stale[0]} or ${stale[1]}): reload it and try again.`
        )
        expect(refusals[2]).toMatchObject({ kind: "group", expectedVersion: [0], actualVersion: analysts.version })
        expect(yield* snapshot).toEqual(before)
      })
    )
  )

  it.effect("an empty list of versions allows no change at all", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const before = yield* snapshot
        const error = yield* Effect.flip(users.modify(admin, "bob", { firstName: "Robert", expectedVersion: [] }))
        expect(error).toBeInstanceOf(ConcurrentModification)
        expect(error.message).toMatch(
          /^The user 'bob' is at version \d+, and the change named no version it may be made at/
        )
        expect(yield* snapshot).toEqual(before)
      })
    )
  )

  it.effect("a version that is not a whole number is refused as invalid input", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const error = yield* Effect.flip(users.remove(admin, "bob", { expectedVersion: [1.5] }))
        expect(error).toMatchObject({ _tag: "InvalidInput" })
      })
    )
  )
})
