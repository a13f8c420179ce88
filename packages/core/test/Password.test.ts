/**
 * The password policy: what a new password may not be. Tested through the services, so it holds on every store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Users } from "@user-manager/core/Users"
import { admin, john, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Option, Schema } from "effect"
import fc from "fast-check"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { checkPolicy, Password } from "../src/Password.js"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

const CONTROL = "a password cannot contain control characters (such as a newline or a tab)"

/** A control character (Unicode category Cc: U+0000–U+001F and U+007F–U+009F). */
const control = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((code) => String.fromCodePoint(code))

describe("the password policy", () => {
  it("refuses a new password holding any control character, wherever it is", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 40 }).filter((text) => !/\p{Cc}/u.test(text)),
        control,
        fc.nat(),
        (text, character, at) => {
          const position = at % (text.length + 1)
          const password = Schema.decodeSync(Password)(`${text.slice(0, position)}${character}${text.slice(position)}`)
          const error = Effect.runSync(Effect.flip(checkPolicy(password, { username: "someone", minLength: 8 })))
          expect({ field: error.field, reason: error.reason }).toEqual({ field: "password", reason: CONTROL })
        }
      )
    )
  })

  it("refuses a new password holding half of a UTF-16 surrogate pair (two such passwords would hash alike), and takes a whole pair", () => {
    const policy = (text: string) =>
      Effect.runSync(
        Effect.either(checkPolicy(Schema.decodeSync(Password)(text), { username: "someone", minLength: 8 }))
      )
    for (const half of ["\ud800", "\udbff", "\udc00", "\udfff"]) {
      const refused = policy(`correct horse${half}`)
      expect(refused._tag === "Left" && refused.left.reason).toBe(
        "a password must be valid Unicode text (it holds half of a UTF-16 surrogate pair)"
      )
    }
    expect(policy("correct horse \u{1f40e}")._tag).toBe("Right")
  })

  it.effect(
    "refuses a control character in a password given to create, modify or change-password, and keeps nothing",
    () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const created = yield* Effect.flip(
            users.create(admin, { username: "carol", password: "tab\tseparated", groups: ["developers"] })
          )
          expect(created).toMatchObject({ _tag: "InvalidInput", field: "password", reason: CONTROL })
          expect(created.message).toBe(`Invalid password: ${CONTROL}.`)
          expect(Option.isNone(yield* Effect.option(users.get(admin, "carol")))).toBe(true)
          const modified = yield* Effect.flip(users.modify(admin, "john", { password: "two\nlines here" }))
          expect(modified).toMatchObject({ _tag: "InvalidInput", field: "password", reason: CONTROL })
          const changed = yield* Effect.flip(
            users.changePassword(john, { current: "john's secret", next: "escape\u001b[31m red" })
          )
          expect(changed).toMatchObject({ _tag: "InvalidInput", field: "password", reason: CONTROL })
          // The old password still signs in: nothing was changed.
          expect((yield* users.authenticate("john", "john's secret")).username).toBe("john")
        })
      )
  )
})
