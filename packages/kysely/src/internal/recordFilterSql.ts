/**
 * Record filters (`RecordFilter` in the core) as SQL: the `WHERE` condition a filter checked by the core becomes on each
 * engine, so that a filtered list runs in the database, with its indexes, sort, paging and count. Every condition
 * agrees with the core's predicate (the memory store's): text of a field that ignores case is compared through its
 * lower-cased key column or `lower(…)` (the core lower-cases the value), a comparison with a missing (NULL) value is
 * false, so that `not` of it is true, and a LIKE pattern takes `%`, `_` and its escape character literally.
 */
import {
  type FieldRule,
  GROUP_FIELD_RULES,
  type GroupField,
  type Operator,
  type RecordFilter,
  USER_FIELD_RULES,
  type UserField
} from "@user-manager/core/RecordFilter"
import { type Expression, type RawBuilder, sql } from "kysely"
import type { Engine } from "../Migrations.js"
import { asciiFoldedPrefix, needsUnicodeCase, unicodeCaseGlob, unicodeCaseRegex } from "./unicodeCase.js"

/** How a field is read in SQL: the expression compared, and what `Present` tests. */
interface FieldSql {
  /** The expression comparisons run on (a lower-cased key when the field ignores case). */
  readonly compared: Expression<unknown>
  /** Whether the field can be NULL (a comparison with it is then guarded). */
  readonly nullable: boolean
  /** The stored value `Present` tests for a value that is neither NULL nor empty. */
  readonly stored: Expression<unknown>
  /**
   * A condition that holds for every record whose field contains this (lower-cased) text, which the engine answers
   * from an index: added beside a `co`, `sw` or `ew` comparison, it narrows the rows the comparison is tested on
   * without changing which match. `undefined` when the engine has no such index for this text.
   */
  readonly containing?: (engine: Engine, text: string) => RawBuilder<boolean> | undefined
  /** Whether `compared` is SQL's `lower(…)` of the stored text (which may fold ASCII letters only: `unicodeCase`). */
  readonly lowered?: boolean
}

/** A membership: the condition that the record is in (or has) the named group (member), or any. */
interface MembershipSql {
  readonly named: (value: string) => RawBuilder<boolean>
  readonly any: RawBuilder<boolean>
}

type FieldMap<F extends string> = { readonly [K in F]: FieldSql | MembershipSql }

const TRUE = sql<boolean>`1 = 1`
const FALSE = sql<boolean>`1 = 0`

const column = (table: string, name: string) => sql.ref(`${table}.${name}`)
const plain = (table: string, name: string, nullable = false): FieldSql => ({
  compared: column(table, name),
  nullable,
  stored: column(table, name)
})
const lowered = (table: string, name: string): FieldSql => ({
  compared: sql`lower(${column(table, name)})`,
  nullable: false,
  stored: column(table, name),
  lowered: true
})

/**
 * The users whose search text contains `text`, looked up in the index the user search uses on PostgreSQL (pg_trgm,
 * which needs three characters). The search text (`UserKeys.searchText`) holds the username, the full name (first and
 * last name) and the email, lower-cased by the core, so a user whose first or last name contains a lower-cased text is
 * among them: as a condition beside the name's own comparison it changes no answer, and makes a `co` of a name read
 * the index's matches instead of every user's row (the API's search and a SCIM `name.familyName co "…"` then cost
 * alike). SQLite gets none: its name indexes (migration 20261208000000) are read faster whole than the FTS5 index's
 * matches are looked up one by one (at 100,000 users and 5,000 matches, 13 ms against 28 for the count); MySQL/MariaDB
 * have no substring index.
 */
const searchTextContaining = (engine: Engine, text: string): RawBuilder<boolean> | undefined =>
  engine === "postgres" && [...text].length >= 3
    ? sql<boolean>`${column("users", "search_text")} like ${likePattern(text, true, true)} escape '!'`
    : undefined

/** A name: lower-cased for comparisons, narrowed by the search index for a substring. */
const name = (table: string, column: string): FieldSql => ({
  ...lowered(table, column),
  containing: searchTextContaining
})
const keyed = (table: string, name: string, key: string): FieldSql => ({
  compared: column(table, key),
  nullable: true,
  stored: column(table, name)
})

