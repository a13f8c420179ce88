import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { fullName } from "../src/User.js"
import { nameSortKeys, SORT_KEY_LENGTH, searchText, sortKey } from "../src/UserKeys.js"

describe("UserKeys", () => {
  it("a name's sort key is its NFKD form without combining marks, lower-cased", () => {
    expect(sortKey("Émile")).toBe("emile")
    expect(sortKey("émile")).toBe(sortKey("Emile"))
    expect(sortKey("Zoë 山田")).toBe("zoe 山田")
    expect(sortKey("Ångström")).toBe("angstrom")
    expect(sortKey("ﬁona")).toBe("fiona")
    expect(sortKey("ＡＢＣ")).toBe("abc")
    expect(sortKey("root") < sortKey("Zoë 山田")).toBe(true)
  })

  it("a sort key keeps at most 128 characters, never half of one", () => {
    expect(sortKey("a".repeat(200))).toBe("a".repeat(SORT_KEY_LENGTH))
    const wide = sortKey("𝒜".repeat(200))
    expect(Array.from(wide)).toHaveLength(SORT_KEY_LENGTH)
    expect(wide).toBe("a".repeat(SORT_KEY_LENGTH))
    expect(sortKey("😀".repeat(200))).toBe("😀".repeat(SORT_KEY_LENGTH))
  })

  it("a key has no combining mark and is its own key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (name) => {
        expect(sortKey(sortKey(name))).toBe(sortKey(name))
        expect(/\p{M}/u.test(sortKey(name))).toBe(false)
      })
    )
  })

  it("names that differ only in case or accents have the same key", () => {
    const letter = fc.constantFrom(..."aeiouncyz")
    const accents = ["", "\u0301", "\u0300", "\u0308", "\u0303", "\u0327", "\u030a"]
    const dressed = (letters: ReadonlyArray<string>, choices: ReadonlyArray<number>, upper: ReadonlyArray<boolean>) =>
      letters
        .map((plain, index) => {
          const cased = upper[index] ? plain.toUpperCase() : plain
          return `${cased}${accents[(choices[index] ?? 0) % accents.length]}`.normalize("NFC")
        })
        .join("")
    fc.assert(
      fc.property(
        fc.array(letter, { maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (letters, choices, upper) => {
          expect(sortKey(dressed(letters, choices, upper))).toBe(letters.join(""))
        }
      )
    )
  })

  it("the full name's key is the key of the name the Full Name column shows", () => {
    expect(nameSortKeys({ firstName: "Zoë", lastName: "山田" })).toEqual({
      firstName: "zoe",
      lastName: "山田",
      fullName: "zoe 山田"
    })
    expect(fullName({ firstName: "", lastName: "Doe" })).toBe("Doe")
    expect(nameSortKeys({ firstName: "Service", lastName: "" }).fullName).toBe("service")
  })

  it("search runs over the username, the full name as shown and the email, lower-cased, on separate lines", () => {
    expect(searchText({ username: "john", firstName: "John", lastName: "Doe", email: null })).toBe("john\njohn doe")
    expect(searchText({ username: "svc", firstName: "", lastName: "Service", email: null })).toBe("svc\nservice")
    expect(searchText({ username: "ann", firstName: "Ann", lastName: "Lee", email: "Ann.Lee@Example.ORG" })).toBe(
      "ann\nann lee\nann.lee@example.org"
    )
  })
})
