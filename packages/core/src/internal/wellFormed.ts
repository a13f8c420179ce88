/**
 * Whether a text is well-formed Unicode: no UTF-16 surrogate without its pair (JSON's `"\ud800"` can carry one). Such
 * text has no UTF-8 form: each store would keep another replacement of it, and two passwords that differ only there
 * would hash alike. What the core stores or hashes is refused with it.
 */
const LONE_SURROGATE = /\p{Cs}/u

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text)

/** The reason given for text that is not well-formed, `what` naming it ("a name"). */
export const notWellFormed = (what: string): string =>
  `${what} must be valid Unicode text (it holds half of a UTF-16 surrogate pair)`
