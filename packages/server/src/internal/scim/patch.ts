/**
 * SCIM PATCH (RFC 7644 §3.5.2) translated into the core's changes: a user's into the fields of `Users.modify` and its
 * enabled state, a group's into `Groups.modify`'s `addMembers` / `removeMembers` (or, on a replace of every member,
 * `members`), so that a membership change costs what it changes, whatever the group's size. Operation names are
 * case-insensitive (Entra ID sends `"Add"`); a member without `type` is a user (Okta); `active` may come as the string
 * `"False"` (Entra ID); attributes this directory does not keep (`title`, the enterprise extension, …) are accepted and
 * dropped, as a provider sends them whatever the schema says.
 */
import type { Filter } from "scim2-parse-filter"
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget, ScimError } from "./errors.js"
import { attributeName, parseFilter } from "./filter.js"

/** The URN of a PATCH request. */
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

/** One operation, normalised: its lowercase `op`, its path (split into attribute, value filter and sub-attribute). */
interface Operation {
  readonly op: "add" | "remove" | "replace"
  readonly path: { readonly attribute: string; readonly filter?: Filter; readonly sub?: string } | undefined
  readonly value: unknown
}

const PATH = /^([A-Za-z][\w$-]*(?::[\w$.-]+)*?)(?:\[(.+)\])?(?:\.([A-Za-z][\w$-]*))?$/

const parsePath = (text: string): Operation["path"] | ScimError => {
  const stripped = attributeName(text.trim())
  // An extension's attribute (`urn:…:enterprise:2.0:User:manager`) is one this directory does not keep.
  if (stripped.startsWith("urn:")) return { attribute: stripped }
  const match = PATH.exec(stripped)
  if (match === null || match[1] === undefined) return invalidPath(`'${text}' is not an attribute path`)
  const [, attribute, filterText, sub] = match
  if (filterText === undefined) return sub === undefined ? { attribute } : { attribute, sub }
  const filter = parseFilter(filterText)
  if ("_tag" in filter) return invalidPath(`the filter of '${text}' is not valid`)
  return sub === undefined ? { attribute, filter } : { attribute, filter, sub: sub.toLowerCase() }
}

/** The operations of a PATCH body, checked and normalised. */
export const operations = (body: unknown): ReadonlyArray<Operation> | ScimError => {
  if (typeof body !== "object" || body === null) return invalidSyntax("a PATCH body is a JSON object")
  const { schemas, Operations } = body as { schemas?: unknown; Operations?: unknown }
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)) {
    return invalidSyntax(`a PATCH body names the schema ${PATCH_SCHEMA}`)
  }
  if (!Array.isArray(Operations) || Operations.length === 0) {
    return invalidSyntax("a PATCH body has at least one operation in Operations")
  }
  const out: Array<Operation> = []
  for (const raw of Operations as Array<unknown>) {
    if (typeof raw !== "object" || raw === null) return invalidSyntax("each operation is a JSON object")
    const { op, path, value } = raw as { op?: unknown; path?: unknown; value?: unknown }
    const name = typeof op === "string" ? op.toLowerCase() : ""
    if (name !== "add" && name !== "remove" && name !== "replace") {
      return invalidSyntax(`an operation's op is add, remove or replace, not ${JSON.stringify(op)}`)
    }
    if (path !== undefined && typeof path !== "string") return invalidPath("an operation's path is a string")
    const parsed = path === undefined || path === "" ? undefined : parsePath(path)
    if (parsed !== undefined && "_tag" in parsed) return parsed
    if (name === "remove" && parsed === undefined) return noTarget("a remove operation names a path")
    if (name !== "remove" && value === undefined) return invalidValue(`an ${name} operation has a value`)
    out.push({ op: name, path: parsed, value })
  }
  return out
}

/** Entra ID sends booleans as the strings "True" and "False". */
export const booleanOf = (value: unknown): boolean | undefined => {
  if (typeof value === "boolean") return value
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true"
  return undefined
}

const stringOrNull = (value: unknown, attribute: string): string | null | ScimError =>
  value === null || typeof value === "string" ? value : invalidValue(`${attribute} is a string`)

/** A name a provider gives (`userName`, `displayName`): a non-empty string. */
const givenName = (value: unknown, attribute: string): string | ScimError =>
  typeof value === "string" && value.trim() !== "" ? value : invalidValue(`${attribute} is a non-empty string`)