const USER_FIELDS: FieldMap<UserField> = {
  // Usernames and group names are lower-case by their rules: compared as stored, by their indexes.
  username: plain("users", "username"),
  firstName: name("users", "first_name"),
  lastName: name("users", "last_name"),
  email: keyed("users", "email", "email_key"),
  enabled: plain("users", "enabled"),
  system: plain("users", "system"),
  externalId: plain("users", "external_id", true),
  externalName: keyed("users", "external_name", "external_name_key"),
  createdAt: plain("users", "created_at"),
  updatedAt: plain("users", "updated_at"),
  // The group's members, read from the membership index (group, username) as the list's group filter reads them.
  group: {
    named: (value) =>
      sql<boolean>`${column("users", "username")} in (select m.username from ${sql.table("memberships")} m where m.group_name = ${value})`,
    any: sql<boolean>`exists (select 1 from ${sql.table("memberships")} m where m.username = ${column("users", "username")})`
  }
}

const GROUP_FIELDS: FieldMap<GroupField> = {
  name: plain("groups", "name"),
  gid: plain("groups", "gid"),
  externalId: plain("groups", "external_id", true),
  externalName: keyed("groups", "external_name", "external_name_key"),
  createdAt: plain("groups", "created_at"),
  updatedAt: plain("groups", "updated_at"),
  member: {
    named: (value) =>
      sql<boolean>`exists (select 1 from ${sql.table("memberships")} m where m.group_name = ${column("groups", "name")} and m.username = ${value})`,
    any: sql<boolean>`exists (select 1 from ${sql.table("memberships")} m where m.group_name = ${column("groups", "name")})`
  }
}

/** A LIKE pattern around `text` (`%` where `prefix`/`suffix` allow any), its wildcards and `!` taken literally. */
const likePattern = (text: string, before: boolean, after: boolean) =>
  `${before ? "%" : ""}${text.replace(/[!%_]/g, "!$&")}${after ? "%" : ""}`

/** A GLOB pattern (SQLite's case-sensitive LIKE) around `text`, its wildcards taken literally. */
const globPattern = (text: string, before: boolean, after: boolean) =>
  `${before ? "*" : ""}${text.replace(/[*?[]/g, "[$&]")}${after ? "*" : ""}`

const ORDER: { readonly [O in Operator]?: string } = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" }

/** A comparison's value as stored: booleans as 1/0, times as the ISO text the columns hold. */
const storedValue = (value: string | number | boolean | Date) =>
  typeof value === "boolean" ? (value ? 1 : 0) : value instanceof Date ? value.toISOString() : value

const comparison = (engine: Engine, rule: FieldRule, field: FieldSql, operator: Operator, value: unknown) => {
  const compared = field.compared
  const symbol = ORDER[operator]
  // SQLite's lower() (and PostgreSQL's in a database of character type C) leaves a letter outside ASCII in the case it
  // was stored in: a value holding one is matched with its cases as a class. The orders compare the lowered text (there,
  // a capital outside ASCII sorts as itself). MySQL/MariaDB's lower() folds every letter.
  if (engine !== "mysql" && field.lowered === true && typeof value === "string" && needsUnicodeCase(value)) {
    const matched =
      engine === "sqlite"
        ? unicodeCaseGlobComparison(compared, operator, value)
        : unicodeCaseRegexComparison(compared, operator, value)
    if (matched !== undefined) return matched
  }
  if (symbol !== undefined) {
    return sql<boolean>`${compared} ${sql.raw(symbol)} ${storedValue(value as string | number | boolean | Date)}`
  }
  const text = value as string
  const before = operator !== "sw"
  const after = operator !== "ew"
  // SQLite's LIKE ignores the case of ASCII letters: a field compared with case (externalId) is matched by GLOB.
  const matched =
    engine === "sqlite" && !rule.ignoresCase
      ? sql<boolean>`${compared} glob ${globPattern(text, before, after)}`
      : sql<boolean>`${compared} like ${likePattern(text, before, after)} escape '!'`
  return operator === "sw" && engine === "sqlite" ? withinPrefixRange(compared, text, matched) : matched
}

/**
 * Every text starting with the prefix sorts in its range: an index of the compared expression (a name's) is read over
 * that range alone rather than whole (SQLite does not turn a LIKE or GLOB into a range itself).
 */
const withinPrefixRange = (compared: Expression<unknown>, prefix: string, matched: RawBuilder<boolean>) => {
  const range = prefixRange(prefix)
  if (range === undefined) return matched
  return range.below === undefined
    ? sql<boolean>`${compared} >= ${range.from} and ${matched}`
    : sql<boolean>`${compared} >= ${range.from} and ${compared} < ${range.below} and ${matched}`
}

