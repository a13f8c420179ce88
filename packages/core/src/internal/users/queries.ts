import { Chunk, Effect, Option, Schema, Stream } from "effect"
import type { Actor } from "../../Actor.js"
import type { DirectoryTransaction, GroupRow, SortValue } from "../../Directory.js"
import { Forbidden, type StorageError, type Unauthenticated } from "../../Errors.js"
import { GroupName, Username } from "../../Names.js"
import { boundedCount, DEFAULT_PAGE_SIZE, ExactTotalLimit, listQuery, MAX_PAGE_SIZE, type Page } from "../../Page.js"
import * as Permissions from "../../Permissions.js"
import { checkUserFilter, type UserFilter } from "../../RecordFilter.js"
import { type User, UserSort } from "../../User.js"
import type { UserStreamError } from "../../Users.js"
import { Count, wholeBetween } from "../counts.js"
import { decodeInput } from "../decode.js"
import { asAdmin, getUser, isAdmin, resolveActor } from "../operation.js"
import { adminReadContext } from "../permissionContext.js"
import { filterSchema } from "../recordFilter.js"
import { toUser } from "../records.js"
import { userSortKey } from "../search.js"
import { currentSettings } from "../settings.js"
import type { UserServices } from "./rules.js"

/**
 * The query of `Users.list`: a list query, and filters that each keep only some users — enabled or disabled, system or
 * regular, the members of a group (a group that does not exist has no members), and `where`, a filter over the users'
 * fields (`RecordFilter`).
 */
export const UserQuery = Schema.Struct({
  ...listQuery(UserSort).fields,
  enabled: Schema.optional(Schema.Boolean),
  system: Schema.optional(Schema.Boolean),
  group: Schema.optional(GroupName),
  where: Schema.optional(filterSchema<UserFilter>("UserFilter"))
})

/** The query of `Users.stream`: a list query whose `limit` may be left out (everything) or go beyond one page. */
export const UserStreamQuery = Schema.Struct({
  ...UserQuery.fields,
  limit: Schema.optional(Count),
  /** How many users each read fetches (default and most: `MAX_PAGE_SIZE`). */
  pageSize: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE))
})

const decodeUsername = decodeInput(Username, "username")
const decodeQuery = decodeInput(UserQuery)
const decodeStreamQuery = decodeInput(UserStreamQuery)

const normalize = (decoded: typeof UserQuery.Type) =>
  Effect.map(
    decoded.where === undefined ? Effect.succeed(undefined) : checkUserFilter(decoded.where),
    (where) =>
      ({
        search: (decoded.search ?? "").trim().toLowerCase(),
        sort: decoded.sort ?? "username",
        order: decoded.order ?? "asc",
        limit: decoded.limit ?? DEFAULT_PAGE_SIZE,
        offset: decoded.offset ?? 0,
        enabled: decoded.enabled,
        system: decoded.system,
        group: decoded.group,
        where
      }) as const
  )

