import { Data, Effect, Option, Redacted } from "effect"
import type { NewAuditEntry } from "../../AuditEntry.js"
import type { GroupRow, UserRecord, UserRow } from "../../Directory.js"
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
import { removeGroup, removeUser } from "../removal.js"
import { ensureEmailFree, newUserRow, userCreatedEntry } from "../users/rules.js"
import type { Prepared, PreparedUser } from "./prepare.js"
import { note, refuse, type Tally } from "./tally.js"

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
  /** The new users checked and not yet written: stored together by `flush`. */
  readonly pending: PendingUsers
}

/** New users whose every rule was checked, with their memberships and audit entries, waiting to be written at once. */
interface PendingUsers {
  readonly rows: Array<UserRow>
  readonly usernames: Set<string>
  /** Their emails, lower-cased: a later record naming one waits until they are written, then asks the store. */
  readonly emails: Set<string>
  readonly memberships: Array<{ readonly username: Username; readonly group: GroupName }>
  readonly audits: Array<NewAuditEntry>
}

/** How many new users a write holds before it writes them: enough for few statements, few enough for flat memory. */
const PENDING_USERS = 1000

const noPendingUsers = (): PendingUsers => ({
  rows: [],
  usernames: new Set(),
  emails: new Set(),
  memberships: [],
  audits: []
})

/**
 * Writes the pending new users, their memberships and their audit entries, a few statements for them all: before any
 * read that could see them and at the end of the write. Their checks passed already, so a refusal now is a race.
 */
const flush = (write: ImportWrite) =>
  Effect.gen(function* () {
    const { pending, op } = write
    if (pending.rows.length === 0) return
    yield* stored(op.tx.insertUsers(pending.rows))
    yield* op.tx.addMemberships(pending.memberships)
    yield* op.tx.appendAudits(pending.audits)
    for (const key of ["rows", "memberships", "audits"] as const) pending[key].length = 0
    pending.usernames.clear()
    pending.emails.clear()
  })

/** Whether a user record names a pending user or email, which the store must see before it is checked. */
const meetsPending = ({ pending }: ImportWrite, user: PreparedUser["user"]) =>
  pending.usernames.has(user.username) || (user.email != null && pending.emails.has(user.email.toLowerCase()))

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
        touched: new Map(),
        pending: noPendingUsers()
      })
    )
  )

/**
 * Ends a write: the pending users are written, and each group whose members changed gets one new version, however many
 * of its members changed.
 */
export const endWrite = (write: ImportWrite) =>
  flush(write).pipe(
    Effect.zipRight(
      Effect.forEach(
        [...write.touched.values()].filter((group) => !write.created.has(group.name)),
        (group) => touchGroup(write.op, group),
        { discard: true }
      )
    )
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
  // Only a new user waits to be written with others: anything else reads and writes what the store holds.
  const body: Effect.Effect<void, DomainError | StorageError | BatchAborted> =
    prepared.kind === "user"
      ? applyUser(write, prepared)
      : prepared.kind === "group"
        ? Effect.zipRight(flush(write), applyGroup(write, prepared.group))
        : Effect.zipRight(flush(write), applyGids(write, prepared.gids))
  return Effect.catchAll(body, (error) =>
    isDomainError(error) ? Effect.sync(() => refuse(tally, prepared.entry, error.message)) : Effect.fail(error)
  )
}

const applyUser = (write: ImportWrite, prepared: PreparedUser) =>
  Effect.gen(function* () {
    const { op } = write
    if (meetsPending(write, prepared.user)) yield* flush(write)
    const current = yield* op.tx.findUser(prepared.user.username, { forUpdate: true })
    if (Option.isSome(current)) yield* flush(write)
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
    const { pending } = write
    pending.rows.push(row)
    pending.usernames.add(row.username)
    if (row.email !== null) pending.emails.add(row.email.toLowerCase())
    for (const group of groups) {
      pending.memberships.push({ username: row.username, group: group.name })
      write.touched.set(group.name, group)
    }
    pending.audits.push(userCreatedEntry(op, row, groupNames))
    note(write.tally, {
      action: "create",
      kind: "user",
      name: row.username,
      fields: created({
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        enabled: row.enabled,
        system: row.system,
        groups: groupNames,
        ...(passwordHash === undefined ? {} : { password: PASSWORD_SHOWN })
      })
    })
    if (pending.rows.length >= PENDING_USERS) yield* flush(write)
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
    const diff: Record<string, { readonly from: unknown; readonly to: unknown }> = {}
    for (const key of ["firstName", "lastName", "email", "enabled"] as const) {
      if (key in next) diff[key] = { from: current[key], to: next[key] }
    }
    if (next.passwordHash !== undefined) {
      diff.password = { from: current.passwordHash === null ? null : PASSWORD_SHOWN, to: PASSWORD_SHOWN }
    }
    if (wanted !== undefined && changes.length > 0) {
      diff.groups = { from: [...current.groups].sort(), to: [...wanted].sort() }
    }
    note(write.tally, { action: "update", kind: "user", name: current.username, fields: diff })
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
    note(write.tally, { action: "create", kind: "group", name: row.name, fields: created({ gid, members }) })
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
    note(write.tally, {
      action: "update",
      kind: "group",
      name: existing.name,
      fields: { members: { from: [...members].sort(), to: [...wanted].sort() } }
    })
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
    // Set as it is, even below where imported groups moved it: the ledger holds every GID ever used (the record's and
    // the groups'), which the allocator skips, so the mark only says where the next search starts; set exactly, it
    // makes a directory exported and imported into an empty store hand out the GID the original would have.
    if (mark !== (yield* op.tx.gidHighWaterMark)) yield* op.tx.setGidHighWaterMark(mark)
  })

