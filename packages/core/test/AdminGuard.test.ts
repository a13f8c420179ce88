/**
 * The admin-group guard itself, below the services: the actor is always an enabled admin and may not demote itself, so
 * only a race reaches this guard through the services. It reads core internals, so it runs here on the in-memory store
 * rather than in the published storage contract (whose other tests prove each store's part: counting enabled members).
 */
import { describe, expect, it } from "@effect/vitest"
import { Directory } from "@user-manager/core/Directory"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Option } from "effect"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users | Directory>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

describe("the admin-group guard", () => {
  it.effect("refuses a change that would leave the admin group without an enabled member (LastAdmin)", () =>
    seeded(
      Effect.gen(function* () {
        // The actor is always an enabled admin, and it may not demote itself, so only a race can reach this guard
        // through the services. Here the actor 'root' is demoted by 'admin' and then, with its stale authority
        // checked in the same transaction, tries to remove 'admin' — the guard is what stops it.
        const users = yield* Users
        const directory = yield* Directory
        yield* users.disable(admin, "root")
        const { ensureAdminsRemain, lockAdminGroup } = yield* Effect.promise(
          () => import("../src/internal/adminGroup.js")
        )
        const error = yield* Effect.flip(
          directory.write((tx) =>
            Effect.gen(function* () {
              const adminRecord = Option.getOrThrow(yield* tx.findUser("admin"))
              const rootRecord = Option.getOrThrow(yield* tx.findUser("root"))
              const op = {
                tx,
                config: { adminGroup: "admins", gidMin: 1000, gidMax: 60000, minPasswordLength: 8 },
                actor: rootRecord,
                now: new Date(0)
              }
              yield* lockAdminGroup(op)
              yield* ensureAdminsRemain(op, [adminRecord])
            })
          )
        )
        expect(error._tag).toBe("LastAdmin")
        if (error._tag === "LastAdmin") expect(error.usernames).toEqual(["admin"])
      })
    )
  )

  it.effect("refuses to take away the last administrator even when a system user is in the admin group", () =>
    seeded(
      Effect.gen(function* () {
        // As above, with a system user in the admin group: it never holds admin access, so it is no administrator
        // that would remain.
        const users = yield* Users
        const directory = yield* Directory
        yield* users.create(admin, { username: "robot", groups: ["admins"], system: true })
        yield* users.disable(admin, "root")
        const { ensureAdminsRemain, lockAdminGroup } = yield* Effect.promise(
          () => import("../src/internal/adminGroup.js")
        )
        const error = yield* Effect.flip(
          directory.write((tx) =>
            Effect.gen(function* () {
              const adminRecord = Option.getOrThrow(yield* tx.findUser("admin"))
              const op = {
                tx,
                config: { adminGroup: "admins", gidMin: 1000, gidMax: 60000, minPasswordLength: 8 },
                actor: Option.getOrThrow(yield* tx.findUser("root")),
                now: new Date(0)
              }
              yield* lockAdminGroup(op)
              yield* ensureAdminsRemain(op, [adminRecord])
            })
          )
        )
        expect(error._tag).toBe("LastAdmin")
      })
    )
  )
})
