/**
 * What is wrong with a JSON text, said the same way on every Node line: `JSON.parse`'s messages differ between V8
 * versions, and some quote the text back. The text is read again by @streamparser/json's tokenizer, whose errors give
 * the byte and the parser's state; they become a clause of the reader's sentence ("unexpected '}' at byte 12"), which
 * shows JSON's punctuation but nothing of the text's own words (a password sent without its quotes stays unsaid).
 *
 * @since 0.2.0
 */
import { JSONParser } from "@streamparser/json"
import { describeError } from "./internal/jsonSyntax.js"

/**
 * What is wrong with `text` as one JSON value, in a clause of the reader's sentence ("unexpected '}' at byte 12", "an
 * unexpected character at byte 3", "it ends before the value does", "it is empty"), or `undefined` when it is valid
 * JSON.
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
 * @since 0.2.0
 */
export const problem = (text: string): string | undefined => {
  try {
    JSON.parse(text)
    return undefined
  } catch {
    // JSON's own white space only (a byte order mark or a no-break space is a character JSON does not take).
    if (/^[ \t\n\r]*$/.test(text)) return "it is empty"
    const parser = new JSONParser()
    parser.onValue = () => undefined
    try {
      parser.write(text)
      parser.end()
    } catch (error) {
      return describeError(error)
    }
    // What JSON.parse refuses and the tokenizer takes (none is known): said plainly.
    return "it is not valid JSON"
  }
}
