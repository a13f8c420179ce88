/**
 * What names and email addresses may hold: bidirectional controls nowhere (they make text read in another order than
 * it is stored), and an email's local part at most 64 characters (RFC 5321).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Either, Schema } from "effect"
import fc from "fast-check"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { Email, ExternalId, PersonName } from "../src/User.js"

/** U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates). */
const bidi = fc.constantFrom(..."\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
const letters = (min: number, max: number) => fc.stringMatching(new RegExp(`^[a-z0-9]{${min},${max}}$`))
const inserted = (text: string, character: string, at: number) => {
  const position = at % (text.length + 1)
  return `${text.slice(0, position)}${character}${text.slice(position)}`
}
const problem = <A, I>(schema: Schema.Schema<A, I>, value: I) =>
  Either.match(Schema.decodeEither(schema)(value), { onLeft: (error) => error.message, onRight: () => undefined })

describe("names and email addresses", () => {
  it("refuses a bidirectional control character anywhere in a first or last name", () => {
    fc.assert(
      fc.property(letters(1, 40), bidi, fc.nat(), (name, character, at) => {
        expect(problem(PersonName, name)).toBeUndefined()
        expect(problem(PersonName, inserted(name, character, at))).toContain(
          "a name cannot contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)"
        )
      })
    )
  })

  it("refuses half of a UTF-16 surrogate pair anywhere in a name, an email address or an external id, and takes a whole pair", () => {
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
    fc.assert(
      fc.property(letters(1, 30), surrogate, fc.nat(), (text, half, at) => {
        const reason = "must be valid Unicode text (it holds half of a UTF-16 surrogate pair)"
        expect(problem(PersonName, inserted(text, half, at))).toContain(`a name ${reason}`)
        expect(problem(Email, inserted(`${text}@example.com`, half, at))).toContain(`an email address ${reason}`)
        expect(problem(ExternalId, inserted(text, half, at))).toContain(reason)
        expect(problem(PersonName, inserted(text, "\u{1f600}", at))).toBeUndefined()
      })
    )
  })

  it("refuses an email address holding a character of RFC 5322's specials, which only quotes could hold, in one sentence", () => {
    for (const [email, special] of [
      ["<ab@x.org>", "<"],
      ["ab@x.org,cd@x.org", ","],
      ['"ab"@x.org', '"'],
      ["ab@[10.0.0.1]", "["],
      ["a\\b@x.org", "\\"],
      ["ab;cd@x.org", ";"],
      ["ab@x.org:25", ":"],
      ["a(b)@x.org", "("]
    ] as const) {
      expect(problem(Email, email)).toContain(`'${email}' contains '${special}', which an email address cannot hold`)
    }
    expect(problem(Email, "o'brien+tag@x.org")).toBeUndefined()
  })

  it("accepts a first or last name of 0 to 64 characters after trimming (names are optional) and refuses a longer one", () => {
    const blank = fc.stringMatching(/^[ \t]{0,5}$/)
    fc.assert(
      fc.property(blank, letters(0, 64), blank, letters(65, 100), (before, name, after, long) => {
        expect(Schema.decodeSync(PersonName)(`${before}${name}${after}`)).toBe(name)
        expect(problem(PersonName, long)).toContain("a name has at most 64 characters")
      })
    )
  })

  it.effect("an empty or blank name is no name, the same as one left out: on create, modify and bootstrap", () =>
    Effect.gen(function* () {
      const users = yield* Users
      const names = (user: { readonly firstName: string; readonly lastName: string }) => [user.firstName, user.lastName]
      const boss = yield* users.bootstrap({ username: "boss", firstName: "", lastName: " " })
      expect(names(boss.user)).toEqual(["", ""])
      const left = yield* users.create(Actor.user("boss"), { username: "eve", groups: ["admins"] })
      const empty = yield* users.create(Actor.user("boss"), {
        username: "fay",
        firstName: "",
        lastName: "   ",
        groups: ["admins"]
      })
      expect([names(left), names(empty)]).toEqual([
        ["", ""],
        ["", ""]
      ])
      yield* users.modify(Actor.user("boss"), "eve", { firstName: "Eve", lastName: "Smith" })
      const cleared = yield* users.modify(Actor.user("boss"), "eve", { firstName: "", lastName: null })
      expect(names(cleared)).toEqual(["", ""])
    }).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))
  )

  it("refuses a bidirectional control character anywhere in an email address", () => {
    fc.assert(
      fc.property(letters(1, 30), letters(1, 20), bidi, fc.nat(), (local, host, character, at) => {
        const email = `${local}@${host}.example`
        expect(problem(Email, email)).toBeUndefined()
        expect(problem(Email, inserted(email, character, at))).toContain(
          "an email address cannot contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)"
        )
      })
    )
  })

  it("accepts an email local part of up to 64 characters and refuses a longer one (RFC 5321)", () => {
    fc.assert(
      fc.property(letters(1, 64), letters(65, 120), (short, long) => {
        expect(problem(Email, `${short}@example.com`)).toBeUndefined()
        expect(problem(Email, `${long}@example.com`)).toContain(
          `has ${long.length} characters before the '@', and an address has at most 64 there (RFC 5321)`
        )
      })
    )
  })

  it.effect("says what is wrong in one sentence when a user is created or modified with such a name or email", () =>
    Effect.zipRight(
      seed,
      Effect.gen(function* () {
        const users = yield* Users
        const local = "a".repeat(65)
        const long = yield* Effect.flip(
          users.create(admin, { username: "eve", email: `${local}@example.com`, groups: ["developers"] })
        )
        expect(long.message).toBe(
          `Invalid email: '${local}@example.com' has 65 characters before the '@', and an address has at most 64 there (RFC 5321).`
        )
        const spoofed = yield* Effect.flip(users.modify(admin, "john", { lastName: "Doe\u202e nimda" }))
        expect(spoofed.message).toBe(
          "Invalid lastName: a name cannot contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)."
        )
      })
    ).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))
  )
})
