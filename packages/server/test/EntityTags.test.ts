/**
 * The conditional headers' parser (RFC 9110 §8.8.3, §13.1) that the native API and SCIM share, and SCIM's reading of
 * it: one version, weak or strong, and nothing else.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as EntityTags from "../src/internal/entityTags.js"
import { versionOf } from "../src/internal/scim/resources.js"

describe("entity tags", () => {
  it("reads * and a comma-separated list of entity tags, weak or strong, with spaces and empty elements", () => {
    expect(EntityTags.parse(" * ")).toBe("*")
    expect(EntityTags.parse('"3"')).toEqual([{ weak: false, opaque: "3" }])
    expect(EntityTags.parse('W/"3", "4",\t"abc" , ,')).toEqual([
      { weak: true, opaque: "3" },
      { weak: false, opaque: "4" },
      { weak: false, opaque: "abc" }
    ])
    expect(EntityTags.parse('""')).toEqual([{ weak: false, opaque: "" }])
  })

  it("reads a comma inside an entity tag as part of it, not as the end of the element", () => {
    expect(EntityTags.parse('"a,b", "c"')).toEqual([
      { weak: false, opaque: "a,b" },
      { weak: false, opaque: "c" }
    ])
  })

  it("refuses a value that is not * or a list of quoted entity tags", () => {
    for (const value of [
      "",
      " , ",
      "3",
      "yesterday",
      '"3',
      '3"',
      '"3" "4"',
      'w/"3"',
      'W/ "3"',
      '*, "3"',
      '"a b"',
      '"a"b"',
      "'3'"
    ]) {
      expect(EntityTags.parse(value), value).toBeUndefined()
    }
  })

  it("reads a value of 100,000 spaces between commas, or before a stray character, at once (no backtracking attack)", () => {
    for (const value of [`,${" ".repeat(100_000)}x`, `"3"${" ".repeat(100_000)}x`, `${", ".repeat(50_000)}"3"`]) {
      const started = performance.now()
      EntityTags.parse(value)
      // Linear: a few milliseconds; the quadratic reading it replaced took seconds.
      expect(performance.now() - started, value.slice(0, 10)).toBeLessThan(500)
    }
    expect(EntityTags.parse(`,${" ".repeat(100_000)}x`)).toBeUndefined()
  })

  it("reads back every list it formats", () => {
    const tag = fc.record({ weak: fc.boolean(), opaque: fc.stringMatching(/^[\x21\x23-\x7e]*$/) })
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 5 }), (tags) => {
        expect(EntityTags.parse(tags.map(EntityTags.format).join(", "))).toEqual(tags)
      })
    )
  })

  it("names a record version only by an entity tag of digits", () => {
    expect(EntityTags.versionOf({ weak: false, opaque: "12" })).toBe(12)
    expect(EntityTags.versionOf({ weak: true, opaque: "12" })).toBe(12)
    expect(EntityTags.versionOf({ weak: false, opaque: "v12" })).toBeUndefined()
    expect(EntityTags.versionOf({ weak: false, opaque: "" })).toBeUndefined()
    // Past the safe integers: no version a record can have (the core would refuse the number as input).
    expect(EntityTags.versionOf({ weak: false, opaque: "99999999999999999999" })).toBeUndefined()
    expect(EntityTags.versionOf({ weak: false, opaque: String(Number.MAX_SAFE_INTEGER) })).toBe(Number.MAX_SAFE_INTEGER)
    expect([EntityTags.strong(7), EntityTags.weak(7)]).toEqual(['"7"', 'W/"7"'])
  })

  it("If-Match allows the versions its strong entity tags name, and none by a weak one; * allows any", () => {
    const versions = (value: string) => EntityTags.strongVersions(EntityTags.parse(value) ?? [])
    expect(versions("*")).toBeUndefined()
    expect(versions('"3"')).toBe(3)
    expect(versions('"3", "4", "3"')).toEqual([3, 4])
    expect(versions('W/"3", "4", "x"')).toBe(4)
    expect(versions('W/"3"')).toEqual([])
    expect(versions('"tomorrow"')).toEqual([])
  })

  it("SCIM reads one version, weak or strong, or *; a list, even of one tag, and anything else is malformed", () => {
    expect([versionOf(undefined), versionOf(" * "), versionOf('W/"3"'), versionOf(' "3" ')]).toEqual([
      undefined,
      "*",
      3,
      3
    ])
    for (const value of ['"3", "4"', '"3",', '"abc"', "3", 'W/ "3"', ""]) expect(versionOf(value), value).toBe(-1)
  })
})
