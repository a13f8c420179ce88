/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed by `scim2-parse-filter`, turned into the core's `RecordFilter` on users'
 * or groups' fields, which every store runs as its own query. Attribute names are case-insensitive and may carry their
 * schema's URN. A user's `userName` is its `externalName`, or its username when it has none; a group's `displayName`
 * likewise its `externalName` or its name.
 */
import { Provisioning, type RecordFilter } from "@user-manager/core"
import { type Filter, parse } from "scim2-parse-filter"
import { invalidFilter, type ScimError } from "./errors.js"

type UserFilter = RecordFilter.UserFilter
type GroupFilter = RecordFilter.GroupFilter
type Value = string | number | boolean | Date

/** The URNs of the core schemas, which may prefix an attribute's name. */
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"

/** An attribute path, lowercased, without a core schema's URN. */
export const attributeName = (path: string): string => {
  const lower = path.toLowerCase()
  for (const urn of [USER_SCHEMA, GROUP_SCHEMA]) {
    const prefix = `${urn.toLowerCase()}:`
    if (lower.startsWith(prefix)) return lower.slice(prefix.length)
  }
  return lower
}

/** Parses a filter text, or fails with `invalidFilter`. */
export const parseFilter = (text: string): Filter | ScimError => {
  try {
    return parse(text)
  } catch {
    return invalidFilter(`the filter is not valid SCIM filter syntax (RFC 7644 §3.4.2.2): ${text.slice(0, 200)}`)
  }
}

/** How one SCIM attribute is compared: the field, and how a value is read for it. */
interface Mapped<F extends string> {
  readonly field: F
  readonly value: (value: unknown) => Value | undefined
}

const asString = (value: unknown) => (typeof value === "string" ? value : undefined)
const asBoolean = (value: unknown) =>
  typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined
const asDate = (value: unknown) => {
  if (typeof value !== "string") return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}
const asInt = (value: unknown) => {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN
  return Number.isInteger(number) ? number : undefined
}

const USER_FIELDS: Record<string, Mapped<RecordFilter.UserField>> = {
  id: { field: "username", value: asString },
  externalid: { field: "externalId", value: asString },
  "name.givenname": { field: "firstName", value: asString },
  "name.familyname": { field: "lastName", value: asString },
  emails: { field: "email", value: asString },
  "emails.value": { field: "email", value: asString },
  active: { field: "enabled", value: asBoolean },
  "meta.created": { field: "createdAt", value: asDate },
  "meta.lastmodified": { field: "updatedAt", value: asDate }
}

const GROUP_FIELDS: Record<string, Mapped<RecordFilter.GroupField>> = {
  id: { field: "gid", value: asInt },
  externalid: { field: "externalId", value: asString },
  members: { field: "member", value: asString },
  "members.value": { field: "member", value: asString },
  "meta.created": { field: "createdAt", value: asDate },
  "meta.lastmodified": { field: "updatedAt", value: asDate }
}

const convert = <F extends string>(
  filter: Filter,
  fields: Record<string, Mapped<F>>,
  shown: { readonly attribute: string; readonly external: F; readonly own: F },
  valuePaths: Record<string, (inner: Filter) => RecordFilter.RecordFilter<F> | ScimError>
): RecordFilter.RecordFilter<F> | ScimError => {
  switch (filter.op) {
    case "and":
    case "or": {
      const parts: Array<RecordFilter.RecordFilter<F>> = []
      for (const inner of (filter as { filters: Array<Filter> }).filters) {
        const part = convert(inner, fields, shown, valuePaths)
        if ("_tag" in part && part._tag === "ScimError") return part
        parts.push(part as RecordFilter.RecordFilter<F>)
      }
      return { _tag: filter.op === "and" ? "And" : "Or", filters: parts }
    }
    case "not": {
      const inner = convert((filter as { filter: Filter }).filter, fields, shown, valuePaths)
      return inner._tag === "ScimError" ? inner : { _tag: "Not", filter: inner }
    }
    case "[]": {
      const { attrPath, valFilter } = filter as { attrPath: string; valFilter: Filter }
      const convertInner = valuePaths[attributeName(attrPath)]
      if (convertInner === undefined) return invalidFilter(`'${attrPath}[…]' cannot be filtered on`)
      return convertInner(valFilter)
    }
    default: {
      const { attrPath, op } = filter as { attrPath: string; op: string }
      const name = attributeName(attrPath)
      if (name === shown.attribute) {
        if (op === "pr") return { _tag: "Present", field: shown.own }
        const value = (filter as { compValue: unknown }).compValue
        if (typeof value !== "string") return invalidFilter(`${attrPath} is compared with a string`)
        return Provisioning.shownName(shown.external, shown.own, (field) => ({
          _tag: "Compare",
          field,
          operator: op as RecordFilter.Operator,
          value
        }))
      }
      const mapped = fields[name]
      if (mapped === undefined) return invalidFilter(`'${attrPath}' cannot be filtered on`)
      if (op === "pr") return { _tag: "Present", field: mapped.field }
      const value = mapped.value((filter as { compValue: unknown }).compValue)
      if (value === undefined) return invalidFilter(`'${attrPath}' cannot be compared with that value`)
      return { _tag: "Compare", field: mapped.field, operator: op as RecordFilter.Operator, value }
    }
  }
}

/** A SCIM filter on users, as the core's filter, or why it cannot be one. */
export const userFilter = (text: string): UserFilter | ScimError => {
  const parsed = parseFilter(text)
  if ("_tag" in parsed) return parsed
  const emails = (inner: Filter): UserFilter | ScimError =>
    convert(
      inner,
      {
        ...USER_FIELDS,
        value: { field: "email", value: asString },
        // The one address is the work address and the primary one.
        type: { field: "email", value: () => undefined },
        primary: { field: "email", value: () => undefined }
      },
      { attribute: "username", external: "externalName", own: "username" },
      {}
    )
  const typed = (inner: Filter): UserFilter | ScimError => {
    // `type eq "work"` and `primary eq true` hold for the one address there is.
    const parts = inner.op === "and" ? (inner as { filters: Array<Filter> }).filters : [inner]
    const rest = parts.filter((part) => {
      const { attrPath, op, compValue } = part as { attrPath?: string; op: string; compValue?: unknown }
      const name = attrPath === undefined ? "" : attributeName(attrPath)
      return !(op === "eq" && ((name === "type" && compValue === "work") || (name === "primary" && compValue === true)))
    })
    if (rest.length === 0) return { _tag: "Present", field: "email" }
    return rest.length === 1 && rest[0] !== undefined
      ? emails(rest[0])
      : emails({ op: "and", filters: rest } as unknown as Filter)
  }
  return convert(
    parsed,
    USER_FIELDS,
    { attribute: "username", external: "externalName", own: "username" },
    {
      emails: typed
    }
  )
}

/** A SCIM filter on groups, as the core's filter, or why it cannot be one. */
export const groupFilter = (text: string): GroupFilter | ScimError => {
  const parsed = parseFilter(text)
  if ("_tag" in parsed) return parsed
  const members = (inner: Filter): GroupFilter | ScimError =>
    convert(
      inner,
      { value: { field: "member", value: asString } },
      { attribute: "displayname", external: "externalName", own: "name" },
      {}
    )
  return convert(
    parsed,
    GROUP_FIELDS,
    { attribute: "displayname", external: "externalName", own: "name" },
    {
      members
    }
  )
}
