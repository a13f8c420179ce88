import { describe, expect, it } from "vitest"
import { numberFormatFor } from "../src/internal/locale.js"

describe("the numbers the element writes", () => {
  it("writes English integers as Intl.NumberFormat writes them, without making one (its first loads the browser's locale data, on a first page's way)", () => {
    const Original = Intl.NumberFormat
    const made: Array<unknown> = []
    Intl.NumberFormat = new Proxy(Original, {
      construct: (target, args) => {
        made.push(args)
        return Reflect.construct(target, args) as object
      }
    })
    const values = [
      0,
      7,
      42,
      999,
      1_000,
      9_999,
      10_000,
      100_001,
      1_234_567,
      Number.MAX_SAFE_INTEGER,
      -1,
      -1_234,
      -100_001
    ]
    let written: Array<string>
    try {
      written = ["en", "en-US", "EN-us"].flatMap((lang) => values.map((value) => numberFormatFor(lang).format(value)))
    } finally {
      Intl.NumberFormat = Original
    }
    expect(made).toEqual([])
    expect(written).toEqual(
      ["en", "en-US", "en-US"].flatMap((lang) => values.map((value) => new Original(lang).format(value)))
    )
  })

  it("leaves to Intl what is not a safe integer in English, and every other language", () => {
    expect(numberFormatFor("en").format(1_234.5)).toBe("1,234.5")
    expect(numberFormatFor("en").format(2 ** 60)).toBe(new Intl.NumberFormat("en").format(2 ** 60))
    expect(numberFormatFor("de").format(100_001)).toBe("100.001")
    expect(numberFormatFor("en-IN").format(100_001)).toBe(new Intl.NumberFormat("en-IN").format(100_001))
  })
})
