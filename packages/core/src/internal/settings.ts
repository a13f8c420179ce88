import { Effect, Option } from "effect"
import type { DirectoryTransaction, ReadOptions } from "../Directory.js"
import type { DirectoryConfigShape } from "../DirectoryConfig.js"
import { InvalidInput, type StorageError } from "../Errors.js"
import { GID_LIMITS } from "../Group.js"
import { MAX_PASSWORD_LENGTH } from "../Password.js"

/**
 * The settings a transaction's rules run on: those stored with the directory, else `defaults` (the host's
 * `DirectoryConfig`) for a directory that has none stored yet. Read inside the transaction, so that a write never runs
 * on a value another process has changed since (the store keeps them locked until the write ends).
 */
export const currentSettings = (
  tx: DirectoryTransaction,
  defaults: DirectoryConfigShape,
  options?: ReadOptions
): Effect.Effect<DirectoryConfigShape, StorageError> =>
  Effect.map(
    tx.readSettings(options),
    Option.getOrElse(() => defaults)
  )

/** The bounds of the minimum password length: NIST SP 800-63B's floor, and the longest password a user can set. */
export const MIN_PASSWORD_LENGTH_LIMITS = { min: 8, max: MAX_PASSWORD_LENGTH } as const

/** The bounds of each whole-number setting. */
export const WHOLE_NUMBER_BOUNDS = {
  gidMin: GID_LIMITS,
  gidMax: GID_LIMITS,
  minPasswordLength: MIN_PASSWORD_LENGTH_LIMITS
} as const

/** The name of a setting that is a whole number. */
export type WholeNumberSetting = keyof typeof WHOLE_NUMBER_BOUNDS

/**
 * Why `value` is refused for the whole-number setting `field`, whatever it is (a number out of bounds, a fraction, a
 * text): one clause naming the setting and its bounds, the value quoted short.
 */
export const wholeNumberReason = (field: WholeNumberSetting, value: unknown): string => {
  const { min, max } = WHOLE_NUMBER_BOUNDS[field]
  return `${field} is a whole number from ${min} to ${max}, not ${quote(value)}`
}

const quote = (value: unknown): string => {
  if (typeof value === "number") return String(value)
  const text = typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? String(value))
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`
}

const outOfBounds = (field: WholeNumberSetting, value: number): boolean => {
  const { min, max } = WHOLE_NUMBER_BOUNDS[field]
  return !Number.isInteger(value) || value < min || value > max
}

/** Refuses settings whose values are out of their bounds, in one sentence naming the first such setting. */
export const checkBounds = (settings: DirectoryConfigShape): Effect.Effect<void, InvalidInput> => {
  for (const field of ["gidMin", "gidMax"] as const) {
    if (outOfBounds(field, settings[field])) {
      return new InvalidInput({ field, reason: wholeNumberReason(field, settings[field]) })
    }
  }
  if (settings.gidMin > settings.gidMax) {
    return new InvalidInput({
      field: "gidMin",
      reason: `gidMin (${settings.gidMin}) cannot be above gidMax (${settings.gidMax})`
    })
  }
  if (outOfBounds("minPasswordLength", settings.minPasswordLength)) {
    return new InvalidInput({
      field: "minPasswordLength",
      reason: wholeNumberReason("minPasswordLength", settings.minPasswordLength)
    })
  }
  return Effect.void
}
