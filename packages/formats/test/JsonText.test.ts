import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as JsonText from "../src/JsonText.js"

/** Whether JSON.parse reads the text. */
const parses = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe("JsonText.problem", () => {
  it("finds nothing wrong in any JSON text, however it is spaced", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, "\t"), (value, space) => {
        expect(JsonText.problem(JSON.stringify(value, null, space))).toBeUndefined()
      }),
      { numRuns: 300 }
    )
  })

  it("says what is wrong with any text JSON.parse refuses, in the reader's words, never the parser's states", () => {
    // JSON texts cut short or with a character put in: mostly near-JSON, the texts a client gets wrong.
    const broken = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", "}", "]", ",", ":", '"', "x", "é", "\t", "{", " 1"))
      .map(([text, at, insert]) => {
        const cut = at % (text.length + 1)
        return `${text.slice(0, cut)}${insert}${insert === "" ? "" : text.slice(cut)}`
      })
    fc.assert(
      fc.property(fc.oneof(broken, fc.string()), (text) => {
        fc.pre(!parses(text))
        const said = JsonText.problem(text)
        expect(said).toMatch(
          /^(unexpected .+ (at byte \d+|where .+ belongs)|an unexpected character at byte \d+|it ends before the value does|it is empty)$/s
        )
        expect(said).not.toMatch(/state|chunk|Tokenizer|Parser/)
      }),
      { numRuns: 500 }
    )
  })

  it.each([
    ['{"name":}', "unexpected '}' where a value belongs"],
    ['{"name":"staff",}', "unexpected '}' where a name in double quotes belongs"],
    ['{"name" "staff"}', "unexpected string \"staff\" where ':' belongs"],
    ['{"gid":1 2}', "unexpected number 2 where ',' or the end of an object or a list belongs"],
    ['{"name":"staff"}}', "unexpected '}' at byte 17"],
    ["{gid:1}", "unexpected 'g' at byte 2"],
    ['{"enabled":ture}', "unexpected 't' at byte 12"],
    ['{"é":1}é', "unexpected 'é' at byte 9"],
    ['{"a":"\t"}', "unexpected control character U+0009 at byte 7"],
    ['{"members":["ann"', "it ends before the value does"],
    [" \n", "it is empty"]
  ])("%j: %s", (text, said) => {
    expect(JsonText.problem(text)).toBe(said)
  })
})
