/**
 * The user use cases: every rule about users, on behalf of an actor, in one transaction each.
 *
 * @since 0.1.0
 */
import { Chunk, Clock, Context, Effect, Layer, Option, Redacted, Schema, Stream } from "effect"
import type { Actor } from "./Actor.js"
import { Directory, type DirectoryTransaction, type SortValue, type UserRecord, type UserRow } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import {
  EmailTaken,
  Forbidden,
  GroupMembershipRequired,
  InvalidInput,
  type StorageError,
  Unauthenticated,
  UsernameTaken
} from "./Errors.js"
import { ensureAdminsRemain, ensureNotSelf, lacksAdministrator, lockAdminGroup } from "./internal/adminGroup.js"
import { decodeInput } from "./internal/decode.js"
import { allocateGid } from "./internal/gidAllocator.js"
import { changeMemberships } from "./internal/membership.js"
import {
  adminWriter,
  asAdmin,
  assertNotSystem,
  audit,
  ensureVersion,
  getGroup,
  getGroupRow,
  getGroupRows,
  getUser,
  isAdmin,
  nextUserRow,
  type Operation,
  resolveActor,
  touchGroup
} from "./internal/operation.js"
import { toGroup, toUser } from "./internal/records.js"
import { userSortKey } from "./internal/search.js"
import { SignInName } from "./internal/signInName.js"
import { makeThrottle } from "./internal/throttle.js"
import { GroupName, Username } from "./Names.js"
import { DEFAULT_PAGE_SIZE, listQuery, MAX_PAGE_SIZE, type Page } from "./Page.js"
import { checkPolicy, Password, type PasswordHash } from "./Password.js"
import { PasswordHasher } from "./PasswordHasher.js"
import { CreateUser, ModifyUser, type User, UserSort } from "./User.js"

/**
 * Options of the operations that remove or take away something: `dryRun` checks every rule and returns what the
 * result would be, changing nothing.
 *
 * @category inputs
 * @since 0.1.0
 */
export interface DryRun {
  readonly dryRun?: boolean
}

/**
 * What `Users.bootstrap` takes: the first administrator (the admin group is named by `DirectoryConfig`).
 *
 * @category inputs
 * @since 0.1.0
 */
export const Bootstrap = CreateUser.pipe(Schema.omit("groups", "system"))

/**
 * The input of `Users.bootstrap`, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type Bootstrap = typeof Bootstrap.Encoded

/**
 * The query of `Users.list`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export const UserQuery = listQuery(UserSort)

/**
 * The input of `Users.list`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type UserQuery = typeof UserQuery.Encoded

/**
 * The query of `Users.stream`: a list query whose `limit` may be left out (everything) or go beyond one page.
 *
 * @category queries
 * @since 0.1.0
 */
export const UserStreamQuery = Schema.Struct({
  ...UserQuery.fields,
  limit: Schema.optional(Schema.NonNegativeInt),
  /** How many users each read fetches (default and most: `MAX_PAGE_SIZE`). */
  pageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_PAGE_SIZE)))
})

/**
 * The input of `Users.stream`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type UserStreamQuery = typeof UserStreamQuery.Encoded

/**
 * Why `Users.stream` can stop: bad input, the actor may not list users, or the store failed.
 *
 * @category errors
 * @since 0.1.0
 */
export type UserStreamError = InvalidInput | Unauthenticated | Forbidden | StorageError

const ChangePassword = Schema.Struct({ current: Password, next: Password })

/**
 * The input of `Users.changePassword`: the actor's current password and the new one.
 *
 * @category inputs
 * @since 0.1.0
 */
export type ChangePassword = typeof ChangePassword.Encoded

const Credentials = Schema.Struct({ username: SignInName, password: Password })

