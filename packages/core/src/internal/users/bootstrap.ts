import { Clock, Effect, Option, Schema } from "effect"
import type { UserRow } from "../../Directory.js"
import type { DirectoryConfigShape } from "../../DirectoryConfig.js"
import { Forbidden, InvalidInput } from "../../Errors.js"
import type { GroupName } from "../../Names.js"
import type { PasswordHash } from "../../Password.js"
import { SettingsChange } from "../../Settings.js"
import { CreateUser } from "../../User.js"
import { lacksAdministrator } from "../adminGroup.js"
import { decodeInput } from "../decode.js"
import { allocateGid } from "../gidAllocator.js"
import { audit, groupAnswer, type Operation } from "../operation.js"
import { toGroup, toUser } from "../records.js"
import { checkBounds, currentSettings } from "../settings.js"
import { ensurePolicy, hashNewPassword, insertUser, newUserRow, type UserServices } from "./rules.js"

/** What `Users.bootstrap` takes: the first administrator (the admin group is named by the directory's settings). */
export const Bootstrap = CreateUser.pipe(Schema.omit("groups", "system"))

const decodeBootstrap = decodeInput(Bootstrap)
const decodeChange = decodeInput(SettingsChange, "settings")

/**
 * The warning for a directory whose admin group holds no administrator (only system users, who never are one), if it
 * is one: it still opens, but nobody can manage it until `Users.bootstrap` adds an administrator.
 */
export const administratorWarning = ({ directory, config }: Pick<UserServices, "directory" | "config">) =>
  directory
    .read((tx) =>
      Effect.flatMap(currentSettings(tx, config), ({ adminGroup }) =>
        Effect.map(lacksAdministrator(tx, adminGroup), (lacking) => ({ lacking, adminGroup }))
      )
    )
    .pipe(
      Effect.map(({ lacking, adminGroup }) =>
        lacking
          ? Option.some(
              `The admin group '${adminGroup}' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME').`
            )
          : Option.none()
      )
    )

/** What the audit entry of a bootstrap records of the administrator it creates, as a user's creation does. */
const createdFields = (row: UserRow) => ({
  firstName: row.firstName,
  lastName: row.lastName,
  email: row.email,
  ...(row.passwordHash === null ? {} : { password: "set" })
})

