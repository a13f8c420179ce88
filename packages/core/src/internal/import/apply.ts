import { Data, Effect, Option, Redacted } from "effect"
import type { GroupRow, UserRecord } from "../../Directory.js"
import {
  DOMAIN_ERROR_TAGS,
  type DomainError,
  GroupMembershipRequired,
  GroupNameTaken,
  GroupNotFound,
  InvalidInput,
  type StorageError,
  SystemUserImmutable,
  UserNotFound,
  UsernameTaken
} from "../../Errors.js"
import type { ImportGids, ImportGroup } from "../../ImportRecord.js"
import type { GroupName, Username } from "../../Names.js"
import { ensureAdminsRemain, ensureNotSelf, lockAdminGroup } from "../adminGroup.js"
import { allocateGid, claimGid } from "../gidAllocator.js"
import { changeMemberships, type MembershipChange } from "../membership.js"
import { audit, nextUserRow, type Operation, touchGroup } from "../operation.js"
import { ensureEmailFree, newUserRow, storeNewUser } from "../users/rules.js"
import type { Prepared, PreparedUser } from "./prepare.js"
import { refuse, type Tally } from "./tally.js"

/** What to do with a record whose user or group already exists and differs. */
export type OnConflict = "fail" | "skip" | "update"

/**
 * A write of the batch failed after its checks passed (a race with another transaction): the batch is rolled back as a
 * whole, since on PostgreSQL a failed statement aborts the transaction.
 */
export class BatchAborted extends Data.TaggedError("BatchAborted")<{ readonly reason: string }> {}

/** One write of an import (a batch, or the whole import): its operation, and what it read and changed so far. */
export interface ImportWrite {
  readonly op: Operation
  readonly onConflict: OnConflict
  readonly tally: Tally
  /** The group rows read (and locked) in this write, by name. */
  readonly groups: Map<string, GroupRow>
  /** The groups this write created: they keep their first version. */
  readonly created: Set<string>
  /** The groups whose members changed, touched once when the write ends. */
  readonly touched: Map<string, GroupRow>
}

/** Starts a write of an import: the admin group locked first, as every operation that may change its members does. */
export const beginWrite = (op: Operation, onConflict: OnConflict, tally: Tally) =>
  lockAdminGroup(op).pipe(
    Effect.map(
      (adminGroup): ImportWrite => ({
        op,
        onConflict,
        tally,
        groups: new Map([[adminGroup.name, adminGroup]]),
        created: new Set(),
        touched: new Map()
      })
    )
  )

/** Ends a write: each group whose members changed gets one new version, however many of its members changed. */
export const endWrite = (write: ImportWrite) =>
  Effect.forEach(
    [...write.touched.values()].filter((group) => !write.created.has(group.name)),
    (group) => touchGroup(write.op, group),
    { discard: true }
  )

const isDomainError = (error: unknown): error is DomainError =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  (DOMAIN_ERROR_TAGS as ReadonlyArray<unknown>).includes(error._tag)

/** A write that its checks allowed: a refusal from the store now is a race, which aborts the batch. */
const stored = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, Exclude<E, DomainError> | BatchAborted> =>
  Effect.catchAll(
    effect,
    (error): Effect.Effect<never, unknown> =>
      isDomainError(error) ? new BatchAborted({ reason: error.message }) : Effect.fail(error)
  ) as Effect.Effect<A, Exclude<E, DomainError> | BatchAborted>

/** Remembers a group for the touch at the end of the write, instead of touching it now. */
const deferTouch = (write: ImportWrite) => (_op: Operation, group: GroupRow) =>
  Effect.sync(() => {
    write.touched.set(group.name, group)
  })

/** A group's row, read and locked once per write. */
const groupRow = (write: ImportWrite, name: string) =>
  Effect.gen(function* () {
    const known = write.groups.get(name)
    if (known !== undefined) return Option.some(known)
    const found = yield* write.op.tx.findGroupRow(name, { forUpdate: true })
    if (Option.isSome(found)) write.groups.set(name, found.value)
    return found
  })

/**
 * Applies one prepared entry: checks every rule first (reads only, so that no statement fails), then writes. A refused
 * record writes nothing of itself and is tallied with its reason; the other records go on.
 */
export const applyEntry = (
  write: ImportWrite,
  prepared: Prepared
): Effect.Effect<void, StorageError | BatchAborted> => {
  const { tally } = write
  if (prepared.kind === "refused") return Effect.sync(() => refuse(tally, prepared.entry, prepared.reason))
  const body: Effect.Effect<void, DomainError | StorageError | BatchAborted> =
    prepared.kind === "user"
      ? applyUser(write, prepared)
      : prepared.kind === "group"
        ? applyGroup(write, prepared.group)
        : applyGids(write, prepared.gids)
  return Effect.catchAll(body, (error) =>
    isDomainError(error) ? Effect.sync(() => refuse(tally, prepared.entry, error.message)) : Effect.fail(error)
  )
}

