/**
 * What `<user-manager>` needs from a back end: the operations of the User Manager API as Promises, with the records
 * in the shape of the API's JSON (the CLI's `-j`). `HttpClient` implements it over `packages/server`; a host may
 * assign any object that does.
 *
 * @since 0.1.0
 */

/**
 * A user as the API returns it (never a password).
 *
 * @category models
 * @since 0.1.0
 */
export interface User {
  readonly username: string
  readonly firstName: string
  readonly lastName: string
  readonly email: string | null
  readonly enabled: boolean
  readonly system: boolean
  readonly groups: ReadonlyArray<string>
  readonly createdAt: string
  readonly updatedAt: string
  readonly version: number
}

/**
 * A group as the API returns it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Group {
  readonly name: string
  readonly gid: number
  readonly members: ReadonlyArray<string>
  readonly createdAt: string
  readonly updatedAt: string
  readonly version: number
}

/**
 * One page of a list and the exact number of matches.
 *
 * @category models
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
}

/**
 * The query of a list: a case-insensitive search, a sort column and direction, and a window (server-side).
 *
 * @category queries
 * @since 0.1.0
 */
export interface ListQuery<Sort extends string> {
  readonly search?: string
  readonly sort?: Sort
  readonly order?: "asc" | "desc"
  readonly limit?: number
  readonly offset?: number
}

/**
 * The columns users can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type UserSort = "username" | "fullName" | "firstName" | "lastName" | "groups" | "email" | "enabled" | "system"

/**
 * The columns groups can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type GroupSort = "name" | "gid" | "members"

/**
 * A new user: at least one group; the password and the system flag are optional.
 *
 * @category inputs
 * @since 0.1.0
 */
export interface NewUser {
  readonly username: string
  readonly firstName?: string
  readonly lastName?: string
  readonly email?: string
  readonly password?: string
  readonly groups: ReadonlyArray<string>
  readonly system?: boolean
}

/**
 * Changes to a user: the fields given are replaced (`groups` replaces the whole set; `null` clears a name or the
 * email).
 *
 * @category inputs
 * @since 0.1.0
 */
export interface UserChanges {
  readonly firstName?: string | null
  readonly lastName?: string | null
  readonly email?: string | null
  readonly groups?: ReadonlyArray<string>
  readonly password?: string
}

/**
 * A new group, with optional members.
 *
 * @category inputs
 * @since 0.1.0
 */
export interface NewGroup {
  readonly name: string
  readonly members?: ReadonlyArray<string>
}

/**
 * Who is signed in, and whether that user is an administrator.
 *
 * @category models
 * @since 0.1.0
 */
export interface Me {
  readonly user: User
  readonly admin: boolean
}

/**
 * A sign-in lock the throttle holds now: failed sign-ins for a user from one address (`user-address`), from one
 * address for anyone (`address`), or for a user from failing addresses (`user-delay`), refused until `until`.
 *
 * @category models
 * @since 0.1.0
 */
export interface SignInLock {
  readonly kind: "user-address" | "address" | "user-delay"
  readonly username: string | null
  readonly address: string | null
  readonly failures: number
  readonly until: string
}

/**
 * The operations `<user-manager>` uses; every refusal rejects with a `ClientError`. Modifications take the
 * `version` the caller saw and are refused with `ConcurrentModification` when the record changed since.
 *
 * @category models
 * @since 0.1.0
 */
export interface UserManagerClient {
  /** The signed-in user (`GET /api/v1/me`). */
  me(): Promise<Me>
  /** A page of users matching a search (username, first or last name), sorted. */
  listUsers(query: ListQuery<UserSort>): Promise<Page<User>>
  /** One user. */
  getUser(username: string): Promise<User>
  /** Creates a user. */
  createUser(input: NewUser): Promise<User>
  /** Changes a user's details, group set or password, if it is still at `expectedVersion`. */
  modifyUser(username: string, changes: UserChanges, expectedVersion: number): Promise<User>
  /** Deletes a user. */
  deleteUser(username: string): Promise<void>
  /** Lets a user sign in again. */
  enableUser(username: string): Promise<User>
  /** Stops a user from signing in. */
  disableUser(username: string): Promise<User>
  /** A page of groups matching a search by name, sorted. */
  listGroups(query: ListQuery<GroupSort>): Promise<Page<Group>>
  /** One group. */
  getGroup(name: string): Promise<Group>
  /** Creates a group. */
  createGroup(input: NewGroup): Promise<Group>
  /** Renames a group, if it is still at `expectedVersion`. */
  renameGroup(name: string, newName: string, expectedVersion: number): Promise<Group>
  /** Replaces a group's members, if it is still at `expectedVersion`. */
  setMembers(name: string, usernames: ReadonlyArray<string>, expectedVersion: number): Promise<Group>
  /** Deletes a group. */
  deleteGroup(name: string): Promise<void>
  /** The sign-in locks held now (optional: without it, the Users tab shows no locks). */
  listSignInLocks?(): Promise<ReadonlyArray<SignInLock>>
  /** Clears a user's sign-in locks, so that its password is checked again at once. */
  unlockUser?(username: string): Promise<void>
}

/**
 * A refusal from the back end: the core's tagged error (`_tag`, a message a person understands, and its data, such
 * as `field` for `InvalidInput` or `usernames` for `GroupMembershipRequired`).
 *
 * @category errors
 * @since 0.1.0
 */
export class ClientError extends Error {
  override readonly name = "ClientError"
  constructor(
    readonly _tag: string,
    message: string,
    readonly data: Readonly<Record<string, unknown>> = {}
  ) {
    super(message)
  }

  /** Reads `{ _tag, message, ...data }` (the API's error body) or anything thrown into a `ClientError`. */
  static from(error: unknown): ClientError {
    if (error instanceof ClientError) return error
    if (typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string") {
      // `_tag` and `message` may live on the prototype (tagged error classes): read them from the object itself.
      const source = error as { readonly _tag: string; readonly message?: unknown }
      const { _tag: _, message: __, stack: ___, ...data } = { ...(error as Record<string, unknown>) }
      return new ClientError(source._tag, String(source.message ?? source._tag), data)
    }
    return new ClientError("Unknown", error instanceof Error ? error.message : String(error))
  }
}
