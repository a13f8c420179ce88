import { Clock, Effect, Option, Schema } from "effect"
import type { UserRow } from "../../Directory.js"
import { Forbidden } from "../../Errors.js"
import type { GroupName } from "../../Names.js"
import type { PasswordHash } from "../../Password.js"
import { CreateUser } from "../../User.js"
import { lacksAdministrator } from "../adminGroup.js"
import { decodeInput } from "../decode.js"
import { allocateGid } from "../gidAllocator.js"
import { audit, getGroup, type Operation } from "../operation.js"
import { toGroup, toUser } from "../records.js"
import { hashNewPassword, insertUser, newUserRow, type UserServices } from "./rules.js"

/** What `Users.bootstrap` takes: the first administrator (the admin group is named by `DirectoryConfig`). */
export const Bootstrap = CreateUser.pipe(Schema.omit("groups", "system"))

const decodeBootstrap = decodeInput(Bootstrap)

/**
 * The warning for a directory whose admin group holds no administrator (only system users, who never are one), if it
 * is one: it still opens, but nobody can manage it until `Users.bootstrap` adds an administrator.
 */
export const administratorWarning = ({ directory, config }: Pick<UserServices, "directory" | "config">) =>
  directory
    .read((tx) => lacksAdministrator(tx, config.adminGroup))
    .pipe(
      Effect.map((lacking) =>
        lacking
          ? Option.some(
              `The admin group '${config.adminGroup}' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME').`
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
      yield* insertUser(op, row, [config.adminGroup])
      yield* audit(
        op,
        "directory.bootstrap",
        { type: "directory", name: config.adminGroup },
        {
          adminGroup: config.adminGroup,
          admin: row.username,
          ...createdFields(row),
          reason: "the admin group had no enabled member that is not a system user"
        }
      )
      const record = yield* getGroup(op.tx, config.adminGroup)
      return { group: toGroup(record), user: toUser({ ...row, groups: [record.name] }) }
    })

  /** Creates the admin group and its first administrator in an empty directory. */
  const createAdministrator = (op: Operation, row: UserRow) =>
    Effect.gen(function* () {
      const { tx, now } = op
      const groupName = config.adminGroup as GroupName
      const gid = yield* allocateGid(op)
      yield* tx.insertGroup({ name: groupName, gid, createdAt: now, updatedAt: now, version: 1 })
      yield* tx.insertUser(row)
      yield* tx.addMembership(row.username, groupName)
      yield* audit(
        op,
        "directory.bootstrap",
        { type: "directory", name: groupName },
        { adminGroup: groupName, gid, admin: row.username, ...createdFields(row) }
      )
      return {
        group: toGroup({ name: groupName, gid, members: [row.username], createdAt: now, updatedAt: now, version: 1 }),
        user: toUser({ ...row, groups: [groupName] })
      }
    })

  /** The admin and its row, decoded and hashed before any transaction. */
  const prepare = (input: typeof Bootstrap.Encoded) =>
    Effect.gen(function* () {
      const admin = yield* decodeBootstrap(input)
      const passwordHash = yield* hashNewPassword(services, admin.password, admin.username)
      return { admin, passwordHash }
    })

  const rowAndOperation = (tx: Operation["tx"], admin: typeof Bootstrap.Type, passwordHash: PasswordHash | null) =>
    Effect.map(Clock.currentTimeMillis, (millis) => {
      const now = new Date(millis)
      const row = newUserRow(admin, passwordHash, now)
      const op: Operation = { tx, config, actor: { ...row, groups: [] }, now }
      return { row, op }
    })

  return {
    bootstrap: Effect.fn("Users.bootstrap")(function* (input: typeof Bootstrap.Encoded) {
      const { admin, passwordHash } = yield* prepare(input)
      return yield* directory.write((tx) =>
        Effect.gen(function* () {
          const empty = yield* tx.isEmpty
          // Only system users in the admin group, who never administer: the administrator is added to it instead.
          if (!empty && !(yield* lacksAdministrator(tx, config.adminGroup, true))) {
            return yield* new Forbidden({
              actor: admin.username,
              action: "bootstrap the directory",
              reason: "it already has users or groups"
            })
          }
          const { row, op } = yield* rowAndOperation(tx, admin, passwordHash)
          return yield* empty ? createAdministrator(op, row) : addAdministrator(op, row)
        })
      )
    }),
    /**
     * Sets up an empty directory as `bootstrap` does; a directory that is not empty (another process set it up first,
     * even in the same instant) is left as it is, and the answer is none.
     */
    bootstrapIfEmpty: Effect.fn("Users.bootstrapIfEmpty")(function* (input: typeof Bootstrap.Encoded) {
      const { admin, passwordHash } = yield* prepare(input)
      return yield* directory.write((tx) =>
        Effect.gen(function* () {
          if (!(yield* tx.isEmpty)) return Option.none()
          const { row, op } = yield* rowAndOperation(tx, admin, passwordHash)
          return Option.some(yield* createAdministrator(op, row))
        })
      )
    })
  }
}
