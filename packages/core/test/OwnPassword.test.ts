/**
 * The rule of one's own password, as every front end applies it (`Users.changeOwnPassword`): an administrator sets its
 * own as it resets anyone's, anyone else gives the current one.
 */
import { describe, expect, it } from "@effect/vitest"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import { changeOwnPassword, Users } from "@user-manager/core/Users"
import { admin, john, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

/** A way to ask for the current password that counts how often it was asked. */
const asking = (answer: string) => {
  const asked = { count: 0 }
  return {
    asked,
    current: Effect.sync(() => {
      asked.count++
      return answer
    })
  }
}

describe("changeOwnPassword", () => {
  it.effect("lets an administrator set its own password without the current one, never asking for it", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const { asked, current } = asking("a wrong guess")
        yield* changeOwnPassword(users, admin, "a new admin secret", current)
        expect(asked.count).toBe(0)
        expect((yield* users.authenticate("admin", "a new admin secret")).username).toBe("admin")
        yield* changeOwnPassword(users, admin, "another admin secret", undefined)
        expect((yield* users.authenticate("admin", "another admin secret")).username).toBe("admin")
      })
    )
  )

  it.effect("asks anyone else for the current password, once, and refuses a wrong one (Forbidden)", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const wrong = asking("a wrong guess")
        const refused = yield* Effect.flip(changeOwnPassword(users, john, "a better secret", wrong.current))
        expect(refused._tag).toBe("Forbidden")
        expect(wrong.asked.count).toBe(1)
        const right = asking("john's secret")
        yield* changeOwnPassword(users, john, "a better secret", right.current)
        expect(right.asked.count).toBe(1)
        expect((yield* users.authenticate("john", "a better secret")).username).toBe("john")
      })
    )
  )

  it.effect("refuses anyone else who cannot be asked for the current password (InvalidInput), changing nothing", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const refused = yield* Effect.flip(changeOwnPassword(users, john, "a better secret", undefined))
        expect(refused._tag).toBe("InvalidInput")
        expect(refused.message).toContain(
          "only an administrator can change a password without typing the current one at a terminal"
        )
        expect((yield* users.authenticate("john", "john's secret")).username).toBe("john")
      })
    )
  )
})