/** Sets `externalId` on changes from a value (a string, or null to clear it). */
const setExternalId = (changes: { externalId?: string | null }, value: unknown): ScimError | undefined => {
  const id = stringOrNull(value, "externalId")
  if (id instanceof ScimError) return id
  changes.externalId = id
  return
}

/** Sets the external name on changes from the value of the attribute that holds it (a non-empty string). */
const setExternalName = (
  changes: { externalName?: string },
  value: unknown,
  attribute: "userName" | "displayName"
): ScimError | undefined => {
  const name = givenName(value, attribute)
  if (name instanceof ScimError) return name
  changes.externalName = name
  return
}

/** What a user's PATCH (or PUT) changes; a field left out is not changed, `null` clears it. */
export interface UserChanges {
  firstName?: string | null
  lastName?: string | null
  email?: string | null
  externalName?: string
  externalId?: string | null
  enabled?: boolean
}

/** The address of a SCIM `emails` value: the primary one, else the first. */
export const primaryEmail = (value: unknown): string | null | undefined => {
  const list = Array.isArray(value) ? value : [value]
  const entries = list.filter(
    (entry): entry is { value?: unknown; primary?: unknown } => typeof entry === "object" && entry !== null
  )
  const chosen = entries.find((entry) => booleanOf(entry.primary) === true) ?? entries[0]
  if (chosen === undefined) return list.length === 0 ? null : undefined
  return typeof chosen.value === "string" ? chosen.value : undefined
}

/** Applies one attribute's new value (an add or replace) to a user's changes. */
const setUserAttribute = (
  changes: UserChanges,
  attribute: string,
  sub: string | undefined,
  value: unknown
): ScimError | undefined => {
  switch (attribute) {
    case "active": {
      const enabled = booleanOf(value)
      if (enabled === undefined) return invalidValue("active is true or false")
      changes.enabled = enabled
      return
    }
    case "username":
      return setExternalName(changes, value, "userName")
    case "externalid":
      return setExternalId(changes, value)
    case "name": {
      if (sub !== undefined) return setName(changes, sub, value)
      if (typeof value !== "object" || value === null) return invalidValue("name is an object")
      for (const [key, part] of Object.entries(value)) {
        const refused = setName(changes, key.toLowerCase(), part)
        if (refused !== undefined) return refused
      }
      return
    }
    case "emails": {
      const email = sub === "value" ? stringOrNull(value, "emails.value") : primaryEmail(value)
      if (email === undefined) return invalidValue("emails is a list of { value, type, primary }")
      if (email instanceof ScimError) return email
      changes.email = email
      return
    }
    case "groups":
      return mutability("a user's groups are read-only here: change the members of the group at /Groups")
    case "id":
    case "meta":
    case "schemas":
      return
    default:
      // Not kept by this directory (displayName, title, phoneNumbers, an extension, …): dropped.
      return
  }
}

const setName = (changes: UserChanges, sub: string, value: unknown): ScimError | undefined => {
  const part = stringOrNull(value, `name.${sub}`)
  if (part instanceof ScimError) return part
  if (sub === "givenname") changes.firstName = part
  else if (sub === "familyname") changes.lastName = part
  return
}

/** A user's PATCH operations as the changes to make. */
export const userChanges = (ops: ReadonlyArray<Operation>): UserChanges | ScimError => {
  const changes: UserChanges = {}
  for (const op of ops) {
    if (op.path === undefined) {
      if (typeof op.value !== "object" || op.value === null || Array.isArray(op.value)) {
        return invalidValue("an operation without a path has an object of attributes as its value")
      }
      for (const [key, value] of Object.entries(op.value)) {
        const name = attributeName(key)
        if (name.startsWith("urn:")) continue
        const [top = name, sub] = name.split(".")
        const refused = setUserAttribute(changes, top, sub, value)
        if (refused !== undefined) return refused
      }
      continue
    }
    const { attribute, sub } = op.path
    if (op.op !== "remove") {
      const refused = setUserAttribute(changes, attribute, sub, op.value)
      if (refused !== undefined) return refused
      continue
    }
    switch (attribute) {
      case "name":
        if (sub === undefined || sub === "givenname") changes.firstName = null
        if (sub === undefined || sub === "familyname") changes.lastName = null
        break
      case "emails":
        changes.email = null
        break
      case "externalid":
        changes.externalId = null
        break
      case "username":
      case "active":
        return mutability(`${attribute === "active" ? "active" : "userName"} is required and cannot be removed`)
      case "groups":
        return mutability("a user's groups are read-only here: change the members of the group at /Groups")
      default:
        break
    }
  }
  return changes
}

