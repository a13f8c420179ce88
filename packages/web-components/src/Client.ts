/**
 * What `<user-manager>` needs from a back end: the operations of the User Manager API as Promises, with the records
 * in the shape of the API's JSON (the CLI's `-j`). `HttpClient` implements it over `packages/server`; a host may
 * assign any object that does.
 *
 * @since 0.1.0
 */
import type { components, operations } from "./internal/openapi.js"

/**
 * A user as the API returns it (never a password).
 *
 * @category models
 * @since 0.1.0
 */
export type User = components["schemas"]["User"] & {
  /**
   * What the signed-in actor may not do with the user (the API's list and read answers carry it): each refused action
   * with the refusal the change would fail with (`_tag`, `message`, data), which the element words in its language.
   * Left out, the element offers every action and lets the API decide.
   */
  readonly refused?: UserRefusals
}

/**
 * What the signed-in actor may not do with one user, as the core decides it: each refused action with its refusal.
 *
 * @category models
 * @since 0.2.0
 */
export type UserRefusals = components["schemas"]["UserAnswer"]["refused"]

/**
 * What the signed-in actor may not do with one group, as the core decides it: each refused action with its refusal.
 *
 * @category models
 * @since 0.2.0
 */
export type GroupRefusals = components["schemas"]["GroupAnswer"]["refused"]

/**
 * Why a record's action is refused: the refusal its change would fail with, by `_tag`,
 * with the error's data (`username`, `name`, `action`…) and its English sentence as `message`; the element words it
 * from the tag and the data, and shows `message` for a tag it does not know.
 *
 * @category models
 * @since 0.2.0
 */
export type RecordRefusal = Required<UserRefusals>[keyof UserRefusals] | Required<GroupRefusals>[keyof GroupRefusals]

/**
 * A group as the API returns it.
 *
 * @category models
 * @since 0.1.0
 */
export type Group = components["schemas"]["Group"] & {
  /** What the signed-in actor may not do with the group (the API's list and read answers carry it); see `User.refused`. */
  readonly refused?: GroupRefusals
}

/**
 * One page of a list and the number of matches (the API's `UserPage` and `GroupPage`; a host's client may leave
 * out their `offset`, `limit` and `totalExact`).
 *
 * @category models
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  /**
   * `false` when the server stopped counting at its limit: there are more than `total` matches (shown as "10,000+").
   * Left out: the total is exact.
   */
  readonly totalExact?: boolean
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
 * The query of a page of users: a list query, and filters that each keep only some users (together, the users every
 * one keeps): enabled or disabled, system or regular, the members of a group.
 *
 * @category queries
 * @since 0.2.0
 */
export interface UserListQuery extends ListQuery<UserSort> {
  readonly enabled?: boolean
  readonly system?: boolean
  readonly group?: string
}

/**
 * The columns users can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type UserSort = NonNullable<NonNullable<operations["users.list"]["parameters"]["query"]>["sort"]>

/**
 * The columns groups can be sorted by.
 *
 * @category queries
 * @since 0.1.0
 */
export type GroupSort = NonNullable<NonNullable<operations["groups.list"]["parameters"]["query"]>["sort"]>

/**
 * A new user: at least one group; the password and the system flag are optional.
 *
 * @category inputs
 * @since 0.1.0
 */
export type NewUser = components["schemas"]["CreateUser"]

/**
 * Changes to a user: the fields given are replaced (`groups` replaces the whole set; `null` clears a name or the
 * email), and a new password.
 *
 * @category inputs
 * @since 0.1.0
 */
export type UserChanges = components["schemas"]["ModifyUser"] & { readonly password?: string }

/**
 * A new group, with optional members (and an optional GID).
 *
 * @category inputs
 * @since 0.1.0
 */
export type NewGroup = components["schemas"]["CreateGroup"]

/**
 * Changes to a group, applied all or nothing: a new name, and the users to add and to remove (or, for small groups,
 * the whole member list).
 *
 * @category inputs
 * @since 0.1.0
 */
export type GroupChanges = components["schemas"]["ModifyGroup"]

/**
 * The query of a page of a group's members: a case-insensitive search within the group, a page size, and the
 * username the page starts after (the `next` of the previous page).
 *
 * @category queries
 * @since 0.1.0
 */
