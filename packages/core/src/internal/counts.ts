/**
 * The numbers a caller gives a list (its limit, an offset), refused in one sentence that says what they must be:
 * Effect's own messages ("Expected a non-negative number") are not sentences a user reads.
 */
import { Schema } from "effect"

const saying = (sentence: string) => ({ message: () => ({ message: sentence, override: true }) })

/** A whole number, 0 or more (an offset, how many to stream). */
export const Count = Schema.NonNegativeInt.annotations(saying("it must be a whole number, 0 or more"))

/** A whole number from `min` to `max` (a page's limit). */
export const wholeBetween = (min: number, max: number) =>
  Schema.Int.pipe(Schema.between(min, max)).annotations(saying(`it must be a whole number from ${min} to ${max}`))
