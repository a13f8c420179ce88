/**
 * Conditions on users' and groups' fields that a list can be narrowed by, as a tree every store turns into its own
 * query (SQL `WHERE` on the SQL stores, a predicate on the memory store). The SCIM server parses a client's `filter`
 * into this tree; nothing here knows SCIM's syntax.
 *
 * Text comparisons ignore case (`eq`, `ne`, `co`, `sw`, `ew`, and the order of `gt`/`ge`/`lt`/`le`), except on
 * `externalId`, which is compared exactly. Times compare as instants. `Present` holds when the field has a value
 * (not null, not the empty string). A comparison with a field that has no value (null) is false whatever its operator,
 * `ne` too, so that `Not` of it holds. Text orders by code point, as the stores' binary collations do.
 *
 * `Users.list` and `Groups.list` take a filter as `where`; the core checks it (`OPERATORS_OF`, `MAX_FILTER_CONDITIONS`)
 * and refuses one a store could not run with `InvalidInput`, before any store sees it.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { InvalidInput } from "./Errors.js"

/**
 * A user's fields a filter can name. `group`: the user is a member of the named group (`eq` only, or `Present`: in at
 * least one group).
 *
 * @category models
 * @since 0.1.0
 */
export type UserField =
  | "username"
  | "firstName"
  | "lastName"
  | "email"
  | "enabled"
  | "system"
  | "externalId"
  | "externalName"
  | "createdAt"
  | "updatedAt"
  | "group"

/**
 * A group's fields a filter can name. `member`: the named user is a member (`eq` only).
 *
 * @category models
 * @since 0.1.0
 */
export type GroupField = "name" | "gid" | "externalId" | "externalName" | "createdAt" | "updatedAt" | "member"

/**
 * How a field is compared with a value: equal, not equal, contains, starts with, ends with, and the orders.
 *
 * @category models
 * @since 0.1.0
 */
export type Operator = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le"

/**
 * A condition on the fields `F`.
 *
 * @category models
 * @since 0.1.0
 */
export type RecordFilter<F extends string> =
  | {
      readonly _tag: "Compare"
      readonly field: F
      readonly operator: Operator
      readonly value: string | number | boolean | Date
    }
  | { readonly _tag: "Present"; readonly field: F }
  | { readonly _tag: "And"; readonly filters: ReadonlyArray<RecordFilter<F>> }
  | { readonly _tag: "Or"; readonly filters: ReadonlyArray<RecordFilter<F>> }
  | { readonly _tag: "Not"; readonly filter: RecordFilter<F> }

/**
 * A condition on users.
 *
 * @category models
 * @since 0.1.0
 */
export type UserFilter = RecordFilter<UserField>

/**
 * A condition on groups.
 *
 * @category models
 * @since 0.1.0
 */
export type GroupFilter = RecordFilter<GroupField>

/**
 * What a field holds, which decides the operators it takes: `text` (every operator), `boolean` (`eq`, `ne`), `time`
 * and `number` (`eq`, `ne` and the orders), `membership` (`eq`: a group a user belongs to, a member of a group).
 *
 * @category models
 * @since 0.2.0
 */
export type FieldKind = "text" | "boolean" | "time" | "number" | "membership"

/**
 * How a field is compared: its kind, whether text comparisons ignore its case, and whether it can be missing (null).
 *
 * @category models
 * @since 0.2.0
 */
export interface FieldRule {
  readonly kind: FieldKind
  readonly ignoresCase: boolean
  readonly nullable: boolean
}

const rule = (kind: FieldKind, options: { readonly exact?: boolean; readonly nullable?: boolean } = {}): FieldRule => ({
  kind,
  ignoresCase: kind === "membership" || (kind === "text" && options.exact !== true),
  nullable: options.nullable === true
})

/**
 * How each user field is compared.
 *
 * @category constants
 * @since 0.2.0
 */
export const USER_FIELD_RULES: { readonly [F in UserField]: FieldRule } = {
  username: rule("text"),
  firstName: rule("text"),
  lastName: rule("text"),
  email: rule("text", { nullable: true }),
  enabled: rule("boolean"),
  system: rule("boolean"),
  externalId: rule("text", { exact: true, nullable: true }),
  externalName: rule("text", { nullable: true }),
  createdAt: rule("time"),
  updatedAt: rule("time"),
  group: rule("membership")
}

/**
 * How each group field is compared.
 *
 * @category constants
 * @since 0.2.0
 */