const applyUser = (write: ImportWrite, prepared: PreparedUser) =>
  Effect.gen(function* () {
    const { op } = write
    const current = yield* op.tx.findUser(prepared.user.username, { forUpdate: true })
    const outcome = Option.isNone(current)
      ? yield* createUser(write, prepared)
      : yield* updateUser(write, prepared, current.value)
    write.tally.users[outcome]++
    if (prepared.unverifiable && (outcome === "created" || outcome === "updated")) {
      write.tally.warnings.push(
        `User '${prepared.user.username}' was imported without a password: its yescrypt hash cannot be checked here, so it must be given a new password.`
      )
    }
    if (prepared.passwordHash !== undefined && prepared.user.password !== undefined && outcome !== "skipped") {
      write.tally.passwordsHashed++
    }
  })

const createUser = (write: ImportWrite, { user, passwordHash }: PreparedUser) =>
  Effect.gen(function* () {
    const { op } = write
    const groupNames = [...new Set(user.groups ?? [])].sort()
    if (groupNames.length === 0) return yield* new GroupMembershipRequired({ usernames: [user.username], group: null })
    yield* ensureEmailFree(op, user.email ?? null, null)
    const groups: Array<GroupRow> = []
    const missing: Array<string> = []
    for (const name of groupNames) {
      const row = yield* groupRow(write, name)
      if (Option.isSome(row)) groups.push(row.value)
      else missing.push(name)
    }
    if (missing.length > 0) {
      return yield* new GroupNotFound({ name: missing[0] as string, ...(missing.length > 1 ? { names: missing } : {}) })
    }
    const row = {
      ...newUserRow({ ...user, email: user.email ?? undefined }, passwordHash ?? null, op.now),
      enabled: user.enabled ?? true,
      createdAt: user.createdAt ?? op.now
    }
    yield* stored(storeNewUser(op, row, groups, deferTouch(write)))
    yield* audit(
      op,
      "user.create",
      { type: "user", name: row.username },
      {
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        system: row.system,
        ...(row.enabled ? {} : { enabled: false }),
        groups: groupNames,
        ...(passwordHash === undefined ? {} : { password: "set" })
      },
      groupNames
    )
    return "created" as const
  })

const updateUser = (write: ImportWrite, { user, passwordHash }: PreparedUser, current: UserRecord) =>
  Effect.gen(function* () {
    const { op } = write
    if (user.system !== undefined && user.system !== current.system) {
      return yield* new InvalidInput({
        field: "system",
        reason: `user '${current.username}' ${current.system ? "is" : "is not"} a system user, which never changes`
      })
    }
    const next: { -readonly [K in keyof UserRecord]?: UserRecord[K] } = {}
    if (user.firstName !== undefined && user.firstName !== current.firstName) next.firstName = user.firstName
    if (user.lastName !== undefined && user.lastName !== current.lastName) next.lastName = user.lastName
    if (user.email !== undefined && user.email !== current.email) next.email = user.email
    if (user.enabled !== undefined && user.enabled !== current.enabled) next.enabled = user.enabled
    if (
      passwordHash !== undefined &&
      (user.password !== undefined ||
        current.passwordHash === null ||
        Redacted.value(current.passwordHash) !== Redacted.value(passwordHash))
    ) {
      next.passwordHash = passwordHash
    }
    const wanted = user.groups === undefined ? undefined : new Set(user.groups)
    const changes: Array<MembershipChange> =
      wanted === undefined
        ? []
        : [
            ...[...wanted]
              .filter((g) => !current.groups.includes(g))
              .map((group) => change(current.username, group, "add")),
            ...current.groups.filter((g) => !wanted.has(g)).map((group) => change(current.username, group, "remove"))
          ]
    if (Object.keys(next).length === 0 && changes.length === 0) return "unchanged" as const
    if (current.system) return yield* new SystemUserImmutable({ username: current.username, action: "modify" })
    if (write.onConflict === "skip") return "skipped" as const
    if (write.onConflict === "fail") return yield* new UsernameTaken({ username: current.username })
    if (wanted !== undefined && wanted.size === 0) {
      return yield* new GroupMembershipRequired({ usernames: [current.username], group: null })
    }

    if (next.email !== undefined) yield* ensureEmailFree(op, next.email, current.username)
    if (next.enabled === false) {
      yield* ensureNotSelf(op, current, "disable")
      yield* ensureAdminsRemain(op, [current])
    }
    // The memberships go through the rules of every change of groups (checked before anything is written).
    const record =
      changes.length === 0
        ? current
        : ((yield* changeMemberships(op, changes, null, deferTouch(write))).users.get(current.username) ?? current)
    const fields: Record<string, unknown> = {}
    for (const key of ["firstName", "lastName", "email", "enabled"] as const) {
      if (key in next) fields[key] = next[key]
    }
    if (next.passwordHash !== undefined) fields.password = "changed"
    const added = changes.filter((c) => c.kind === "add").map((c) => c.group as string)
    const removed = changes.filter((c) => c.kind === "remove").map((c) => c.group as string)
    if (changes.length > 0) fields.groups = { added: added.sort(), removed: removed.sort() }
    if (record === current || Object.keys(next).length > 0) {
      const { groups: _groups, ...base } = record
      const row = record === current ? nextUserRow(op, current, next) : { ...base, ...next }
      yield* stored(op.tx.updateUser(row))
    }
    // A new password or a disabled account signs the user out everywhere.
    if (next.passwordHash !== undefined || next.enabled === false) yield* op.tx.deleteUserSessions(current.username)
    yield* audit(op, "user.modify", { type: "user", name: current.username }, fields, [...added, ...removed])
    return "updated" as const
  })

