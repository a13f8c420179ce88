/**
 * The group use cases: every rule about groups, on behalf of an actor, in one transaction each.
 *
 * @since 0.1.0
 */
import { Chunk, Context, Effect, Layer, Option, Schema, Stream } from "effect"
import type { Actor } from "./Actor.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import { type Forbidden, GroupNotFound, type InvalidInput, type StorageError, type Unauthenticated } from "./Errors.js"
import { Gid, GROUP_MEMBER_PREVIEW, type Group, GroupSort, type MemberPage } from "./Group.js"
import { wholeBetween } from "./internal/counts.js"
import { decodeInput } from "./internal/decode.js"
import { makeAdministration } from "./internal/groups/administration.js"
import { asAdmin, getGroupRow, groupAnswer } from "./internal/operation.js"
import { adminReadContext } from "./internal/permissionContext.js"
import { filterSchema } from "./internal/recordFilter.js"
import { toGroup } from "./internal/records.js"
import { GroupName, Username } from "./Names.js"
import { DEFAULT_PAGE_SIZE, listQuery, MAX_PAGE_SIZE, type Page, SearchText } from "./Page.js"
import { checkGroupFilter, type GroupFilter } from "./RecordFilter.js"
import type { Versioned as UsersVersioned } from "./Users.js"

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
 * What `Groups.modify` changes (defined beside the group in `Group`, as `User.ModifyUser` is beside the user).
 *
 * @category inputs
 * @since 0.1.0
 */
export { GroupChanges } from "./Group.js"

/**
 * Options of `Groups.rename`, `Groups.setMembers` and `Groups.remove`: the version the caller saw, and `dryRun`.
 *
 * @category inputs
 * @since 0.1.0
 */
export type Versioned = UsersVersioned

const decodeName = decodeInput(GroupName, "group name")
const decodeGid = decodeInput(Gid, "gid")
const decodeQuery = decodeInput(GroupQuery)
const decodeMemberQuery = decodeInput(MemberQuery)
const decodeMemberStreamQuery = decodeInput(MemberStreamQuery)

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig
  const administration = makeAdministration(directory, config)

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
      (tx) => adminReadContext(tx, config, actor, "list groups"),
      (tx, context) =>
        Effect.map(tx.listGroups({ ...normalized, memberPreview: GROUP_MEMBER_PREVIEW }), ({ items, total }) => ({
          page: {
            items: items.map(toGroup),
            total,
            totalExact: true,
            offset: normalized.offset,
            limit: normalized.limit
          } as Page<Group>,
          context
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

  // The context is read with the check (where the actor's rights are read, never from a replica behind it).
  const getWithPermissions = Effect.fn("Groups.get")(function* (actor: Actor, name: string) {
    const groupName = yield* decodeName(name)
    return yield* directory.readAfterCheck(
      (tx) => adminReadContext(tx, config, actor, `read group '${groupName}'`),
      (tx, context) => Effect.map(groupAnswer(tx, groupName), (group) => ({ group, context }))
    )
  })

  const get = (actor: Actor, name: string) => Effect.map(getWithPermissions(actor, name), ({ group }) => group)

  /**
   * One page of a group's members: one more than asked is read, so that `next` is given only when more follow. A
   * member found proves the group is there (a membership is of a group, in the same read); only a page with none reads
   * the group's row, to tell an empty page from a group that does not exist. The group is never read with its members.
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
          const found = yield* tx.listMembers({ group, ...query, limit: query.limit + 1 })
          if (found.length === 0) yield* getGroupRow(tx, group)
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
    /**
     * `get`, and the permission context read in the same transaction (the actor and the admin group): what
     * `Permissions.forGroup` computes the group's permissions from, read from the same state of the directory.
     */
    getWithPermissions,
    /** The group that holds a GID, as `get` reads it (admins): what a SCIM client names a group by. */
    getByGid,
    /** A page of a group's members, by username, searched within the group, continued with `after` (admins). */
    members,
    /** Every member of a group matching a search, in order, read page by page as it is consumed (admins). */
    memberStream,
    /** Creates a group with an allocated or explicit GID and optional members (admins). */
    create: administration.create,
    /** Renames a group; the admin group cannot be renamed (admins). */
    rename: administration.rename,
    /**
     * Renames a group, sets or clears its external id and name, and changes its members — a whole new list
     * (`members`), or users to add and to remove — all or nothing, in one transaction (admins; `dryRun` supported).
     */
    modify: administration.modify,
    /** Deletes a group unless that would strand a user or touch a system user (admins; `dryRun` supported). */
    remove: administration.remove,
    /** Adds users to a group, all or none (admins). */
    addMembers: administration.addMembers,
    /** Removes users from a group, all or none (admins; `dryRun` supported). */
    removeMembers: administration.removeMembers,
    /** Replaces a group's members, all or none (admins; `dryRun` supported). */
    setMembers: administration.setMembers
  }
})

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
