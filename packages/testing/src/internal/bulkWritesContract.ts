/**
 * The storage contract's suite on the writes of many rows at once (what an import writes after the core's checks).
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import type { NewAuditEntry } from "@user-manager/core/AuditEntry"
import { Directory, type UserRow } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import type { GroupName, Username } from "@user-manager/core/Names"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"
import { admin } from "../fixture.js"

import type { Harness } from "./harness.js"

/** More users than one statement of any engine binds (SQLite's 32,766 parameters hold ~2,700 users, ~5,400 audits). */
const COUNT = 12_000

const nameOf = (index: number) => `bulk${String(index).padStart(5, "0")}` as Username

/** The storage contract on writes of many rows at once. */
export const bulkWritesContract = (name: string, { seeded }: Harness) => {
  describe(`${name} — bulk writes`, () => {
    it.effect(
      "insertUsers, addMemberships and appendAudits store many rows, past one statement's parameter limit, as one at a time would",
      () =>
        seeded(
          Effect.gen(function* () {
            const directory = yield* Directory
            const users = yield* Users
            const groups = yield* Groups
            const audit = yield* Audit
            const at = new Date("2026-01-02T03:04:05Z")
            const rows = Array.from(
              { length: COUNT },
              (_, index): UserRow => ({
                username: nameOf(index),
                firstName: `First${index}`,
                lastName: `Last${index}`,
                email: `${nameOf(index)}@example.com`,
                externalId: null,
                externalName: null,
                enabled: true,
                system: false,
                passwordHash: null,
                createdAt: at,
                updatedAt: at,
                version: 1
              })
            )
            const group = "analysts" as GroupName
            const entries = rows.map(
              (row): NewAuditEntry => ({
                at,
                actor: "admin",
                action: "user.create",
                targetType: "user",
                target: row.username,
                changes: { groups: [group] },
                subjects: [group, `${row.username}-subject`]
              })
            )
            const before = (yield* groups.get(admin, group)).memberCount
            yield* directory.write((tx) =>
              Effect.gen(function* () {
                yield* tx.insertUsers(rows)
                yield* tx.addMemberships(rows.map((row) => ({ username: row.username, group })))
                yield* tx.appendAudits(entries)
              })
            )
            const last = yield* users.get(admin, nameOf(COUNT - 1))
            expect(last).toMatchObject({ firstName: `First${COUNT - 1}`, email: `${nameOf(COUNT - 1)}@example.com` })
            expect(last.groups).toEqual(["analysts"])
            expect((yield* groups.get(admin, group)).memberCount).toBe(before + COUNT)
            // The users' group lists (the key of the groups sort) were made: the imported users sort with analysts.
            const byGroups = yield* users.list(admin, { sort: "groups", limit: 1, search: "bulk" })
            expect(byGroups.items[0]?.groups).toEqual(["analysts"])
            // Each entry got its own id, in the order given (newest first when listed), and its own subjects.
            const created = yield* audit.list(admin, { action: "user.create", limit: 2 })
            expect(created.items.map((entry) => entry.target)).toEqual([nameOf(COUNT - 1), nameOf(COUNT - 2)])
            for (const index of [0, 2_800, 5_500, COUNT - 1]) {
              const found = yield* audit.list(admin, { target: `${nameOf(index)}-subject` })
              expect(found.items.map((entry) => entry.target)).toEqual([nameOf(index)])
            }
          })
        ),
      // 12,000 rows of each kind: PGlite (PostgreSQL in WebAssembly) takes ~10 s alone, several times that beside CI.
      120_000
    )
  })
}