export const GROUP_FIELD_RULES: { readonly [F in GroupField]: FieldRule } = {
  name: rule("text"),
  gid: rule("number"),
  externalId: rule("text", { exact: true, nullable: true }),
  externalName: rule("text", { nullable: true }),
  createdAt: rule("time"),
  updatedAt: rule("time"),
  member: rule("membership")
}

/**
 * The operators each kind of field takes.
 *
 * @category constants
 * @since 0.2.0
 */
export const OPERATORS_OF: { readonly [K in FieldKind]: ReadonlyArray<Operator> } = {
  text: ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"],
  boolean: ["eq", "ne"],
  time: ["eq", "ne", "gt", "ge", "lt", "le"],
  number: ["eq", "ne", "gt", "ge", "lt", "le"],
  membership: ["eq"]
}

/**
 * The most conditions (comparisons, presences, and/or/not) one filter holds: a bound on the statement a store builds.
 *
 * @category constants
 * @since 0.2.0
 */
export const MAX_FILTER_CONDITIONS = 200

type Value = string | number | boolean | Date

const KIND_WORDS: { readonly [K in FieldKind]: string } = {
  text: "a text field",
  boolean: "a true/false field",
  time: "a time",
  number: "a number",
  membership: "a membership"
}

const VALUE_WORDS: { readonly [K in FieldKind]: string } = {
  text: "text",
  boolean: "true or false",
  time: "a time (an ISO 8601 timestamp)",
  number: "a whole number",
  membership: "a name"
}

const OPERATORS = new Set<string>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"])

/** A value as the field's kind compares it, or `undefined` when it is not one. */
const normalizeValue = (rule: FieldRule, value: unknown): Value | undefined => {
  switch (rule.kind) {
    case "text":
    case "membership":
      return typeof value === "string" ? (rule.ignoresCase ? value.toLowerCase() : value) : undefined
    case "boolean":
      return typeof value === "boolean" ? value : undefined
    case "number":
      if (typeof value === "number" && Number.isSafeInteger(value)) return value
      return typeof value === "string" && /^-?\d{1,15}$/.test(value) ? Number(value) : undefined
    case "time": {
      const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined
      return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined
    }
  }
}

const shown = (value: unknown) => {
  const text = typeof value === "string" ? `'${value}'` : value instanceof Date ? "a date" : String(value)
  return text.length <= 60 ? text : `${text.slice(0, 59)}…'`
}

/**
 * Checks a filter over fields with `rules` (of `what`: "user", "group") and returns it with its values in the form the
 * stores compare; refuses, with one sentence, an unknown field or operator, an operator the field's kind does not take
 * (`co` on `enabled`, `gt` on `group`), a value of the wrong kind, or more than `MAX_FILTER_CONDITIONS` conditions.
 */
const checkFilter = <F extends string>(
  what: string,
  rules: { readonly [K in F]: FieldRule },
  filter: RecordFilter<F>
): Effect.Effect<RecordFilter<F>, InvalidInput> =>
  Effect.suspend(() => {
    let conditions = 0
    const refuse = (reason: string) => {
      throw new InvalidInput({ field: "where", reason })
    }
    const fieldRule = (field: unknown): FieldRule => {
      const found = typeof field === "string" && Object.hasOwn(rules, field) ? rules[field as F] : undefined
      if (found !== undefined) return found
      return refuse(`${shown(field)} is not a ${what} field a filter can name (${Object.keys(rules).join(", ")})`)
    }
    const walk = (node: RecordFilter<F>, depth: number): RecordFilter<F> => {
      conditions++
      if (conditions > MAX_FILTER_CONDITIONS || depth > MAX_FILTER_CONDITIONS) {
        return refuse(`a filter holds at most ${MAX_FILTER_CONDITIONS} conditions`)
      }
      switch (node?._tag) {
        case "Compare": {
          const rule = fieldRule(node.field)
          const operator: unknown = node.operator
          if (typeof operator !== "string" || !OPERATORS.has(operator)) {
            return refuse(`${shown(operator)} is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le)`)
          }
          if (!OPERATORS_OF[rule.kind].includes(operator as Operator)) {
            return refuse(
              `'${operator}' does not apply to ${node.field}, ${KIND_WORDS[rule.kind]}: use ${OPERATORS_OF[rule.kind].join(", ")}`
            )
          }
          const value = normalizeValue(rule, node.value)
          if (value === undefined) {
            return refuse(`${node.field} compares with ${VALUE_WORDS[rule.kind]}, not ${shown(node.value)}`)
          }
          return { _tag: "Compare", field: node.field, operator: operator as Operator, value }
        }
        case "Present":
          fieldRule(node.field)
          return { _tag: "Present", field: node.field }
        case "And":
        case "Or":
          if (!Array.isArray(node.filters)) return refuse(`${node._tag} holds a list of filters`)
          return { _tag: node._tag, filters: node.filters.map((child) => walk(child, depth + 1)) }
        case "Not":
          return { _tag: "Not", filter: walk(node.filter, depth + 1) }
        default:
          return refuse("a filter is a Compare, Present, And, Or or Not")
      }
    }
    try {
      return Effect.succeed(walk(filter, 0))
    } catch (error) {
      if (error instanceof InvalidInput) return Effect.fail(error)
      throw error
    }
  })

