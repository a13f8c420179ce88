import { Effect } from "effect"
import stringWidth from "string-width"
import { describe, expect, it } from "vitest"
import * as DisplayWidth from "../src/internal/displayWidth.js"

describe("displayWidth", () => {
  it("measures every character it measures by length as string-width does: one column", () => {
    let narrow = 0
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code)
      if (!DisplayWidth.isNarrow(char)) continue
      narrow++
      expect(stringWidth(char), `U+${code.toString(16).padStart(4, "0")}`).toBe(1)
    }
    expect(narrow).toBeGreaterThan(700)
  })

  it("loads string-width for a text that needs it, and measures CJK, combining marks and emoji as it does", async () => {
    const texts = ["山田太郎", "e\u0301", "👩‍💻", "a\u00adb", "Zoë – ok…"]
    await Effect.runPromise(DisplayWidth.ready(texts))
    expect(texts.map(DisplayWidth.of)).toEqual(texts.map((text) => stringWidth(text)))
  })
})
