/**
 * The user use cases: every rule about users, on behalf of an actor, in one transaction each. The service is put
 * together here from its parts in `internal/users/`: the reads (`queries.ts`), the administrators' changes
 * (`administration.ts`), the first administrator (`bootstrap.ts`) and one's own credentials (`credentials.ts`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type Option } from "effect"
import type { Actor } from "./Actor.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import {
  type ExpectedVersion,
  type Forbidden,
  InvalidInput,
  type StorageError,
  type Unauthenticated
} from "./Errors.js"
import { makeAdministration } from "./internal/users/administration.js"
import * as bootstrap from "./internal/users/bootstrap.js"
import * as bulk from "./internal/users/bulk.js"
import * as credentials from "./internal/users/credentials.js"
import * as queries from "./internal/users/queries.js"
import { PasswordHasher } from "./PasswordHasher.js"
import * as Permissions from "./Permissions.js"

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
 * Options of a change to one record that the caller may have read first: `dryRun`, and `expectedVersion`, the version
 * it saw, or a list of versions it may be made at (refused with `ConcurrentModification` when the record is at another
 * one, checked in the change's transaction).
 *
 * @category inputs
 * @since 0.1.0
 */
export interface Versioned extends DryRun {
  readonly expectedVersion?: ExpectedVersion
}

/**
 * What `Users.bootstrap` takes: the first administrator (the admin group is named by the directory's settings).
 *
 * @category inputs
 * @since 0.1.0
 */
export const Bootstrap = bootstrap.Bootstrap

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
export const UserQuery = queries.UserQuery

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
export const UserStreamQuery = queries.UserStreamQuery

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

/**
 * The most users one `Users.bulk` action names (1,000); more are refused with `InvalidInput`.
 *
 * @category constants
 * @since 0.2.0
 */
export const BULK_MAX_USERS = bulk.BULK_MAX_USERS

/**
 * What a bulk action does to each user it names: enable, disable, delete, addToGroup or removeFromGroup.
 *
 * @category inputs
 * @since 0.2.0
 */
export const BulkActionName = bulk.BulkActionName

/**
 * @category inputs
 * @since 0.2.0
 */
export type BulkActionName = typeof BulkActionName.Type

/**
 * The input of `Users.bulk`: the action, the users it applies to, the group of a membership action, and `dryRun`.
 *
 * @category inputs
 * @since 0.2.0
 */
export const BulkAction = bulk.BulkAction

/**
 * The input of `Users.bulk`, as callers write it.
 *
 * @category inputs
 * @since 0.2.0
 */
export type BulkAction = typeof BulkAction.Encoded

/**
 * Why one user of a bulk action was refused: the refusal its single-user operation failed with, as data — its `_tag`,
 * its `message` (the sentence, in English) and its error's fields — encoded as a record's refused actions are
 * (`Permissions.Refusal`), so that a translated interface words it from the tag and the data.
 *
 * @category results
 * @since 0.2.0
 */
export const BulkRefusal = bulk.BulkRefusal

/**
 * @category results
 * @since 0.2.0
 */
export type BulkRefusal = typeof BulkRefusal.Type

/**
 * What happened to one user of a bulk action (or would have, in a dry run): `applied`, or `refused` with its refusal.
 *
 * @category results
 * @since 0.2.0
 */
export const BulkItemResult = bulk.BulkItemResult

/**
 * @category results
 * @since 0.2.0
 */
export type BulkItemResult = typeof BulkItemResult.Type

/**
 * The answer of `Users.bulk`: each user's outcome in the order named, and the counts of applied and refused users.
 *
 * @category results
 * @since 0.2.0
 */
export const BulkResult = bulk.BulkResult

/**
 * @category results
 * @since 0.2.0
 */
export type BulkResult = typeof BulkResult.Type

/**
 * The input of `Users.changePassword`: the actor's current password and the new one.
 *
 * @category inputs
 * @since 0.1.0
 */
export type ChangePassword = typeof credentials.ChangePassword.Encoded

