import { msg, str } from "@lit/localize"
import { constraints } from "./constraints.js"

/** What the API's OpenAPI document says of one field of a request body (see `constraints.ts`, generated from it). */
export interface FieldConstraint {
  readonly required: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minItems?: number
  readonly description?: string
}

/** A request body a form fills in. */
export type Body = keyof typeof constraints

/** The document's constraint of `field` in `body` (none when the document names no such field). */
export const constraintOf = (body: Body, field: string): FieldConstraint | undefined =>
  (constraints[body] as Readonly<Record<string, FieldConstraint>>)[field]

/** Whether a form marks the field as one to fill in: required, or text that cannot be empty. */
export const isRequired = (constraint: FieldConstraint | undefined): boolean =>
  constraint !== undefined && (constraint.required || (constraint.minLength ?? 0) > 0 || (constraint.minItems ?? 0) > 0)

const patterns = new Map<string, RegExp>()
const regExpOf = (pattern: string) => {
  let compiled = patterns.get(pattern)
  if (compiled === undefined) {
    compiled = new RegExp(pattern, "u")
    patterns.set(pattern, compiled)
  }
  return compiled
}

/** JSON Schema counts characters (code points), not UTF-16 units. */
const lengthOf = (text: string) => [...text].length

/**
 * Why the value of the field named `label` breaks its constraint, in words, or undefined when it keeps it: an empty
 * field is only refused when it must be filled in; a list (the groups chosen) by its number of items.
 */
export const problemOf = (
  constraint: FieldConstraint | undefined,
  label: string,
  value: string | ReadonlyArray<string>
): string | undefined => {
  if (constraint === undefined) return undefined
  if (typeof value !== "string") {
    const least = constraint.minItems ?? 0
    return value.length >= least
      ? undefined
      : least === 1
        ? msg(str`${label}: choose at least one.`)
        : msg(str`${label}: choose at least ${least}.`)
  }
  if (value === "") return isRequired(constraint) ? msg(str`${label} is required.`) : undefined
  const length = lengthOf(value)
  if (constraint.minLength !== undefined && length < constraint.minLength) {
    return msg(str`${label} needs at least ${constraint.minLength} characters (this one has ${length}).`)
  }
  if (constraint.maxLength !== undefined && length > constraint.maxLength) {
    return msg(str`${label} has at most ${constraint.maxLength} characters (this one has ${length}).`)
  }
  if (constraint.pattern !== undefined && !regExpOf(constraint.pattern).test(value)) {
    const lower = value.toLowerCase()
    if (lower !== value && regExpOf(constraint.pattern).test(lower))
      return msg(str`${label}: lowercase only (try “${lower}”).`)
    return constraint.description === undefined
      ? msg(str`${label} is not valid.`)
      : msg(str`${label} is not valid (expected: ${constraint.description}).`)
  }
  return undefined
}

/** The problems of a form's fields by field name, leaving out those that have none. */
export const problems = (
  checks: ReadonlyArray<readonly [name: string, problem: string | undefined]>
): Readonly<Record<string, string>> =>
  Object.fromEntries(checks.filter((check): check is readonly [string, string] => check[1] !== undefined))

/** A password generator's alphabet: letters and digits without look-alikes (0/O, 1/l/I), and a few symbols. */
const ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!@#%+=?"

/** How long a generated password is when the form knows no longer minimum. */
export const GENERATED_PASSWORD_LENGTH = 20

/**
 * A random password of `length` characters (at least `GENERATED_PASSWORD_LENGTH`) drawn with
 * `crypto.getRandomValues`, each character equally likely (bytes past the alphabet's last whole multiple are drawn again).
 */
export const generatePassword = (length = GENERATED_PASSWORD_LENGTH): string => {
  const wanted = Math.max(length, GENERATED_PASSWORD_LENGTH)
  const limit = 256 - (256 % ALPHABET.length)
  let password = ""
  while (password.length < wanted) {
    for (const byte of crypto.getRandomValues(new Uint8Array(wanted * 2))) {
      if (byte < limit && password.length < wanted) password += ALPHABET[byte % ALPHABET.length]
    }
  }
  return password
}
