import { Effect } from "effect"
import type { Actor } from "../../Actor.js"
import type { UserRecord } from "../../Directory.js"
import { GroupMembershipRequired, InvalidInput } from "../../Errors.js"
import { GroupName, Username } from "../../Names.js"
import type { Password, PasswordHash } from "../../Password.js"
import { CreateUser, ModifyUser, ResetPassword } from "../../User.js"
import type { DryRun, Versioned } from "../../Users.js"
import { ensureAdminsRemain, ensureNotSelf, lockAdminGroup } from "../adminGroup.js"
import { decodeInput } from "../decode.js"
import { changeMemberships } from "../membership.js"
import {
  adminWriter,
  asAdmin,
  assertNotSystem,
  audit,
  decodeVersioned,
  ensureVersion,
  getUser,
  nextUserRow,
  rewriteUser
} from "../operation.js"
import { USER_ACTION } from "../recordRules.js"
import { toUser } from "../records.js"
import { removeUser } from "../removal.js"
import {
  ensureEmailFree,
  ensurePolicy,
  hashNewPassword,
  insertUser,
  newUserRow,
  type UserServices,
  userCreatedEntry
} from "./rules.js"

const decodeUsername = decodeInput(Username, "username")
const decodeGroupName = decodeInput(GroupName, "group name")
const decodeCreate = decodeInput(CreateUser)
const decodeModify = decodeInput(ModifyUser)
const decodeReset = decodeInput(ResetPassword)

/**
 * What administrators do to users: create, change, delete, enable and disable them, and move them between groups; each
 * in one transaction, checking every rule there.
 */
