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

/** Refuses settings whose values are out of their bounds, in one sentence naming the first such setting. */
export const checkBounds = (settings: DirectoryConfigShape): Effect.Effect<void, InvalidInput> => {
  const { min, max } = GID_LIMITS
  for (const field of ["gidMin", "gidMax"] as const) {
    const value = settings[field]
    if (!Number.isInteger(value) || value < min || value > max) {
      return new InvalidInput({ field, reason: `${field} is a whole number from ${min} to ${max}, not ${value}` })
    }
  }
  if (settings.gidMin > settings.gidMax) {
    return new InvalidInput({
      field: "gidMin",
      reason: `gidMin (${settings.gidMin}) cannot be above gidMax (${settings.gidMax})`
    })
  }
  const length = MIN_PASSWORD_LENGTH_LIMITS
  if (
    !Number.isInteger(settings.minPasswordLength) ||
    settings.minPasswordLength < length.min ||
    settings.minPasswordLength > length.max
  ) {
    return new InvalidInput({
      field: "minPasswordLength",
      reason: `minPasswordLength is a whole number from ${length.min} to ${length.max}, not ${settings.minPasswordLength}`
    })
  }
  return Effect.void
}