export interface MemberQuery {
  readonly search?: string
  readonly limit?: number
  readonly after?: string
}

/**
 * One page of a group's members by username; `next`, when more follow, is the `after` of the next page.
 *
 * @category models
 * @since 0.1.0
 */
export type MemberPage = components["schemas"]["MemberPage"]

/**
 * Who is signed in, and whether that user is an administrator.
 *
 * @category models
 * @since 0.1.0
 */
export type Me = components["schemas"]["Me"]

/**
 * The directory's settings (the API's `DirectorySettings`, administrators only): its admin group, the GID range the
 * allocator hands out, and the minimum password length.
 *
 * @category models
 * @since 0.2.0
 */
export type DirectorySettings = components["schemas"]["DirectorySettings"]

/**
 * A sign-in lock the throttle holds now: failed sign-ins for a user from one address (`user-address`), from one
 * address for anyone (`address`), or for a user from failing addresses (`user-delay`), refused until `until`.
 *
 * @category models
 * @since 0.1.0
 */
export type SignInLock = components["schemas"]["SignInLock"]

/**
 * What a bulk import or export concerns: the users or the groups (the tab it is started from).
 *
 * @category bulk
 * @since 0.1.0
 */
export type RecordKind = "users" | "groups"

/**
 * The format of an import file: CSV (RFC 4180, a header row of the records' JSON field names) or JSON Lines (one JSON
 * record a line).
 *
 * @category bulk
 * @since 0.1.0
 */
export type ImportFormat = "csv" | "ndjson"

/**
 * How an import is applied: what its file holds, what a record whose user or group exists does (`fail`: refused,
 * `skip`: left as it is, `update`: replaced by the file's fields), all or nothing, or only checked (`dryRun`: the plan,
 * nothing written). The rules and defaults are the back end's. `onUploadProgress` is told how much of the file has been
 * sent, when the client can say.
 *
 * @category bulk
 * @since 0.1.0
 */
export interface ImportOptions {
  readonly kind: RecordKind
  readonly format: ImportFormat
  readonly onConflict?: NonNullable<NonNullable<operations["bulk.import"]["parameters"]["query"]>["onConflict"]>
  readonly atomic?: boolean
  readonly dryRun?: boolean
  readonly onUploadProgress?: (sent: number, total: number) => void
}

/**
 * What an import did (or, in a dry run, would do) to the records of one kind.
 *
 * @category bulk
 * @since 0.1.0
 */
export type ImportCounts = components["schemas"]["ImportUserCounts"]

/**
 * A record an import refused: where it is in the file (`"line 17"`), what it is (`user`, `group`, `malformed` for a
 * line that could not be read), its name when it was read, and why, in one sentence.
 *
 * @category bulk
 * @since 0.1.0
 */
export type ImportRefusal = components["schemas"]["ImportRefusal"]

/**
 * The answer of an import (the API's `ImportResult`): the entries read, the counts of each kind, every refused record,
 * the warnings (such as users imported without a password), the transactions committed, whether it stopped before the
 * end of the file, and the id under which the audit trail records its changes.
 *
 * @category bulk
 * @since 0.1.0
 */
export type ImportResult = components["schemas"]["ImportResult"]

/**
 * One action on many users (`POST /api/v1/users/bulk`): `enable`, `disable`, `delete`, `addToGroup` or
 * `removeFromGroup` (these two with `group`), the `usernames` (at most 1,000), and `dryRun` to check each user by the
 * core's rules without changing anything.
 *
 * @category bulk
 * @since 0.2.0
 */
export type BulkAction = components["schemas"]["BulkUsers"]

/**
 * What a bulk action did (or would do, in a dry run) to each user: `applied`, or `refused` with the core's refusal
 * (`BulkRefusal`), and the counts.
 *
 * @category bulk
 * @since 0.2.0
 */
export type BulkResult = components["schemas"]["BulkResult"]

/**
 * Why one user of a bulk action was refused: the refusal its single change failed with (or would), as data — its
 * `_tag`, its `message` (the sentence, in English) and its error's fields, as a record's `RecordRefusal` is.
 *
 * @category bulk
 * @since 0.2.0
 */
export type BulkRefusal = components["schemas"]["BulkRefusal"]

