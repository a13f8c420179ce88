/**
 * What administrators do to groups: create, rename, change and delete them, and change their members; each in one
 * transaction, checking every rule there.
 */
import { Effect, Option, Schema } from "effect"
import type { Actor } from "../../Actor.js"
import type { Directory, GroupRow } from "../../Directory.js"
import type { DirectoryConfigShape } from "../../DirectoryConfig.js"
import { GroupNameTaken, InvalidInput } from "../../Errors.js"
import { CreateGroup, GroupChanges } from "../../Group.js"
import type { Versioned } from "../../Groups.js"
import { GroupName, Username } from "../../Names.js"
import type { DryRun } from "../../Users.js"
import { decodeInput } from "../decode.js"
import { allocateGid, claimGid } from "../gidAllocator.js"
import { changeMemberships, type MembershipChange } from "../membership.js"
import {
  adminWriter,
  audit,
  decodeVersioned,
  ensureVersion,
  getGroup,
  getGroupRow,
  groupAnswer,
  nextGroupRow,
  type Operation,
  storeGroupRow
} from "../operation.js"
import { GROUP_ACTION, protectedGroupRefusal } from "../recordRules.js"
import { toGroup } from "../records.js"
import { removeGroup } from "../removal.js"

const decodeName = decodeInput(GroupName, "group name")
const decodeNewName = decodeInput(GroupName, "new group name")
/** The new name of `Groups.modify`, refused naming its field (`name`), as the change's other fields are. */
const decodeChangedName = decodeInput(GroupName, "name")
const decodeCreate = decodeInput(CreateGroup)
const decodeUsernames = decodeInput(Schema.Array(Username), "usernames")
const decodeChanges = decodeInput(GroupChanges)

/** The group administration of `Groups`, over a directory and its configuration. */
export const makeAdministration = (directory: Directory["Type"], config: DirectoryConfigShape) => {
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
      const row = nextGroupRow(op, group, { name: to })
      yield* storeGroupRow(op, group, row)
      yield* audit(op, "group.rename", { type: "group", name: to }, { name: { from: group.name, to } })
      return row
    })

  /** Sets a group's external id and name where `changes` gives them and they differ, audited as `group.modify`. */
  const applyExternal = (
    op: Operation,
    group: GroupRow,
    changes: { readonly externalId?: string | null | undefined; readonly externalName?: string | null | undefined }
  ) =>
    Effect.gen(function* () {
      const fields: { externalId?: string | null; externalName?: string | null } = {}
      if (changes.externalId !== undefined && changes.externalId !== group.externalId) {
        fields.externalId = changes.externalId
      }
      if (changes.externalName !== undefined && changes.externalName !== group.externalName) {
        fields.externalName = changes.externalName
      }
      if (Object.keys(fields).length === 0) return group
      const row = nextGroupRow(op, group, fields)
      yield* storeGroupRow(op, group, row)
      yield* audit(op, "group.modify", { type: "group", name: group.name }, fields)
      return row
    })

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
    create,
    rename,
    modify,
    remove,
    addMembers: changeMembers("add"),
    removeMembers: changeMembers("remove"),
    setMembers
  }
}

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
