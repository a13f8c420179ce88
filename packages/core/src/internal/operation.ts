import { Clock, Effect, Option, Schema } from "effect"
import type { Actor } from "../Actor.js"
import { auditName, type TokenScope } from "../ApiToken.js"
import type { AuditAction, AuditEntry, NewAuditEntry } from "../AuditEntry.js"
import type { Directory, DirectoryTransaction, GroupRow, SessionRow, UserRecord, UserRow } from "../Directory.js"
import type { DirectoryConfigShape } from "../DirectoryConfig.js"
import type { StorageError } from "../Errors.js"
import {
  ConcurrentModification,
  ExpectedVersion,
  Forbidden,
  GroupNotFound,
  type SystemUserImmutable,
  Unauthenticated,
  UserNotFound
} from "../Errors.js"
import { GROUP_MEMBER_PREVIEW } from "../Group.js"
import type { GroupName } from "../Names.js"
import { decodeInput } from "./decode.js"
import { systemUserRefusal } from "./recordRules.js"
import { toGroup } from "./records.js"
import { currentSettings } from "./settings.js"

/**
 * Who runs an operation: an administrator (its user record), or an API token acting with its scope's rights. `username`
 * is the name the audit trail records: the user's, or `token:NAME`, which no user can hold (so no rule about oneself
 * ever matches a token).
 */
export interface Acting {
  readonly username: string
  /** The user's groups; a token is in none. */
  readonly groups: ReadonlyArray<GroupName>
  /** Set when an API token acts: its name and scope. */
  readonly token?: { readonly name: string; readonly scope: TokenScope } | undefined
}

/** Whether an operation only reads (a token of scope `read` may run it) or changes something. */
export type Access = "read" | "write"

/** What every rule inside one transaction needs: the store, the settings, who asks, and the time of the change. */
export interface Operation {
  readonly tx: DirectoryTransaction
  readonly config: DirectoryConfigShape
  readonly actor: Acting
  readonly now: Date
  /** What every audit entry of the operation carries besides its changes (an import's id). */
  readonly auditContext?: Record<string, unknown>
}

/** Why a session token is refused: it names no session that is still open. */
export const sessionEnded = new Unauthenticated({ reason: "the session has expired, was revoked or never existed" })

/** Whether a stored session is still open at `now` (epoch milliseconds). */
export const isOpen = (session: SessionRow, now: number): boolean => session.expiresAt.getTime() > now

/** Why an API token is refused: it names no token that is still valid. */
export const tokenEnded = new Unauthenticated({ reason: "the API token has expired, was revoked or never existed" })

/**
 * Resolves an API token's actor inside the transaction: refused when the token is unknown or expired, when it was sent
 * to endpoints its scope is not for (`scim` tokens to the SCIM endpoints only, the others never there), or when
 * `access` is a change and its scope only reads.
 */
export const resolveToken = (
  tx: DirectoryTransaction,
  { tokenHash, channel }: { readonly tokenHash: string; readonly channel: "api" | "scim" },
  action: string,
  access: Access
): Effect.Effect<Acting, Unauthenticated | Forbidden | StorageError> =>
  Effect.gen(function* () {
    const found = yield* tx.findApiToken(tokenHash)
    if (Option.isNone(found)) return yield* tokenEnded
    const token = found.value
    if (token.expiresAt !== null && token.expiresAt.getTime() <= (yield* Clock.currentTimeMillis)) {
      return yield* tokenEnded
    }
    const username = auditName(token.name)
    if ((token.scope === "scim") !== (channel === "scim")) {
      return yield* new Forbidden({ actor: username, action, reason: { _tag: "TokenChannel", scope: token.scope } })
    }
    if (access === "write" && token.scope === "read") {
      return yield* new Forbidden({ actor: username, action, reason: { _tag: "ReadOnlyToken" } })
    }
    return { username, groups: [], token: { name: token.name, scope: token.scope } }
  })

/**
 * Resolves the actor to an enabled user (authentication), inside the transaction. An API token is refused: what a user
 * does for itself (its own record, its password) a token cannot.
 */
export const resolveActor = (
  tx: DirectoryTransaction,
  actor: Actor,
  action: string
): Effect.Effect<UserRecord, Unauthenticated | Forbidden | StorageError> =>
  Effect.gen(function* () {
    if (actor._tag === "Anonymous") return yield* new Unauthenticated({ reason: "nobody is signed in" })
    if (actor._tag === "Token") {
      const token = yield* resolveToken(tx, actor, action, "read")
      return yield* new Forbidden({ actor: token.username, action, reason: { _tag: "TokenNotAUser" } })
    }
    let username: string
    let found: Option.Option<UserRecord>
    if (actor._tag === "Session") {
      const signedIn = yield* tx.findSessionUser(actor.tokenHash)
      if (Option.isNone(signedIn) || !isOpen(signedIn.value.session, yield* Clock.currentTimeMillis)) {
        return yield* sessionEnded
      }
      username = signedIn.value.user.username
      found = Option.some(signedIn.value.user)
    } else {
      username = actor.username
      found = yield* tx.findUser(username)
    }
    if (Option.isNone(found)) {
      return yield* new Unauthenticated({ reason: `there is no user named '${username}'` })
    }
    if (!found.value.enabled) {
      return yield* new Forbidden({ actor: username, action, reason: { _tag: "AccountDisabled" } })
    }
    return found.value
  })

