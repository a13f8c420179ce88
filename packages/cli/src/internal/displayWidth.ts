/**
 * The columns a terminal gives a text, as `string-width` measures them (a CJK character takes two, a combining mark
 * none). `string-width` builds an `Intl.Segmenter` and emoji regular expressions as it loads, which costs a command's
 * start-up more than the rest of its table: it is loaded only when a text needs it. Text made only of characters that
 * always take one column each (printable ASCII, the Latin letters, the common punctuation), the names of most
 * directories and all of dt's help, is measured by its length.
 */
import { Effect } from "effect"

/**
 * Characters that each take one column and never join with their neighbours (no control or format character, no
 * combining mark, no emoji): a text made only of them is as wide as it is long. The Latin-1 soft hyphen is not one.
 */
const NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u203b]*$/

let measure: ((text: string) => number) | undefined

/** Whether `text` is measured without `string-width`. */
export const isNarrow = (text: string): boolean => NARROW.test(text)

/** Loads `string-width` if one of `texts` needs it, so that `of` can measure every one of them. */
export const ready = (texts: Iterable<string>): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (measure !== undefined) return Effect.void
    for (const text of texts) {
      if (!isNarrow(text)) {
        return Effect.map(
          Effect.promise(() => import("string-width")),
          (module) => {
            measure = module.default
          }
        )
      }
    }
    return Effect.void
  })

/** The columns `text` takes; a text that is not narrow must have been passed to `ready` first. */
export const of = (text: string): number => {
  if (isNarrow(text)) return text.length
  if (measure === undefined) throw new Error(`displayWidth.ready was not given ${JSON.stringify(text)}`)
  return measure(text)
}
