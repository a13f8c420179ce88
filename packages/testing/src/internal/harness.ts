/**
 * What every suite of the storage contract runs its tests with: the services over the store under test, a seeded
 * directory, and the proof that a refusal changed nothing.
 */
import { expect } from "@effect/vitest"
import type { Audit } from "@user-manager/core/Audit"
import type { Directory } from "@user-manager/core/Directory"
import type { DirectoryConfigShape } from "@user-manager/core/DirectoryConfig"
import type { Exports } from "@user-manager/core/Exports"
import type { Groups } from "@user-manager/core/Groups"
import type { Imports } from "@user-manager/core/Imports"
import type { PasswordHasher } from "@user-manager/core/PasswordHasher"
import type { Settings } from "@user-manager/core/Settings"
import type { Tokens } from "@user-manager/core/Tokens"
import type { Users } from "@user-manager/core/Users"
import { Effect, type Layer } from "effect"
import { type StoreLayer, seed, services, snapshot } from "../fixture.js"

/** The services a contract test may use. */
export type Services = Users | Groups | Audit | Exports | Directory | PasswordHasher | Imports | Settings | Tokens

/** The harness of one store under test. */
export const harness = (store: StoreLayer, hasher: Layer.Layer<PasswordHasher>) => {
  const run =
    (config: Partial<DirectoryConfigShape> = {}) =>
    <A, E>(effect: Effect.Effect<A, E, Services>) =>
      effect.pipe(Effect.provide(services(store, hasher, config)))
  /** A seeded directory with the default settings. */
  const seeded = <A, E>(effect: Effect.Effect<A, E, Services>) => run()(Effect.zipRight(seed, effect))

  /** Proves that `effect` is refused with `tag` and that the directory is exactly as it was. */
  const refuses = <A, E extends { readonly _tag: string }, T extends E["_tag"]>(
    effect: Effect.Effect<A, E, Services>,
    tag: T
  ) =>
    Effect.gen(function* () {
      const before = yield* snapshot
      const error = yield* Effect.flip(effect)
      expect(error._tag).toBe(tag)
      expect(yield* snapshot).toEqual(before)
      return error as Extract<E, { readonly _tag: T }>
    })
  return { run, seeded, refuses }
}

/** The harness of one store under test. */
export type Harness = ReturnType<typeof harness>