/**
 * Whether a stored user is an administrator: an enabled member of the admin group that is not a system user (a system
 * user never signs in and can never be changed, so an administrator among them could never be revoked).
 */
export const isAdmin = (user: UserRecord, config: DirectoryConfigShape): boolean =>
  user.enabled && !user.system && user.groups.includes(config.adminGroup as UserRecord["groups"][number])

/**
 * Starts an operation that only administrators (and API tokens) may run, on the directory's settings read in this
 * transaction (`defaults` when it has none stored). `access` says whether it only reads: a token of scope `read` runs
 * only those (a change is the default, so that an operation nobody marked is refused to it).
 */
export const asAdmin = (
  tx: DirectoryTransaction,
  defaults: DirectoryConfigShape,
  actor: Actor,
  action: string,
  access: Access = "write"
): Effect.Effect<Operation, Unauthenticated | Forbidden | StorageError> =>
  Effect.gen(function* () {
    const config = yield* currentSettings(tx, defaults)
    if (actor._tag === "Token") {
      const token = yield* resolveToken(tx, actor, action, access)
      return { tx, config, actor: token, now: new Date(yield* Clock.currentTimeMillis) } satisfies Operation
    }
    const user = yield* resolveActor(tx, actor, action)
    if (!isAdmin(user, config)) {
      return yield* new Forbidden({
        actor: user.username,
        action,
        reason: user.system ? { _tag: "SystemUser" } : { _tag: "NotAdministrator", adminGroup: config.adminGroup }
      })
    }
    const now = new Date(yield* Clock.currentTimeMillis)
    return { tx, config, actor: user, now } satisfies Operation
  })

/** What `Permissions` computes each record's permissions from, for an operation an administrator runs. */
export const permissionContextOf = (op: Operation): { readonly actor: string; readonly adminGroup: string } => ({
  actor: op.actor.username,
  adminGroup: op.config.adminGroup
})

/**
 * Runs `body` as an admin in one write transaction, rolled back for a dry run (every rule checked, nothing changed):
 * how every administrator's change of users and groups runs.
 */
export const adminWriter =
  (directory: Directory["Type"], config: DirectoryConfigShape) =>
  <A, E>(
    actor: Actor,
    action: string,
    body: (op: Operation) => Effect.Effect<A, E>,
    options: { readonly dryRun?: boolean } = {}
  ) =>
    directory.write(
      (tx) => asAdmin(tx, config, actor, action).pipe(Effect.flatMap(body)),
      options.dryRun === true ? "rollback" : "commit"
    )

/** The options of a change to one record that the caller may have read first, decoded: `expectedVersion`, `dryRun`. */
export const decodeVersioned = decodeInput(
  Schema.Struct({ expectedVersion: Schema.optional(ExpectedVersion), dryRun: Schema.optional(Schema.Boolean) })
)

/**
 * Optimistic concurrency: refuses a change made to a record whose version is no longer the one the caller saw (or none
 * of those it names). Called inside the change's transaction, on the row it locked.
 */
export const ensureVersion = (
  kind: "user" | "group",
  name: string,
  actualVersion: number,
  expectedVersion: ExpectedVersion | undefined
): Effect.Effect<void, ConcurrentModification> =>
  expectedVersion === undefined ||
  (typeof expectedVersion === "number" ? expectedVersion === actualVersion : expectedVersion.includes(actualVersion))
    ? Effect.void
    : new ConcurrentModification({ kind, name, expectedVersion, actualVersion })

/** Reads a user that must exist, optionally locking its row. */
export const getUser = (tx: DirectoryTransaction, username: string, forUpdate = false) =>
  tx
    .findUser(username, { forUpdate })
    .pipe(Effect.flatMap(Option.match({ onNone: () => new UserNotFound({ username }), onSome: Effect.succeed })))

/** Reads a group that must exist, with its members, optionally locking its row. */
export const getGroup = (tx: DirectoryTransaction, name: string, forUpdate = false) =>
  tx
    .findGroup(name, { forUpdate })
    .pipe(Effect.flatMap(Option.match({ onNone: () => new GroupNotFound({ name }), onSome: Effect.succeed })))

/**
 * Reads a group that must exist as an answer shows it: its member count and only its first members
 * (`GROUP_MEMBER_PREVIEW`), at the cost of a page whatever the group's size.
 */
export const groupAnswer = (tx: DirectoryTransaction, name: string) =>
  tx
    .findGroup(name, { memberPreview: GROUP_MEMBER_PREVIEW })
    .pipe(
      Effect.flatMap(
        Option.match({ onNone: () => new GroupNotFound({ name }), onSome: (record) => Effect.succeed(toGroup(record)) })
      )
    )

