/**
 * What every format shares: the formats by name, the guess of a format from a file name, the text a reader takes in,
 * and the one error a reader fails with when a file cannot be read as a whole.
 *
 * @since 0.1.0
 */
import { Schema, type Stream } from "effect"

/**
 * The file formats of import and export: CSV, JSON Lines, the whole-directory JSON document, and a Linux host's
 * passwd files (import only).
 *
 * @category models
 * @since 0.1.0
 */
export type Format = "csv" | "jsonl" | "json" | "passwd"

/**
 * The formats by name, in the order a help text lists them.
 *
 * @category constants
 * @since 0.1.0
 */
export const FORMATS: ReadonlyArray<Format> = ["csv", "jsonl", "json", "passwd"]

/**
 * The format a file name suggests: `.csv`, `.jsonl` or `.ndjson`, `.json`, a file named `passwd`; `undefined` for any
 * other name (the caller then asks for the format).
 *
 * @category guessing
 * @since 0.1.0
 */
export const formatOf = (fileName: string): Format | undefined => {
  const base = fileName.split(/[\\/]/).pop()?.toLowerCase() ?? ""
  if (base === "passwd") return "passwd"
  const dot = base.lastIndexOf(".")
  if (dot <= 0) return undefined
  switch (base.slice(dot + 1)) {
    case "csv":
      return "csv"
    case "jsonl":
    case "ndjson":
      return "jsonl"
    case "json":
      return "json"
    default:
      return undefined
  }
}

/**
 * The text a reader takes in: a file, standard input or a request body as chunks of UTF-8 bytes or of text.
 *
 * @category models
 * @since 0.1.0
 */
export type TextInput<E = never> = Stream.Stream<Uint8Array | string, E>

/**
 * A file that cannot be read as a whole (a CSV header naming an unknown column, a directory document that is not
 * JSON): one sentence saying what is wrong. A single bad record is no error of the file: it becomes a `malformed` entry
 * and the rest is still read.
 *
 * @category errors
 * @since 0.1.0
 */
export class FormatError extends Schema.TaggedError<FormatError>()("FormatError", {
  /** The format being read. */
  format: Schema.Literal("csv", "jsonl", "json", "passwd"),
  /** What is wrong, as one sentence. */
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}
