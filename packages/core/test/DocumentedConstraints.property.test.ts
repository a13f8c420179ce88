/**
 * The constraints the core's schemas document in JSON Schema's words (`jsonSchema` annotations, which the API's OpenAPI
 * document and the element's forms take) agree with the rules themselves: a form that checks them never refuses what
 * the core accepts, and for names it refuses exactly what the core refuses.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Option, Schema, SchemaAST } from "effect"
import fc from "fast-check"
import { GroupName, Username } from "../src/Names.js"
import { Password } from "../src/Password.js"
import { CreateUser, Email, PersonName } from "../src/User.js"

interface Documented {
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minItems?: number
}

const documented = (schema: Schema.Schema.Any): Documented =>
  Option.getOrThrow(SchemaAST.getJSONSchemaAnnotation(schema.ast)) as Documented

/** Whether `text` keeps what `schema` documents, checked as a form checks it (lengths in code points). */
const keeps = (constraints: Documented, text: string) => {
  const length = [...text].length
  return (
    length >= (constraints.minLength ?? 0) &&
    length <= (constraints.maxLength ?? Number.POSITIVE_INFINITY) &&
    (constraints.pattern === undefined || new RegExp(constraints.pattern, "u").test(text))
  )
}

const accepts = <A, I>(schema: Schema.Schema<A, I>, value: I) => Either.isRight(Schema.decodeEither(schema)(value))

/** Text near the rules' edges: name characters, capitals, spaces, '@' and '.', controls and bidirectional controls. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."abcxyz019._-@ ABZ\t\n\u0000\u007f\u202e\u2066é"),
      fc.string({ maxLength: 1, unit: "grapheme" })
    ),
    { maxLength: 70 }
  )
  .map((characters) => characters.join(""))

/** Mostly names, some too long, some with a capital or a digit first. */
const nameLike = fc.stringMatching(/^[a-zA-Z0-9_][a-z0-9._-]{0,40}$/)

describe("the constraints the core documents", () => {
  it("accept exactly the usernames and group names the core accepts", () => {
    for (const schema of [Username, GroupName]) {
      const constraints = documented(schema)
      fc.assert(
        fc.property(fc.oneof(text, nameLike), (value) => {
          expect(keeps(constraints, value)).toBe(accepts(schema, value))
        })
      )
      expect(keeps(constraints, "a".repeat(32))).toBe(true)
      expect(keeps(constraints, "a".repeat(33))).toBe(false)
    }
  })

  it("never refuse a first or last name the core accepts, and refuse every control character it refuses", () => {
    const constraints = documented(PersonName)
    fc.assert(
      fc.property(text, (value) => {
        const trimmed = value.trim()
        if (accepts(PersonName, value)) expect(keeps(constraints, trimmed)).toBe(true)
        else if ([...trimmed].length <= 64) expect(keeps(constraints, trimmed)).toBe(false)
      })
    )
  })

  it("never refuse an email address the core accepts (the core's finer rules stay its own)", () => {
    const constraints = documented(Email)
    const address = fc
      .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,64}$/), fc.stringMatching(/^[a-z0-9-]{1,20}(\.[a-z0-9-]{1,10}){1,3}$/))
      .map(([local, domain]) => `${local}@${domain}`)
    fc.assert(
      fc.property(fc.oneof(text, address), fc.constantFrom("", " "), (value, around) => {
        const typed = `${around}${value}${around}`
        if (accepts(Email, typed)) expect(keeps(constraints, typed.trim())).toBe(true)
      })
    )
    expect(keeps(constraints, "nobody")).toBe(false)
    expect(keeps(constraints, "a@b")).toBe(false)
  })

  it("document a password's bounds (8 to 256 characters: a directory may ask for more, never less) and at least one group", () => {
    expect(documented(Password)).toMatchObject({ minLength: 8, maxLength: 256 })
    expect(documented(CreateUser.fields.groups)).toEqual({ minItems: 1 })
  })
})
