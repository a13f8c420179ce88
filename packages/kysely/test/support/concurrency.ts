/**
 * A concurrency workload: several independent connections issue conflicting operations at once; afterwards every
 * invariant must hold and every refusal must be a documented domain error.
 */

import * as Actor from "@user-manager/core/Actor"
import type { Directory } from "@user-manager/core/Directory"
import { DOMAIN_ERROR_TAGS } from "@user-manager/core/Errors"
import { Groups } from "@user-manager/core/Groups"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import * as invariants from "@user-manager/test-stores/invariants"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, type Layer } from "effect"

/** The refusals a lost race may come back as; anything else (a StorageError, a defect) fails the test. */
export const DOCUMENTED = new Set<string>(DOMAIN_ERROR_TAGS)

export const ADMINS = ["a1", "a2", "a3", "a4"]
export const USERS = ["u1", "u2", "u3", "u4", "u5", "u6"]
export const GROUPS = ["g1", "g2", "g3", "g4"]

const services = (directory: Layer.Layer<Directory, unknown>) =>
  UserManager.layer({ directory, hasher: TestHasher, config: { gidMin: 1000, gidMax: 1000000 } })

/** Creates the starting directory: admins a1–a4 (also in g1), users u1–u6 in every group g1–g4. */
export const seedWorkload = (directory: Layer.Layer<Directory, unknown>) =>
  Effect.gen(function* () {
    const users = yield* Users
    const groups = yield* Groups
    yield* users.bootstrap({ username: "a1" })
    const a1 = Actor.user("a1")
    for (const name of GROUPS) yield* groups.create(a1, { name })
    for (const name of ADMINS.slice(1)) yield* users.create(a1, { username: name, groups: ["admins", "g1"] })
    yield* users.addToGroup(a1, "a1", "g1")
    for (const name of USERS) yield* users.create(a1, { username: name, groups: GROUPS })
  }).pipe(Effect.provide(services(directory)))

const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(Math.random() * items.length)] as A

/** One worker: `steps` random conflicting operations on its own connection; returns the tags of what happened. */
export const runWorker = (directory: Layer.Layer<Directory, unknown>, worker: number, steps: number) =>
  Effect.gen(function* () {
    const users = yield* Users
    const groups = yield* Groups
    const outcomes: Array<string> = []
    const surprises: Array<string> = []
    const gids: Array<number> = []
    for (let step = 0; step < steps; step++) {
      const actor = Actor.user(pick(ADMINS))
      const user = pick(USERS)
      const group = pick(GROUPS)
      const choice = Math.random()
      const operation: Effect.Effect<unknown, { readonly _tag: string }> =
        choice < 0.25
          ? users.removeFromGroup(actor, user, group)
          : choice < 0.4
            ? users.addToGroup(actor, user, group)
            : choice < 0.5
              ? users.disable(actor, pick(ADMINS))
              : choice < 0.65
                ? users.enable(actor, pick(ADMINS))
                : choice < 0.72
                  ? groups.removeMembers(actor, "admins", [pick(ADMINS)])
                  : choice < 0.77
                    ? groups.addMembers(actor, "admins", [pick(ADMINS)])
                    : choice < 0.87
                      ? groups
                          .create(actor, { name: `w${worker}s${step}` })
                          .pipe(Effect.tap((created) => Effect.sync(() => gids.push(created.gid))))
                      : choice < 0.95
                        ? users
                            .get(actor, user)
                            .pipe(
                              Effect.flatMap((seen) =>
                                users.modify(actor, user, { lastName: `w${worker}`, expectedVersion: seen.version - 1 })
                              )
                            )
                        : groups.remove(actor, group)
      const exit = yield* Effect.either(operation)
      outcomes.push(exit._tag === "Right" ? "ok" : exit.left._tag)
      if (exit._tag === "Left" && !DOCUMENTED.has(exit.left._tag)) surprises.push(String(exit.left))
    }
    return { outcomes, gids, surprises }
  }).pipe(Effect.provide(services(directory)))

/** Checks invariants 1, 3 (GIDs), 4 and 5 on the final state; returns the problems found. */
export const checkInvariants = (directory: Layer.Layer<Directory, unknown>, handedOut: ReadonlyArray<number>) =>
  invariants.checkInvariants(directory, handedOut, ADMINS)

/** A password every rule allows until the minimum length is raised above its 10 characters. */
export const TEN_CHARACTERS = "ten-chars!"

/**
 * One writer of passwords: `steps` times, an administrator either sets a user's password or creates a user with one,
 * always of 10 characters, until a few are refused (the minimum was raised above 10); returns what happened.
 */
export const runPasswordWriter = (directory: Layer.Layer<Directory, unknown>, worker: number, steps: number) =>
  Effect.gen(function* () {
    const users = yield* Users
    const outcomes: Array<string> = []
    const surprises: Array<string> = []
    // Until the new rule has refused a few of them (the change landed among them), or `steps` are done.
    for (let step = 0; step < steps && outcomes.filter((tag) => tag === "InvalidInput").length < 5; step++) {
      const actor = Actor.user(pick(ADMINS))
      const operation: Effect.Effect<unknown, { readonly _tag: string }> =
        step % 2 === 0
          ? users.resetPassword(actor, pick(USERS), TEN_CHARACTERS)
          : users.create(actor, { username: `p${worker}s${step}`, password: TEN_CHARACTERS, groups: ["g1"] })
      const exit = yield* Effect.either(operation)
      outcomes.push(exit._tag === "Right" ? "ok" : exit.left._tag)
      if (exit._tag === "Left" && exit.left._tag !== "InvalidInput") surprises.push(String(exit.left))
    }
    return { outcomes, gids: [] as Array<number>, surprises }
  }).pipe(Effect.provide(services(directory)))

/** The workloads a worker may run, by name (a worker thread is told which). */
export const WORKLOADS = { conflicts: runWorker, passwords: runPasswordWriter } as const
