/**
 * The directory-wide settings use case: administrators read and change the admin group, the GID range and the minimum
 * password length, stored with the directory so that every process on one database enforces the same rules.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import type { Actor } from "./Actor.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig, type DirectoryConfigShape } from "./DirectoryConfig.js"
import { InvalidInput } from "./Errors.js"
import { decodeInput } from "./internal/decode.js"
import { asAdmin, audit, getGroupRow } from "./internal/operation.js"
import { checkBounds, currentSettings, type WholeNumberSetting, wholeNumberReason } from "./internal/settings.js"
import { GroupName } from "./Names.js"
import type { DryRun } from "./Users.js"

// A value that is not a whole number at all is refused in the same sentence as one out of bounds.
function wholeNumber(field: WholeNumberSetting) {
  return Schema.Int.annotations({
    message: (issue) => ({ message: wholeNumberReason(field, issue.actual), override: true })
  })
}

/**
 * A change of settings: the settings to change, each left out staying as it is.
 *
 * @category inputs
 * @since 0.1.0
 */
export const SettingsChange = Schema.Struct({
  adminGroup: Schema.optionalWith(GroupName, { exact: true }),
  gidMin: Schema.optionalWith(wholeNumber("gidMin"), { exact: true }),
  gidMax: Schema.optionalWith(wholeNumber("gidMax"), { exact: true }),
  minPasswordLength: Schema.optionalWith(wholeNumber("minPasswordLength"), { exact: true })
})

/**
 * A change of settings, as callers write it.
 *
 * @category inputs
 * @since 0.1.0
 */
export type SettingsChange = typeof SettingsChange.Encoded

/**
 * The names of the settings, in the order they are listed.
 *
 * @category constants
 * @since 0.1.0
 */
export const keys: ReadonlyArray<keyof DirectoryConfigShape> = ["adminGroup", "gidMin", "gidMax", "minPasswordLength"]

const decodeChange = decodeInput(SettingsChange)

const ACTION = "change the directory's settings"

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const defaults = yield* DirectoryConfig

  const get = Effect.fn("Settings.get")(function* (actor: Actor) {
    return yield* directory.read((tx) =>
      asAdmin(tx, defaults, actor, "read the directory's settings", "read").pipe(Effect.map((op) => op.config))
    )
  })

  const set = Effect.fn("Settings.set")(function* (actor: Actor, input: SettingsChange, options: DryRun = {}) {
    const change = yield* decodeChange(input)
    return yield* directory.write(
      (tx) =>
        Effect.gen(function* () {
          // Locked for the change first, so that two changes at once wait on each other instead of deadlocking.
          yield* currentSettings(tx, defaults, { forUpdate: true })
          const op = yield* asAdmin(tx, defaults, actor, ACTION)
          const before = op.config
          const next: DirectoryConfigShape = { ...before, ...change }
          yield* checkBounds(next)
          if (next.adminGroup !== before.adminGroup) {
            yield* getGroupRow(tx, next.adminGroup, true)
            if ((yield* tx.countEnabledNonSystemMembers(next.adminGroup as GroupName)) === 0) {
              return yield* new InvalidInput({
                field: "adminGroup",
                reason: `group '${next.adminGroup}' has no enabled member that is not a system user, so nobody could manage the directory`
              })
            }
            // Nobody locks themselves out: the administrator who moves admin access keeps it (a token is no member).
            if (op.actor.token === undefined && !op.actor.groups.includes(next.adminGroup as GroupName)) {
              return yield* new InvalidInput({
                field: "adminGroup",
                reason: `you ('${op.actor.username}') are not a member of group '${next.adminGroup}', so you would lose admin access: join it first`
              })
            }
          }
          if (next.gidMax !== before.gidMax || next.gidMin !== before.gidMin) {
            const handedOut = yield* tx.gidHighWaterMark
            if (next.gidMax <= handedOut) {
              return yield* new InvalidInput({
                field: "gidMax",
                reason: `gidMax ${next.gidMax} would leave no GID to hand out: GIDs up to ${handedOut} were handed out already, and none is handed out twice`
              })
            }
          }
          const changes = Object.fromEntries(
            keys.filter((key) => next[key] !== before[key]).map((key) => [key, { from: before[key], to: next[key] }])
          )
          // A directory whose settings were never stored has them stored now, even when none changes.
          if (Object.keys(changes).length === 0 && Option.isSome(yield* tx.readSettings())) return next
          yield* tx.saveSettings(next)
          yield* audit(op, "directory.settings", { type: "directory", name: "settings" }, changes)
          return next
        }),
      options.dryRun === true ? "rollback" : "commit"
    )
  })

  return {
    /** The directory's settings: those stored with it, else the host's `DirectoryConfig` (admins). */
    get,
    /**
     * Changes some settings, checked together and audited (admins; `dryRun` supported): the GID range within
     * 1–2147483646, its minimum not above its maximum, and leaving a GID to hand out; an admin group that exists and
     * has an administrator; a minimum password length from 8 to 256.
     */
    set
  }
})

/**
 * The directory-wide settings use case.
 *
 * @category services
 * @since 0.1.0
 */
export class Settings extends Context.Tag("@user-manager/core/Settings")<
  Settings,
  Effect.Effect.Success<typeof make>
>() {
  /** The service over a `Directory` and (optionally) a `DirectoryConfig`, whose settings a new directory starts with. */
  static readonly layer = Layer.effect(this, make)
}