/** A comparison of an ASCII-lowered SQLite text with a value holding letters outside ASCII (see `unicodeCase`). */
const unicodeCaseGlobComparison = (compared: Expression<unknown>, operator: Operator, text: string) => {
  switch (operator) {
    case "eq":
      return sql<boolean>`${compared} glob ${unicodeCaseGlob(text, false, false)}`
    case "ne":
      return sql<boolean>`not (${compared} glob ${unicodeCaseGlob(text, false, false)})`
    case "co":
    case "ew":
      return sql<boolean>`${compared} glob ${unicodeCaseGlob(text, true, operator === "co")}`
    case "sw":
      return withinPrefixRange(
        compared,
        asciiFoldedPrefix(text),
        sql<boolean>`${compared} glob ${unicodeCaseGlob(text, false, true)}`
      )
    default:
      return undefined
  }
}

/** The same on PostgreSQL, by a regular expression (a trigram index of the search text still narrows a substring). */
const unicodeCaseRegexComparison = (compared: Expression<unknown>, operator: Operator, text: string) => {
  switch (operator) {
    case "eq":
    case "ne": {
      const equal = sql<boolean>`${compared} ~ ${unicodeCaseRegex(text, false, false)}`
      return operator === "eq" ? equal : sql<boolean>`not (${equal})`
    }
    case "co":
    case "sw":
    case "ew":
      return sql<boolean>`${compared} ~ ${unicodeCaseRegex(text, operator !== "sw", operator !== "ew")}`
    default:
      return undefined
  }
}

/**
 * The range of texts that start with `prefix` in SQLite's BINARY order (UTF-8 bytes, which is code point order): from
 * the prefix itself, below the prefix with its last code point raised by one (none when it is the last code point).
 */
const prefixRange = (prefix: string): { readonly from: string; readonly below: string | undefined } | undefined => {
  const points = [...prefix]
  const last = points.pop()?.codePointAt(0)
  if (last === undefined) return undefined
  if (last >= 0x10ffff) return { from: prefix, below: undefined }
  // The surrogates are no code points of a text: the one after U+D7FF is U+E000.
  const next = last === 0xd7ff ? 0xe000 : last + 1
  return { from: prefix, below: `${points.join("")}${String.fromCodePoint(next)}` }
}

const build = <F extends string>(
  engine: Engine,
  rules: { readonly [K in F]: FieldRule },
  fields: FieldMap<F>,
  filter: RecordFilter<F>
): RawBuilder<boolean> => {
  switch (filter._tag) {
    case "And":
    case "Or": {
      const and = filter._tag === "And"
      if (filter.filters.length === 0) return and ? TRUE : FALSE
      const children = filter.filters.map((child) => build(engine, rules, fields, child))
      return sql<boolean>`(${sql.join(children, and ? sql` and ` : sql` or `)})`
    }
    case "Not":
      return sql<boolean>`not ${build(engine, rules, fields, filter.filter)}`
    case "Present": {
      const field = fields[filter.field]
      if ("any" in field) return field.any
      const rule = rules[filter.field]
      if (rule.kind !== "text") return field.nullable ? sql<boolean>`${field.stored} is not null` : TRUE
      return field.nullable
        ? sql<boolean>`(${field.stored} is not null and ${field.stored} <> '')`
        : sql<boolean>`${field.stored} <> ''`
    }
    case "Compare": {
      const field = fields[filter.field]
      if ("named" in field) return field.named(String(filter.value))
      const condition = comparison(engine, rules[filter.field], field, filter.operator, filter.value)
      const substring = filter.operator === "co" || filter.operator === "sw" || filter.operator === "ew"
      const narrowed =
        substring && typeof filter.value === "string" ? field.containing?.(engine, filter.value) : undefined
      if (narrowed !== undefined) return sql<boolean>`(${narrowed} and ${condition})`
      // NULL compares as unknown, and `not unknown` is unknown: a missing value is made a plain false.
      return field.nullable
        ? sql<boolean>`(${field.compared} is not null and ${condition})`
        : sql<boolean>`(${condition})`
    }
  }
}

/** The condition of a user filter checked by the core, over the `users` table. */
export const userFilterSql = (engine: Engine, filter: RecordFilter<UserField>): RawBuilder<boolean> =>
  build(engine, USER_FIELD_RULES, USER_FIELDS, filter)

/** The condition of a group filter checked by the core, over the `groups` table. */
export const groupFilterSql = (engine: Engine, filter: RecordFilter<GroupField>): RawBuilder<boolean> =>
  build(engine, GROUP_FIELD_RULES, GROUP_FIELDS, filter)
