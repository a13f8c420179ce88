import { describe, expect, it } from "@effect/vitest"
import * as PostgresDirectory from "@user-manager/kysely/PostgresDirectory"
import * as Timeouts from "@user-manager/kysely/Timeouts"
import { Effect, Layer } from "effect"

describe("Timeouts", () => {
  it("keeps the default of each timeout a host leaves out or leaves undefined", () => {
    expect(Timeouts.resolve()).toEqual({ connectMs: 10_000, acquireMs: 10_000, statementMs: 30_000 })
    expect(Timeouts.resolve({ statementMs: 60_000, connectMs: undefined as unknown as number })).toEqual({
      connectMs: 10_000,
      acquireMs: 10_000,
      statementMs: 60_000
    })
  })

  it("refuses a timeout that is not a positive whole number of milliseconds, and a store opened with one fails with a StorageError naming it", async () => {
    expect(() => Timeouts.resolve({ acquireMs: 0 })).toThrow("timeouts.acquireMs must be a positive whole number")
    expect(() => Timeouts.resolve({ statementMs: 1.5 })).toThrow("timeouts.statementMs must be a positive whole")
    const layer = PostgresDirectory.layer({ url: "postgres://nobody@127.0.0.1:1/none", timeouts: { connectMs: -1 } })
    const error = await Effect.runPromise(Effect.flip(Layer.build(layer).pipe(Effect.scoped)))
    expect(error._tag).toBe("StorageError")
    expect(error.message).toContain("timeouts.connectMs must be a positive whole number of milliseconds, not -1")
  })
})