/**
 * An API token as listed (the API's `ApiToken`): its name (the client it is for), scope, who made it and when, when it
 * expires (`null`: never) and when it was last used (`null`: never). Never its value.
 *
 * @category tokens
 * @since 0.2.0
 */
export type ApiToken = components["schemas"]["ApiToken"]

/**
 * What an API token may do: `api`, what an administrator may do, through the HTTP API; `scim`, the same through the
 * SCIM endpoints only; `read`, only read.
 *
 * @category tokens
 * @since 0.2.0
 */
export type TokenScope = components["schemas"]["TokenScope"]

/**
 * A new API token: its name, scope and when it expires (ISO 8601; left out: the back end's default; `null`: never).
 *
 * @category tokens
 * @since 0.2.0
 */
export type NewToken = components["schemas"]["CreateTokenBody"]

/**
 * A token just made: its value (`token`), in this answer only, and the token as listed.
 *
 * @category tokens
 * @since 0.2.0
 */
export type CreatedToken = operations["tokens.create"]["responses"][201]["content"]["application/json"]

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
  /** A page of users matching a search (username, full name or email) and the filters given, sorted. */
  listUsers(query: UserListQuery): Promise<Page<User>>
  /** One user. */
  getUser(username: string): Promise<User>
  /** Creates a user. */
  createUser(input: NewUser): Promise<User>
  /** Changes a user's details, group set or password, if it is still at `expectedVersion`. */
  modifyUser(username: string, changes: UserChanges, expectedVersion: number): Promise<User>
  /** Deletes a user; with `dryRun`, checks every rule (the core's refusal, if any) and deletes nothing. */
  deleteUser(username: string, options?: { readonly dryRun?: boolean }): Promise<void>
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
  /** Renames a group and adds and removes members, all or nothing, if it is still at `expectedVersion`. */
  modifyGroup(name: string, changes: GroupChanges, expectedVersion: number): Promise<Group>
  /** Replaces a group's members, if it is still at `expectedVersion`. */
  setMembers(name: string, usernames: ReadonlyArray<string>, expectedVersion: number): Promise<Group>
  /**
   * A page of a group's members, searched within the group (`GET /api/v1/groups/{name}/members`): the Update dialog
   * reads a group's members this way, a page at a time, never all at once.
   */
  listMembers(name: string, query: MemberQuery): Promise<MemberPage>
  /** Deletes a group; with `dryRun`, checks every rule (would it leave users without a group?) and deletes nothing. */
  deleteGroup(name: string, options?: { readonly dryRun?: boolean }): Promise<void>
  /**
   * The directory's settings (`GET /api/v1/config`; optional: without it, the forms check the OpenAPI document's
   * minimum password length and a generated password has the safe default length).
   */
  settings?(): Promise<DirectorySettings>
  /** The sign-in locks held now (optional: without it, the Users tab shows no locks). */
  listSignInLocks?(): Promise<ReadonlyArray<SignInLock>>
  /**
   * Applies one action to many users, each by the core's rules, and reports each (optional: without it, the Users tab
   * offers no selection and no bulk actions).
   */
  bulkUsers?(action: BulkAction): Promise<BulkResult>
  /** Clears a user's sign-in locks, so that its password is checked again at once. */
  unlockUser?(username: string): Promise<void>
  /**
   * Imports the users or groups of a CSV or JSON Lines file, or only checks them (`dryRun`); administrators only
   * (optional: without it, the tabs offer no Import).
   */
  importRecords?(file: Blob, options: ImportOptions): Promise<ImportResult>
  /** Every user or group as CSV, never with password hashes (optional: without it, the tabs offer no Export). */
  exportCsv?(kind: RecordKind): Promise<Blob>
  /**
   * The API tokens, without their values (`GET /api/v1/tokens`; optional, as are the two below: without them, there is
   * no Tokens tab). Refused (`Forbidden`) for whoever may not manage them: the tab is then not shown.
   */
  listTokens?(): Promise<ReadonlyArray<ApiToken>>
  /** Makes an API token; its value is in this answer only. */
  createToken?(input: NewToken): Promise<CreatedToken>
  /** Revokes an API token: the next request made with it is refused. */
  revokeToken?(name: string): Promise<void>
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
