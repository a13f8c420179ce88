/**
 * What an actor may do with one user or one group, as far as the record alone decides: a system user is read-only,
 * nobody disables or deletes itself, the admin group is neither renamed nor deleted, and only administrators change
 * anything. Each action is `true` (these rules allow it) or the refusal the write would fail with — its `_tag`, its
 * data and its sentence (`message`) — computed by the very rules the writes check. Rules that need a scan of the
 * directory (would a delete leave users without a group, would the admin group lose its last administrator) are not
 * decided here: a dry run answers them.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import type { Actor } from "./Actor.js"
import type { Directory, DirectoryTransaction } from "./Directory.js"
import type { DirectoryConfigShape } from "./DirectoryConfig.js"
import {
  Forbidden,
  ProtectedGroup,
  SelfLockout,
  type StorageError,
  SystemUserImmutable,
  type Unauthenticated
} from "./Errors.js"
import { asAdmin, permissionContextOf } from "./internal/operation.js"
import {
  GROUP_ACTION,
  isProtectedGroup,
  protectedGroupRefusal,
  selfRefusal,
  systemUserRefusal,
  USER_ACTION
} from "./internal/recordRules.js"
import { refusalEncoder, refusalSchema } from "./internal/refusal.js"

/**
 * A system user's action refused (`SystemUserImmutable`): the user and the action, and the error's sentence.
 *
 * @category schemas
 * @since 0.2.0
 */
export const SystemUserRefusal = refusalSchema(
  SystemUserImmutable,
  "SystemUserRefusal",
  "A system user is read-only: SystemUserImmutable's data (the user, the action) and its sentence"
)

/**
 * An actor's own disable or delete refused (`SelfLockout`): the user and the action, and the error's sentence.
 *
 * @category schemas
 * @since 0.2.0
 */
export const SelfLockoutRefusal = refusalSchema(
  SelfLockout,
  "SelfLockoutRefusal",
  "Nobody disables or deletes itself: SelfLockout's data (the user, the action) and its sentence"
)

/**
 * The admin group's rename or delete refused (`ProtectedGroup`): the group and the action, and the error's sentence.
 *
 * @category schemas
 * @since 0.2.0
 */
export const ProtectedGroupRefusal = refusalSchema(
  ProtectedGroup,
  "ProtectedGroupRefusal",
  "The admin group is neither renamed nor deleted: ProtectedGroup's data (the group, the action) and its sentence"
)

/**
 * Every change refused to an actor that is no administrator (`Forbidden`): the actor, the action and the reason, and
 * the error's sentence.
 *
 * @category schemas
 * @since 0.2.0
 */
export const ForbiddenRefusal = refusalSchema(
  Forbidden,
  "ForbiddenRefusal",
  "Only administrators change users and groups: Forbidden's data (the actor, the action, the reason) and its sentence"
)

/**
 * Why the rules the record alone decides refuse an action: the refusal the write would fail with, as data — its
 * `_tag`, its `message` (the sentence, in English) and its error's fields — so that a program or a translated
 * interface can word it from the tag and the data.
 *
 * @category schemas
 * @since 0.2.0
 */
export const Refusal = Schema.Union(
  SystemUserRefusal,
  SelfLockoutRefusal,
  ProtectedGroupRefusal,
  ForbiddenRefusal
).annotations({
  identifier: "RecordRefusal",
  description:
    "The refusal the change would fail with: its _tag, its message (the sentence, in English) and its error's data"
})

/**
 * @category schemas
 * @since 0.2.0
 */
export type Refusal = typeof Refusal.Type

/**
 * One action's permission: `true` when the record-local rules allow it, or the refusal the write would fail with.
 *
 * @category schemas
 * @since 0.2.0
 */
export const Permission = Schema.Union(Schema.Literal(true), Refusal).annotations({
  identifier: "Permission",
  description: "true when the rules the record alone decides allow the action; else the refusal, with its sentence"
})

/**
 * @category schemas
 * @since 0.2.0
 */
export type Permission = typeof Permission.Type

/** What refuses an action a system user's rule may refuse (and not the actor's own). */
const SystemOrForbidden = Schema.Union(SystemUserRefusal, ForbiddenRefusal)
/** What refuses an action both a system user's rule and the actor's own may refuse (disable, delete). */
const SystemSelfOrForbidden = Schema.Union(SystemUserRefusal, SelfLockoutRefusal, ForbiddenRefusal)
/** What refuses an action the admin group's rule may refuse (rename, delete). */
const ProtectedOrForbidden = Schema.Union(ProtectedGroupRefusal, ForbiddenRefusal)