/**
 * A field's value as `matchesFilter` reads it: text, a boolean, a number, a date, `null` when missing, or the set of
 * names of a membership.
 *
 * @category models
 * @since 0.2.0
 */
export type FieldValue = string | number | boolean | Date | null | ReadonlySet<string>

const ordered = (difference: number, operator: Operator): boolean => {
  switch (operator) {
    case "eq":
      return difference === 0
    case "ne":
      return difference !== 0
    case "gt":
      return difference > 0
    case "ge":
      return difference >= 0
    case "lt":
      return difference < 0
    case "le":
      return difference <= 0
    default:
      return false
  }
}

/**
 * Whether a record matches a filter checked by `checkUserFilter` or `checkGroupFilter`, its fields read by `fieldValue`:
 * the memory store's filter, and what every SQL store's statement agrees with. A comparison with a field that has no
 * value (null) is false, whatever its operator; `Not` of it is true.
 *
 * @category predicates
 * @since 0.2.0
 */
export const matchesFilter = <F extends string>(
  rules: { readonly [K in F]: FieldRule },
  filter: RecordFilter<F>,
  fieldValue: (field: F) => FieldValue
): boolean => {
  switch (filter._tag) {
    case "And":
      return filter.filters.every((child) => matchesFilter(rules, child, fieldValue))
    case "Or":
      return filter.filters.some((child) => matchesFilter(rules, child, fieldValue))
    case "Not":
      return !matchesFilter(rules, filter.filter, fieldValue)
    case "Present": {
      const value = fieldValue(filter.field)
      if (value instanceof Set) return value.size > 0
      return value !== null && value !== ""
    }
    case "Compare": {
      const rule = rules[filter.field]
      const value = fieldValue(filter.field)
      if (value === null) return false
      if (value instanceof Set) return value.has(String(filter.value))
      if (value instanceof Date) {
        return ordered(value.getTime() - (filter.value as Date).getTime(), filter.operator)
      }
      if (typeof value === "string") {
        const text = rule.ignoresCase ? value.toLowerCase() : value
        const other = filter.value as string
        switch (filter.operator) {
          case "co":
            return text.includes(other)
          case "sw":
            return text.startsWith(other)
          case "ew":
            return text.endsWith(other)
          default:
            return ordered(text === other ? 0 : text < other ? -1 : 1, filter.operator)
        }
      }
      if (typeof value === "number") return ordered(value - (filter.value as number), filter.operator)
      return ordered(value === filter.value ? 0 : 1, filter.operator)
    }
  }
}

/**
 * Checks a user filter and returns it with its values in the form every store compares (text of a field that ignores
 * case lower-cased, times as dates, GIDs as numbers); refuses with `InvalidInput` (field `where`) and one sentence an
 * unknown field or operator, an operator the field's kind does not take (`co` on `enabled`, `gt` on `group`), a value
 * of the wrong kind, or more than `MAX_FILTER_CONDITIONS` conditions. `Users.list` runs it on its `where`.
 *
 * @category checks
 * @since 0.2.0
 */
export const checkUserFilter = (filter: UserFilter): Effect.Effect<UserFilter, InvalidInput> =>
  checkFilter("user", USER_FIELD_RULES, filter)

/**
 * Checks a group filter as `checkUserFilter` checks a user filter. `Groups.list` runs it on its `where`.
 *
 * @category checks
 * @since 0.2.0
 */
export const checkGroupFilter = (filter: GroupFilter): Effect.Effect<GroupFilter, InvalidInput> =>
  checkFilter("group", GROUP_FIELD_RULES, filter)
