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

/**
 * Every clause JsonText says, word for word: JSON's punctuation, the kind of token, what belongs there, a byte's
 * number. Nothing else of the text can appear in it.
 */
const CLAUSE = new RegExp(
  `^(${[
    String.raw`(unexpected '[{}\[\],:"]'|an unexpected character) at byte \d+`,
    String.raw`(unexpected '[{}\[\],:"]'|unexpected text in double quotes|an unexpected number|unexpected (true|false|null)) where (a value|a name in double quotes|':'|',' or the end of an object or a list) belongs`,
    "it ends before the value does",
    "it is empty",
    "it is not valid JSON"
  ].join("|")})$`
)

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
        expect(said).toMatch(CLAUSE)
        expect(said).not.toMatch(/state|chunk|Tokenizer|Parser/)
      }),
      { numRuns: 500 }
    )
  })

  it("never shows a word, number or character of the text itself, which may be a password sent without its quotes", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9!#$%&*+./;<=>?@^_|~-]{4,20}$/),
        fc.constantFrom('{"password":%}', '{"password" "%"}', '{"current":"x" "%"}', "[%]", '{"next":%'),
        (secret, shape) => {
          const text = shape.replace("%", secret)
          fc.pre(!parses(text))
          // Only the clause's own words, JSON's punctuation and a byte's number: nothing of the secret.
          expect(JsonText.problem(text)).toMatch(CLAUSE)
        }
      ),
      { numRuns: 300 }
    )
  })

  it.each([
    ['{"name":}', "unexpected '}' where a value belongs"],
    ['{"name":"staff",}', "unexpected '}' where a name in double quotes belongs"],
    ['{"name" "staff"}', "unexpected text in double quotes where ':' belongs"],
    ['{"gid":1 2}', "an unexpected number where ',' or the end of an object or a list belongs"],
    ['{"gid":1 true}', "unexpected true where ',' or the end of an object or a list belongs"],
    ['{"name":"staff"}}', "unexpected '}' at byte 17"],
    ["{gid:1}", "an unexpected character at byte 2"],
    ['{"enabled":ture}', "an unexpected character at byte 12"],
    ['{"é":1}é', "an unexpected character at byte 9"],
    ['{"a":"\t"}', "an unexpected character at byte 7"],
    ['{"members":["ann"', "it ends before the value does"],
    [" \n", "it is empty"]
  ])("%j: %s", (text, said) => {
    expect(JsonText.problem(text)).toBe(said)
  })
})