const make = Effect.gen(function* () {
  const services = { directory: yield* Directory, hasher: yield* PasswordHasher, config: yield* DirectoryConfig }
  const { whoAmI, list, listWithPermissions, listWithGroups, stream, get, getWithPermissions } =
    queries.makeQueries(services)
  const administration = makeAdministration(services)
  const { changePassword, authenticate } = yield* credentials.makeCredentials(services)
  const setUp = bootstrap.makeBootstrap(services)
  const applyInBulk = bulk.makeBulk(services, administration)

  return {
    /**
     * Creates the admin group and the first administrator in an empty directory, or adds an administrator to a
     * directory that has none (its admin group holding only system users).
     */
    bootstrap: setUp.bootstrap,
    /**
     * Sets up an empty directory as `bootstrap` does, in one transaction; a directory another process has just set up
     * is left as it is (none), so that instances started together on an empty store all start.
     */
    bootstrapIfEmpty: setUp.bootstrapIfEmpty,
    /** The actor's own record and whether it is an administrator. */
    whoAmI,
    /**
     * Who the actor is and the admin group's name, read once in one read transaction: what `Permissions.forUser` and
     * `Permissions.forGroup` compute each record's permissions from, with no further read per record.
     */
    permissionContext: (actor: Actor) => Permissions.context(services.directory, services.config, actor),
    /** A page of users matching a search, sorted, with the exact total (admins). */
    list,
    /**
     * `list`, and the permission context read in the same transaction (the actor and the admin group): what
     * `Permissions.forUser` computes each listed user's permissions from, with no further read.
     */
    listWithPermissions,
    /**
     * `list`, and the stored rows (GID, external id and name; no members) of the groups the page's users are in, read
     * in the same transaction: what a SCIM page shows of each user's groups, with no further read.
     */
    listWithGroups,
    /** Every user matching a search, in order, read page by page as it is consumed (admins). */
    stream,
    /** One user (admins, or the user itself). */
    get,
    /**
     * `get`, and the permission context read in the same transaction: what `Permissions.forUser` computes the user's
     * permissions from, read from the same state of the directory as the user.
     */
    getWithPermissions,
    /** Creates a user in at least one existing group (admins). */
    create: administration.create,
    /** Changes a user's details, replaces its group set, or resets its password (admins). */
    modify: administration.modify,
    /** Sets a user's password, checked against the policy, and ends the user's sessions (admins; not a system user). */
    resetPassword: administration.resetPassword,
    /** Deletes a user and ends its sessions (admins; `dryRun` supported). */
    remove: administration.remove,
    /** Enables a user (admins). */
    enable: administration.enable,
    /** Disables a user and ends its sessions (admins; `dryRun` supported). */
    disable: administration.disable,
    /** Adds a user to a group (admins). */
    addToGroup: administration.addToGroup,
    /** Removes a user from a group (admins; `dryRun` supported). */
    removeFromGroup: administration.removeFromGroup,
    /**
     * Applies one action (enable, disable, delete, add to or remove from a group) to up to `BULK_MAX_USERS` users, each
     * in its own transaction by the single-user operation and its rules, and reports each user's outcome; a refused
     * user does not stop the others (admins; `dryRun` checks each user and changes nothing).
     */
    bulk: applyInBulk,
    /** Changes the actor's own password, given the current one, and ends every session of the actor. */
    changePassword,
    /**
     * Checks a username and password for signing in: the same work whether or not the user exists, a failure lasting at
     * least the hasher's slowest check; a hash the hasher would replace (an imported one) is replaced when it matches.
     */
    authenticate
  }
})

/**
 * The warning for a directory whose admin group holds no administrator (only system users, who never are one), if it
 * is one: such a directory still opens, but nobody can manage it until `Users.bootstrap` adds an administrator. Read
 * where a directory is taken into use (`dt serve` at its start, `dt init`), not by every operation or command.
 *
 * @category diagnostics
 * @since 0.1.0
 */
export const administratorWarning: Effect.Effect<Option.Option<string>, StorageError, Directory> = Effect.gen(
  function* () {
    return yield* bootstrap.administratorWarning({ directory: yield* Directory, config: yield* DirectoryConfig })
  }
)

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

/**
 * Changes the actor's own password to `next`. An administrator sets it as it resets anyone's, with no current password
 * (and is not asked for one); anyone else gives the current one, which `current` asks for only then. Without `current`
 * (the caller has no way to ask, such as no terminal), anyone but an administrator is refused. Works over any `Users`
 * service, so that a front end applies the same rule to a store and to a server.
 *
 * @category use cases
 * @since 0.1.0
 */
export const changeOwnPassword = Effect.fn("Users.changeOwnPassword")(function* <E = never, R = never>(
  users: Users["Type"],
  actor: Actor,
  next: string,
  current: Effect.Effect<string, E, R> | undefined
) {
  const { user, admin } = yield* users.whoAmI(actor)
  // An administrator resets its own password as it would anyone's.
  if (admin) return yield* Effect.asVoid(users.modify(actor, user.username, { password: next }))
  if (current === undefined) {
    return yield* new InvalidInput({
      field: "current password",
      reason: "only an administrator can change a password without typing the current one at a terminal"
    })
  }
  yield* users.changePassword(actor, { current: yield* current, next })
})
