/**
 * The storage contract's suite on an import's prune: deleting the users and groups the import does not name, never a
 * system user, the admin group or the signed-in admin, and nothing when a record is refused.
 */
import { describe, expect, it } from "@effect/vitest"
import { Groups } from "@user-manager/core/Groups"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin, snapshot } from "../fixture.js"
import type { Harness } from "./harness.js"
import { group, importing, user } from "./importEntries.js"

/** The storage contract on an import's prune. */
export const pruneContract = (name: string, { seeded }: Harness) => {
  describe(`${name} — bulk import prune`, () => {
    it.effect("a prune deletes the users and groups not named, never a system user or the admin group", () =>
      seeded(
        Effect.gen(function* () {
          const entries = [
            group({ name: "developers" }),
            user({ username: "admin", groups: ["admins"] }),
            user({ username: "john", groups: ["developers"] })
          ]
          const before = yield* snapshot
          const plan = yield* importing(entries, { prune: true, dryRun: true, listChanges: true })
          expect(yield* snapshot).toEqual(before)
          const done = yield* importing(entries, { prune: true, listChanges: true })
          for (const result of [plan, done]) {
            expect(result.deleted).toEqual({ users: 3, groups: 1 })
            expect(result.changes.map((change) => `${change.action} ${change.kind} ${change.name}`)).toEqual([
              "delete user alice",
              "delete user bob",
              "delete user root",
              "delete group analysts"
            ])
          }
          const names = (yield* (yield* Users).list(admin, { limit: 100 })).items.map((u) => u.username)
          expect(names.sort()).toEqual(["admin", "john", "svc"])
          const groups = (yield* (yield* Groups).list(admin, { limit: 100 })).items.map((g) => g.name)
          expect(groups.sort()).toEqual(["admins", "developers"])
          const again = yield* importing(entries, { prune: true, listChanges: true })
          expect(again.changes).toEqual([])
        })
      )
    )

    it.effect("a prune keeps the signed-in admin and a group holding a system user, each with a warning", () =>
      seeded(
        Effect.gen(function* () {
          const result = yield* importing([user({ username: "john", groups: ["analysts"] })], {
            prune: true,
            onConflict: "update"
          })
          expect(result.deleted).toEqual({ users: 3, groups: 0 })
          expect(result.warnings).toEqual([
            expect.stringContaining("User 'admin' was kept"),
            expect.stringContaining("Group 'developers' was kept")
          ])
          const names = (yield* (yield* Users).list(admin, { limit: 100 })).items.map((u) => u.username)
          expect(names.sort()).toEqual(["admin", "john", "svc"])
        })
      )
    )

    it.effect("a prune with a refused record deletes nothing", () =>
      seeded(
        Effect.gen(function* () {
          const before = yield* snapshot
          const result = yield* importing(
            [user({ username: "admin", groups: ["admins"] }), user({ username: "john", groups: ["nope"] })],
            { prune: true, onConflict: "update" }
          )
          expect(result.refused.map((refusal) => refusal.name)).toEqual(["john"])
          expect(result.deleted).toEqual({ users: 0, groups: 0 })
          expect(yield* snapshot).toEqual(before)
        })
      )
    )
  })
}
