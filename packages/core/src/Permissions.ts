/**
 * What an actor may do with one user or one group, as far as the record alone decides: a system user is read-only,
 * nobody disables or deletes itself, the admin group is neither renamed nor deleted, and only administrators change
 * anything. Each action is `true` (these rules allow it) or the sentence the write would be refused with, computed by
 * the very rules the writes check. Rules that need a scan of the directory (would a delete leave users without a
 * group, would the admin group lose its last administrator) are not decided here: a dry run answers them.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import type { Actor } from "./Actor.js"
import type { Directory } from "./Directory.js"
import type { DirectoryConfigShape } from "./DirectoryConfig.js"
import type { StorageError, Unauthenticated } from "./Errors.js"
import { asAdmin, permissionContextOf } from "./internal/operation.js"
import {
  GROUP_ACTION,
  protectedGroupRefusal,
  selfRefusal,
  systemUserRefusal,
  USER_ACTION
} from "./internal/recordRules.js"

/**
 * One action's permission: `true` when the record-local rules allow it, or the refusal's sentence.
 *
 * @category schemas
 * @since 0.2.0
 */
export const Permission = Schema.Union(Schema.Literal(true), Schema.String).annotations({
  identifier: "Permission",
  description: "true when the rules the record alone decides allow the action; else the refusal's sentence"
})

/**
 * @category schemas
 * @since 0.2.0
 */
export type Permission = typeof Permission.Type

/**
 * What the actor may do with a user.
 *
 * @category schemas
 * @since 0.2.0
 */
export const UserPermissions = Schema.Struct({
  update: Permission,
  enable: Permission,
  disable: Permission,
  delete: Permission,
  changeGroups: Permission,
  resetPassword: Permission
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
  rename: Permission,
  changeMembers: Permission,
  delete: Permission
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
 * The actions of a user the record-local rules refuse, each with the refusal's sentence; an action left out is allowed
 * (the compact form of `UserPermissions` that answers carry: most records refuse nothing).
 *
 * @category schemas
 * @since 0.2.0
 */
export const UserRefusals = Schema.partial(
  Schema.Struct({
    update: Schema.String,
    enable: Schema.String,
    disable: Schema.String,
    delete: Schema.String,
    changeGroups: Schema.String,
    resetPassword: Schema.String
  })
).annotations({ identifier: "UserRefusals" })

/**
 * @category schemas
 * @since 0.2.0
 */
export type UserRefusals = typeof UserRefusals.Type

/**
 * The actions of a group the record-local rules refuse, each with the refusal's sentence; an action left out is
 * allowed.
 *
 * @category schemas
 * @since 0.2.0
 */
export const GroupRefusals = Schema.partial(
  Schema.Struct({ rename: Schema.String, changeMembers: Schema.String, delete: Schema.String })
).annotations({ identifier: "GroupRefusals" })

/**
 * @category schemas
 * @since 0.2.0
 */
export type GroupRefusals = typeof GroupRefusals.Type

const NONE: Readonly<Record<string, string>> = Object.freeze({})

/**
 * The refused actions of `permissions` alone, with their sentences (an empty object, shared, when none is refused).
 *
 * @category permissions
 * @since 0.2.0
 */
export const refusals = <K extends string>(
  permissions: Readonly<Record<K, Permission>>
): Partial<Record<K, string>> => {
  let refused: Partial<Record<K, string>> | undefined
  for (const action in permissions) {
    const permission = permissions[action]
    if (typeof permission === "string") {
      refused ??= {}
      refused[action] = permission
    }
  }
  return refused ?? (NONE as Partial<Record<K, string>>)
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
  /** Set when the actor is not an administrator: the sentence every change would be refused with. */
  readonly notAdmin?: string | undefined
}

const first = (...refusals: ReadonlyArray<{ readonly message: string } | undefined>): Permission =>
  refusals.find((refusal) => refusal !== undefined)?.message ?? true

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
    rename: first(protectedGroupRefusal(context.adminGroup, group.name, GROUP_ACTION.rename)),
    changeMembers: true,
    delete: first(protectedGroupRefusal(context.adminGroup, group.name, GROUP_ACTION.delete))
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
  directory
    .read((tx) => asAdmin(tx, defaults, actor, "change users and groups"))
    .pipe(
      Effect.map((op): PermissionContext => permissionContextOf(op)),
      Effect.catchTag("Forbidden", (refusal) =>
        Effect.succeed({ actor: refusal.actor, adminGroup: "", notAdmin: refusal.message })
      )
    )