const change = (username: Username, group: GroupName, kind: "add" | "remove"): MembershipChange => ({
  username,
  group,
  kind
})

const applyGroup = (write: ImportWrite, group: typeof ImportGroup.Type) =>
  Effect.gen(function* () {
    const existing = yield* groupRow(write, group.name)
    const outcome = Option.isSome(existing)
      ? yield* updateGroup(write, group, existing.value)
      : yield* createGroup(write, group)
    write.tally.groups[outcome]++
  })

const createGroup = (write: ImportWrite, group: typeof ImportGroup.Type) =>
  Effect.gen(function* () {
    const { op } = write
    const members = [...new Set(group.members ?? [])].sort()
    // The members are checked before the group is stored, so that a refused member list leaves no group behind.
    for (const username of members) {
      const user = yield* op.tx.findUser(username)
      if (Option.isNone(user)) return yield* new UserNotFound({ username })
      if (user.value.system) {
        return yield* new SystemUserImmutable({ username, action: `add to group '${group.name}'` })
      }
    }
    let gid: number
    if (group.gid === undefined) {
      gid = yield* allocateGid(op)
    } else {
      gid = yield* claimGid(op, group.gid)
      // The allocator moves past a GID kept from another directory, but only one of its own range.
      const { gidMin, gidMax } = op.config
      if (gid >= gidMin && gid <= gidMax && gid > (yield* op.tx.gidHighWaterMark)) {
        yield* op.tx.setGidHighWaterMark(gid)
      }
    }
    const row = { name: group.name, gid, createdAt: group.createdAt ?? op.now, updatedAt: op.now, version: 1 }
    yield* stored(op.tx.insertGroup(row))
    write.groups.set(row.name, row)
    write.created.add(row.name)
    yield* audit(op, "group.create", { type: "group", name: row.name }, { gid })
    if (members.length > 0) {
      yield* changeMemberships(
        op,
        members.map((username) => change(username, group.name, "add")),
        group.name,
        deferTouch(write)
      )
    }
    return "created" as const
  })

const updateGroup = (write: ImportWrite, group: typeof ImportGroup.Type, existing: GroupRow) =>
  Effect.gen(function* () {
    const { op } = write
    if (group.gid !== undefined && group.gid !== existing.gid) {
      return yield* new InvalidInput({
        field: "gid",
        reason: `group '${existing.name}' has GID ${existing.gid}, and a group's GID never changes`
      })
    }
    if (group.members === undefined) return "unchanged" as const
    const wanted = new Set(group.members)
    const found = yield* op.tx.findGroup(existing.name)
    const members = Option.isSome(found) ? found.value.members : []
    const changes = [
      ...[...wanted].filter((username) => !members.includes(username)).map((u) => change(u, existing.name, "add")),
      ...members.filter((username) => !wanted.has(username)).map((u) => change(u, existing.name, "remove"))
    ]
    if (changes.length === 0) return "unchanged" as const
    if (write.onConflict === "skip") return "skipped" as const
    if (write.onConflict === "fail") return yield* new GroupNameTaken({ name: existing.name })
    yield* changeMemberships(op, changes, existing.name, deferTouch(write))
    return "updated" as const
  })

const applyGids = (write: ImportWrite, gids: typeof ImportGids.Type) =>
  Effect.gen(function* () {
    const { op } = write
    yield* op.tx.recordGidsUsed(gids.used)
    const mark = gids.highWaterMark
    if (mark === undefined) return
    const { gidMin, gidMax } = op.config
    if (mark < gidMin || mark > gidMax) {
      write.tally.warnings.push(
        `The high-water mark ${mark} was left out: it lies outside this directory's GID range (${gidMin}–${gidMax}).`
      )
      return
    }
    // The document's mark is set as it is, even below where this import's own groups moved it (a group created with
    // an explicit GID never moves the mark, an imported one does): the next group then gets the GID it would have got
    // in the exported directory. No GID is handed out twice: the allocator skips every GID in the ledger.
    yield* op.tx.setGidHighWaterMark(mark)
  })
