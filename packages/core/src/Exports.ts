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
import { decodeInput } from "./internal/decode.js"
import { exportedGroup, exportedUser } from "./internal/export/records.js"
import { asAdmin, audit } from "./internal/operation.js"
import type { Username } from "./Names.js"
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
 * How many groups (each with all its members) each read of `Exports.groups` fetches by default.
 *
 * @category constants
 * @since 0.1.0
 */
export const GROUP_PAGE_SIZE = 100

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
 * The options of `Exports.groups`: how many groups each read fetches.
 *
 * @category inputs
 * @since 0.1.0
 */
export const GroupExportOptions = Schema.Struct({
  pageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_PAGE_SIZE)))
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
              yield* asAdmin(tx, config, actor, "export users")
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
   * checked in it). Groups are few beside users, so a page is found by its offset.
   */
  const groups = (actor: Actor, options: GroupExportOptions = {}): Stream.Stream<ExportedGroup, ExportError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const { pageSize = GROUP_PAGE_SIZE } = yield* decodeGroupOptions(options)
        const page = (offset: number) =>
          directory.read((tx) =>
            Effect.gen(function* () {
              yield* asAdmin(tx, config, actor, "export groups")
              const { items } = yield* tx.listGroups({
                search: "",
                sort: "name",
                order: "asc",
                limit: pageSize,
                offset
              })
              return [
                Chunk.fromIterable(items.map(exportedGroup)),
                items.length < pageSize ? Option.none() : Option.some(offset + items.length)
              ] as const
            })
          )
        return Stream.paginateChunkEffect(0, page)
      })
    ).pipe(Stream.withSpan("Exports.groups"))

  /** The GID allocator's high-water mark and every GID ever used, read together. */
  const gids = Effect.fn("Exports.gids")(function* (actor: Actor) {
    return yield* directory.read((tx) =>
      Effect.gen(function* () {
        yield* asAdmin(tx, config, actor, "export the GID ledger")
        const highWaterMark = yield* tx.gidHighWaterMark
        const used = yield* tx.gidsEverUsed
        return { highWaterMark, used } as ExportedGids
      })
    )
  })

  return {
    /** Every user with its fields, groups, system flag and creation time; password hashes only when asked (admins). */
    users,
    /** Every group with its GID, members and creation time (admins). */
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
