/**
 * The storage contract's suite on bootstrap: the first administrator and the admin group it creates.
 */
import { describe, expect, it } from "@effect/vitest"
import { Users } from "@user-manager/core/Users"
import { Effect, Option } from "effect"
import { admin } from "../fixture.js"

import type { Harness } from "./harness.js"

/** The storage contract's suite on bootstrap: the first administrator and the admin group it creates. */
export const bootstrapContract = (name: string, { run, seeded, refuses }: Harness) => {
  describe(`${name} — bootstrap`, () => {
    it.effect("bootstrap creates the admin group with the first GID of the range and its first enabled member", () =>
      run()(
        Effect.gen(function* () {
          const users = yield* Users
          const { group, user } = yield* users.bootstrap({ username: "admin", password: "correct horse" })
          expect(group.name).toBe("admins")
          expect(group.gid).toBe(1000)
          expect(user.groups).toEqual(["admins"])
          const me = yield* users.whoAmI(admin)
          expect(me.admin).toBe(true)
          expect(me.user.enabled).toBe(true)
        })
      )
    )

    it.effect("bootstrap uses the configured admin group name", () =>
      run({ adminGroup: "wheel" })(
        Effect.gen(function* () {
          const users = yield* Users
          const { group } = yield* users.bootstrap({ username: "admin" })
          expect(group.name).toBe("wheel")
          expect((yield* users.whoAmI(admin)).admin).toBe(true)
        })
      )
    )

    it.effect("refuses to bootstrap a directory that already has users", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const error = yield* refuses(users.bootstrap({ username: "mallory" }), "Forbidden")
          expect(error.message).toContain("already has users")
        })
      )
    )

    // Live: a race lost on MySQL/MariaDB is a deadlock, run again after a random pause on the real clock.
    it.live(
      "of several bootstrapIfEmpty racing on an empty directory, exactly one sets it up and the others find it done",
      () =>
        run()(
          Effect.gen(function* () {
            const users = yield* Users
            const results = yield* Effect.all(
              ["admin", "admin", "admin", "admin"].map((username) => users.bootstrapIfEmpty({ username })),
              { concurrency: "unbounded" }
            )
            expect(results.filter(Option.isSome)).toHaveLength(1)
            const me = yield* users.whoAmI(admin)
            expect(me.admin).toBe(true)
            expect(me.user.groups).toEqual(["admins"])
          })
        )
    )

    it.effect("bootstrapIfEmpty leaves a directory that has users as it is", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          expect(Option.isNone(yield* users.bootstrapIfEmpty({ username: "mallory" }))).toBe(true)
          yield* refuses(users.get(admin, "mallory"), "UserNotFound")
        })
      )
    )
  })
}