/** The reads of users: who the actor is, a page of users, every user as a stream, and one user. */
export const makeQueries = ({ directory, config }: UserServices) => {
  const whoAmI = Effect.fn("Users.whoAmI")(function* (actor: Actor) {
    return yield* directory.read((tx) =>
      Effect.all([resolveActor(tx, actor, "read its own record"), currentSettings(tx, config)]).pipe(
        Effect.map(([user, settings]) => ({ user: toUser(user), admin: isAdmin(user, settings) }))
      )
    )
  })

  /** A page of users read in a transaction, with its total bounded by `ExactTotalLimit`, and the users as listed. */
  const readPage = (query: typeof UserQuery.Encoded) =>
    Effect.gen(function* () {
      const normalized = yield* normalize(yield* decodeQuery(query))
      const bounded = boundedCount(yield* ExactTotalLimit)
      return (tx: DirectoryTransaction) =>
        Effect.map(tx.listUsers({ ...normalized, count: true, countUpTo: bounded.countUpTo }), ({ items, total }) => ({
          listed: items,
          page: {
            items: items.map(toUser),
            ...bounded.total(total ?? items.length, {
              offset: normalized.offset,
              limit: normalized.limit,
              returned: items.length
            }),
            offset: normalized.offset,
            limit: normalized.limit
          } satisfies Page<User>
        }))
    })

  const listWithPermissions = Effect.fn("Users.list")(function* (actor: Actor, query: typeof UserQuery.Encoded = {}) {
    const read = yield* readPage(query)
    return yield* directory.readAfterCheck(
      (tx) => adminReadContext(tx, config, actor, "list users"),
      (tx, context) => Effect.map(read(tx), ({ page }) => ({ page, context }))
    )
  })

  const list = (actor: Actor, query: typeof UserQuery.Encoded = {}) =>
    Effect.map(listWithPermissions(actor, query), ({ page }) => page)

  const listWithGroups = Effect.fn("Users.listWithGroups")(function* (
    actor: Actor,
    query: typeof UserQuery.Encoded = {}
  ) {
    const read = yield* readPage(query)
    return yield* directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, "list users", "read"),
      (tx) =>
        Effect.gen(function* () {
          const { listed, page } = yield* read(tx)
          const names = [...new Set(listed.flatMap((user) => user.groups))]
          const rows = names.length === 0 ? [] : yield* tx.listGroupRows({ limit: names.length, names })
          return { page, groups: new Map(rows.map((row) => [row.name, row] as const)) as ReadonlyMap<string, GroupRow> }
        })
    )
  })

  /**
   * Every match, in order, page by page: `offset` users are skipped and at most `limit` are emitted (all when it is
   * left out). Each page is one read transaction that continues after the last user of the previous page (keyset
   * paging, so that the millionth user costs as little as the first) and counts nothing.
   */
  const stream = (actor: Actor, query: typeof UserStreamQuery.Encoded = {}): Stream.Stream<User, UserStreamError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const { limit, pageSize = MAX_PAGE_SIZE, ...rest } = yield* decodeStreamQuery(query)
        if (limit === 0) return Stream.empty
        const normalized = yield* normalize(rest)
        const page = (after: ReadonlyArray<SortValue> | undefined, left: number) =>
          directory.readAfterCheck(
            (tx) => asAdmin(tx, config, actor, "list users", "read"),
            (tx) =>
              Effect.gen(function* () {
                const size = Math.min(pageSize, left)
                const { items } = yield* tx.listUsers({
                  ...normalized,
                  limit: size,
                  offset: after === undefined ? normalized.offset : 0,
                  after,
                  count: false
                })
                const last = items.at(-1)
                const next =
                  last === undefined || items.length < size || left - items.length <= 0
                    ? Option.none()
                    : Option.some([userSortKey(normalized.sort, last, () => last.groups), left - items.length] as const)
                return [Chunk.fromIterable(items.map(toUser)), next] as const
              })
          )
        return Stream.paginateChunkEffect(
          [undefined, limit ?? Number.POSITIVE_INFINITY] as readonly [ReadonlyArray<SortValue> | undefined, number],
          ([after, left]) => page(after, left)
        )
      })
    ).pipe(Stream.withSpan("Users.stream"))

  /**
   * A user's read: the actor checked (an administrator or a token reads anyone, a user itself), with whatever else
   * `alsoChecked` reads in the check's transaction, then the user.
   */
  const readUser = <A>(
    actor: Actor,
    name: Username,
    alsoChecked: (tx: DirectoryTransaction) => Effect.Effect<A, Unauthenticated | StorageError>
  ) =>
    directory.readAfterCheck(
      (tx) =>
        Effect.gen(function* () {
          // An API token reads users as an administrator does; it has no record of its own.
          if (actor._tag === "Token") {
            const op = yield* asAdmin(tx, config, actor, `read user '${name}'`, "read")
            return [op, yield* alsoChecked(tx)] as const
          }
          const self = yield* resolveActor(tx, actor, `read user '${name}'`)
          if (self.username !== name && !isAdmin(self, yield* currentSettings(tx, config))) {
            return yield* new Forbidden({
              actor: self.username,
              action: `read user '${name}'`,
              reason: { _tag: "OtherUsersByAdministrators" }
            })
          }
          return [self, yield* alsoChecked(tx)] as const
        }),
      (tx, [self, also]) =>
        Effect.map(
          "version" in self && self.username === name ? Effect.succeed(self) : getUser(tx, name),
          (user) => [toUser(user), also] as const
        )
    )

  const get = Effect.fn("Users.get")(function* (actor: Actor, username: string) {
    const name = yield* decodeUsername(username)
    const [user] = yield* readUser(actor, name, () => Effect.void)
    return user
  })

  // The context is read with the check (where the actor's rights are read, never from a replica behind it).
  const getWithPermissions = Effect.fn("Users.get")(function* (actor: Actor, username: string) {
    const name = yield* decodeUsername(username)
    const [user, context] = yield* readUser(actor, name, (tx) => Permissions.contextIn(tx, config, actor))
    return { user, context }
  })

  return { whoAmI, list, listWithPermissions, listWithGroups, stream, get, getWithPermissions }
}