/** Each action of a user, with the refusals it can meet. */
const userActions = {
  update: SystemOrForbidden,
  enable: SystemOrForbidden,
  disable: SystemSelfOrForbidden,
  delete: SystemSelfOrForbidden,
  changeGroups: SystemOrForbidden,
  resetPassword: SystemOrForbidden
}

/** Each action of a group, with the refusals it can meet (member changes: only the actor's). */
const groupActions = { rename: ProtectedOrForbidden, changeMembers: ForbiddenRefusal, delete: ProtectedOrForbidden }

const allowedOr = <A extends Schema.Schema.Any>(refusal: A) => Schema.Union(Schema.Literal(true), refusal)

/**
 * What the actor may do with a user.
 *
 * @category schemas
 * @since 0.2.0
 */
export const UserPermissions = Schema.Struct({
  update: allowedOr(userActions.update),
  enable: allowedOr(userActions.enable),
  disable: allowedOr(userActions.disable),
  delete: allowedOr(userActions.delete),
  changeGroups: allowedOr(userActions.changeGroups),
  resetPassword: allowedOr(userActions.resetPassword)
}).annotations({
  identifier: "UserPermissions",
  description:
    "What the asking actor may do with this user, by the rules the record alone decides (a system user is read-only, " +
    "nobody disables or deletes itself, only administrators change users); a delete or disable that would take away " +
    "the last administrator is refused by the write itself (try it with dryRun)."
})

/**
 * @category schemas
 * @since 0.2.0
 */
export type UserPermissions = typeof UserPermissions.Type

/**
 * What the actor may do with a group.
 *
 * @category schemas
 * @since 0.2.0
 */
export const GroupPermissions = Schema.Struct({
  rename: allowedOr(groupActions.rename),
  changeMembers: allowedOr(groupActions.changeMembers),
  delete: allowedOr(groupActions.delete)
}).annotations({
  identifier: "GroupPermissions",
  description:
    "What the asking actor may do with this group, by the rules the record alone decides (the admin group is never " +
    "renamed or deleted, only administrators change groups); a delete that would leave users without a group, or a " +
    "member change refused for one of the members, is refused by the write itself (try it with dryRun)."
})

/**
 * @category schemas
 * @since 0.2.0
 */
export type GroupPermissions = typeof GroupPermissions.Type

/**
 * The actions of a user the record-local rules refuse, each with its refusal; an action left out is allowed (the
 * compact form of `UserPermissions` that answers carry: most records refuse nothing).
 *
 * @category schemas
 * @since 0.2.0
 */
export const UserRefusals = Schema.partial(Schema.Struct(userActions)).annotations({ identifier: "UserRefusals" })

/**
 * @category schemas
 * @since 0.2.0
 */
export type UserRefusals = typeof UserRefusals.Type

/**
 * The actions of a group the record-local rules refuse, each with its refusal; an action left out is allowed.
 *
 * @category schemas
 * @since 0.2.0
 */
export const GroupRefusals = Schema.partial(Schema.Struct(groupActions)).annotations({ identifier: "GroupRefusals" })

/**
 * @category schemas
 * @since 0.2.0
 */
export type GroupRefusals = typeof GroupRefusals.Type

const NONE: Readonly<Record<string, never>> = Object.freeze({})

/**
 * The refused actions of `permissions` alone, with their refusals (an empty object, shared, when none is refused).
 *
 * @category permissions
 * @since 0.2.0
 */
export const refusals = <P extends { readonly [action: string]: Permission }>(
  permissions: P
): { readonly [K in keyof P]?: Exclude<P[K], true> } => {
  let refused: Record<string, Refusal> | undefined
  for (const action in permissions) {
    const permission = permissions[action]
    if (permission !== true) {
      refused ??= {}
      refused[action] = permission as Refusal
    }
  }
  return (refused ?? NONE) as { readonly [K in keyof P]?: Exclude<P[K], true> }
}

/**
 * Who asks, as the permissions need it: the actor's username and the admin group's name, read once per request, or why
 * the actor may change nothing at all (it is no administrator).
 *
 * @category models
 * @since 0.2.0
 */
export interface PermissionContext {
  readonly actor: string
  readonly adminGroup: string
  /** Set when the actor is not an administrator: the refusal every change would meet. */
  readonly notAdmin?: typeof ForbiddenRefusal.Type | undefined
}

/** A refusal a rule the record alone decides can give. */
type RecordError = SystemUserImmutable | SelfLockout | ProtectedGroup

/** The data form of each of them. */
type DataOf<E extends RecordError> = E extends SystemUserImmutable
  ? typeof SystemUserRefusal.Type
  : E extends SelfLockout
    ? typeof SelfLockoutRefusal.Type
    : typeof ProtectedGroupRefusal.Type

