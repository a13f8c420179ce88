/**
 * The storage contract's suites on bulk import: every rule of the directory holds for imported records, a refused
 * record writes nothing of itself, and an import's changes are audited under its id.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { Exports } from "@user-manager/core/Exports"
import { Groups } from "@user-manager/core/Groups"
import { ImportGroup, ImportUser } from "@user-manager/core/ImportRecord"
import { Imports } from "@user-manager/core/Imports"
import type { Username } from "@user-manager/core/Names"
import { Settings } from "@user-manager/core/Settings"
import { Users } from "@user-manager/core/Users"
import { Effect, FastCheck as fc, Option, Redacted, Schema, Stream } from "effect"
import { admin, snapshot } from "../fixture.js"
import type { Harness } from "./harness.js"
import { group, importing, user } from "./importEntries.js"

const YESCRYPT = `$y$j9T$saltsaltsaltsalt$${"A".repeat(43)}`
const BCRYPT = `$2b$10$${"a".repeat(53)}`

/** The storage contract on bulk import. */
export const importContract = (name: string, { run, seeded }: Harness) => {
  describe(`${name} — bulk import`, () => {
    it.effect("keeps imported GIDs, and moves the high-water mark past one only within the range", () =>
      run({ gidMin: 1000, gidMax: 2000 })(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.bootstrap({ username: "admin", password: "correct horse" })
          const result = yield* importing([
            group({ name: "inrange", gid: 1500 }),
            group({ name: "outside", gid: 5000 })
          ])
          expect(result.groups.created).toBe(2)
          expect((yield* groups.get(admin, "inrange")).gid).toBe(1500)
          expect((yield* groups.get(admin, "outside")).gid).toBe(5000)
          expect((yield* groups.create(admin, { name: "next" })).gid).toBe(1501)
        })
      )
    )

    it.effect(
      "a directory's GID ledger and mark, imported into an empty store, give the next GID the original would",
      () =>
        run()(
          Effect.gen(function* () {
            yield* (yield* Users).bootstrap({ username: "admin", password: "correct horse" })
            // As exported from a directory where 1002 was deleted and 'ops' was given 1500 by hand: its mark is 1002.
            const result = yield* importing([
              group({ name: "staff", gid: 1001 }),
              group({ name: "ops", gid: 1500 }),
              { kind: "gids", record: { used: [1000, 1001, 1002, 1500], highWaterMark: 1002 } }
            ])
            expect(result.groups.created).toBe(2)
            const groups = yield* Groups
            expect((yield* groups.create(admin, { name: "next" })).gid).toBe(1003)
            expect(yield* Effect.either(groups.create(admin, { name: "reused", gid: 1002 }))).toMatchObject({
              _tag: "Left",
              left: { _tag: "GidTaken" }
            })
          })
        )
    )

    it.effect("refuses a group whose GID the ledger holds, and never changes an existing group's GID", () =>
      seeded(
        Effect.gen(function* () {
          const result = yield* importing([
            { kind: "gids", record: { used: [4000, 4001], highWaterMark: 1500 } },
            group({ name: "ledgered", gid: 4001 }),
            group({ name: "developers", gid: 4242 }),
            group({ name: "developers", gid: 1001 })
          ])
          expect(result.groups).toEqual({ created: 0, updated: 0, unchanged: 1, skipped: 0, refused: 2 })
          expect(result.refused.map((refusal) => refusal.name)).toEqual(["ledgered", "developers"])
          expect(result.refused[0]?.reason).toContain("4001")
          expect(result.refused[1]?.reason).toContain("never changes")
          expect((yield* (yield* Groups).create(admin, { name: "after" })).gid).toBe(1501)
        })
      )
    )

    it.effect(
      "imports back the externalId and externalName an export wrote, of users and groups, new or existing",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const groups = yield* Groups
            const exports = yield* Exports
            yield* users.modify(admin, "john", { externalId: "00u1A", externalName: "John.Doe@Contoso.com" })
            yield* groups.modify(admin, "developers", { externalId: "g-7", externalName: "Developers Team" })
            const exportedUsers = yield* Stream.runCollect(exports.users(admin))
            const exportedGroups = yield* Stream.runCollect(exports.groups(admin))
            const entries = [
              ...[...exportedGroups].map((record) => group(Schema.encodeSync(ImportGroup)(record))),
              ...[...exportedUsers].map((record) => user(Schema.encodeSync(ImportUser)(record)))
            ]
            expect(entries).toContainEqual(
              user(
                expect.objectContaining({ username: "john", externalId: "00u1A", externalName: "John.Doe@Contoso.com" })
              )
            )
            // Existing records whose names were cleared get them back.
            yield* users.modify(admin, "john", { externalId: null, externalName: null })
            yield* groups.modify(admin, "developers", { externalId: null, externalName: null })
            const result = yield* importing(entries, { onConflict: "update" })
            expect([result.users.updated, result.groups.updated]).toEqual([1, 1])
            expect(yield* users.get(admin, "john")).toMatchObject({
              externalId: "00u1A",
              externalName: "John.Doe@Contoso.com"
            })
            expect(yield* groups.get(admin, "developers")).toMatchObject({
              externalId: "g-7",
              externalName: "Developers Team"
            })
            // New records are created with them.
            yield* importing([
              group({ name: "sales", externalId: "g-8", externalName: "Sales Team" }),
              user({ username: "jane", groups: ["sales"], externalId: "00u2B", externalName: "Jane.Roe@Contoso.com" })
            ])
            expect(yield* users.get(admin, "jane")).toMatchObject({
              externalId: "00u2B",
              externalName: "Jane.Roe@Contoso.com"
            })
            expect(yield* groups.get(admin, "sales")).toMatchObject({ externalId: "g-8", externalName: "Sales Team" })
          })
        )
    )

    it.effect("keeps a user's createdAt (updatedAt is the import's time, version 1)", () =>
      seeded(
        Effect.gen(function* () {
          const createdAt = "2019-05-01T10:00:00.000Z"
          yield* importing([user({ username: "old", groups: ["developers"], createdAt, enabled: false })])
          const old = yield* (yield* Users).get(admin, "old")
          expect(old.createdAt.toISOString()).toBe(createdAt)
          expect(old.updatedAt.toISOString()).not.toBe(createdAt)
          expect(old.version).toBe(1)
          expect(old.enabled).toBe(false)
        })
      )
    )

    it.effect(
      "a refused record leaves the rest of its batch and says where and why; an unreadable one counts under the kind it was meant to be",
      () =>
        seeded(
          Effect.gen(function* () {
            const result = yield* importing([
              user({ username: "u1", groups: ["developers"] }, "line 2"),
              user({ username: "u2", groups: ["nosuch"] }, "line 3"),
              user({ username: "u3", groups: ["analysts"], email: "john@example.com" }, "line 4"),
              { kind: "malformed", reason: "the line has 3 fields, not 5", location: "line 5", raw: "a,b,c" },
              user({ username: "u4", groups: ["analysts"], email: "u4@example.com" }, "line 6"),
              { kind: "malformed", of: "user", reason: "'x' is not true or false", location: "line 7, column enabled" }
            ])
            expect(result.users).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 0, refused: 3 })
            expect(result.groups.refused).toBe(0)
            expect(result.refused.map(({ location, kind, name }) => [location, kind, name])).toEqual([
              ["line 3", "user", "u2"],
              ["line 4", "user", "u3"],
              ["line 5", "malformed", undefined],
              ["line 7, column enabled", "malformed", undefined]
            ])
            expect(result.refused[0]?.reason).toContain("nosuch")
            expect(result.refused[2]?.reason).toBe("The line has 3 fields, not 5.")
            expect(result.refused[2]?.entry).toEqual({
              kind: "malformed",
              reason: "the line has 3 fields, not 5",
              location: "line 5",
              raw: "a,b,c"
            })
            const users = yield* Users
            expect((yield* users.get(admin, "u4")).email).toBe("u4@example.com")
            expect(yield* Effect.either(users.get(admin, "u2"))).toMatchObject({ _tag: "Left" })
          })
        )
    )

    it.effect(
      "a minimum password length raised during an import holds for the batches after it: each batch checks passwords against the settings as they stand",
      () =>
        seeded(
          Effect.gen(function* () {
            const withPassword = (username: string) => user({ username, groups: ["analysts"], password: "ten-chars!" })
            const raise = (yield* Settings).set(admin, { minPasswordLength: 12 })
            const entries = Stream.fromIterable([withPassword("early1"), withPassword("early2")]).pipe(
              Stream.concat(Stream.drain(Stream.fromEffect(raise))),
              Stream.concat(Stream.fromIterable([withPassword("late1"), withPassword("late2")]))
            )
            const result = yield* Effect.flatMap(Imports, (imports) => imports.run(admin, entries, { batchSize: 2 }))
            expect(result.users.created).toBe(2)
            expect(result.refused.map((refusal) => refusal.name)).toEqual(["late1", "late2"])
            expect(result.refused[0]?.reason).toContain("at least 12")
          })
        )
    )

    it.effect("atomic: one refused record and nothing is written", () =>
      seeded(
        Effect.gen(function* () {
          const before = yield* snapshot
          const result = yield* importing(
            [
              group({ name: "newgroup" }),
              user({ username: "u1", groups: ["newgroup"] }),
              user({ username: "u2", groups: ["nosuch"] })
            ],
            { atomic: true, batchSize: 1 }
          )
          expect(result.batches).toBe(0)
          expect(result.users.created).toBe(0)
          expect(result.refused.map((refusal) => refusal.name)).toEqual(["u2"])
          expect(yield* snapshot).toEqual(before)
        })
      )
    )

    it.effect("a dry run writes nothing, and its plan is the real run's result", () =>
      seeded(
        Effect.gen(function* () {
          const entries = [
            group({ name: "newgroup", gid: 3000 }),
            user({ username: "u1", groups: ["newgroup"], password: "a long password" }),
            user({ username: "u2", groups: ["nosuch"] }),
            user({ username: "john", groups: ["developers", "analysts"], lastName: "Doe" })
          ]
          const before = yield* snapshot
          const plan = yield* importing(entries, { dryRun: true, onConflict: "update" })
          expect(yield* snapshot).toEqual(before)
          const done = yield* importing(entries, { onConflict: "update" })
          const { importId: _a, dryRun, ...planned } = plan
          const { importId: _b, dryRun: real, ...result } = done
          expect([dryRun, real]).toEqual([true, false])
          expect(planned).toEqual(result)
          expect(result.users).toEqual({ created: 1, updated: 1, unchanged: 0, skipped: 0, refused: 1 })
          expect(result.passwordsHashed).toBe(1)
        })
      )
    )

    it.effect("skip completes an interrupted import: a signal stops it after the batch in flight", () =>
      seeded(
        Effect.gen(function* () {
          const entries = Array.from({ length: 9 }, (_, i) => user({ username: `bulk${i}`, groups: ["analysts"] }))
          const controller = new AbortController()
          const first = yield* importing(entries, {
            batchSize: 2,
            onProgress: (progress) => {
              if (progress.batches === 2) controller.abort()
            },
            signal: controller.signal
          })
          expect(first.stopped).toBe(true)
          expect(first.batches).toBe(2)
          expect(first.users.created).toBe(4)
          const changed = entries.map((entry, i) =>
            i === 0 ? user({ username: "bulk0", groups: ["analysts"], firstName: "Changed" }) : entry
          )
          const second = yield* importing(changed, { onConflict: "skip", batchSize: 2 })
          expect(second.users).toEqual({ created: 5, updated: 0, unchanged: 3, skipped: 1, refused: 0 })
          const page = yield* (yield* Users).list(admin, { search: "bulk" })
          expect(page.total).toBe(9)
        })
      )
    )

    it.effect("onConflict fail refuses a user that differs; update replaces its fields and group set", () =>
      seeded(
        Effect.gen(function* () {
          const entry = user({ username: "alice", lastName: "Smith", groups: ["analysts"] })
          const failed = yield* importing([entry])
          expect(failed.refused[0]?.reason).toContain("alice")
          const updated = yield* importing([entry], { onConflict: "update" })
          expect(updated.users.updated).toBe(1)
          const alice = yield* (yield* Users).get(admin, "alice")
          expect([alice.lastName, alice.firstName, alice.groups]).toEqual(["Smith", "Alice", ["analysts"]])
          const again = yield* importing([entry], { onConflict: "update" })
          expect(again.users.unchanged).toBe(1)
        })
      )
    )

    it.effect("refuses a system user with a password or a hash, and never changes an existing one", () =>
      seeded(
        Effect.gen(function* () {
          const before = yield* snapshot
          const result = yield* importing(
            [
              user({ username: "sys1", system: true, groups: ["developers"], password: "a long password" }),
              user({ username: "sys2", system: true, groups: ["developers"], passwordHash: BCRYPT }),
              user({ username: "svc", firstName: "Other" }),
              user({ username: "svc", firstName: "Service" })
            ],
            { onConflict: "update" }
          )
          expect(result.users).toEqual({ created: 0, updated: 0, unchanged: 1, skipped: 0, refused: 3 })
          expect(result.refused[0]?.reason).toContain("system user")
          expect(result.refused[2]?.reason).toContain("svc")
          expect((yield* snapshot).users).toEqual(before.users)
        })
      )
    )

    it.effect("an import cannot take away the last administrator's access: nobody locks itself out", () =>
      seeded(
        Effect.gen(function* () {
          const result = yield* importing(
            [
              user({ username: "root", enabled: false }),
              user({ username: "admin", enabled: false }),
              user({ username: "admin", groups: ["developers"] }),
              group({ name: "admins", members: ["john"] })
            ],
            { onConflict: "update" }
          )
          expect(result.users.updated).toBe(1)
          expect(result.refused.map((refusal) => refusal.name)).toEqual(["admin", "admin", "admins"])
          const { admin: isAdmin } = yield* (yield* Users).whoAmI(admin)
          expect(isAdmin).toBe(true)
        })
      )
    )

    it.effect("every change is audited under its usual action with the import's id, and one summary", () =>
      seeded(
        Effect.gen(function* () {
          const result = yield* importing([
            group({ name: "newgroup", members: ["bob"] }),
            user({ username: "u1", groups: ["newgroup"] }),
            user({ username: "u2", groups: ["nosuch"] })
          ])
          const trail = yield* (yield* Audit).list(admin, { limit: 10 })
          const mine = trail.items.filter((entry) => entry.changes.importId === result.importId)
          expect(mine.map((entry) => entry.action).reverse()).toEqual([
            "group.create",
            "group.members",
            "user.create",
            "directory.import"
          ])
          expect(mine[0]?.target).toBe(result.importId)
          expect(mine[0]?.changes).toMatchObject({ refused: 1, batches: 1 })
        })
      )
    )

    it.effect("imports a user with a yescrypt hash without a password, and says so in a warning", () =>
      seeded(
        Effect.gen(function* () {
          const result = yield* importing([
            user({ username: "legacy", groups: ["developers"], passwordHash: YESCRYPT }),
            user({ username: "kept", groups: ["developers"], passwordHash: BCRYPT })
          ])
          expect(result.users.created).toBe(2)
          expect(result.warnings).toHaveLength(1)
          expect(result.warnings[0]).toContain("'legacy'")
          expect(result.warnings[0]).not.toContain(YESCRYPT)
          const directory = yield* Directory
          const [legacy, kept] = yield* directory.read((tx) => Effect.all([tx.findUser("legacy"), tx.findUser("kept")]))
          expect(Option.getOrThrow(legacy).passwordHash).toBeNull()
          const hash = Option.getOrThrow(kept).passwordHash
          expect(hash === null ? null : Redacted.value(hash)).toBe(BCRYPT)
        })
      )
    )

    it.effect("touches a group once per batch, not once per member", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          const before = (yield* groups.get(admin, "analysts")).version
          yield* importing(
            Array.from({ length: 5 }, (_, i) => user({ username: `m${i}`, groups: ["analysts"] })),
            { batchSize: 10 }
          )
          const after = yield* groups.get(admin, "analysts")
          expect(after.version).toBe(before + 1)
          expect(after.members).toEqual(["alice", "bob", "m0", "m1", "m2", "m3", "m4"])
        })
      )
    )

    it.effect(
      "an import in batches that changes its own admin's password (ending the session it runs under) completes",
      () =>
        seeded(
          Effect.gen(function* () {
            const directory = yield* Directory
            const now = new Date(0)
            const session = { tokenHash: "b".repeat(64), username: "admin" as Username, createdAt: now, expiresAt: now }
            yield* directory.write((tx) =>
              tx.insertSession({ ...session, expiresAt: new Date(now.getTime() + 3_600_000) })
            )
            const entries = [
              user({
                username: "admin",
                firstName: "Ada",
                lastName: "Admin",
                groups: ["admins"],
                passwordHash: BCRYPT
              }),
              user({ username: "newcomer", groups: ["developers"] })
            ]
            const imports = yield* Imports
            const result = yield* imports.run(
              Actor.Actor.Session({ tokenHash: session.tokenHash }),
              Stream.fromIterable(entries),
              {
                onConflict: "update",
                batchSize: 1
              }
            )
            expect([result.users.updated, result.users.created, result.refused]).toEqual([1, 1, []])
            // The password change ended the session, as any reset of a password does; the import went on as its user.
            expect(Option.isNone(yield* directory.read((tx) => tx.findSession(session.tokenHash)))).toBe(true)
            const summaries = yield* (yield* Audit).list(admin, { action: "directory.import", limit: 5 })
            expect(summaries.items.map((entry) => entry.actor)).toEqual(["admin"])
          })
        )
    )

    it.effect("lists each changed field of an update, from its stored value to the new one", () =>
      seeded(
        Effect.gen(function* () {
          const entries = [user({ username: "john", firstName: "Johnny", groups: ["developers", "analysts"] })]
          const result = yield* importing(entries, { onConflict: "update", listChanges: true })
          expect(result.changes).toEqual([
            {
              action: "update",
              kind: "user",
              name: "john",
              fields: {
                firstName: { from: "John", to: "Johnny" },
                groups: { from: ["developers"], to: ["analysts", "developers"] }
              }
            }
          ])
          expect((yield* importing(entries, { onConflict: "update", listChanges: true })).changes).toEqual([])
        })
      )
    )

    it.effect("refuses bad settings and a non-administrator before reading anything", () =>
      seeded(
        Effect.gen(function* () {
          const imports = yield* Imports
          const bad = yield* Effect.flip(imports.run(admin, Stream.empty, { batchSize: 0 }))
          expect(bad._tag).toBe("InvalidInput")
          const denied = yield* Effect.flip(imports.run({ _tag: "User", username: "john" } as never, Stream.empty, {}))
          expect(denied._tag).toBe("Forbidden")
        })
      )
    )

    it.effect("a random valid directory imported then listed is the directory imported", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const imports = yield* Imports
          let round = 0
          const directory = fc.record({
            groups: fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 }),
            users: fc.uniqueArray(
              fc.record({
                id: fc.integer({ min: 0, max: 999 }),
                firstName: fc.string({ unit: fc.constantFrom("a", "B", "é", "山"), maxLength: 6 }),
                enabled: fc.boolean(),
                withEmail: fc.boolean(),
                groupPicks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 })
              }),
              { maxLength: 6, selector: (drawn) => drawn.id }
            )
          })
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(directory, async (drawn) => {
                round++
                const groupNames = drawn.groups.map((n) => `r${round}g${n}`)
                const records = drawn.users.map((u) => ({
                  username: `r${round}u${u.id}`,
                  firstName: u.firstName,
                  email: u.withEmail ? `r${round}u${u.id}@example.com` : null,
                  enabled: u.enabled,
                  groups: [...new Set(u.groupPicks.map((p) => groupNames[p % groupNames.length] as string))].sort()
                }))
                const listed = await Effect.runPromise(
                  Effect.gen(function* () {
                    const result = yield* imports.run(
                      admin,
                      Stream.fromIterable([
                        ...groupNames.map((name) => group({ name })),
                        ...records.map((record) => user(record))
                      ])
                    )
                    expect(result.refused).toEqual([])
                    const page = yield* users.list(admin, { search: `r${round}u`, limit: 100 })
                    const groupPage = yield* groups.list(admin, { search: `r${round}g`, limit: 100 })
                    return { page, groupPage }
                  })
                )
                expect(
                  listed.page.items
                    .map(({ username, firstName, email, enabled, groups }) => ({
                      username,
                      firstName,
                      email,
                      enabled,
                      groups
                    }))
                    .sort((a, b) => (a.username < b.username ? -1 : 1))
                ).toEqual([...records].sort((a, b) => (a.username < b.username ? -1 : 1)))
                expect(listed.groupPage.items.map((g) => g.name).sort()).toEqual([...groupNames].sort())
              }),
              { numRuns: 10 }
            )
          )
        })
      )
    )
  })
}
