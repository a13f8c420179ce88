/**
 * The group use cases: every rule about groups, on behalf of an actor, in one transaction each.
 *
 * @since 0.1.0
 */
import { Chunk, Context, Effect, Layer, Option, Schema, Stream } from "effect"
import type { Actor } from "./Actor.js"
import { Directory, type GroupRow } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import {
  type Forbidden,
  GroupNameTaken,
  GroupNotFound,
  InvalidInput,
  type StorageError,
  type Unauthenticated
} from "./Errors.js"
import { CreateGroup, Gid, GROUP_MEMBER_PREVIEW, type Group, GroupSort, type MemberPage } from "./Group.js"
import { wholeBetween } from "./internal/counts.js"
import { decodeInput } from "./internal/decode.js"
import { allocateGid, claimGid } from "./internal/gidAllocator.js"
import { changeMemberships, type MembershipChange } from "./internal/membership.js"
import {
  adminWriter,
  asAdmin,
  audit,
  decodeVersioned,
  ensureVersion,
  getGroup,
  getGroupRow,
  groupAnswer,
  type Operation,
  permissionContextOf,
  storeGroupRow
} from "./internal/operation.js"
import { filterSchema } from "./internal/recordFilter.js"
import { GROUP_ACTION, protectedGroupRefusal } from "./internal/recordRules.js"
import { toGroup } from "./internal/records.js"
import { removeGroup } from "./internal/removal.js"
import { GroupName, Username } from "./Names.js"
import { DEFAULT_PAGE_SIZE, listQuery, MAX_PAGE_SIZE, type Page, SearchText } from "./Page.js"
import { checkGroupFilter, type GroupFilter } from "./RecordFilter.js"
import { ExternalId, ExternalName } from "./User.js"
import type { DryRun, Versioned as UsersVersioned } from "./Users.js"

/**
 * The query of `Groups.list`, as callers write it: a list query, and `where`, a filter over the groups' fields
 * (`RecordFilter`).
 *
 * @category queries
 * @since 0.1.0
 */
export const GroupQuery = Schema.Struct({
  ...listQuery(GroupSort).fields,
  where: Schema.optional(filterSchema<GroupFilter>("GroupFilter"))
})

/**
 * The input of `Groups.list`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type GroupQuery = typeof GroupQuery.Encoded

/**
 * The query of `Groups.members`: a case-insensitive substring of the members' usernames and full names (as users are
 * searched), a page size, and the username the page starts after (the `next` of the previous page).
 *
 * @category queries
 * @since 0.1.0
 */
export const MemberQuery = Schema.Struct({
  search: Schema.optional(SearchText),
  limit: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE)),
  after: Schema.optional(Username)
})

/**
 * The input of `Groups.members`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type MemberQuery = typeof MemberQuery.Encoded

/**
 * The query of `Groups.memberStream`: a search within the group, and how many members each read fetches (default and
 * most: `MAX_PAGE_SIZE`).
 *
 * @category queries
 * @since 0.1.0
 */
export const MemberStreamQuery = Schema.Struct({
  search: Schema.optional(SearchText),
  pageSize: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE))
})

/**
 * The input of `Groups.memberStream`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type MemberStreamQuery = typeof MemberStreamQuery.Encoded

/**
 * Why `Groups.memberStream` can stop: bad input, the actor may not read the group, it does not exist, or the store
 * failed.
 *
 * @category errors
 * @since 0.1.0
 */
export type MemberStreamError = InvalidInput | Unauthenticated | Forbidden | GroupNotFound | StorageError

/**
 * What `Groups.modify` changes: a new name, the identity provider's id and name of the group (`null` clears one), and
 * either the whole member list (`members`, for small groups) or the users
 * to add and to remove (`addMembers`, `removeMembers`, which cost what they change whatever the group's size).
 * Removing a user who is not a member is refused (`NotAMember`) unless `absentRemovals` is `"ignore"`: then it changes
 * nothing, as a SCIM `remove` of members that match no one does (RFC 7644 §3.5.2.2), so that a provider's sync can
 * repeat it.
 *
 * @category inputs
 * @since 0.1.0
 */
