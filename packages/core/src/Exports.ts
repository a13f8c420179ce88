/**
 * Export of the directory: every user, every group and the ledger of GIDs, in the records bulk import reads back
 * (`ImportRecord`), so that an export imported into an empty store gives the same directory. Users and groups are
 * streamed page by page (memory stays flat at a million users); password hashes only when asked, by an
 * administrator, and then the audit trail says who exported them.
 *
 * @since 0.1.0
 */
import { Chunk, Context, Effect, Layer, Option, Schema, Stream } from "effect"
import type { Actor } from "./Actor.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import type { Forbidden, InvalidInput, StorageError, Unauthenticated } from "./Errors.js"
import type { ImportGids, ImportGroup, ImportUser } from "./ImportRecord.js"
import { wholeBetween } from "./internal/counts.js"
import { decodeInput } from "./internal/decode.js"
import { exportedGroup, exportedGroupRow, exportedUser } from "./internal/export/records.js"
import { asAdmin, audit } from "./internal/operation.js"
import type { GroupName, Username } from "./Names.js"
import { MAX_PAGE_SIZE } from "./Page.js"

/** Every field of a record present, none of them `undefined`. */
type Complete<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> }

/**
 * A user as export writes it: every field of an `ImportUser` but a plain password, and `passwordHash` (kept
 * `Redacted`; a writer unwraps it only into the file) when hashes were asked for and the user holds a password.
 *
 * @category records
 * @since 0.1.0
 */
export interface ExportedUser extends Complete<Omit<typeof ImportUser.Type, "password" | "passwordHash">> {
  readonly passwordHash?: Exclude<(typeof ImportUser.Type)["passwordHash"], undefined>
}

/**
 * A group as export writes it: every field of an `ImportGroup`.
 *
 * @category records
 * @since 0.1.0
 */
export interface ExportedGroup extends Complete<typeof ImportGroup.Type> {}

/**
 * A group as a whole-directory export writes it: an `ExportedGroup` without its members (its users carry their
 * groups).
 *
 * @category records
 * @since 0.1.0
 */
export interface ExportedGroupRow extends Omit<ExportedGroup, "members"> {}

/**
 * The GID ledger as export writes it: the allocator's high-water mark and every GID a group ever had, deleted groups'
 * included.
 *
 * @category records
 * @since 0.1.0
 */
export interface ExportedGids extends Complete<typeof ImportGids.Type> {}

/**
 * How many users each read of `Exports.users` fetches, at most and by default.
 *
 * @category constants
 * @since 0.1.0
 */
export const USER_PAGE_SIZE = MAX_PAGE_SIZE

/**
 * About how many members a read of `Exports.groups` fetches: each page holds as many groups as the groups before it
 * suggest make about this many members (one group, however large, at least; never more than twice the last page), so
 * that memory stays flat whether the directory has a few huge groups or many small ones.
 *
 * @category constants
 * @since 0.1.0
 */
export const GROUP_PAGE_MEMBERS = 10_000

/**
 * The options of `Exports.users`: whether to include the password hashes, and how many users each read fetches.
 *
 * @category inputs
 * @since 0.1.0
 */
export const UserExportOptions = Schema.Struct({
  includePasswordHashes: Schema.optional(Schema.Boolean),
  pageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, USER_PAGE_SIZE)))
})

/**
 * The options of `Exports.users`, as callers write them.
 *
 * @category inputs
 * @since 0.1.0
 */
export type UserExportOptions = typeof UserExportOptions.Encoded

/**
 * The options of `Exports.groups`: whether to read the groups' members (default: yes; a whole-directory export leaves
 * them out, its users carry their groups), and how many groups each read fetches (default: as many as make about
 * `GROUP_PAGE_MEMBERS` members, or `MAX_PAGE_SIZE` groups without their members).
 *
 * @category inputs
 * @since 0.1.0
 */
export const GroupExportOptions = Schema.Struct({
  members: Schema.optional(Schema.Boolean),
  pageSize: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE))
})

/**
 * The options of `Exports.groups`, as callers write them.
 *
 * @category inputs
 * @since 0.1.0
 */
export type GroupExportOptions = typeof GroupExportOptions.Encoded

/**
 * Why an export stops: bad options, the actor is not an administrator, or the store failed.
 *
 * @category errors
 * @since 0.1.0
 */
export type ExportError = InvalidInput | Unauthenticated | Forbidden | StorageError

/**
 * `Exports.groups`: groups with their members, or only their own fields when `members: false` is asked.
 *
 * @category services
 * @since 0.1.0
 */
export interface ExportGroups {
  (
    actor: Actor,
    options: GroupExportOptions & { readonly members: false }
  ): Stream.Stream<ExportedGroupRow, ExportError>
  (
    actor: Actor,
    options?: GroupExportOptions & { readonly members?: true | undefined }
  ): Stream.Stream<ExportedGroup, ExportError>
}

