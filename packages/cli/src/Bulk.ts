/**
 * What `dt … import` and `dt … export` are asked for, and the choice of a file's format: shared by the commands (which
 * load `BulkImport` or `BulkExport` only when they run) and by the work itself.
 *
 * @since 0.1.0
 */
import { Errors } from "@user-manager/core"
import { formatOf } from "@user-manager/formats/Format"
import { Effect } from "effect"

/**
 * What an import reads: users, groups, or a whole directory (`dt import`).
 *
 * @category models
 * @since 0.1.0
 */
export type ImportKind = "users" | "groups" | "directory"

/**
 * What an export writes: users, groups, or the whole directory (`dt export`).
 *
 * @category models
 * @since 0.1.0
 */
export type ExportKind = ImportKind

/**
 * An import as its command's flags ask for it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportRequest {
  readonly kind: ImportKind
  /** The file, `-` for standard input; none for `--format passwd`. */
  readonly file: string | undefined
  readonly format: string | undefined
  readonly onConflict: "fail" | "skip" | "update"
  readonly atomic: boolean
  readonly batchSize: number | undefined
  readonly dryRun: boolean
  readonly errors: string | undefined
  readonly quiet: boolean
  readonly passwd?: {
    readonly passwd: string
    readonly group: string
    readonly shadow: string | undefined
    readonly minUid: number
    readonly belowMinUid: "skip" | "system"
  }
}

/**
 * An export as its command's flags ask for it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExportRequest {
  readonly kind: ExportKind
  readonly format: string | undefined
  readonly output: string | undefined
  readonly includePasswordHashes: boolean
  readonly quiet: boolean
}

/**
 * The words of each kind's commands before `import` or `export`.
 *
 * @category constants
 * @since 0.1.0
 */
export const COMMAND: Record<ImportKind, string> = { users: "dt user", groups: "dt group", directory: "dt" }

/** The formats each kind of import or export reads and writes. */
const FORMATS: Record<ImportKind, ReadonlyArray<string>> = {
  users: ["csv", "jsonl"],
  groups: ["csv", "jsonl"],
  directory: ["json", "jsonl", "passwd"]
}

/**
 * A refusal of the input, in one sentence.
 *
 * @category errors
 * @since 0.1.0
 */
export const invalid = (field: string, reason: string) => new Errors.InvalidInput({ field, reason })

/**
 * The format of a file: `--format`, else guessed from the file's name; refused in one sentence when neither tells, or
 * when the command does not read (write) it.
 *
 * @category formats
 * @since 0.1.0
 */
export const chooseFormat = (
  kind: ImportKind,
  verb: "import" | "export",
  given: string | undefined,
  file: string | undefined
): Effect.Effect<string, Errors.InvalidInput> => {
  const command = `${COMMAND[kind]} ${verb}`
  const accepted = FORMATS[kind].filter((format) => verb === "import" || format !== "passwd")
  if (given !== undefined) return Effect.succeed(given)
  if (file === undefined || file === "-") {
    return Effect.fail(
      invalid(
        "format",
        verb === "import"
          ? `${command} cannot tell the format of standard input: give --format ${accepted.join(" or ")}`
          : `${command} needs a format`
      )
    )
  }
  const guessed = formatOf(file)
  if (guessed === undefined) {
    return Effect.fail(
      invalid(
        "format",
        `${command} cannot tell the format of '${file}' by its name: give --format ${accepted.join(" or ")}`
      )
    )
  }
  if (!accepted.includes(guessed)) {
    const hint =
      kind === "directory"
        ? "CSV holds one kind of record: use dt user or dt group"
        : "a whole directory is imported and exported by dt import and dt export"
    return Effect.fail(
      invalid("format", `${command} reads and writes ${accepted.join(" or ")}, not ${guessed} ('${file}'); ${hint}`)
    )
  }
  return Effect.succeed(guessed)
}
