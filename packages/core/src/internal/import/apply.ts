import { Effect, Option, Redacted } from "effect"
import type { GroupRow, UserRecord } from "../../Directory.js"
import {
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
import { ensureAdminsRemain, ensureNotSelf } from "../adminGroup.js"
import { allocateGid, claimGid } from "../gidAllocator.js"
import { changeMemberships, type MembershipChange } from "../membership.js"
import { audit, nextGroupRow, nextUserRow, storeGroupRow } from "../operation.js"
import { ensureEmailFree, newUserRow, userCreatedEntry } from "../users/rules.js"
import type { Prepared, PreparedUser } from "./prepare.js"
import { note, refuse } from "./tally.js"
import {
  type BatchAborted,
  deferTouch,
  flush,
  type ImportWrite,
  isDomainError,
  meetsPending,
  PENDING_USERS,
  stored
} from "./write.js"

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
        ...(row.externalId === null ? {} : { externalId: row.externalId }),
        ...(row.externalName === null ? {} : { externalName: row.externalName }),
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
    if (user.externalId !== undefined && user.externalId !== current.externalId) next.externalId = user.externalId
    if (user.externalName !== undefined && user.externalName !== current.externalName) {
      next.externalName = user.externalName
    }
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
    for (const key of USER_FIELDS_SHOWN) {
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
    for (const key of USER_FIELDS_SHOWN) {
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

/** The fields of a user an import changes, as its audit entry and its plan show them. */
const USER_FIELDS_SHOWN = ["firstName", "lastName", "email", "enabled", "externalId", "externalName"] as const

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
    const row = {
      name: group.name,
      gid,
      externalId: group.externalId ?? null,
      externalName: group.externalName ?? null,
      createdAt: group.createdAt ?? op.now,
      updatedAt: op.now,
      version: 1
    }
    yield* stored(op.tx.insertGroup(row))
    write.groups.set(row.name, row)
    write.created.add(row.name)
    yield* audit(op, "group.create", { type: "group", name: row.name }, { gid })
    note(write.tally, {
      action: "create",
      kind: "group",
      name: row.name,
      fields: created({
        gid,
        members,
        ...(row.externalId === null ? {} : { externalId: row.externalId }),
        ...(row.externalName === null ? {} : { externalName: row.externalName })
      })
    })
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
    const named: { externalId?: string | null; externalName?: string | null } = {}
    if (group.externalId !== undefined && group.externalId !== existing.externalId) named.externalId = group.externalId
    if (group.externalName !== undefined && group.externalName !== existing.externalName) {
      named.externalName = group.externalName
    }
    let changes: Array<MembershipChange> = []
    let members: ReadonlyArray<Username> = []
    if (group.members !== undefined) {
      const wanted = new Set(group.members)
      const found = yield* op.tx.findGroup(existing.name)
      members = Option.isSome(found) ? found.value.members : []
      changes = [
        ...[...wanted].filter((username) => !members.includes(username)).map((u) => change(u, existing.name, "add")),
        ...members.filter((username) => !wanted.has(username)).map((u) => change(u, existing.name, "remove"))
      ]
    }
    if (changes.length === 0 && Object.keys(named).length === 0) return "unchanged" as const
    if (write.onConflict === "skip") return "skipped" as const
    if (write.onConflict === "fail") return yield* new GroupNameTaken({ name: existing.name })
    if (changes.length > 0) yield* changeMemberships(op, changes, existing.name, deferTouch(write))
    const fields: Record<string, { readonly from: unknown; readonly to: unknown }> = {}
    if (Object.keys(named).length > 0) {
      // The new names are stored now, with a new version; a member change touches the group again when the write ends.
      const row = nextGroupRow(op, existing, named)
      yield* stored(storeGroupRow(op, existing, row))
      write.groups.set(row.name, row)
      if (write.touched.has(row.name)) write.touched.set(row.name, row)
      yield* audit(op, "group.modify", { type: "group", name: row.name }, named)
      for (const [key, to] of Object.entries(named)) fields[key] = { from: existing[key as keyof typeof named], to }
    }
    if (changes.length > 0 && group.members !== undefined) {
      fields.members = { from: [...members].sort(), to: [...new Set(group.members)].sort() }
    }
    note(write.tally, { action: "update", kind: "group", name: existing.name, fields })
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
