/**
 * What is wrong with a JSON text, said the same way on every Node line: `JSON.parse`'s messages differ between V8
 * versions, and some quote the text back. The text is read again by @streamparser/json's tokenizer, whose errors give
 * the byte and the parser's state; they become a clause of the reader's sentence ("unexpected '}' at byte 12").
 *
 * @since 0.1.0
 */
import { JSONParser } from "@streamparser/json"

/** What belongs where the parser met a token it did not expect, by the parser's state. */
const expected: Readonly<Record<string, string>> = {
  VALUE: "where a value belongs",
  KEY: "where a name in double quotes belongs",
  COLON: "where ':' belongs",
  COMMA: "where ',' or the end of an object or a list belongs"
}

/** A token the parser did not expect, as the reader sees it (never a long string whole). */
const token = (kind: string, value: string) => {
  if (kind === "STRING") return `string ${value.length > 24 ? `${value.slice(0, 23)}…"` : value}`
  if (kind === "NUMBER") return `number ${value}`
  // Punctuation comes as its JSON string ("}"): shown as the character itself.
  return value.startsWith('"') ? `'${value.slice(1, -1)}'` : value
}

/** A character of the text as the reader sees it: a control character by its code point. */
const character = (char: string) =>
  (char.codePointAt(0) ?? 0) < 0x20
    ? `control character U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
    : `'${char}'`

/**
 * What the streaming parser's error says, in a clause of the reader's sentence: the character and the byte (1 for
 * the first) where it is, or what belongs where a token is, or that the text ends early — never the parser's own
 * states and advice. `bytes`, the text's UTF-8 when it is at hand, names a character outside ASCII (the tokenizer
 * reports its first byte alone).
 *
 * @internal
 */
export const describeError = (
  error: unknown,
  { bytes, whole = "value" }: { readonly bytes?: Uint8Array | undefined; readonly whole?: string } = {}
): string => {
  const message = error instanceof Error ? error.message : String(error)
  const unexpected = /^Unexpected "(.*)" at chunk position "\d+" \(absolute position "(\d+)"\) in state (\w+)/s.exec(
    message
  )
  if (unexpected !== null) {
    // Inside `true`, `false` or `null` (state NULL2: two letters read), the word is what is wrong, from its start.
    const into = Number(/^(?:TRUE|FALSE|NULL)(\d)$/.exec(unexpected[3] ?? "")?.[1] ?? 0)
    const at = Number(unexpected[2]) - into
    const reported = into > 0 ? String.fromCharCode(bytes?.[at] ?? 0x80) : (unexpected[1] ?? "")
    const found =
      reported.charCodeAt(0) < 0x80
        ? reported
        : bytes === undefined
          ? undefined
          : String.fromCodePoint(new TextDecoder().decode(bytes.subarray(at, at + 4)).codePointAt(0) ?? 0xfffd)
    return found === undefined
      ? `an unexpected character at byte ${at + 1}`
      : `unexpected ${character(found)} at byte ${at + 1}`
  }
  const misplaced = /^Unexpected ([A-Z_]+) \((.*)\) in state ([A-Z_]+)/s.exec(message)
  if (misplaced !== null) {
    return `unexpected ${token(misplaced[1] ?? "", misplaced[2] ?? "")} ${expected[misplaced[3] ?? ""] ?? "here"}`
  }
  if (/ended in (mid-parsing|the middle of a token)/.test(message)) return `it ends before the ${whole} does`
  return "it cannot be read"
}

/**
 * What is wrong with `text` as one JSON value, in a clause of the reader's sentence ("unexpected '}' at byte 12", "it
 * ends before the value does", "it is empty"), or `undefined` when it is valid JSON.
 *
 * @example
 * ```ts
 * import { JsonText } from "@user-manager/formats"
 *
 * JsonText.problem('{"name":}') // "unexpected '}' where a value belongs"
 * JsonText.problem('{"name":"staff"}') // undefined
 * ```
 *
 * @category reading
 * @since 0.1.0
 */
export const problem = (text: string): string | undefined => {
  try {
    JSON.parse(text)
    return undefined
  } catch {
    if (text.trim() === "") return "it is empty"
    const bytes = new TextEncoder().encode(text)
    const parser = new JSONParser()
    parser.onValue = () => undefined
    try {
      parser.write(bytes)
      parser.end()
    } catch (error) {
      return describeError(error, { bytes })
    }
    // What JSON.parse refuses and the tokenizer takes (none is known): said plainly.
    return "it is not valid JSON"
  }
}
