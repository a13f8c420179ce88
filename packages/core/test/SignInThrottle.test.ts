import { describe, expect, it } from "@effect/vitest"
import { seed } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import { Directory } from "../src/Directory.js"
import { StorageError } from "../src/Errors.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { Sessions } from "../src/Sessions.js"
import * as UserManager from "../src/UserManager.js"

/** The in-memory store, except that deleting old throttle counters fails (a store that is briefly unavailable). */
const trimFails = Layer.effect(
  Directory,
  Effect.map(Directory, (directory) => ({
    read: directory.read,
    readAfterCheck: directory.readAfterCheck,
    write: (body, completion) =>
      directory.write(
        (tx) =>
          body({
            ...tx,
            trimSignInCounters: () => Effect.fail(new StorageError({ reason: "the store is busy" }))
          }),
        completion
      )
  }))
).pipe(Layer.provide(MemoryDirectory.layer))

describe("the sign-in throttle's sweep", () => {
  it.effect("a sweep that fails does not fail the sign-in that ran it", () =>
    Effect.gen(function* () {
      yield* seed
      const sessions = yield* Sessions
      const session = yield* sessions.login("john", "john's secret", { address: "10.0.0.1" })
      expect(session.user.username).toBe("john")
    }).pipe(
      Effect.provide(UserManager.layer({ directory: trimFails, hasher: TestHasher, throttle: { sweepEvery: 1 } }))
    )
  )
})
