/**
 * Provisioning by an identity provider (SCIM): the rules for records that a machine names. A provider names a user by
 * its own `userName` (often an email address, `John.Doe@contoso.com`) and a group by a display name (`Sales Team`),
 * which the username and group-name rules refuse; the name is kept as given (`externalName`) and a valid one is
 * derived from it by `deriveName`, with a numeric suffix on a collision. A user created with no group gets the default
 * group; removing a provisioned user deletes it, or disables it when so configured.
 *
 * Every change still goes through `Users` and `Groups`, so that their rules (who may, system users, the last admin, a
 * user left without a group) are the same for a provider as for an administrator.
 *
 * @since 0.2.0
 */
import { Context, Effect, Layer } from "effect"
import type { Actor } from "./Actor.js"
import { UsernameTaken } from "./Errors.js"
import { Groups } from "./Groups.js"
import { decodeInput } from "./internal/decode.js"
import { GroupName, MAX_NAME_LENGTH } from "./Names.js"
import type { RecordFilter, UserField, UserFilter } from "./RecordFilter.js"
import type { CreateUser } from "./User.js"
import { Users } from "./Users.js"

/**
 * The provisioning settings; every field has the default of `ProvisioningConfig`'s default value.
 *
 * @category models
 * @since 0.2.0
 */
export interface ProvisioningOptions {
  /**
   * The group a user created with no group is put in (default `users`); `null`: none, and such a user is refused as
   * any user without a group is (`GroupMembershipRequired`).
   */
  readonly defaultGroup: string | null
  /** Whether the default group is created when it does not exist yet (default true). */
  readonly createDefaultGroup: boolean
  /**
   * What removing a provisioned user does: `remove` deletes it (default; a later read finds nothing, as SCIM's DELETE
   * says), `disable` disables it and keeps its record (and its name, which no one else can then take).
   */
  readonly onDelete: "remove" | "disable"
  /** The longest derived name, suffix included (default and most: `MAX_NAME_LENGTH`, 32). */
  readonly maxNameLength: number
}

/**
 * The provisioning settings of a host, with defaults when no layer provides them.
 *
 * @category services
 * @since 0.2.0
 */
export class ProvisioningConfig extends Context.Reference<ProvisioningConfig>()(
  "@user-manager/core/ProvisioningConfig",
  {
    defaultValue: (): ProvisioningOptions => ({
      defaultGroup: "users",
      createDefaultGroup: true,
      onDelete: "remove",
      maxNameLength: MAX_NAME_LENGTH
    })
  }
) {
  /** Settings that override some defaults. */
  static readonly layer = (overrides: Partial<ProvisioningOptions>) =>
    Layer.succeed(ProvisioningConfig, { ...ProvisioningConfig.defaultValue(), ...overrides })
}

/**
 * Checks a default group's name as a host reads its settings (`field` names where it came from), so that a name no group
 * can have is refused at start, not at each user created without a group.
 *
 * @category validation
 * @since 0.2.0
 */
export const checkDefaultGroup = (name: string, field = "defaultGroup") => decodeInput(GroupName, field)(name)

/**
 * How many names `createUser` and `createGroup` try (the derived one, then suffixes `-2` … `-100`) before they give up
 * with the last refusal.
 *
 * @category constants
 * @since 0.2.0
 */
export const MAX_NAME_ATTEMPTS = 100

/**
 * A valid username or group name derived from a provider's name, by this rule: the part before an `@` (an email
 * address names its mailbox), accents dropped (`é` → `e`), lowercase, each run of characters other than `a-z`, `0-9`,
 * `.`, `_`, `-` replaced by one `-`, `-` and `.` trimmed from both ends, `_` put before a name that starts with a digit
 * or `-`, cut to `maxLength` characters; `fallback` when nothing is left. `suffix` (2, 3, …) makes the name of the
 * n-th record that derives the same one: `-n` at the end, the name cut shorter to make room.
 *
 * @category naming
 * @since 0.2.0
 */
export const deriveName = (
  given: string,
  options: { readonly maxLength?: number; readonly suffix?: number; readonly fallback?: string } = {}
): string => {
  const maxLength = Math.max(1, Math.min(options.maxLength ?? MAX_NAME_LENGTH, MAX_NAME_LENGTH))
  const at = given.indexOf("@")
  const local = at > 0 ? given.slice(0, at) : given
  let name = local
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
  if (name === "") name = options.fallback ?? "user"
  if (!/^[a-z_]/.test(name)) name = `_${name}`
  const tail = options.suffix === undefined || options.suffix < 2 ? "" : `-${options.suffix}`
  const cut = name.slice(0, Math.max(1, maxLength - tail.length)).replace(/[-.]+$/, "")
  return `${cut === "" ? "_" : cut}${tail}`
}

/**
 * A user as a provider creates it: its name as the provider gives it, its id at the provider, its details, its groups
 * (none: the default group) and whether it is enabled.
 *
 * @category inputs
 * @since 0.2.0
 */
export interface ProvisionedUser {
  readonly externalName: string
  readonly externalId?: string | null | undefined
  readonly firstName?: string | undefined
  readonly lastName?: string | undefined
  readonly email?: string | undefined
  readonly groups?: ReadonlyArray<string> | undefined
  readonly enabled?: boolean | undefined
}

/**
 * A group as a provider creates it: its display name as given, its id at the provider, and its first members.
 *
 * @category inputs
 * @since 0.2.0
 */
export interface ProvisionedGroup {
  readonly externalName: string
  readonly externalId?: string | null | undefined
  readonly members?: ReadonlyArray<string> | undefined
}

