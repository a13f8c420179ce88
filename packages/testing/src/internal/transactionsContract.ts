/**
 * The storage contract's suites on transactions: dry runs, what a store reads, atomic writes and bodies that wait.
 */
import { describe, expect, it } from "@effect/vitest"
import { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import * as TransactionBody from "@user-manager/core/TransactionBody"
import { Users } from "@user-manager/core/Users"
import { Effect, Option } from "effect"
import { admin, snapshot } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on transactions: dry runs, what a store reads, atomic writes and bodies that wait. */
export const transactionsContract = (name: string, { seeded, refuses }: Harness) => {
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
            const { members, memberCount, ...groupRow } = Option.getOrThrow(full)
            expect(members).toContain("john")
            expect(memberCount).toBe(members.length)
            expect(Option.getOrThrow(row)).toEqual(groupRow)
            expect(Option.isNone(noRow)).toBe(true)
          })
        )
    )
  })
  describe(`${name} — transactions`, () => {
    it.effect(
      "a group written several times in one transaction after it was read keeps the last values written, even the ones it was read with",
      () =>
        seeded(
          Effect.gen(function* () {
            const directory = yield* Directory
            const at = new Date("2026-12-05T12:00:00.000Z")
            const stored = yield* directory.write((tx) =>
              Effect.gen(function* () {
                const read = Option.getOrThrow(yield* tx.findGroupRow("analysts", { forUpdate: true }))
                const changed = { ...read, externalId: "ext-1", externalName: "Analysts", version: read.version + 1 }
                yield* tx.updateGroup(read.name, changed)
                yield* tx.updateGroup(read.name, { ...read, updatedAt: at, version: read.version + 2 })
                return { read, after: Option.getOrThrow(yield* tx.findGroupRow(read.name)) }
              })
            )
            const { read, after } = stored
            expect(after).toEqual({ ...read, updatedAt: at, version: read.version + 2 })
            expect(Option.getOrThrow(yield* directory.read((tx) => tx.findGroupRow("analysts")))).toEqual(after)
          })
        )
    )
    it.effect("a failing write transaction leaves nothing of what it wrote", () =>
      seeded(
        Effect.gen(function* () {
          const directory = yield* Directory
          const before = yield* snapshot
          const now = new Date(0)
          const failure = yield* Effect.flip(
            directory.write((tx) =>
              Effect.gen(function* () {
                yield* tx.insertGroup({
                  name: "temp" as never,
                  gid: 4242,
                  externalId: null,
                  externalName: null,
                  createdAt: now,
                  updatedAt: now,
                  version: 1
                })
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
                    externalId: null,
                    externalName: null,
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