/** How a plan shows a password: never the password or its hash. */
const PASSWORD_SHOWN = "(set)"

/** The fields of a new record, each from nothing to its value. */
const created = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).map(([key, to]) => [key, { from: null, to }]))

const PRUNE_PAGE = 1000

/** Every user's name, page by page (keyset paging by username). */
const allUsernames = (op: Operation) =>
  Effect.gen(function* () {
    const names: Array<Username> = []
    let after: Username | undefined
    for (;;) {
      const { items } = yield* op.tx.listUsers({
        search: "",
        sort: "username",
        order: "asc",
        limit: PRUNE_PAGE,
        offset: 0,
        after: after === undefined ? undefined : [after],
        count: false
      })
      for (const user of items) if (!user.system) names.push(user.username)
      after = items.at(-1)?.username
      if (items.length < PRUNE_PAGE) return names
    }
  })

/** Every group's name, page by page. */
const allGroupNames = (op: Operation) =>
  Effect.gen(function* () {
    const names: Array<GroupName> = []
    let after: GroupName | undefined
    for (;;) {
      const { items } = yield* op.tx.listGroups({
        search: "",
        sort: "name",
        order: "asc",
        limit: PRUNE_PAGE,
        offset: 0,
        after
      })
      for (const group of items) names.push(group.name)
      after = items.at(-1)?.name
      if (items.length < PRUNE_PAGE) return names
    }
  })

/**
 * The deletion phase of a prune: every user, then every group, that the entries do not name is deleted by the rules of
 * every deletion. System users and the admin group are left alone; a user or group a rule keeps (the actor, the last
 * administrator, a group holding a system user or some member's only group) stays, with a warning saying why.
 */
export const pruneUnnamed = (
  write: ImportWrite,
  named: { readonly users: ReadonlySet<string>; readonly groups: ReadonlySet<string> }
): Effect.Effect<void, StorageError | BatchAborted> =>
  Effect.gen(function* () {
    // The batch's new users are written first, so that the prune's reads see them.
    yield* flush(write)
    const { op, tally } = write
    const kept = (what: string) => (error: { readonly message: string }) =>
      Effect.sync(() => {
        tally.warnings.push(`${what} was kept: ${error.message.replace(/\.$/, "")}.`)
      })
    for (const username of yield* allUsernames(op)) {
      if (named.users.has(username)) continue
      const user = yield* op.tx.findUser(username, { forUpdate: true })
      if (Option.isNone(user)) continue
      yield* removeUser(op, user.value, deferTouch(write)).pipe(
        Effect.tap(() => {
          tally.deleted.users++
          note(tally, { action: "delete", kind: "user", name: username, fields: {} })
        }),
        Effect.catchTags({
          SystemUserImmutable: kept(`User '${username}'`),
          SelfLockout: kept(`User '${username}'`),
          LastAdmin: kept(`User '${username}'`)
        })
      )
    }
    for (const name of yield* allGroupNames(op)) {
      if (named.groups.has(name) || name === op.config.adminGroup) continue
      const group = yield* op.tx.findGroup(name, { forUpdate: true })
      if (Option.isNone(group)) continue
      yield* removeGroup(op, group.value).pipe(
        Effect.tap(() => {
          write.touched.delete(name)
          tally.deleted.groups++
          note(tally, { action: "delete", kind: "group", name, fields: {} })
        }),
        Effect.catchTags({
          SystemUserImmutable: kept(`Group '${name}'`),
          GroupMembershipRequired: kept(`Group '${name}'`),
          UserNotFound: kept(`Group '${name}'`)
        })
      )
    }
  })