/**
 * Tries `attempt` with the derived name and then each suffix, as long as the name is taken (by a record that exists,
 * or by one another request made in the meantime: the store's uniqueness decides, so concurrent creations never end
 * up with one name).
 */
const firstFreeName = <A, E extends { readonly _tag: string }, R>(
  given: string,
  maxLength: number,
  fallback: string,
  taken: "UsernameTaken" | "GroupNameTaken",
  attempt: (name: string) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const from = (suffix: number): Effect.Effect<A, E, R> =>
    Effect.catchIf(
      attempt(deriveName(given, { maxLength, suffix, fallback })),
      (error) => error._tag === taken && suffix < MAX_NAME_ATTEMPTS,
      () => from(suffix + 1)
    )
  return from(1)
}

/**
 * The condition on a record's shown name, the name its provider gave (`external`) or, for a record that has none, its
 * own (`own`): `compare` made on the one or the other. How a provider's `userName` and a group's `displayName` are
 * searched.
 *
 * @category naming
 * @since 0.2.0
 */
export const shownName = <F extends string>(
  external: F,
  own: F,
  compare: (field: F) => RecordFilter<F>
): RecordFilter<F> => ({
  _tag: "Or",
  filters: [
    compare(external),
    { _tag: "And", filters: [{ _tag: "Not", filter: { _tag: "Present", field: external } }, compare(own)] }
  ]
})

/**
 * The users who go by `name`: whose provider's name it is, or, with none, whose username it is (compared without regard
 * to case). What a provider's name must not already be when it creates a user (`UsernameTaken`).
 *
 * @category naming
 * @since 0.2.0
 */
export const goesBy = (name: string): UserFilter =>
  shownName<UserField>("externalName", "username", (field) => ({
    _tag: "Compare",
    field,
    operator: "eq",
    value: name
  }))

const make = Effect.gen(function* () {
  const users = yield* Users
  const groups = yield* Groups
  const config = yield* ProvisioningConfig

  /**
   * Creates a user in its groups; one sent with none goes to the default group, which is created the first time it is
   * missing (when the settings say so: another request may create it first) and the user's creation tried again.
   */
  const createIn = (actor: Actor, fields: Omit<CreateUser, "groups">, given: ReadonlyArray<string> | undefined) => {
    const name = config.defaultGroup
    if (given !== undefined && given.length > 0) return users.create(actor, { ...fields, groups: given })
    const create = users.create(actor, { ...fields, groups: name === null ? [] : [name] })
    if (name === null || !config.createDefaultGroup) return create
    return Effect.catchIf(
      create,
      (error) => error._tag === "GroupNotFound",
      () =>
        groups.create(actor, { name }).pipe(
          Effect.catchIf((error) => error._tag === "GroupNameTaken", Effect.succeed),
          // Whatever stops it (the actor may not create groups, say), the user's own creation gives the refusal.
          Effect.ignore,
          Effect.zipRight(create)
        )
    )
  }

  const createUser = Effect.fn("Provisioning.createUser")(function* (actor: Actor, input: ProvisionedUser) {
    // A provider's name is one user's: the name it gave, or the username of a user that has none (without case).
    const holder = yield* users.list(actor, { where: goesBy(input.externalName), limit: 1 })
    if (holder.items.length > 0) return yield* new UsernameTaken({ username: input.externalName })
    const created = yield* firstFreeName(input.externalName, config.maxNameLength, "user", "UsernameTaken", (name) =>
      // `externalName` and `externalId` go with the rest: the store keeps them beside the derived name.
      createIn(
        actor,
        {
          username: name,
          externalName: input.externalName,
          externalId: input.externalId ?? null,
          ...(input.firstName === undefined ? {} : { firstName: input.firstName }),
          ...(input.lastName === undefined ? {} : { lastName: input.lastName }),
          ...(input.email === undefined ? {} : { email: input.email })
        },
        input.groups
      )
    )
    if (input.enabled === false) return yield* users.disable(actor, created.username)
    return created
  })

  const createGroup = Effect.fn("Provisioning.createGroup")(function* (actor: Actor, input: ProvisionedGroup) {
    return yield* firstFreeName(input.externalName, config.maxNameLength, "group", "GroupNameTaken", (name) => {
      const fields = {
        name,
        externalName: input.externalName,
        externalId: input.externalId ?? null,
        ...(input.members === undefined ? {} : { members: input.members })
      }
      return groups.create(actor, fields)
    })
  })

  const removeUser = Effect.fn("Provisioning.removeUser")(function* (actor: Actor, username: string) {
    if (config.onDelete === "disable") {
      yield* users.disable(actor, username)
      return "disabled" as const
    }
    yield* users.remove(actor, username)
    return "removed" as const
  })

  return {
    /** The settings in force. */
    config,
    /**
     * Creates a user named by a provider, unless a user already goes by that name (`goesBy`: `UsernameTaken`): under
     * the derived name, or the first free one with a suffix; in the given
     * groups, or the default group (created first if missing, when configured); disabled afterwards if asked.
     */
    createUser,
    /** Creates a group named by a provider: under the derived name, or the first free one with a suffix. */
    createGroup,
    /** Deletes a provisioned user, or disables it when `onDelete` is `disable`; says which it did. */
    removeUser
  }
})

/**
 * The provisioning use cases.
 *
 * @category services
 * @since 0.2.0
 */
export class Provisioning extends Context.Tag("@user-manager/core/Provisioning")<
  Provisioning,
  Effect.Effect.Success<typeof make>
>() {
  /** The service over `Users`, `Groups` and (optionally) a `ProvisioningConfig`. */
  static readonly layer = Layer.effect(this, make)
}