/** Reads the row of a group that must exist, without its members, optionally locking it. */
export const getGroupRow = (tx: DirectoryTransaction, name: string, forUpdate = false) =>
  tx
    .findGroupRow(name, { forUpdate })
    .pipe(Effect.flatMap(Option.match({ onNone: () => new GroupNotFound({ name }), onSome: Effect.succeed })))

/**
 * Reads the row of a group the directory's rules keep in existence (the admin group, a group a stored user is in),
 * locking it. Its absence is a broken store, not an answer for the caller: a defect.
 */
export const keptGroupRow = (tx: DirectoryTransaction, name: string) =>
  getGroupRow(tx, name, true).pipe(Effect.catchTag("GroupNotFound", (missing) => Effect.die(missing)))

/**
 * Reads the rows of groups that must all exist, in the order given, optionally locking them; a refusal names every
 * unknown group, not only the first.
 */
export const getGroupRows = (tx: DirectoryTransaction, names: ReadonlyArray<string>, forUpdate = false) =>
  Effect.gen(function* () {
    const rows: Array<GroupRow> = []
    const missing: Array<string> = []
    for (const name of names) {
      const row = yield* tx.findGroupRow(name, { forUpdate })
      if (Option.isSome(row)) rows.push(row.value)
      else missing.push(name)
    }
    if (missing.length > 0) {
      return yield* new GroupNotFound({ name: missing[0] as string, ...(missing.length > 1 ? { names: missing } : {}) })
    }
    return rows
  })

/** Invariant 2: a system user is never changed. */
export const assertNotSystem = (user: UserRecord, action: string): Effect.Effect<void, SystemUserImmutable> =>
  systemUserRefusal(user, action) ?? Effect.void

/**
 * The audit entry of a change made by this operation; `subjects` are the other users and groups it concerns, by which a
 * target filter finds it too.
 */
export const auditEntry = (
  op: Operation,
  action: AuditAction,
  target: { readonly type: AuditEntry["targetType"]; readonly name: string },
  changes: Record<string, unknown>,
  subjects: ReadonlyArray<string> = []
): NewAuditEntry => ({
  at: op.now,
  actor: op.actor.username,
  action,
  targetType: target.type,
  target: target.name,
  changes: op.auditContext === undefined ? changes : { ...changes, ...op.auditContext },
  ...(subjects.length === 0 ? {} : { subjects })
})

/** Appends the audit entry of a change (see `auditEntry`). */
export const audit = (...args: Parameters<typeof auditEntry>) => args[0].tx.appendAudit(auditEntry(...args))

/**
 * Stores a group's new row in place of `previous`. When what its members show of it changes (its name, its external
 * name), each member moves on to its next version too: a user's answer carries its groups' names, so a client holding
 * a member's version learns that the answer changed.
 */
export const storeGroupRow = (op: Operation, previous: GroupRow, row: GroupRow) =>
  Effect.gen(function* () {
    yield* op.tx.updateGroup(previous.name, row)
    if (row.name !== previous.name || row.externalName !== previous.externalName) {
      yield* op.tx.touchMembers(row.name as GroupName, op.now)
    }
  })

/**
 * A group's own row (never its members, when given a record that holds them) with a new version, stamped now, and
 * the given changes.
 */
export const nextGroupRow = (
  op: Pick<Operation, "now">,
  group: GroupRow,
  changes: Partial<Pick<GroupRow, "name" | "externalId" | "externalName">> = {}
): GroupRow => ({
  name: group.name,
  gid: group.gid,
  externalId: group.externalId,
  externalName: group.externalName,
  createdAt: group.createdAt,
  ...changes,
  updatedAt: op.now,
  version: group.version + 1
})

/**
 * The same group row with a new version, stamped now. Its name is the one it holds, so the store's name check
 * cannot refuse it: that refusal is a defect here, not an answer the caller could send.
 */
export const touchGroup = (op: Operation, group: GroupRow) =>
  op.tx
    .updateGroup(group.name, nextGroupRow(op, group))
    .pipe(Effect.catchTag("GroupNameTaken", (taken) => Effect.die(taken)))

/**
 * Writes a user row that keeps the stored email (a new version, enabled, password, memberships): the store's email
 * check cannot refuse the address the user already holds, so that refusal is a defect here, not an answer.
 */
export const rewriteUser = (op: Pick<Operation, "tx">, row: UserRow) =>
  op.tx.updateUser(row).pipe(Effect.catchTag("EmailTaken", (taken) => Effect.die(taken)))

/** The same user record with a new version, stamped now, and the given changes. */
export const nextUserRow = (op: Operation, user: UserRecord, changes: Partial<UserRecord> = {}) => {
  const { groups: _groups, ...row } = { ...user, ...changes }
  return { ...row, updatedAt: op.now, version: user.version + 1 }
}
