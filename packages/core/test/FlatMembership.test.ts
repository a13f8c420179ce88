/**
 * Issue 20, item 4: creating a user in a group, adding one to it and removing one from it cost the same in a group of
 * 500,000 as in a group of 10, because no rule they check and no version they bump reads the group's member list. The
 * store here is the in-memory one, its transactions watched for every read that costs as much as a group is large.
 */
import { describe, expect, it } from "@effect/vitest"
import { Directory, type DirectoryTransaction } from "@user-manager/core/Directory"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import * as MemoryDirectory from "../src/MemoryDirectory.js"

/** The reads of a transaction whose cost grows with a group's members, by name. */
const MEMBER_READS = [
  "findGroup",
  "listGroups",
  "countEnabledNonSystemMembers",
  "membersWithNoOtherGroup",
  "systemMembers"
] as const

/** The in-memory store, recording each member-list read as `method group`. */
const watched = (reads: Array<string>) =>
  Layer.effect(
    Directory,
    Effect.map(Directory, (directory) => {
      const watch = (tx: DirectoryTransaction): DirectoryTransaction => {
        const wrapped: Record<string, unknown> = { ...tx }
        for (const method of MEMBER_READS) {
          const read = tx[method] as (...args: ReadonlyArray<unknown>) => unknown
          wrapped[method] = (...args: ReadonlyArray<unknown>) => {
            reads.push(`${method} ${typeof args[0] === "string" ? args[0] : "(a list)"}`)
            return read(...args)
          }
        }
        return wrapped as unknown as DirectoryTransaction
      }
      return {
        read: (body) => directory.read((tx) => body(watch(tx))),
        readAfterCheck: (check, body) =>
          directory.readAfterCheck(
            (tx) => check(watch(tx)),
            (tx, checked) => body(watch(tx), checked)
          ),
        write: (body, completion) => directory.write((tx) => body(watch(tx)), completion)
      } satisfies Directory["Type"]
    })
  ).pipe(Layer.provide(MemoryDirectory.layer))

describe("flat costs in huge groups", () => {
  it.effect("creating a user in a group, adding one to it and removing one from it read none of its members", () => {
    const reads: Array<string> = []
    return Effect.gen(function* () {
      yield* seed
      const users = yield* Users
      reads.length = 0
      yield* users.create(admin, { username: "eve", groups: ["developers"] })
      yield* users.addToGroup(admin, "bob", "developers")
      yield* users.removeFromGroup(admin, "bob", "developers")
      yield* users.modify(admin, "eve", { groups: ["analysts"] })
      yield* users.remove(admin, "eve")
      // A rule that stays in the core is still checked: the last group of a user is kept.
      const refused = yield* Effect.flip(users.removeFromGroup(admin, "john", "developers"))
      expect(refused._tag).toBe("GroupMembershipRequired")
      expect(reads.filter((read) => !read.endsWith(" admins"))).toEqual([])
    }).pipe(Effect.provide(services(watched(reads), TestHasher)))
  })

  it.effect("only a change of the admin group counts its administrators, whatever the other groups' sizes", () => {
    const reads: Array<string> = []
    return Effect.gen(function* () {
      yield* seed
      const users = yield* Users
      reads.length = 0
      yield* users.addToGroup(admin, "john", "admins")
      yield* users.removeFromGroup(admin, "john", "admins")
      expect(reads).toEqual(["countEnabledNonSystemMembers admins"])
    }).pipe(Effect.provide(services(watched(reads), TestHasher)))
  })
})
