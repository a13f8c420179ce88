/**
 * The storage contract's suites on the GID ledger: a GID is never handed out twice.
 */
import { describe, expect, it } from "@effect/vitest"
import { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import { Effect } from "effect"
import { admin, seed } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on the GID ledger: a GID is never handed out twice. */
export const gidLedgerContract = (name: string, { run, seeded, refuses }: Harness) => {
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

    it.effect(
      "GIDs recorded as used without a group are never handed out nor claimed, and recording one twice is harmless",
      () =>
        seeded(
          Effect.gen(function* () {
            const directory = yield* Directory
            const groups = yield* Groups
            yield* directory.write((tx) => tx.recordGidsUsed([1003, 1004, 7000, 1003]))
            yield* directory.write((tx) => tx.recordGidsUsed([1004, 1001]))
            expect(yield* directory.read((tx) => tx.gidEverUsed(7000))).toBe(true)
            expect(yield* directory.read((tx) => tx.gidEverUsed(7001))).toBe(false)
            expect((yield* groups.create(admin, { name: "next" })).gid).toBe(1005)
            const error = yield* refuses(groups.create(admin, { name: "old", gid: 7000 }), "GidTaken")
            expect(error.group).toBeNull()
          })
        )
    )

    it.effect("GIDs recorded in a write that is rolled back are not recorded", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          yield* directory.write((tx) => tx.recordGidsUsed([7100]), "rollback")
          expect(yield* directory.read((tx) => tx.gidEverUsed(7100))).toBe(false)
        })
      )
    )
  })
}
