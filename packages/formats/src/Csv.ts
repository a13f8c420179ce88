/**
 * CSV (RFC 4180) with a header row of the records' JSON field names, read into import entries and written from
 * records, streaming: parsed with csv-parse and written with csv-stringify. A user's groups (a group's members) are one
 * comma-separated field (`"staff,ops"`), an empty cell is a field left out, booleans are `true` or `false`.
 *
 * @since 0.1.0
 */
import type { ImportRecord } from "@user-manager/core"
import { CsvError, parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { Chunk, Effect, Stream } from "effect"
import { FormatError, type TextInput } from "./Format.js"
import { type Line, lines } from "./internal/text.js"
import {
  GROUP_FIELDS,
  type GroupField,
  type GroupRecord,
  groupToJson,
  USER_FIELDS,
  type UserField,
  type UserRecord,
  userToJson
} from "./Records.js"

/**
 * What a CSV file holds: users or groups (the caller says which).
 *
 * @category models
 * @since 0.1.0
 */
export type Contents = "user" | "group"

/**
 * The most characters one record may span: a quote left open would otherwise take the rest of the file into one
 * field. A longer record is refused as `malformed` and reading goes on at its next line.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_RECORD_CHARACTERS = 4 * 1024 * 1024

// Records are parsed a batch at a time: one csv-parse call per record costs about 7 times as much.
const BATCH = 1024
const PARSE_OPTIONS = { relax_column_count: true, skip_empty_lines: false } as const

type Cell = (text: string) => { readonly value: unknown } | { readonly problem: string }

const text: Cell = (value) => ({ value })
const boolean: Cell = (value) => {
  const lower = value.toLowerCase()
  return lower === "true" || lower === "false"
    ? { value: lower === "true" }
    : { problem: `'${value}' is not a boolean: write true or false` }
}
const names: Cell = (value) => ({
  value: value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "")
})
const integer: Cell = (value) =>
  /^\s*-?\d+\s*$/.test(value) ? { value: Number(value) } : { problem: `'${value}' is not a whole number` }

const CELLS: Record<Contents, Record<string, Cell>> = {
  user: {
    username: text,
    firstName: text,
    lastName: text,
    email: text,
    enabled: boolean,
    system: boolean,
    groups: names,
    password: text,
    passwordHash: text,
    createdAt: text,
    externalId: text,
    externalName: text
  },
  group: { name: text, gid: integer, members: names, createdAt: text, externalId: text, externalName: text }
}
const KEY: Record<Contents, string> = { user: "username", group: "name" }
const ALL: Record<Contents, ReadonlyArray<string>> = { user: USER_FIELDS, group: GROUP_FIELDS }

const countQuotes = (line: string): number => {
  let count = 0
  for (let at = line.indexOf('"'); at !== -1; at = line.indexOf('"', at + 1)) count++
  return count
}

const columnOf = (error: unknown, columns: ReadonlyArray<string> | undefined): string | undefined => {
  const at = error as { readonly column?: unknown }
  if (!(error instanceof CsvError) || typeof at.column !== "number") return undefined
  return columns?.[at.column] !== undefined ? `column ${columns[at.column]}` : `field ${at.column + 1}`
}

const csvProblem = (error: unknown, columns: ReadonlyArray<string> | undefined): string => {
  if (!(error instanceof CsvError)) return error instanceof Error ? error.message : String(error)
  const column = columnOf(error, columns)
  const where = column === undefined ? "" : ` in ${column}`
  switch (error.code) {
    case "CSV_INVALID_CLOSING_QUOTE":
      return `a quoted field${where} is followed by other text before the next comma`
    case "INVALID_OPENING_QUOTE":
      return `a quote stands inside an unquoted field${where}: quote the whole field and double the quotes in it`
    case "CSV_QUOTE_NOT_CLOSED":
      return `a quote${where} is never closed`
    default:
      return `the row cannot be read as CSV${where} (${error.message})`
  }
}

interface Header {
  readonly columns: ReadonlyArray<string>
  readonly cells: ReadonlyArray<Cell>
}

const headerOf = (contents: Contents, row: ReadonlyArray<string>): Header | FormatError => {
  const columns = row.map((column) => column.trim())
  const fail = (reason: string) => new FormatError({ format: "csv", reason })
  const kind = contents === "user" ? "user" : "group"
  const unknown = columns.find((column) => CELLS[contents][column] === undefined)
  if (unknown !== undefined) {
    return fail(
      `The CSV header names a column '${unknown}' that a ${kind} does not have (its columns are ${ALL[contents].join(", ")}).`
    )
  }
  const twice = columns.find((column, index) => columns.indexOf(column) !== index)
  if (twice !== undefined) return fail(`The CSV header names the column '${twice}' twice.`)
  if (!columns.includes(KEY[contents])) {
    return fail(`The CSV header has no '${KEY[contents]}' column, which every ${kind} needs.`)
  }
  return { columns, cells: columns.map((column) => CELLS[contents][column] as Cell) }
}

const entryOf = (
  contents: Contents,
  header: Header,
  row: ReadonlyArray<string>,
  first: Line,
  raw: string
): ImportRecord.ImportEntry => {
  const location = `line ${first.number}`
  if (row.length !== header.columns.length) {
    return {
      kind: "malformed",
      of: contents,
      reason: `the row has ${row.length} field${row.length === 1 ? "" : "s"} where the header has ${header.columns.length}`,
      location,
      raw
    }
  }
  const record: Record<string, unknown> = {}
  for (let index = 0; index < row.length; index++) {
    const cell = row[index] as string
    if (cell === "") continue
    const read = (header.cells[index] as Cell)(cell)
    if ("problem" in read) {
      return {
        kind: "malformed",
        of: contents,
        reason: read.problem,
        location: `${location}, column ${header.columns[index]}`,
        raw
      }
    }
    record[header.columns[index] as string] = read.value
  }
  if (record[KEY[contents]] === undefined) {
    return {
      kind: "malformed",
      of: contents,
      reason: `a ${contents} needs a ${KEY[contents]}`,
      location: `${location}, column ${KEY[contents]}`,
      raw
    }
  }
  return contents === "user"
    ? { kind: "user", record: record as unknown as ImportRecord.ImportUser, location, raw }
    : { kind: "group", record: record as unknown as ImportRecord.ImportGroup, location, raw }
}

const textOf = (candidate: ReadonlyArray<Line>): string =>
  candidate.length === 1 ? (candidate[0] as Line).text : candidate.map((line) => line.text).join("\n")

/**
 * Cuts lines into candidate records (a record ends at a line where the quotes seen are even) and parses them with
 * csv-parse. csv-parse's own recovery (`skip_records_with_error`) stays inside an unclosed quote and loses the rest of
 * the file, so a record that fails is reported by its first line, and reading starts again on the line after it.
 */
class CsvReader {
  private header: Header | undefined
  private pending: Array<Line> = []
  private pendingCharacters = 0
  private quotes = 0

  constructor(
    private readonly contents: Contents,
    private readonly onHeader: ((header: string) => void) | undefined
  ) {}

  feed(incoming: ReadonlyArray<Line>, end: boolean): Array<ImportRecord.ImportEntry> | FormatError {
    const out: Array<ImportRecord.ImportEntry> = []
    let queue: ReadonlyArray<Line> = incoming
    for (;;) {
      const candidates: Array<ReadonlyArray<Line>> = []
      for (const line of queue) {
        if (this.pending.length === 0 && line.text.trim() === "") continue
        this.pending.push(line)
        this.pendingCharacters += line.text.length + 1
        this.quotes += countQuotes(line.text)
        if (this.quotes % 2 === 0 || this.pendingCharacters > MAX_RECORD_CHARACTERS) this.cut(candidates)
      }
      if (end && this.pending.length > 0) this.cut(candidates)
      const failed = this.parse(candidates, out)
      if (failed === undefined) return out
      if (failed instanceof FormatError) return failed
      const [at, reason, column] = failed
      const bad = candidates[at] as ReadonlyArray<Line>
      const first = bad[0] as Line
      const location = `line ${first.number}${column === undefined ? "" : `, ${column}`}`
      out.push({ kind: "malformed", of: this.contents, reason, location, raw: first.text })
      queue = [...bad.slice(1), ...candidates.slice(at + 1).flat(), ...this.pending]
      this.pending = []
      this.pendingCharacters = 0
      this.quotes = 0
    }
  }

  private cut(candidates: Array<ReadonlyArray<Line>>): void {
    candidates.push(this.pending)
    this.pending = []
    this.pendingCharacters = 0
    this.quotes = 0
  }

  /** Parses the candidates into `out`; the index of the first that is no single CSV record, and why. */
  private parse(
    candidates: ReadonlyArray<ReadonlyArray<Line>>,
    out: Array<ImportRecord.ImportEntry>
  ): readonly [number, string, string | undefined] | FormatError | undefined {
    let start = 0
    if (this.header === undefined && candidates.length > 0) {
      const first = candidates[0] as ReadonlyArray<Line>
      let rows: Array<Array<string>>
      try {
        rows = parse(textOf(first), PARSE_OPTIONS)
      } catch (error) {
        return new FormatError({
          format: "csv",
          reason: `The CSV header at line ${(first[0] as Line).number} cannot be read: ${csvProblem(error, undefined)}.`
        })
      }
      const header = headerOf(this.contents, rows[0] ?? [])
      if (header instanceof FormatError) return header
      this.header = header
      this.onHeader?.(textOf(first))
      start = 1
    }
    const header = this.header
    if (header === undefined) return undefined
    for (let from = start; from < candidates.length; from += BATCH) {
      const batch = candidates.slice(from, from + BATCH)
      let rows: Array<Array<string>> | undefined
      try {
        rows = parse(batch.map(textOf).join("\n"), PARSE_OPTIONS)
      } catch {
        rows = undefined
      }
      if (rows !== undefined && rows.length === batch.length) {
        rows.forEach((row, index) => {
          const candidate = batch[index] as ReadonlyArray<Line>
          out.push(entryOf(this.contents, header, row, candidate[0] as Line, textOf(candidate)))
        })
        continue
      }
      for (let index = 0; index < batch.length; index++) {
        const candidate = batch[index] as ReadonlyArray<Line>
        let single: Array<Array<string>>
        try {
          single = parse(textOf(candidate), PARSE_OPTIONS)
        } catch (error) {
          return [from + index, csvProblem(error, header.columns), columnOf(error, header.columns)]
        }
        if (single.length !== 1) return [from + index, "the row cannot be read as one CSV record", undefined]
        out.push(entryOf(this.contents, header, single[0] as Array<string>, candidate[0] as Line, textOf(candidate)))
      }
    }
    return undefined
  }
}

/**
 * Reads a CSV file of users or groups into import entries, streaming. The header row names the columns (the records'
 * JSON field names, in any order; `username` or `name` required): an unknown, repeated or missing required column
 * fails the whole read with a `FormatError`. A row that cannot be read (bad quoting, a wrong number of fields, a
 * boolean that is not `true`/`false`, a GID that is not a whole number) becomes a `malformed` entry naming its line
 * and column, and the rest of the file is still read. Each entry carries its `location` (`"line 17"`) and its text as
 * `raw`; `onHeader` is handed the header row's text as the file has it, so that the refused rows can be written back
 * under it (`--errors FILE`).
 *
 * @category reading
 * @since 0.1.0
 */
export const read = <E>(
  input: TextInput<E>,
  contents: Contents,
  options?: { readonly onHeader?: ((header: string) => void) | undefined }
): Stream.Stream<ImportRecord.ImportEntry, E | FormatError> =>
  Stream.suspend(() => {
    const reader = new CsvReader(contents, options?.onHeader)
    const step = (incoming: ReadonlyArray<Line>, end: boolean) =>
      Effect.suspend(() => {
        const entries = reader.feed(incoming, end)
        return entries instanceof FormatError ? Effect.fail(entries) : Effect.succeed(Chunk.unsafeFromArray(entries))
      })
    return lines(input).pipe(
      Stream.mapChunksEffect((chunk) => step(Chunk.toReadonlyArray(chunk), false)),
      Stream.concat(Stream.flattenChunks(Stream.fromEffect(step([], true))))
    )
  })

// csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone line feed or carriage return.
const STRINGIFY_OPTIONS = { record_delimiter: "windows", quoted_match: /[\r\n]/ } as const

const cellOf = (value: unknown): string =>
  value === undefined || value === null ? "" : Array.isArray(value) ? value.join(",") : String(value)

const write = <A, E, R>(
  records: Stream.Stream<A, E, R>,
  columns: ReadonlyArray<string>,
  toJson: (record: A) => object
): Stream.Stream<string, E, R> =>
  Stream.succeed(stringify([columns], STRINGIFY_OPTIONS)).pipe(
    Stream.concat(
      records.pipe(
        Stream.mapChunks((chunk) => {
          if (Chunk.isEmpty(chunk)) return Chunk.empty<string>()
          const rows = Chunk.toReadonlyArray(chunk).map((record) => {
            const json = toJson(record) as Record<string, unknown>
            return columns.map((column) => cellOf(json[column]))
          })
          return Chunk.of(stringify(rows, STRINGIFY_OPTIONS))
        })
      )
    )
  )

/**
 * The columns a users CSV is written with unless the caller chooses: every field but `password`, `passwordHash` (add
 * it to export hashes) and the identity provider's `externalId` and `externalName` (read when a file has them; the
 * whole-directory export and JSON Lines carry them).
 *
 * @category writing
 * @since 0.1.0
 */
export const DEFAULT_USER_COLUMNS: ReadonlyArray<UserField> = USER_FIELDS.filter(
  (field) => field !== "password" && field !== "passwordHash" && field !== "externalId" && field !== "externalName"
)

/**
 * The columns a groups CSV is written with unless the caller chooses: every field but the identity provider's.
 *
 * @category writing
 * @since 0.2.0
 */
export const DEFAULT_GROUP_COLUMNS: ReadonlyArray<GroupField> = GROUP_FIELDS.filter(
  (field) => field !== "externalId" && field !== "externalName"
)

/**
 * Writes users as CSV (RFC 4180: CRLF line breaks, a field quoted when it holds a comma, a quote or a line break),
 * the header row first, one chunk of text per chunk of records. `columns` chooses the columns and their order.
 *
 * @category writing
 * @since 0.1.0
 */
export const writeUsers = <E, R>(
  users: Stream.Stream<UserRecord, E, R>,
  options?: { readonly columns?: ReadonlyArray<UserField> | undefined }
): Stream.Stream<string, E, R> => write(users, options?.columns ?? DEFAULT_USER_COLUMNS, userToJson)

/**
 * Writes groups as CSV, the header row first (`columns` chooses; by default `DEFAULT_GROUP_COLUMNS`).
 *
 * @category writing
 * @since 0.1.0
 */
export const writeGroups = <E, R>(
  groups: Stream.Stream<GroupRecord, E, R>,
  options?: { readonly columns?: ReadonlyArray<GroupField> | undefined }
): Stream.Stream<string, E, R> => write(groups, options?.columns ?? DEFAULT_GROUP_COLUMNS, groupToJson)
