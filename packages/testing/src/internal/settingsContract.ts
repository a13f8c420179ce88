/**
 * The storage contract's suite on the directory-wide settings: stored with the directory, followed by every process on
 * it whatever its own defaults, changed by administrators only, checked and audited.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { DirectoryConfig, type DirectoryConfigShape } from "@user-manager/core/DirectoryConfig"
import { Groups } from "@user-manager/core/Groups"
import { Settings, type SettingsChange } from "@user-manager/core/Settings"
import { Users } from "@user-manager/core/Users"
import { Effect, Layer } from "effect"
import { admin, alice, john } from "../fixture.js"
import type { Harness } from "./harness.js"

/**
 * Runs `effect` as another process on the same directory would: its own services, with other defaults of its own.
 */
const otherProcess =
  (defaults: Partial<DirectoryConfigShape>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(
        Layer.mergeAll(Users.layer, Groups.layer, Settings.layer).pipe(Layer.provide(DirectoryConfig.layer(defaults)))
      )
    )

const elsewhere = otherProcess({ adminGroup: "wheel", gidMin: 5000, gidMax: 9000, minPasswordLength: 20 })

/** The storage contract's suite on the directory-wide settings. */
export const settingsContract = (name: string, { run, seeded, refuses }: Harness) => {
  describe(`${name} — settings`, () => {
    it.effect(
      "bootstrap stores the settings it started with, and another process with other defaults follows them",
      () =>
        run({ gidMin: 2000, gidMax: 3000 })(
          Effect.gen(function* () {
            yield* (yield* Users).bootstrap({ username: "admin", password: "correct horse" })
            const stored = yield* elsewhere(Effect.flatMap(Settings, (settings) => settings.get(admin)))
            expect(stored).toEqual({ adminGroup: "admins", gidMin: 2000, gidMax: 3000, minPasswordLength: 8 })
            const group = yield* elsewhere(Effect.flatMap(Groups, (groups) => groups.create(admin, { name: "ops" })))
            expect(group.gid).toBe(2001)
          })
        )
    )

    it.effect("bootstrap sets up a new directory with the settings given, checked first", () =>
      run()(
        Effect.gen(function* () {
          const users = yield* Users
          const refused = yield* Effect.flip(users.bootstrap({ username: "admin" }, { gidMin: 7000, gidMax: 6000 }))
          expect(refused).toMatchObject({ _tag: "InvalidInput", field: "gidMin" })
          const { group } = yield* users.bootstrap({ username: "admin" }, { adminGroup: "wheel", gidMin: 7000 })
          expect(group).toMatchObject({ name: "wheel", gid: 7000 })
          expect(yield* (yield* Settings).get(admin)).toEqual({
            adminGroup: "wheel",
            gidMin: 7000,
            gidMax: 60000,
            minPasswordLength: 8
          })
        })
      )
    )

    it.effect("a change of the settings holds at once for every process on the directory, and is audited", () =>
      seeded(
        Effect.gen(function* () {
          const changed = yield* (yield* Settings).set(admin, { minPasswordLength: 12, gidMin: 4000 })
          expect(changed).toEqual({ adminGroup: "admins", gidMin: 4000, gidMax: 60000, minPasswordLength: 12 })
          const tooShort = yield* elsewhere(
            Effect.flatMap(Users, (users) => Effect.flip(users.resetPassword(admin, "john", "elevenchars")))
          )
          expect(tooShort).toMatchObject({ _tag: "InvalidInput", field: "password" })
          expect(tooShort.message).toContain("at least 12")
          const group = yield* elsewhere(Effect.flatMap(Groups, (groups) => groups.create(admin, { name: "ops" })))
          expect(group.gid).toBe(4000)
          const trail = yield* (yield* Audit).list(admin, { action: "directory.settings" })
          expect(trail.items.map((entry) => entry.changes)).toEqual([
            { minPasswordLength: { from: 8, to: 12 }, gidMin: { from: 1000, to: 4000 } }
          ])
        })
      )
    )

    it.effect(
      "refuses settings out of their bounds or not whole numbers at all in the same sentence naming the setting, changing nothing",
      () =>
        seeded(
          Effect.gen(function* () {
            const settings = yield* Settings
            const before = yield* settings.get(admin)
            const cases = [
              [{ gidMin: 0 }, "gidMin", "gidMin is a whole number from 1 to 2147483646, not 0"],
              [{ gidMax: 2147483647 }, "gidMax", "gidMax is a whole number from 1 to 2147483646, not 2147483647"],
              [{ gidMin: 5000, gidMax: 4000 }, "gidMin", "gidMin (5000) cannot be above gidMax (4000)"],
              [
                { minPasswordLength: 7 },
                "minPasswordLength",
                "minPasswordLength is a whole number from 8 to 256, not 7"
              ],
              [
                { minPasswordLength: 257 },
                "minPasswordLength",
                "minPasswordLength is a whole number from 8 to 256, not 257"
              ],
              [{ gidMin: "abc" }, "gidMin", "gidMin is a whole number from 1 to 2147483646, not 'abc'"],
              [{ gidMax: 1.5 }, "gidMax", "gidMax is a whole number from 1 to 2147483646, not 1.5"],
              [
                { minPasswordLength: "twelve" },
                "minPasswordLength",
                "minPasswordLength is a whole number from 8 to 256, not 'twelve'"
              ]
            ] as const
            for (const [change, field, reason] of cases) {
              // Untyped callers (a request body, a value typed at the command line) can send anything.
              const error = yield* refuses(settings.set(admin, change as SettingsChange), "InvalidInput")
              expect(error).toMatchObject({ field, reason })
            }
            expect(yield* settings.get(admin)).toEqual(before)
          })
        )
    )

    it.effect("refuses a GID range that would leave no GID to hand out, and moves the allocator to a new one", () =>
      seeded(
        Effect.gen(function* () {
          const settings = yield* Settings
          const error = yield* refuses(settings.set(admin, { gidMax: 1002 }), "InvalidInput")
          expect(error).toMatchObject({ field: "gidMax" })
          expect(error.message).toContain("GIDs up to 1002 were handed out already")
          yield* settings.set(admin, { gidMin: 20000, gidMax: 20001 })
          expect((yield* (yield* Groups).create(admin, { name: "ops" })).gid).toBe(20000)
        })
      )
    )

    it.effect(
      "refuses an admin group that does not exist, has no administrator or leaves out the admin making the change (nobody locks themselves out); another one moves admin access",
      () =>
        seeded(
          Effect.gen(function* () {
            const settings = yield* Settings
            const groups = yield* Groups
            yield* refuses(settings.set(admin, { adminGroup: "nobody" }), "GroupNotFound")
            yield* groups.create(admin, { name: "empty" })
            const empty = yield* refuses(settings.set(admin, { adminGroup: "empty" }), "InvalidInput")
            expect(empty.message).toContain("nobody could manage the directory")
            const without = yield* refuses(settings.set(admin, { adminGroup: "analysts" }), "InvalidInput")
            expect(without).toMatchObject({ field: "adminGroup" })
            expect(without.message).toContain("you ('admin') are not a member of group 'analysts'")
            const users = yield* Users
            expect((yield* users.whoAmI(alice)).admin).toBe(false)
            yield* groups.addMembers(admin, "analysts", ["admin"])
            yield* settings.set(admin, { adminGroup: "analysts" })
            expect((yield* users.whoAmI(admin)).admin).toBe(true)
            expect((yield* users.whoAmI(alice)).admin).toBe(true)
            expect((yield* Effect.flip(groups.rename(alice, "analysts", "analysis")))._tag).toBe("ProtectedGroup")
          })
        )
    )

    it.effect("only an administrator reads or changes the settings (Forbidden)", () =>
      seeded(
        Effect.gen(function* () {
          const settings = yield* Settings
          expect((yield* Effect.flip(settings.get(john)))._tag).toBe("Forbidden")
          yield* refuses(settings.set(john, { minPasswordLength: 10 }), "Forbidden")
        })
      )
    )
  })
}