export const makeAdministration = (services: UserServices) => {
  const { directory, config } = services
  const adminWrite = adminWriter(directory, config)

  /**
   * Refuses early, before the slow password hash, when the actor may not run `action` at all; the directory's settings
   * the password is first checked against.
   */
  const preauthorize = (actor: Actor, action: string) =>
    directory.read((tx) => asAdmin(tx, config, actor, action)).pipe(Effect.map((op) => op.config))

  /** A new password's hash, when there is one: checked first as the actor may run `action` and the policy allows. */
  const preparePassword = (actor: Actor, action: string, password: Password | undefined, username: string) =>
    password === undefined
      ? Effect.succeed(null)
      : Effect.flatMap(preauthorize(actor, action), (settings) =>
          hashNewPassword(services, password, username, settings)
        )

  const create = Effect.fn("Users.create")(function* (actor: Actor, input: CreateUser) {
    // Before the password is decoded: a system user holds none, however it is written (an empty one, say).
    if (input.system === true && input.password !== undefined) {
      return yield* new InvalidInput({
        field: "password",
        reason: "a system user holds none, since system users never sign in"
      })
    }
    const user = yield* decodeCreate(input)
    if (user.groups.length === 0) {
      return yield* new GroupMembershipRequired({ usernames: [user.username], group: null })
    }
    const passwordHash = yield* preparePassword(actor, "create users", user.password, user.username)
    return yield* adminWrite(actor, "create users", (op) =>
      Effect.gen(function* () {
        yield* ensurePolicy(op, user.password, user.username)
        const groupNames = [...new Set(user.groups)].sort()
        const row = newUserRow(user, passwordHash, op.now)
        yield* insertUser(op, row, groupNames)
        yield* op.tx.appendAudit(userCreatedEntry(op, row, groupNames))
        return toUser({ ...row, groups: groupNames })
      })
    )
  })

  const modify = Effect.fn("Users.modify")(function* (actor: Actor, username: string, input: ModifyUser) {
    const name = yield* decodeUsername(username)
    const changes = yield* decodeModify(input)
    if (changes.groups !== undefined && changes.groups.length === 0) {
      return yield* new GroupMembershipRequired({ usernames: [name], group: null })
    }
    const passwordHash = yield* preparePassword(actor, `modify user '${name}'`, changes.password, name)
    return yield* adminWrite(actor, `modify user '${name}'`, (op) =>
      Effect.gen(function* () {
        yield* ensurePolicy(op, changes.password, name)
        if (changes.groups?.includes(op.config.adminGroup as GroupName) === false || changes.enabled === false) {
          yield* lockAdminGroup(op)
        }
        const current = yield* getUser(op.tx, name, true)
        yield* assertNotSystem(current, USER_ACTION.modify)
        yield* ensureVersion("user", current.username, current.version, changes.expectedVersion)
        const enabling = changes.enabled !== undefined && changes.enabled !== current.enabled

        const fields: Record<string, unknown> = {}
        const next: { -readonly [K in keyof UserRecord]?: UserRecord[K] } = {}
        if (changes.firstName !== undefined && (changes.firstName ?? "") !== current.firstName) {
          next.firstName = fields.firstName = changes.firstName ?? ""
        }
        if (changes.lastName !== undefined && (changes.lastName ?? "") !== current.lastName) {
          next.lastName = fields.lastName = changes.lastName ?? ""
        }
        if (changes.email !== undefined && changes.email !== current.email) {
          yield* ensureEmailFree(op, changes.email, current.username)
          next.email = fields.email = changes.email
        }
        if (changes.externalId !== undefined && changes.externalId !== current.externalId) {
          next.externalId = fields.externalId = changes.externalId
        }
        if (changes.externalName !== undefined && changes.externalName !== current.externalName) {
          next.externalName = fields.externalName = changes.externalName
        }
        if (passwordHash !== null) {
          next.passwordHash = passwordHash
          fields.password = "changed"
        }

        let record = current
        let subjects: ReadonlyArray<string> = []
        if (changes.groups !== undefined) {
          const wanted = new Set(changes.groups)
          const result = yield* changeMemberships(
            op,
            [
              ...[...wanted].filter((g) => !current.groups.includes(g)).map((group) => addChange(name, group)),
              ...current.groups.filter((g) => !wanted.has(g)).map((group) => removeChange(name, group))
            ],
            null
          )
          record = result.users.get(name) ?? current
          const groupsOf = (kind: "add" | "remove") =>
            result.changed.filter((change) => change.kind === kind).map((change) => change.group as string)
          const added = groupsOf("add").sort()
          const removed = groupsOf("remove").sort()
          if (added.length + removed.length > 0) fields.groups = { added, removed }
          subjects = [...added, ...removed]
        }
        if (enabling && changes.enabled === false) {
          // The rules of `Users.disable`, checked on the user as the group changes above left it.
          yield* ensureNotSelf(op, record, USER_ACTION.disable)
          yield* ensureAdminsRemain(op, [record])
        }
        if (Object.keys(fields).length === 0 && !enabling) return toUser(record)
        if (enabling) next.enabled = changes.enabled as boolean
        const row = record === current ? nextUserRow(op, current, next) : { ...strip(record), ...next }
        // A change of groups alone already stored the user's new version.
        if (record === current || Object.keys(next).length > 0) yield* op.tx.updateUser(row)
        // A password reset signs the user out everywhere, and so does being disabled.
        if (passwordHash !== null || (enabling && changes.enabled === false)) yield* op.tx.deleteUserSessions(name)
        if (Object.keys(fields).length > 0) yield* audit(op, "user.modify", { type: "user", name }, fields, subjects)
        // The same entry as `Users.enable` / `Users.disable` write, so that the trail reads alike whichever was called.
        if (enabling) {
          yield* audit(
            op,
            changes.enabled ? "user.enable" : "user.disable",
            { type: "user", name },
            {
              enabled: changes.enabled
            }
          )
        }
        return toUser({ ...row, groups: record.groups })
      })
    )
  })

  const remove = Effect.fn("Users.remove")(function* (actor: Actor, username: string, options: Versioned = {}) {
    const name = yield* decodeUsername(username)
    const { expectedVersion } = yield* decodeVersioned(options)
    return yield* adminWrite(
      actor,
      `delete user '${name}'`,
      (op) =>
        Effect.gen(function* () {
          yield* lockAdminGroup(op)
          const user = yield* getUser(op.tx, name, true)
          yield* ensureVersion("user", user.username, user.version, expectedVersion)
          yield* removeUser(op, user)
          return toUser(user)
        }),
      options
    )
  })

  const resetPassword = Effect.fn("Users.resetPassword")(function* (actor: Actor, username: string, password: string) {
    const name = yield* decodeUsername(username)
    const { password: next } = yield* decodeReset({ password })
    const action = `reset the password of user '${name}'`
    const passwordHash = (yield* preparePassword(actor, action, next, name)) as PasswordHash
    return yield* adminWrite(actor, action, (op) =>
      Effect.gen(function* () {
        yield* ensurePolicy(op, next, name)
        const user = yield* getUser(op.tx, name, true)
        yield* assertNotSystem(user, USER_ACTION.setPassword)
        const row = nextUserRow(op, user, { passwordHash })
        yield* rewriteUser(op, row)
        // A password reset signs the user out everywhere.
        yield* op.tx.deleteUserSessions(name)
        yield* audit(op, "user.modify", { type: "user", name }, { password: "changed" })
        return toUser({ ...row, groups: user.groups })
      })
    )
  })

  const setEnabled = (enabled: boolean) =>
    Effect.fn(enabled ? "Users.enable" : "Users.disable")(function* (
      actor: Actor,
      username: string,
      options: DryRun = {}
    ) {
      const name = yield* decodeUsername(username)
      const verb = enabled ? USER_ACTION.enable : USER_ACTION.disable
      return yield* adminWrite(
        actor,
        `${verb} user '${name}'`,
        (op) =>
          Effect.gen(function* () {
            if (!enabled) yield* lockAdminGroup(op)
            const user = yield* getUser(op.tx, name, true)
            yield* assertNotSystem(user, verb)
            if (user.enabled === enabled) return toUser(user)
            if (!enabled) {
              yield* ensureNotSelf(op, user, USER_ACTION.disable)
              yield* ensureAdminsRemain(op, [user])
            }
            const row = nextUserRow(op, user, { enabled })
            yield* rewriteUser(op, row)
            // A disabled user loses its sessions at once, not when they expire.
            if (!enabled) yield* op.tx.deleteUserSessions(name)
            yield* audit(op, enabled ? "user.enable" : "user.disable", { type: "user", name }, { enabled })
            return toUser({ ...row, groups: user.groups })
          }),
        options
      )
    })

  const membership = (kind: "add" | "remove") =>
    Effect.fn(kind === "add" ? "Users.addToGroup" : "Users.removeFromGroup")(function* (
      actor: Actor,
      username: string,
      group: string,
      options: DryRun = {}
    ) {
      const name = yield* decodeUsername(username)
      const groupName = yield* decodeGroupName(group)
      const action = kind === "add" ? `add user '${name}' to a group` : `remove user '${name}' from a group`
      return yield* adminWrite(
        actor,
        action,
        (op) =>
          changeMemberships(op, [{ username: name, group: groupName, kind }], groupName).pipe(
            Effect.map((result) => toUser(result.users.get(name) as UserRecord))
          ),
        options
      )
    })

  return {
    create,
    modify,
    resetPassword,
    remove,
    enable: setEnabled(true),
    disable: setEnabled(false),
    addToGroup: membership("add"),
    removeFromGroup: membership("remove")
  }
}

const addChange = (username: Username, group: GroupName) => ({ username, group, kind: "add" as const })
const removeChange = (username: Username, group: GroupName) => ({ username, group, kind: "remove" as const })
const strip = ({ groups: _groups, ...row }: UserRecord) => row
