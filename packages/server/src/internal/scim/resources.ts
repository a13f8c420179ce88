/**
 * Users and groups as SCIM resources (RFC 7643 §4), and the `attributes` / `excludedAttributes` projection (RFC 7644
 * §3.4.2.5). A user's `id` is its username (it never changes), its `userName` the name its provider gave
 * (`externalName`) or else its username; a group's `id` is its GID, its `displayName` the name its provider gave or
 * else its name. `meta.version` is the record's version as a weak ETag.
 */
import type { Group, User } from "@user-manager/core"
import * as EntityTags from "../entityTags.js"
import { GROUP_SCHEMA, USER_SCHEMA } from "./filter.js"

/** The URN of a list answer. */
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

/** A record's version as a weak ETag. */
export const etag = EntityTags.weak

/**
 * The version an `If-Match` / `If-None-Match` header names (`W/"3"`, `"3"`), `*` for any, or nothing; -1 when it is
 * malformed. SCIM names one version: a list, even of one entity tag, is malformed here.
 */
export const versionOf = (header: string | undefined): number | "*" | undefined => {
  if (header === undefined) return undefined
  const condition = EntityTags.parse(header)
  if (condition === "*") return "*"
  const [tag] = condition ?? []
  return tag !== undefined && EntityTags.format(tag) === header.trim() ? (EntityTags.versionOf(tag) ?? -1) : -1
}

/** A group as a user's `groups` show it: its GID and its shown name. */
export interface GroupRef {
  readonly gid: number
  readonly display: string
}

const meta = (
  resourceType: "User" | "Group",
  location: string,
  record: { createdAt: Date; updatedAt: Date; version: number }
) => ({
  resourceType,
  created: record.createdAt.toISOString(),
  lastModified: record.updatedAt.toISOString(),
  location,
  version: etag(record.version)
})

/**
 * A user as a SCIM resource; `groups` when they were read (they are left out when not asked for). Built attribute by
 * attribute in their order (a page holds up to a thousand), with no intermediate objects.
 */
export const userResource = (
  base: string,
  user: User.User,
  groups: ReadonlyArray<GroupRef> | undefined
): Record<string, unknown> => {
  const { externalName, externalId, firstName, lastName } = user
  const formatted = firstName === "" ? lastName : lastName === "" ? firstName : `${firstName} ${lastName}`
  const resource: Record<string, unknown> = { schemas: [USER_SCHEMA], id: user.username }
  if (externalId !== null) resource.externalId = externalId
  resource.userName = externalName ?? user.username
  const name: Record<string, string> = {}
  if (formatted !== "") name.formatted = formatted
  if (firstName !== "") name.givenName = firstName
  if (lastName !== "") name.familyName = lastName
  resource.name = name
  if (formatted !== "") resource.displayName = formatted
  if (user.email !== null) resource.emails = [{ value: user.email, type: "work", primary: true }]
  resource.active = user.enabled
  if (groups !== undefined) {
    const refs = new Array<Record<string, string>>(groups.length)
    for (let index = 0; index < groups.length; index++) {
      const group = groups[index] as GroupRef
      const value = String(group.gid)
      refs[index] = { value, $ref: `${base}/Groups/${value}`, display: group.display, type: "direct" }
    }
    resource.groups = refs
  }
  resource.meta = meta("User", `${base}/Users/${encodeURIComponent(user.username)}`, user)
  return resource
}

/** A group as a SCIM resource; `members` when they were read (every one of them, or none when not asked for). */
export const groupResource = (
  base: string,
  group: Group.Group,
  members: ReadonlyArray<string> | undefined
): Record<string, unknown> => {
  const { externalName, externalId } = group
  return {
    schemas: [GROUP_SCHEMA],
    id: String(group.gid),
    ...(externalId === null ? {} : { externalId }),
    displayName: externalName ?? group.name,
    ...(members === undefined
      ? {}
      : {
          members: members.map((username) => ({
            value: username,
            $ref: `${base}/Users/${encodeURIComponent(username)}`,
            display: username,
            type: "User"
          }))
        }),
    meta: meta("Group", `${base}/Groups/${group.gid}`, group)
  }
}

/** The attributes always returned, whatever `attributes` / `excludedAttributes` say (RFC 7643 §7 "returned: always"). */
const ALWAYS = new Set(["schemas", "id", "meta"])

/**
 * Which attributes an answer carries: `attributes` (only these, and those always returned) or `excludedAttributes`
 * (all but these), each a comma-separated list of names, sub-attributes (`name.givenName`) or URN-prefixed names.
 */
export interface Projection {
  /** Whether the top-level attribute is wanted at all (so that costly ones, `members` and `groups`, are not read). */
  readonly wants: (attribute: string) => boolean
  readonly apply: (resource: Record<string, unknown>) => Record<string, unknown>
}

const names = (list: string | undefined, strip: (name: string) => string): Array<string> | undefined =>
  list === undefined || list.trim() === ""
    ? undefined
    : list
        .split(",")
        .map((name) => strip(name.trim()))
        .filter((name) => name !== "")

export const projection = (
  attributes: string | undefined,
  excluded: string | undefined,
  strip: (name: string) => string
): Projection => {
  const only = names(attributes, strip)
  const without = names(excluded, strip)
  const top = (path: string) => path.split(".")[0] ?? path
  const wants = (attribute: string) => {
    const name = attribute.toLowerCase()
    if (ALWAYS.has(name)) return true
    if (only !== undefined) return only.some((path) => top(path) === name)
    return !(without ?? []).includes(name)
  }
  const apply = (resource: Record<string, unknown>) => {
    if (only === undefined && without === undefined) return resource
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(resource)) {
      const name = key.toLowerCase()
      if (!wants(name)) continue
      // `attributes=name.givenName`: only the asked sub-attributes of a complex attribute.
      const subs = (only ?? [])
        .filter((path) => top(path) === name && path.includes("."))
        .map((path) => path.split(".")[1])
      const whole = (only ?? []).includes(name) || only === undefined
      if (!whole && subs.length > 0 && value !== null && typeof value === "object" && !Array.isArray(value)) {
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).filter(([sub]) => subs.includes(sub.toLowerCase()))
        )
      } else out[key] = value
    }
    return out
  }
  return { wants, apply }
}