/** What a group's PATCH (or PUT) changes. */
export interface GroupChanges {
  externalName?: string
  externalId?: string | null
  /** The whole member list, when an operation replaced it (later adds and removes then change this list). */
  members?: Array<string>
  addMembers: Array<string>
  removeMembers: Array<string>
}

/** The usernames of a `members` value: `[{ value }]` (a `type` of `User`, or none, as Okta sends). */
export const memberValues = (value: unknown): Array<string> | ScimError => {
  const list = Array.isArray(value) ? value : [value]
  const out: Array<string> = []
  for (const entry of list) {
    const id = typeof entry === "object" && entry !== null ? (entry as { value?: unknown }).value : undefined
    if (typeof id !== "string" || id === "") return invalidValue('each member is { "value": "<user id>" }')
    const type = (entry as { type?: unknown }).type
    if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "user")) {
      return invalidValue("a group's members are users (nested groups are not supported)")
    }
    out.push(id)
  }
  return out
}

/** The usernames a `members[…]` filter names: `value eq "x"`, or several joined by `or`. */
const filteredMembers = (filter: Filter): Array<string> | ScimError => {
  if (filter.op === "or") {
    const out: Array<string> = []
    for (const inner of (filter as { filters: Array<Filter> }).filters) {
      const names = filteredMembers(inner)
      if (!Array.isArray(names)) return names
      out.push(...names)
    }
    return out
  }
  const { attrPath, compValue } = filter as { attrPath?: string; compValue?: unknown }
  if (filter.op !== "eq" || attrPath?.toLowerCase() !== "value" || typeof compValue !== "string") {
    return invalidPath('a member is named by members[value eq "<user id>"]')
  }
  return [compValue]
}

/** A group's PATCH operations as the changes to make, in order: the last operation on a user is the one made. */
export const groupChanges = (ops: ReadonlyArray<Operation>): GroupChanges | ScimError => {
  const changes: GroupChanges = { addMembers: [], removeMembers: [] }
  const pending = new Map<string, "add" | "remove">()
  const setAttribute = (attribute: string, value: unknown, op: "add" | "replace"): ScimError | undefined => {
    switch (attribute) {
      case "displayname":
        return setExternalName(changes, value, "displayName")
      case "externalid":
        return setExternalId(changes, value)
      case "members": {
        const names = memberValues(value)
        if (!Array.isArray(names)) return names
        if (op === "replace") {
          changes.members = names
          pending.clear()
        } else for (const name of names) pending.set(name, "add")
        return
      }
      default:
        return
    }
  }
  for (const op of ops) {
    if (op.path === undefined) {
      if (op.op === "remove" || typeof op.value !== "object" || op.value === null || Array.isArray(op.value)) {
        return invalidValue("an operation without a path has an object of attributes as its value")
      }
      for (const [key, value] of Object.entries(op.value)) {
        const refused = setAttribute(attributeName(key), value, op.op)
        if (refused !== undefined) return refused
      }
      continue
    }
    const { attribute, filter } = op.path
    if (op.op !== "remove") {
      if (filter !== undefined) return invalidPath(`a value filter is for remove operations here (${attribute})`)
      const refused = setAttribute(attribute, op.value, op.op)
      if (refused !== undefined) return refused
      continue
    }
    if (attribute === "members") {
      // `members[value eq "x"]` (Okta, Entra ID), `members` with the members to remove as its value (Entra ID), or
      // `members` alone: every member.
      const names =
        filter !== undefined ? filteredMembers(filter) : op.value === undefined ? undefined : memberValues(op.value)
      if (names === undefined) {
        changes.members = []
        pending.clear()
        continue
      }
      if (!Array.isArray(names)) return names
      for (const name of names) pending.set(name, "remove")
      continue
    }
    if (attribute === "externalid") changes.externalId = null
    else if (attribute === "displayname") return mutability("displayName is required and cannot be removed")
  }
  if (changes.members !== undefined) {
    const members = new Set(changes.members)
    for (const [name, kind] of pending) {
      if (kind === "add") members.add(name)
      else members.delete(name)
    }
    changes.members = [...members]
  } else {
    for (const [name, kind] of pending) (kind === "add" ? changes.addMembers : changes.removeMembers).push(name)
  }
  return changes
}
