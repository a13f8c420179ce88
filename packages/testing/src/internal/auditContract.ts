/**
 * The storage contract's suites on the audit trail.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract on the audit trail. */
export const auditContract = (name: string, { seeded, refuses }: Harness) => {
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
}
