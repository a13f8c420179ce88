/**
 * What @streamparser/json's tokenizer and parser say is wrong with a JSON text, in a clause of the reader's sentence.
 * The clause names the place and the kind of thing found there, and shows only JSON's own punctuation: never a
 * character, word or number of the text itself, which may be a secret (a password sent without its quotes).
 */

/** What belongs where the parser met a token it did not expect, by the parser's state. */
const expected: Readonly<Record<string, string>> = {
  VALUE: "where a value belongs",
  KEY: "where a name in double quotes belongs",
  COLON: "where ':' belongs",
  COMMA: "where ',' or the end of an object or a list belongs"
}

/** JSON's punctuation: what a clause may show of the text. */
const PUNCTUATION = new Set(["{", "}", "[", "]", ",", ":", '"'])

/** A character the tokenizer did not expect: itself when it is punctuation, else only that it is one. */
const character = (char: string) => (PUNCTUATION.has(char) ? `unexpected '${char}'` : "an unexpected character")

/** A token the parser did not expect, by its kind: punctuation as itself, a literal as its word, else its kind. */
const token = (kind: string, value: string) => {
  if (kind === "STRING") return "unexpected text in double quotes"
  if (kind === "NUMBER") return "an unexpected number"
  if (kind === "TRUE" || kind === "FALSE" || kind === "NULL") return `unexpected ${kind.toLowerCase()}`
  // Punctuation comes as its JSON string ("}").
  return character(value.slice(1, -1))
}

/**
 * The clause for the streaming parser's error: what is where, by the byte (1 for the first); or that the text ends
 * early ("it ends before the `whole` does"); never the parser's own states and advice.
 */
export const describeError = (error: unknown, whole = "value"): string => {
  const message = error instanceof Error ? error.message : String(error)
  const unexpected = /^Unexpected "(.*)" at chunk position "\d+" \(absolute position "(\d+)"\) in state (\w+)/s.exec(
    message
  )
  if (unexpected !== null) {
    // Inside `true`, `false` or `null` (state NULL2: two letters read), the word is what is wrong, from its start.
    const into = Number(/^(?:TRUE|FALSE|NULL)(\d)$/.exec(unexpected[3] ?? "")?.[1] ?? 0)
    const at = Number(unexpected[2]) - into
    return `${into > 0 ? "an unexpected character" : character(unexpected[1] ?? "")} at byte ${at + 1}`
  }
  const misplaced = /^Unexpected ([A-Z_]+) \((.*)\) in state ([A-Z_]+)/s.exec(message)
  if (misplaced !== null) {
    return `${token(misplaced[1] ?? "", misplaced[2] ?? "")} ${expected[misplaced[3] ?? ""] ?? "here"}`
  }
  if (/ended in (mid-parsing|the middle of a token)/.test(message)) return `it ends before the ${whole} does`
  return "it cannot be read"
}
