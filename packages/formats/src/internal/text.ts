import { Chunk, Stream } from "effect"
import type { TextInput } from "../Format.js"

/** One line of a text, numbered from 1, without its line break (`\n` or `\r\n`). */
export interface Line {
  readonly number: number
  readonly text: string
}

/** The input as text: bytes decoded as UTF-8 (a character split across chunks is kept whole), a leading BOM dropped. */
export const decodeText = <E>(input: TextInput<E>): Stream.Stream<string, E> =>
  Stream.suspend(() => {
    const decoder = new TextDecoder("utf-8", { ignoreBOM: false })
    let first = true
    const dropBom = (text: string): string => {
      if (!first || text.length === 0) return text
      first = false
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    }
    return input.pipe(
      Stream.map((chunk) => dropBom(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }))),
      Stream.concat(Stream.sync(() => dropBom(decoder.decode()))),
      Stream.filter((text) => text.length > 0)
    )
  })

/** The input cut into lines; a last line without a line break counts, an empty end does not. */
export const lines = <E>(input: TextInput<E>): Stream.Stream<Line, E> =>
  Stream.suspend(() => {
    let carry = ""
    let number = 0
    const cut = (text: string, end: boolean): Chunk.Chunk<Line> => {
      const parts = (carry + text).split("\n")
      carry = end ? "" : (parts.pop() ?? "")
      if (end && parts[parts.length - 1] === "") parts.pop()
      return Chunk.unsafeFromArray(
        parts.map((part) => ({ number: ++number, text: part.endsWith("\r") ? part.slice(0, -1) : part }))
      )
    }
    return decodeText(input).pipe(
      Stream.mapChunks((chunk) => Chunk.flatMap(chunk, (text) => cut(text, false))),
      Stream.concat(Stream.suspend(() => Stream.fromChunk(cut("", true))))
    )
  })