/** A refusal as data, taken from the very error the write fails with: its tag, its sentence and its fields. */
const dataOf: (error: RecordError) => DataOf<RecordError> = refusalEncoder(Refusal)

/** `Forbidden` as data (the refusal of every change an actor that is no administrator asks for). */
const forbiddenData: (error: Forbidden) => typeof ForbiddenRefusal.Type = refusalEncoder(ForbiddenRefusal)

/** The first refusal, as data, or `true` when there is none (the rules in the order the write checks them). */
const first = <Errors extends ReadonlyArray<RecordError | undefined>>(
  ...errors: Errors
): true | DataOf<NonNullable<Errors[number]>> => {
  const error = errors.find((refusal) => refusal !== undefined)
  return error === undefined ? true : (dataOf(error) as DataOf<NonNullable<Errors[number]>>)
}

/** The admin group's refusals as data, by admin group and action: each taken once from the error a write fails with. */
const protectedGroupRefusals = new Map<string, true | typeof ProtectedGroupRefusal.Type>()

/**
 * Whether a group may be renamed or deleted (`action`): the refusal of the admin group is made once, not on every
 * page of groups (an error captures its stack as it is made, which a page listing the admin group paid twice).
 */
const protectedGroupPermission = (
  adminGroup: string,
  name: string,
  action: string
): true | typeof ProtectedGroupRefusal.Type => {
  if (!isProtectedGroup(adminGroup, name)) return true
  const key = `${adminGroup}\u0000${action}`
  let refusal = protectedGroupRefusals.get(key)
  if (refusal === undefined) {
    refusal = first(protectedGroupRefusal(adminGroup, name, action))
    protectedGroupRefusals.set(key, refusal)
  }
  return refusal
}

/**
 * What the actor of `context` may do with `user`, in the order the writes check their rules (the first refusal wins).
 *
 * @category permissions
 * @since 0.2.0
 */
export const forUser = (
  context: PermissionContext,
  user: { readonly username: string; readonly system: boolean }
): UserPermissions => {
  if (context.notAdmin !== undefined) {
    const no = context.notAdmin
    return { update: no, enable: no, disable: no, delete: no, changeGroups: no, resetPassword: no }
  }
  return {
    update: first(systemUserRefusal(user, USER_ACTION.modify)),
    enable: first(systemUserRefusal(user, USER_ACTION.enable)),
    disable: first(systemUserRefusal(user, USER_ACTION.disable), selfRefusal(context.actor, user, USER_ACTION.disable)),
    delete: first(systemUserRefusal(user, USER_ACTION.delete), selfRefusal(context.actor, user, USER_ACTION.delete)),
    changeGroups: first(systemUserRefusal(user, USER_ACTION.modify)),
    resetPassword: first(systemUserRefusal(user, USER_ACTION.setPassword))
  }
}

/**
 * What the actor of `context` may do with the group named `group.name`.
 *
 * @category permissions
 * @since 0.2.0
 */
export const forGroup = (context: PermissionContext, group: { readonly name: string }): GroupPermissions => {
  if (context.notAdmin !== undefined) {
    const no = context.notAdmin
    return { rename: no, changeMembers: no, delete: no }
  }
  return {
    rename: protectedGroupPermission(context.adminGroup, group.name, GROUP_ACTION.rename),
    changeMembers: true,
    delete: protectedGroupPermission(context.adminGroup, group.name, GROUP_ACTION.delete)
  }
}

/**
 * Reads, in one read transaction, who `actor` is and the directory's settings (`defaults` when none are stored): the
 * context every record's permissions of one answer are computed from, with no further read per record.
 *
 * @category permissions
 * @since 0.2.0
 */
export const context = (
  directory: Directory["Type"],
  defaults: DirectoryConfigShape,
  actor: Actor
): Effect.Effect<PermissionContext, Unauthenticated | StorageError> =>
  directory.read((tx) => contextIn(tx, defaults, actor))

/**
 * `context`, read in a transaction the caller runs: so that a record and the permissions shown with it are read from
 * the same state of the directory, in one transaction.
 *
 * @category permissions
 * @since 0.2.0
 */
export const contextIn = (
  tx: DirectoryTransaction,
  defaults: DirectoryConfigShape,
  actor: Actor
): Effect.Effect<PermissionContext, Unauthenticated | StorageError> =>
  asAdmin(tx, defaults, actor, "change users and groups").pipe(
    Effect.map((op): PermissionContext => permissionContextOf(op)),
    Effect.catchTag("Forbidden", (refusal) =>
      Effect.succeed({ actor: refusal.actor, adminGroup: "", notAdmin: forbiddenData(refusal) })
    )
  )