const decodeUserOptions = decodeInput(UserExportOptions)
const decodeGroupOptions = decodeInput(GroupExportOptions)

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig

  /**
   * Records that password hashes are being exported, and by whom, before the first one is read: the entry stays even
   * if the export stops half-way, since hashes may have left by then.
   */
  const auditHashExport = (actor: Actor) =>
    directory.write((tx) =>
      asAdmin(tx, config, actor, "export password hashes").pipe(
        Effect.flatMap((op) =>
          audit(op, "directory.export", { type: "directory", name: "users" }, { passwordHashes: "exported" })
        )
      )
    )

  /**
   * Every user, by username, page by page: each page is one read transaction (the actor's admin access checked in
   * it) that continues after the last username of the previous one (keyset paging, so that the millionth user costs
   * as little as the first), with the page's password hashes read in the same transaction when asked for.
   */
  const users = (actor: Actor, options: UserExportOptions = {}): Stream.Stream<ExportedUser, ExportError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const { includePasswordHashes = false, pageSize = USER_PAGE_SIZE } = yield* decodeUserOptions(options)
        if (includePasswordHashes) yield* auditHashExport(actor)
        const page = (after: Option.Option<Username>) =>
          directory.read((tx) =>
            Effect.gen(function* () {
              yield* asAdmin(tx, config, actor, "export users", "read")
              const { items } = yield* tx.listUsers({
                search: "",
                sort: "username",
                order: "asc",
                limit: pageSize,
                offset: 0,
                after: Option.match(after, { onNone: () => undefined, onSome: (username) => [username] }),
                count: false
              })
              const hashes = includePasswordHashes
                ? yield* tx.passwordHashes(items.map((user) => user.username))
                : new Map<Username, never>()
              const last = items.at(-1)
              return [
                Chunk.fromIterable(items.map((user) => exportedUser(user, hashes.get(user.username)))),
                last === undefined || items.length < pageSize ? Option.none() : Option.some(Option.some(last.username))
              ] as const
            })
          )
        return Stream.paginateChunkEffect(Option.none<Username>(), page)
      })
    ).pipe(Stream.withSpan("Exports.users"))

  /**
   * Every group with its members, by name, page by page: each page is one read transaction (the actor's admin access
   * checked in it) that continues after the last group of the previous one (keyset paging), its size chosen from the
   * previous page's members (see `GROUP_PAGE_MEMBERS`) unless one is given.
   */
  const groupsWithMembers = (actor: Actor, pageSize: number | undefined): Stream.Stream<ExportedGroup, ExportError> => {
    const page = ({ after, size }: { readonly after: GroupName | undefined; readonly size: number }) =>
      directory.read((tx) =>
        Effect.gen(function* () {
          yield* asAdmin(tx, config, actor, "export groups", "read")
          const { items } = yield* tx.listGroups({
            search: "",
            sort: "name",
            order: "asc",
            limit: size,
            offset: 0,
            after
          })
          const last = items.at(-1)
          const members = items.reduce((sum, group) => sum + group.members.length, 0)
          // At most twice the last page: a few small groups first say little of the sizes of the next.
          const next =
            pageSize ??
            Math.max(
              1,
              Math.min(MAX_PAGE_SIZE, 2 * size, Math.floor((GROUP_PAGE_MEMBERS * items.length) / Math.max(1, members)))
            )
          return [
            Chunk.fromIterable(items.map(exportedGroup)),
            last === undefined || items.length < size ? Option.none() : Option.some({ after: last.name, size: next })
          ] as const
        })
      )
    return Stream.paginateChunkEffect({ after: undefined as GroupName | undefined, size: pageSize ?? 1 }, page)
  }

  /**
   * Every group's own fields without its members, by name, `pageSize` groups a read transaction (the actor's admin
   * access checked in each), keyset paging: a page costs as little as its groups are many, whatever their sizes.
   */
  const groupRows = (actor: Actor, pageSize: number): Stream.Stream<ExportedGroupRow, ExportError> =>
    Stream.paginateChunkEffect(undefined as GroupName | undefined, (after) =>
      directory.read((tx) =>
        Effect.gen(function* () {
          yield* asAdmin(tx, config, actor, "export groups", "read")
          const rows = yield* tx.listGroupRows({ limit: pageSize, after })
          const last = rows.at(-1)
          return [
            Chunk.fromIterable(rows.map(exportedGroupRow)),
            last === undefined || rows.length < pageSize ? Option.none() : Option.some(last.name)
          ] as const
        })
      )
    )

  // One implementation for both overloads: which records come out follows `members`, as the overloads say.
  const groups = ((actor: Actor, options: GroupExportOptions = {}) =>
    Stream.unwrap(
      Effect.map(decodeGroupOptions(options), ({ members = true, pageSize }) =>
        members ? groupsWithMembers(actor, pageSize) : groupRows(actor, pageSize ?? MAX_PAGE_SIZE)
      )
    ).pipe(Stream.withSpan("Exports.groups"))) as ExportGroups

  /** The GID allocator's high-water mark and every GID ever used, read together. */
  const gids = Effect.fn("Exports.gids")(function* (actor: Actor) {
    return yield* directory.read((tx) =>
      Effect.gen(function* () {
        yield* asAdmin(tx, config, actor, "export the GID ledger", "read")
        const highWaterMark = yield* tx.gidHighWaterMark
        const used = yield* tx.gidsEverUsed
        return { highWaterMark, used } as ExportedGids
      })
    )
  })

  return {
    /** Every user with its fields, groups, system flag and creation time; password hashes only when asked (admins). */
    users,
    /** Every group with its GID, members (unless `members: false`) and creation time (admins). */
    groups,
    /** The GID high-water mark and every GID ever used, deleted groups' included (admins). */
    gids
  }
})

/**
 * The export use cases.
 *
 * @category services
 * @since 0.1.0
 */
export class Exports extends Context.Tag("@user-manager/core/Exports")<Exports, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory` and (optionally) a `DirectoryConfig`. */
  static readonly layer = Layer.effect(this, make)
}