/** `Users.bootstrap`: the admin group and the first administrator of an empty directory, or of one that has none. */
export const makeBootstrap = (services: UserServices) => {
  const { directory, config } = services

  /**
   * Adds the administrator to a directory whose admin group has no administrator (only system users, who never are
   * one), in the admin group alone; the admin group's row is locked already.
   */
  const addAdministrator = (op: Operation, row: UserRow) =>
    Effect.gen(function* () {
      yield* insertUser(op, row, [op.config.adminGroup])
      yield* audit(
        op,
        "directory.bootstrap",
        { type: "directory", name: op.config.adminGroup },
        {
          adminGroup: op.config.adminGroup,
          admin: row.username,
          ...createdFields(row),
          reason: "the admin group had no enabled member that is not a system user"
        }
      )
      const group = yield* groupAnswer(op.tx, op.config.adminGroup)
      return { group, user: toUser({ ...row, groups: [group.name] }) }
    })

  /** Creates the admin group and its first administrator in an empty directory. */
  const createAdministrator = (op: Operation, row: UserRow) =>
    Effect.gen(function* () {
      const { tx, now } = op
      const groupName = op.config.adminGroup as GroupName
      const gid = yield* allocateGid(op)
      const group = {
        name: groupName,
        gid,
        externalId: null,
        externalName: null,
        createdAt: now,
        updatedAt: now,
        version: 1
      }
      yield* tx.insertGroup(group)
      yield* tx.insertUser(row, [group])
      yield* audit(
        op,
        "directory.bootstrap",
        { type: "directory", name: groupName },
        {
          adminGroup: groupName,
          gid,
          admin: row.username,
          ...createdFields(row),
          gidMin: op.config.gidMin,
          gidMax: op.config.gidMax,
          minPasswordLength: op.config.minPasswordLength
        }
      )
      return {
        group: toGroup({ ...group, memberCount: 1, members: [row.username] }),
        user: toUser({ ...row, groups: [groupName] })
      }
    })

  /**
   * The admin and its row, decoded and hashed before any transaction, and the settings given for a new directory; the
   * password is checked against the settings the directory would have, and again in the write.
   */
  const prepare = (input: typeof Bootstrap.Encoded, change: SettingsChange) =>
    Effect.gen(function* () {
      const admin = yield* decodeBootstrap(input)
      const given = yield* decodeChange(change)
      const settings = { ...(yield* directory.read((tx) => currentSettings(tx, config))), ...given }
      yield* checkBounds(settings)
      const passwordHash = yield* hashNewPassword(services, admin.password, admin.username, settings)
      return { admin, passwordHash, given }
    })

  /**
   * The settings a bootstrap runs on: on an empty directory, those it had (the host's, unless stored) with the given
   * ones, stored now so that every process on the directory follows them; else the directory's own, none given.
   */
  const settingsOf = (tx: Operation["tx"], empty: boolean, given: Partial<DirectoryConfigShape>) =>
    Effect.gen(function* () {
      const settings = { ...(yield* currentSettings(tx, config)), ...given }
      if (!empty) {
        if (Object.keys(given).length === 0) return settings
        return yield* new InvalidInput({
          field: "settings",
          reason: "the directory is set up already: an administrator changes its settings ('dt config set')"
        })
      }
      yield* checkBounds(settings)
      yield* tx.saveSettings(settings)
      return settings
    })

  const rowAndOperation = (
    tx: Operation["tx"],
    settings: DirectoryConfigShape,
    admin: typeof Bootstrap.Type,
    passwordHash: PasswordHash | null
  ) =>
    Effect.gen(function* () {
      const now = new Date(yield* Clock.currentTimeMillis)
      const row = newUserRow(admin, passwordHash, now)
      const op: Operation = { tx, config: settings, actor: { ...row, groups: [] }, now }
      yield* ensurePolicy(op, admin.password, admin.username)
      return { row, op }
    })

  return {
    bootstrap: Effect.fn("Users.bootstrap")(function* (input: typeof Bootstrap.Encoded, change: SettingsChange = {}) {
      const { admin, passwordHash, given } = yield* prepare(input, change)
      return yield* directory.write((tx) =>
        Effect.gen(function* () {
          const empty = yield* tx.isEmpty
          const settings = yield* settingsOf(tx, empty, given)
          // Only system users in the admin group, who never administer: the administrator is added to it instead.
          if (!empty && !(yield* lacksAdministrator(tx, settings.adminGroup, true))) {
            return yield* new Forbidden({
              actor: admin.username,
              action: "bootstrap the directory",
              reason: { _tag: "AlreadySetUp" }
            })
          }
          const { row, op } = yield* rowAndOperation(tx, settings, admin, passwordHash)
          return yield* empty ? createAdministrator(op, row) : addAdministrator(op, row)
        })
      )
    }),
    /**
     * Sets up an empty directory as `bootstrap` does; a directory that is not empty (another process set it up first,
     * even in the same instant) is left as it is, and the answer is none.
     */
    bootstrapIfEmpty: Effect.fn("Users.bootstrapIfEmpty")(function* (
      input: typeof Bootstrap.Encoded,
      change: SettingsChange = {}
    ) {
      const { admin, passwordHash, given } = yield* prepare(input, change)
      return yield* directory.write((tx) =>
        Effect.gen(function* () {
          if (!(yield* tx.isEmpty)) return Option.none()
          const settings = yield* settingsOf(tx, true, given)
          const { row, op } = yield* rowAndOperation(tx, settings, admin, passwordHash)
          return Option.some(yield* createAdministrator(op, row))
        })
      )
    })
  }
}