const decodeUsername = decodeInput(Username, "username")
const decodeGroupName = decodeInput(GroupName, "group name")
const decodeCreate = decodeInput(CreateUser)
const decodeModify = decodeInput(ModifyUser)
const decodeQuery = decodeInput(UserQuery)
const decodeStreamQuery = decodeInput(UserStreamQuery)
const decodeBootstrap = decodeInput(Bootstrap)
const decodeChangePassword = decodeInput(ChangePassword)
const decodeCredentials = decodeInput(Credentials)
const decodeSignInName = decodeInput(SignInName, "username")

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const throttle = makeThrottle(directory)
  const hasher = yield* PasswordHasher
  const config = yield* DirectoryConfig

  // A directory whose admin group holds no administrator (only system users, who never are one) still opens, and says
  // so. A store that cannot be read now is left to the first operation to report, with that operation's error.
  yield* directory
    .read((tx) => lacksAdministrator(tx, config.adminGroup))
    .pipe(
      Effect.flatMap((lacking) =>
        lacking
          ? Effect.logWarning(
              `The admin group '${config.adminGroup}' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME').`
            )
          : Effect.void
      ),
      Effect.orElse(() => Effect.void)
    )

  const hashChecked = (password: Password | undefined, username: string) =>
    password === undefined
      ? Effect.succeed(null)
      : checkPolicy(password, { username, minLength: config.minPasswordLength }).pipe(
          Effect.zipRight(hasher.hash(password))
        )

  const ensureEmailFree = (op: Operation, email: string | null, owner: string | null) =>
    email === null
      ? Effect.void
      : op.tx
          .findUsernameByEmail(email)
          .pipe(
            Effect.flatMap((found) =>
              Option.isSome(found) && found.value !== owner
                ? new EmailTaken({ email, username: found.value })
                : Effect.void
            )
          )

  const adminWrite = adminWriter(directory, config)

  /** Refuses early, before the slow password hash, when the actor may not run `action` at all. */
  const preauthorize = (actor: Actor, action: string) => directory.read((tx) => asAdmin(tx, config, actor, action))

  /**
   * Adds a new user to existing groups, in one transaction: refuses a taken username or email (before the groups are
   * read, so that a taken name is reported first), locks the groups' rows, stores the user and its memberships, and
   * gives each group a new version. The caller writes the audit entry.
   */
  const insertUser = (op: Operation, row: UserRow, groupNames: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      if (Option.isSome(yield* op.tx.findUser(row.username))) {
        return yield* new UsernameTaken({ username: row.username })
      }
      yield* ensureEmailFree(op, row.email, null)
      const groups = yield* getGroupRows(op.tx, groupNames, true)
      yield* op.tx.insertUser(row)
      for (const group of groups) {
        yield* op.tx.addMembership(row.username, group.name)
        yield* touchGroup(op, group)
      }
    })

  /**
   * Adds the administrator of `bootstrap` to a directory whose admin group has no administrator (only system users, who
   * never are one), in the admin group alone; the admin group's row is locked already.
   */
  const addAdministrator = (
    tx: DirectoryTransaction,
    admin: typeof Bootstrap.Type,
    passwordHash: PasswordHash | null
  ) =>
    Effect.gen(function* () {
      const now = new Date(yield* Clock.currentTimeMillis)
      const row = newUserRow(admin, passwordHash, now)
      const op: Operation = { tx, config, actor: { ...row, groups: [] }, now }
      yield* insertUser(op, row, [config.adminGroup])
      yield* audit(
        op,
        "directory.bootstrap",
        { type: "directory", name: config.adminGroup },
        {
          adminGroup: config.adminGroup,
          admin: row.username,
          reason: "the admin group had no enabled member that is not a system user"
        }
      )
      const record = yield* getGroup(tx, config.adminGroup)
      return { group: toGroup(record), user: toUser({ ...row, groups: [record.name] }) }
    })

  const bootstrap = Effect.fn("Users.bootstrap")(function* (input: Bootstrap) {
    const admin = yield* decodeBootstrap(input)
    const passwordHash = yield* hashChecked(admin.password, admin.username)
    return yield* directory.write((tx) =>
      Effect.gen(function* () {
        if (!(yield* tx.isEmpty)) {
          // Only system users in the admin group, who never administer: the administrator is added to it instead.
          if (yield* lacksAdministrator(tx, config.adminGroup, true)) {
            return yield* addAdministrator(tx, admin, passwordHash)
          }
          return yield* new Forbidden({
            actor: admin.username,
            action: "bootstrap the directory",
            reason: "it already has users or groups"
          })
        }
        const now = new Date(yield* Clock.currentTimeMillis)
        const row = newUserRow(admin, passwordHash, now)
        const op: Operation = { tx, config, actor: { ...row, groups: [] }, now }
        const groupName = config.adminGroup as GroupName
        const gid = yield* allocateGid(op)
        yield* tx.insertGroup({ name: groupName, gid, createdAt: now, updatedAt: now, version: 1 })
        yield* tx.insertUser(row)
        yield* tx.addMembership(admin.username, groupName)
        yield* audit(
          op,
          "directory.bootstrap",
          { type: "directory", name: groupName },
          {
            adminGroup: groupName,
            gid,
            admin: admin.username
          }
        )
        return {
          group: toGroup({
            name: groupName,
            gid,
            members: [admin.username],
            createdAt: now,
            updatedAt: now,
            version: 1
          }),
          user: toUser({ ...row, groups: [groupName] })
        }
      })
    )
  })

  const whoAmI = Effect.fn("Users.whoAmI")(function* (actor: Actor) {
    return yield* directory.read((tx) =>
      resolveActor(tx, actor, "read its own record").pipe(
        Effect.map((user) => ({ user: toUser(user), admin: isAdmin(user, config) }))
      )
    )
  })

  const normalize = (decoded: typeof UserQuery.Type) =>
    ({
      search: (decoded.search ?? "").trim().toLowerCase(),
      sort: decoded.sort ?? "username",
      order: decoded.order ?? "asc",
      limit: decoded.limit ?? DEFAULT_PAGE_SIZE,
      offset: decoded.offset ?? 0
    }) as const

  const list = Effect.fn("Users.list")(function* (actor: Actor, query: UserQuery = {}) {
    const normalized = normalize(yield* decodeQuery(query))
    return yield* directory.read((tx) =>
      Effect.gen(function* () {
        yield* asAdmin(tx, config, actor, "list users")
        const { items, total } = yield* tx.listUsers({ ...normalized, count: true })
        return {
          items: items.map(toUser),
          total: total ?? items.length,
          offset: normalized.offset,
          limit: normalized.limit
        } satisfies Page<User>
      })
    )
  })

  /**
   * Every match, in order, page by page: `offset` users are skipped and at most `limit` are emitted (all when it is
   * left out). Each page is one read transaction that continues after the last user of the previous page (keyset
   * paging, so that the millionth user costs as little as the first) and counts nothing.
   */
  const stream = (actor: Actor, query: UserStreamQuery = {}): Stream.Stream<User, UserStreamError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const { limit, pageSize = MAX_PAGE_SIZE, ...rest } = yield* decodeStreamQuery(query)
        if (limit === 0) return Stream.empty
        const normalized = normalize(rest)
        const page = (after: ReadonlyArray<SortValue> | undefined, left: number) =>
          directory.read((tx) =>
            Effect.gen(function* () {
              yield* asAdmin(tx, config, actor, "list users")
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

  const get = Effect.fn("Users.get")(function* (actor: Actor, username: string) {
    const name = yield* decodeUsername(username)
    return yield* directory.read((tx) =>
      Effect.gen(function* () {
        const self = yield* resolveActor(tx, actor, `read user '${name}'`)
        if (self.username !== name && !isAdmin(self, config)) {
          return yield* new Forbidden({
            actor: self.username,
            action: `read user '${name}'`,
            reason: "only administrators may read other users"
          })
        }
        return toUser(self.username === name ? self : yield* getUser(tx, name))
      })
    )
  })

  const create = Effect.fn("Users.create")(function* (actor: Actor, input: CreateUser) {
    const user = yield* decodeCreate(input)
    if (user.system === true && user.password !== undefined) {
      return yield* new InvalidInput({
        field: "password",
        reason: "a system user holds none, since system users never sign in"
      })
    }
    if (user.groups.length === 0) {
      return yield* new GroupMembershipRequired({ usernames: [user.username], group: null })
    }
    if (user.password !== undefined) yield* preauthorize(actor, "create users")
    const passwordHash = yield* hashChecked(user.password, user.username)
    return yield* adminWrite(actor, "create users", (op) =>
      Effect.gen(function* () {
        const groupNames = [...new Set(user.groups)].sort()
        const row = newUserRow(user, passwordHash, op.now)
        yield* insertUser(op, row, groupNames)
        yield* audit(
          op,
          "user.create",
          { type: "user", name: row.username },
          {
            firstName: row.firstName,
            lastName: row.lastName,
            email: row.email,
            system: row.system,
            groups: groupNames,
            ...(passwordHash === null ? {} : { password: "set" })
          },
          groupNames
        )
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
    if (changes.password !== undefined) yield* preauthorize(actor, `modify user '${name}'`)
    const passwordHash = yield* hashChecked(changes.password, name)
    return yield* adminWrite(actor, `modify user '${name}'`, (op) =>
      Effect.gen(function* () {
        if (changes.groups?.includes(op.config.adminGroup as GroupName) === false) yield* lockAdminGroup(op)
        const current = yield* getUser(op.tx, name, true)
        yield* assertNotSystem(current, "modify")
        yield* ensureVersion("user", current.username, current.version, changes.expectedVersion)

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
        if (Object.keys(fields).length === 0) return toUser(record)
        const row = record === current ? nextUserRow(op, current, next) : { ...strip(record), ...next }
        // A change of groups alone already stored the user's new version.
        if (record === current || Object.keys(next).length > 0) yield* op.tx.updateUser(row)
        // A password reset signs the user out everywhere.
        if (passwordHash !== null) yield* op.tx.deleteUserSessions(name)
        yield* audit(op, "user.modify", { type: "user", name }, fields, subjects)
        return toUser({ ...row, groups: record.groups })
      })
    )
  })

  const remove = Effect.fn("Users.remove")(function* (actor: Actor, username: string, options: DryRun = {}) {
    const name = yield* decodeUsername(username)
    return yield* adminWrite(
      actor,
      `delete user '${name}'`,
      (op) =>
        Effect.gen(function* () {
          yield* lockAdminGroup(op)
          const user = yield* getUser(op.tx, name, true)
          yield* assertNotSystem(user, "delete")
          yield* ensureNotSelf(op, user, "delete")
          yield* ensureAdminsRemain(op, [user])
          for (const groupName of user.groups) yield* touchGroup(op, yield* getGroupRow(op.tx, groupName, true))
          yield* op.tx.deleteUserSessions(user.username)
          yield* op.tx.deleteUser(user.username)
          yield* audit(op, "user.delete", { type: "user", name }, { groups: user.groups }, user.groups)
          return toUser(user)
        }),
      options
    )
  })

  const setEnabled = (enabled: boolean) =>
    Effect.fn(enabled ? "Users.enable" : "Users.disable")(function* (
      actor: Actor,
      username: string,
      options: DryRun = {}
    ) {
      const name = yield* decodeUsername(username)
      const verb = enabled ? "enable" : "disable"
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
              yield* ensureNotSelf(op, user, "disable")
              yield* ensureAdminsRemain(op, [user])
            }
            const row = nextUserRow(op, user, { enabled })
            yield* op.tx.updateUser(row)
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

  const changePassword = Effect.fn("Users.changePassword")(function* (
    actor: Actor,
    input: ChangePassword,
    options: { readonly address?: string } = {}
  ) {
    const { current, next } = yield* decodeChangePassword(input)
    const self = yield* directory.read((tx) => resolveActor(tx, actor, "change its password"))
    yield* assertNotSystem(self, "change password")
    // Throttled as sign-in is: a stolen session must not be a way to guess the password it was opened with.
    const reservation = yield* throttle.reserve(self.username, options.address)
    yield* throttle.checked(
      reservation,
      (error) => error._tag === "Forbidden",
      Effect.gen(function* () {
        const matches = self.passwordHash !== null && (yield* hasher.verify(current, self.passwordHash))
        if (!matches) {
          return yield* new Forbidden({
            actor: self.username,
            action: "change its password",
            reason: "the current password is not correct"
          })
        }
        const passwordHash = (yield* hashChecked(next, self.username)) as PasswordHash
        yield* directory.write((tx) =>
          Effect.gen(function* () {
            yield* throttle.succeeded(tx, reservation)
            const user = yield* resolveActor(tx, actor, "change its password")
            yield* ensureVersion("user", user.username, user.version, self.version)
            const op: Operation = { tx, config, actor: user, now: new Date(yield* Clock.currentTimeMillis) }
            yield* tx.updateUser(nextUserRow(op, user, { passwordHash }))
            // Every session of the user ends, so that whoever knew the old password is signed out too.
            yield* tx.deleteUserSessions(user.username)
            yield* audit(op, "user.password", { type: "user", name: user.username }, { password: "changed" })
          })
        )
      })
    )
  })

  const dummyHash = yield* Effect.cached(hasher.hash(Redacted.make("not a real password") as Password))

  const authenticate = Effect.fn("Users.authenticate")(function* (username: string, password: string) {
    const refused = new Unauthenticated({ reason: "the username or password is not correct" })
    yield* decodeSignInName(username)
    const credentials = yield* decodeCredentials({ username, password }).pipe(Effect.mapError(() => refused))
    const found = yield* directory.read((tx) => tx.findUser(credentials.username))
    const user = Option.getOrNull(found)
    // The same argon2 work whether or not the user exists, so that timing does not reveal usernames.
    const hash = user?.passwordHash ?? (yield* dummyHash)
    const matches = yield* hasher.verify(credentials.password, hash)
    // A disabled account is answered as a wrong password is: only whoever knows the password could learn its state.
    // A system user never signs in, even with a hash stored before that rule, and is answered the same way.
    if (user === null || user.passwordHash === null || !matches || !user.enabled || user.system) return yield* refused
    return toUser(user)
  })

  return {
    /**
     * Creates the admin group and the first administrator in an empty directory, or adds an administrator to a
     * directory that has none (its admin group holding only system users).
     */
    bootstrap,
    /** The actor's own record and whether it is an administrator. */
    whoAmI,
    /** A page of users matching a search, sorted, with the exact total (admins). */
    list,
    /** Every user matching a search, in order, read page by page as it is consumed (admins). */
    stream,
    /** One user (admins, or the user itself). */
    get,
    /** Creates a user in at least one existing group (admins). */
    create,
    /** Changes a user's details, replaces its group set, or resets its password (admins). */
    modify,
    /** Deletes a user and ends its sessions (admins; `dryRun` supported). */
    remove,
    /** Enables a user (admins). */
    enable: setEnabled(true),
    /** Disables a user and ends its sessions (admins; `dryRun` supported). */
    disable: setEnabled(false),
    /** Adds a user to a group (admins). */
    addToGroup: membership("add"),
    /** Removes a user from a group (admins; `dryRun` supported). */
    removeFromGroup: membership("remove"),
    /** Changes the actor's own password, given the current one, and ends every session of the actor. */
    changePassword,
    /** Checks a username and password for signing in; the same work whether or not the user exists. */
    authenticate
  }
})

/** The row of a new user, as `create` and `bootstrap` store it. */
const newUserRow = (
  user: Pick<typeof CreateUser.Type, "username" | "firstName" | "lastName" | "email" | "system">,
  passwordHash: PasswordHash | null,
  now: Date
): UserRow => ({
  username: user.username,
  firstName: user.firstName ?? "",
  lastName: user.lastName ?? "",
  email: user.email ?? null,
  enabled: true,
  system: user.system ?? false,
  passwordHash,
  createdAt: now,
  updatedAt: now,
  version: 1
})

const addChange = (username: Username, group: GroupName) => ({ username, group, kind: "add" as const })
const removeChange = (username: Username, group: GroupName) => ({ username, group, kind: "remove" as const })
const strip = ({ groups: _groups, ...row }: UserRecord) => row

/**
 * The user use cases.
 *
 * @category services
 * @since 0.1.0
 */
export class Users extends Context.Tag("@user-manager/core/Users")<Users, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory`, a `PasswordHasher` and (optionally) a `DirectoryConfig`. */
  static readonly layer = Layer.effect(this, make)
}