export const GroupChanges = Schema.Struct({
  name: Schema.optional(Schema.String),
  externalId: Schema.optional(Schema.NullOr(ExternalId)),
  externalName: Schema.optional(Schema.NullOr(ExternalName)),
  members: Schema.optional(Schema.Array(Username)),
  addMembers: Schema.optional(Schema.Array(Username)),
  removeMembers: Schema.optional(Schema.Array(Username)),
  absentRemovals: Schema.optional(Schema.Literal("refuse", "ignore"))
})

/**
 * The input of `Groups.modify`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type GroupChanges = typeof GroupChanges.Encoded

/**
 * Options of `Groups.rename`, `Groups.setMembers` and `Groups.remove`: the version the caller saw, and `dryRun`.
 *
 * @category inputs
 * @since 0.1.0
 */
export type Versioned = UsersVersioned

const decodeName = decodeInput(GroupName, "group name")
const decodeGid = decodeInput(Gid, "gid")
const decodeNewName = decodeInput(GroupName, "new group name")
/** The new name of `Groups.modify`, refused naming its field (`name`), as the change's other fields are. */
const decodeChangedName = decodeInput(GroupName, "name")
const decodeCreate = decodeInput(CreateGroup)
const decodeQuery = decodeInput(GroupQuery)
const decodeUsernames = decodeInput(Schema.Array(Username), "usernames")
const decodeMemberQuery = decodeInput(MemberQuery)
const decodeChanges = decodeInput(GroupChanges)
const decodeMemberStreamQuery = decodeInput(MemberStreamQuery)

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig

  const adminWrite = adminWriter(directory, config)

  const ensureNotAdminGroup = (op: Operation, name: string, action: string) =>
    protectedGroupRefusal(op.config.adminGroup, name, action) ?? Effect.void

  /** The admin group is never renamed, and no group takes its name. */
  const checkRename = (op: Operation, from: GroupName, to: GroupName) =>
    Effect.zipRight(
      ensureNotAdminGroup(op, from, GROUP_ACTION.rename),
      to === op.config.adminGroup ? new GroupNameTaken({ name: to }) : Effect.void
    )

  /** Renames a group whose row was read (and locked) in this transaction, unless the new name is taken. */
  const applyRename = (op: Operation, group: GroupRow, to: GroupName) =>
    Effect.gen(function* () {
      if (group.name === to) return group
      if (Option.isSome(yield* op.tx.findGroupRow(to))) return yield* new GroupNameTaken({ name: to })
      const row = {
        name: to,
        gid: group.gid,
        externalId: group.externalId,
        externalName: group.externalName,
        createdAt: group.createdAt,
        updatedAt: op.now,
        version: group.version + 1
      }
      yield* storeGroupRow(op, group, row)
      yield* audit(op, "group.rename", { type: "group", name: to }, { name: { from: group.name, to } })
      return row satisfies GroupRow
    })

  /** Sets a group's external id and name where `changes` gives them and they differ, audited as `group.modify`. */
  const applyExternal = (
    op: Operation,
    group: GroupRow,
    changes: { readonly externalId?: string | null | undefined; readonly externalName?: string | null | undefined }
  ) =>
    Effect.gen(function* () {
      const fields: Record<string, string | null> = {}
      if (changes.externalId !== undefined && changes.externalId !== group.externalId) {
        fields.externalId = changes.externalId
      }
      if (changes.externalName !== undefined && changes.externalName !== group.externalName) {
        fields.externalName = changes.externalName
      }
      if (Object.keys(fields).length === 0) return group
      const row: GroupRow = {
        name: group.name,
        gid: group.gid,
        externalId: group.externalId,
        externalName: group.externalName,
        ...fields,
        createdAt: group.createdAt,
        updatedAt: op.now,
        version: group.version + 1
      }
      yield* storeGroupRow(op, group, row)
      yield* audit(op, "group.modify", { type: "group", name: group.name }, fields)
      return row
    })

  const listWithPermissions = Effect.fn("Groups.list")(function* (actor: Actor, query: GroupQuery = {}) {
    const decoded = yield* decodeQuery(query)
    const normalized = {
      search: (decoded.search ?? "").trim().toLowerCase(),
      sort: decoded.sort ?? "name",
      order: decoded.order ?? "asc",
      limit: decoded.limit ?? DEFAULT_PAGE_SIZE,
      offset: decoded.offset ?? 0,
      where: decoded.where === undefined ? undefined : yield* checkGroupFilter(decoded.where)
    } as const
    return yield* directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, "list groups", "read"),
      (tx, op) =>
        Effect.map(tx.listGroups({ ...normalized, memberPreview: GROUP_MEMBER_PREVIEW }), ({ items, total }) => ({
          page: {
            items: items.map(toGroup),
            total,
            totalExact: true,
            offset: normalized.offset,
            limit: normalized.limit
          } as Page<Group>,
          context: permissionContextOf(op)
        }))
    )
  })

  const list = (actor: Actor, query: GroupQuery = {}) =>
    Effect.map(listWithPermissions(actor, query), ({ page }) => page)

  const getByGid = Effect.fn("Groups.getByGid")(function* (actor: Actor, gid: number) {
    const wanted = yield* decodeGid(gid)
    return yield* directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, `read the group of GID ${wanted}`, "read"),
      (tx) =>
        Effect.flatMap(
          tx.findGroupByGid(wanted),
          Option.match({
            onNone: () => new GroupNotFound({ name: String(wanted), gid: wanted }),
            onSome: (name) => groupAnswer(tx, name)
          })
        )
    )
  })

  const get = Effect.fn("Groups.get")(function* (actor: Actor, name: string) {
    const groupName = yield* decodeName(name)
    return yield* directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, `read group '${groupName}'`, "read"),
      (tx) => groupAnswer(tx, groupName)
    )
  })

  /**
   * One page of a group's members: one more than asked is read, so that `next` is given only when more follow. The
   * group is read by its row, never with its members.
   */
  const memberPage = (
    actor: Actor,
    group: GroupName,
    query: { readonly search: string; readonly limit: number; readonly after?: Username | undefined }
  ) =>
    directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, `read group '${group}'`, "read"),
      (tx) =>
        Effect.gen(function* () {
          yield* getGroupRow(tx, group)
          const found = yield* tx.listMembers({ group, ...query, limit: query.limit + 1 })
          const items = found.slice(0, query.limit)
          const last = items.at(-1)
          return (found.length > query.limit && last !== undefined ? { items, next: last } : { items }) as MemberPage
        })
    )

  const members = Effect.fn("Groups.members")(function* (actor: Actor, name: string, query: MemberQuery = {}) {
    const groupName = yield* decodeName(name)
    const decoded = yield* decodeMemberQuery(query)
    return yield* memberPage(actor, groupName, {
      search: (decoded.search ?? "").trim().toLowerCase(),
      limit: decoded.limit ?? DEFAULT_PAGE_SIZE,
      after: decoded.after
    })
  })

  /**
   * Every member, in order, page by page as the stream is consumed: each page is one read transaction that continues
   * after the last member of the previous one, so that memory stays flat whatever the group's size.
   */
  const memberStream = (
    actor: Actor,
    name: string,
    query: MemberStreamQuery = {}
  ): Stream.Stream<Username, MemberStreamError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const groupName = yield* decodeName(name)
        const { search = "", pageSize = MAX_PAGE_SIZE } = yield* decodeMemberStreamQuery(query)
        const term = search.trim().toLowerCase()
        return Stream.paginateChunkEffect(undefined as Username | undefined, (after) =>
          Effect.map(
            memberPage(actor, groupName, { search: term, limit: pageSize, after }),
            (page) => [Chunk.fromIterable(page.items), Option.fromNullable(page.next)] as const
          )
        )
      })
    ).pipe(Stream.withSpan("Groups.memberStream"))

  const create = Effect.fn("Groups.create")(function* (actor: Actor, input: CreateGroup) {
    const group = yield* decodeCreate(input)
    return yield* adminWrite(actor, "create groups", (op) =>
      Effect.gen(function* () {
        if (Option.isSome(yield* op.tx.findGroupRow(group.name))) {
          return yield* new GroupNameTaken({ name: group.name })
        }
        const gid = group.gid === undefined ? yield* allocateGid(op) : yield* claimGid(op, group.gid)
        const externalId = group.externalId ?? null
        const externalName = group.externalName ?? null
        const row = {
          name: group.name,
          gid,
          externalId,
          externalName,
          createdAt: op.now,
          updatedAt: op.now,
          version: 1
        }
        yield* op.tx.insertGroup(row)
        yield* audit(
          op,
          "group.create",
          { type: "group", name: group.name },
          {
            gid,
            ...(externalId === null ? {} : { externalId }),
            ...(externalName === null ? {} : { externalName })
          }
        )
        const members = [...new Set(group.members ?? [])]
        if (members.length === 0) return toGroup({ ...row, memberCount: 0, members: [] })
        yield* changeMemberships(
          op,
          members.map((username) => add(username, group.name)),
          group.name
        )
        return yield* groupAnswer(op.tx, group.name)
      })
    )
  })

  const rename = Effect.fn("Groups.rename")(function* (
    actor: Actor,
    name: string,
    newName: string,
    options: Versioned = {}
  ) {
    const from = yield* decodeName(name)
    const to = yield* decodeNewName(newName)
    const { expectedVersion } = yield* decodeVersioned(options)
    return yield* adminWrite(
      actor,
      `rename group '${from}'`,
      (op) =>
        Effect.gen(function* () {
          yield* checkRename(op, from, to)
          const group = yield* getGroupRow(op.tx, from, true)
          yield* ensureVersion("group", group.name, group.version, expectedVersion)
          yield* applyRename(op, group, to)
          return yield* groupAnswer(op.tx, to)
        }),
      options
    )
  })

  const remove = Effect.fn("Groups.remove")(function* (actor: Actor, name: string, options: Versioned = {}) {
    const groupName = yield* decodeName(name)
    const { expectedVersion } = yield* decodeVersioned(options)
    return yield* adminWrite(
      actor,
      `delete group '${groupName}'`,
      (op) =>
        Effect.gen(function* () {
          yield* ensureNotAdminGroup(op, groupName, GROUP_ACTION.delete)
          const group = yield* getGroup(op.tx, groupName, true)
          yield* ensureVersion("group", group.name, group.version, expectedVersion)
          yield* removeGroup(op, group)
          return toGroup(group)
        }),
      options
    )
  })

  const changeMembers = (kind: "add" | "remove") =>
    Effect.fn(kind === "add" ? "Groups.addMembers" : "Groups.removeMembers")(function* (
      actor: Actor,
      name: string,
      usernames: ReadonlyArray<string>,
      options: DryRun = {}
    ) {
      const groupName = yield* decodeName(name)
      const members = yield* decodeUsernames(usernames)
      if (members.length === 0) {
        return yield* new InvalidInput({
          field: "usernames",
          reason: `name at least one user to ${kind === "add" ? "add to" : "remove from"} group '${groupName}'`
        })
      }
      return yield* adminWrite(
        actor,
        `change the members of group '${groupName}'`,
        (op) =>
          changeMemberships(
            op,
            members.map((username) => ({ username, group: groupName, kind })),
            groupName
          ).pipe(Effect.zipRight(groupAnswer(op.tx, groupName))),
        options
      )
    })

  const setMembers = Effect.fn("Groups.setMembers")(function* (
    actor: Actor,
    name: string,
    usernames: ReadonlyArray<string>,
    options: Versioned = {}
  ) {
    const groupName = yield* decodeName(name)
    const wanted = new Set(yield* decodeUsernames(usernames))
    const { expectedVersion } = yield* decodeVersioned(options)
    return yield* adminWrite(
      actor,
      `change the members of group '${groupName}'`,
      (op) =>
        Effect.gen(function* () {
          const group = yield* getGroup(op.tx, groupName, true)
          yield* ensureVersion("group", group.name, group.version, expectedVersion)
          yield* changeMemberships(op, replacement(group.members, wanted, groupName), groupName)
          return yield* groupAnswer(op.tx, groupName)
        }),
      options
    )
  })

  const modify = Effect.fn("Groups.modify")(function* (
    actor: Actor,
    name: string,
    changes: GroupChanges,
    options: Versioned = {}
  ) {
    const from = yield* decodeName(name)
    const decoded = yield* decodeChanges(changes)
    const to = decoded.name === undefined ? undefined : yield* decodeChangedName(decoded.name)
    const wanted = decoded.members === undefined ? undefined : new Set(decoded.members)
    const adding = [...new Set(decoded.addMembers ?? [])]
    const removing = [...new Set(decoded.removeMembers ?? [])]
    if (wanted !== undefined && (adding.length > 0 || removing.length > 0)) {
      return yield* new InvalidInput({
        field: "members",
        reason: "give either the whole member list (members) or the changes to it (addMembers, removeMembers), not both"
      })
    }
    const both = adding.filter((username) => removing.includes(username))
    if (both.length > 0) {
      return yield* new InvalidInput({
        field: "addMembers",
        reason: `a user cannot be both added and removed: ${both.map((username) => `'${username}'`).join(", ")}`
      })
    }
    const { expectedVersion } = yield* decodeVersioned(options)
    return yield* adminWrite(
      actor,
      `change group '${from}'`,
      (op) =>
        Effect.gen(function* () {
          if (to !== undefined) yield* checkRename(op, from, to)
          const row = yield* getGroupRow(op.tx, from, true)
          yield* ensureVersion("group", row.name, row.version, expectedVersion)
          // The whole member list is read only to replace it; changes to it cost what they change.
          const current = wanted === undefined ? undefined : (yield* getGroup(op.tx, from)).members
          const memberChanges =
            current === undefined || wanted === undefined
              ? [...adding.map((username) => add(username, from)), ...removing.map((username) => drop(username, from))]
              : replacement(current, wanted, from)
          let group = row
          if (memberChanges.length > 0) {
            yield* changeMemberships(op, memberChanges, from, undefined, {
              absentRemovals: decoded.absentRemovals ?? "refuse"
            })
            group = yield* getGroupRow(op.tx, from)
          }
          if (to !== undefined) group = yield* applyRename(op, group, to)
          group = yield* applyExternal(op, group, decoded)
          return yield* groupAnswer(op.tx, group.name)
        }),
      options
    )
  })

  return {
    /** A page of groups matching a search, sorted, with the exact total (admins). */
    list,
    /**
     * `list`, and the permission context read in the same transaction (the actor and the admin group): what
     * `Permissions.forGroup` computes each listed group's permissions from, with no further read.
     */
    listWithPermissions,
    /** One group with its members (admins). */
    get,
    /** The group that holds a GID, as `get` reads it (admins): what a SCIM client names a group by. */
    getByGid,
    /** A page of a group's members, by username, searched within the group, continued with `after` (admins). */
    members,
    /** Every member of a group matching a search, in order, read page by page as it is consumed (admins). */
    memberStream,
    /** Creates a group with an allocated or explicit GID and optional members (admins). */
    create,
    /** Renames a group; the admin group cannot be renamed (admins). */
    rename,
    /**
     * Renames a group, sets or clears its external id and name, and changes its members — a whole new list
     * (`members`), or users to add and to remove — all or nothing, in one transaction (admins; `dryRun` supported).
     */
    modify,
    /** Deletes a group unless that would strand a user or touch a system user (admins; `dryRun` supported). */
    remove,
    /** Adds users to a group, all or none (admins). */
    addMembers: changeMembers("add"),
    /** Removes users from a group, all or none (admins; `dryRun` supported). */
    removeMembers: changeMembers("remove"),
    /** Replaces a group's members, all or none (admins; `dryRun` supported). */
    setMembers
  }
})

const add = (username: Username, group: GroupName): MembershipChange => ({ username, group, kind: "add" })
const drop = (username: Username, group: GroupName): MembershipChange => ({ username, group, kind: "remove" })

/** The changes that turn a group's members `current` into `wanted`: the new ones added, the others removed. */
const replacement = (
  current: ReadonlyArray<Username>,
  wanted: ReadonlySet<Username>,
  group: GroupName
): Array<MembershipChange> => {
  const members = new Set(current)
  return [
    ...[...wanted].filter((username) => !members.has(username)).map((username) => add(username, group)),
    ...current.filter((username) => !wanted.has(username)).map((username) => drop(username, group))
  ]
}

/**
 * The group use cases.
 *
 * @category services
 * @since 0.1.0
 */
export class Groups extends Context.Tag("@user-manager/core/Groups")<Groups, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory` and (optionally) a `DirectoryConfig`. */
  static readonly layer = Layer.effect(this, make)
}
