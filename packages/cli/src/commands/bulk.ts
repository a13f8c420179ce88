/**
 * `dt user import|export`, `dt group import|export`, `dt import`, `dt export`: a file of users, groups or a whole
 * directory in or out, in batches with progress (import) or page by page (export). The work itself is in
 * `../BulkImport.ts` and `../BulkExport.ts`, loaded only when one of these commands runs (they bring the file
 * formats with them).
 *
 * @since 0.1.0
 */
import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import type * as Bulk from "../Bulk.js"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"

const importing = Effect.promise(() => import("../BulkImport.js"))
const exporting = Effect.promise(() => import("../BulkExport.js"))

const file = Args.text({ name: "file" }).pipe(
  Args.withDescription("the file to read, or - for standard input (then --format is needed)")
)

const importOptions = {
  ...Flags.common,
  onConflict: Options.choice("on-conflict", ["fail", "skip", "update"]).pipe(
    Options.withPseudoName("WHAT"),
    Options.withDescription(
      "for a record that exists already: fail (refuse it), skip it, or update it to the file's fields (default: fail)"
    ),
    Options.withDefault("fail" as const)
  ),
  atomic: Options.boolean("atomic").pipe(
    Options.withDescription("import all or nothing: one refused record and nothing is written")
  ),
  batchSize: Flags.wholeNumber("batch-size", { min: 1, max: 10_000 }).pipe(
    Options.withDescription("records written in each transaction (default: 1000)"),
    Options.optional
  ),
  dryRun: Options.boolean("dry-run").pipe(
    Options.withDescription(
      "check every record and print the plan (created, updated, unchanged, skipped, refused), writing nothing"
    )
  ),
  errors: Options.text("errors").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription("write the refused records to FILE, in the input's format, ready to fix and import again"),
    Options.optional
  ),
  quiet: Flags.quiet
}

const exportOptions = {
  ...Flags.common,
  output: Options.text("output").pipe(
    Options.withAlias("o"),
    Options.withPseudoName("FILE"),
    Options.withDescription("write to FILE instead of standard output"),
    Options.optional
  ),
  includePasswordHashes: Options.boolean("include-password-hashes").pipe(
    Options.withDescription("include the users' password hashes (administrators; the audit trail records who did)")
  ),
  quiet: Flags.quiet
}

/** The flags of an import as `BulkImport.importFile` takes them. */
const importRequest = (
  kind: Bulk.ImportKind,
  flags: {
    readonly format: Option.Option<string>
    readonly onConflict: "fail" | "skip" | "update"
    readonly atomic: boolean
    readonly batchSize: Option.Option<number>
    readonly dryRun: boolean
    readonly errors: Option.Option<string>
    readonly quiet: boolean
  },
  file: Option.Option<string>
): Bulk.ImportRequest => ({
  kind,
  file: Option.getOrUndefined(file),
  format: Option.getOrUndefined(flags.format),
  onConflict: flags.onConflict,
  atomic: flags.atomic,
  batchSize: Option.getOrUndefined(flags.batchSize),
  dryRun: flags.dryRun,
  errors: Option.getOrUndefined(flags.errors),
  quiet: flags.quiet
})

/**
 * `dt user import FILE|-`.
 *
 * @category commands
 * @since 0.1.0
 */
export const userImport = Command.make(
  "import",
  { ...importOptions, format: Flags.fileFormat(["csv", "jsonl"]), file },
  (flags) =>
    Effect.flatMap(importing, (Import) =>
      Import.importFile(flags, importRequest("users", flags, Option.some(flags.file)))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Import users from a CSV or JSON Lines file, in batches (administrators; audited under one import id).",
      "dt user import users.csv --dry-run",
      "dt user import users.csv --on-conflict skip --errors refused.csv",
      "cat users.jsonl | dt user import - --format jsonl -j"
    )
  )
)

/**
 * `dt group import FILE|-`.
 *
 * @category commands
 * @since 0.1.0
 */
export const groupImport = Command.make(
  "import",
  { ...importOptions, format: Flags.fileFormat(["csv", "jsonl"]), file },
  (flags) =>
    Effect.flatMap(importing, (Import) =>
      Import.importFile(flags, importRequest("groups", flags, Option.some(flags.file)))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Import groups (with their GIDs and members) from a CSV or JSON Lines file (administrators).",
      "dt group import groups.csv --dry-run",
      "dt group import groups.jsonl --on-conflict update"
    )
  )
)

/**
 * `dt import FILE|-`: a whole directory, a mixed JSON Lines file, or a Linux host's passwd files.
 *
 * @category commands
 * @since 0.1.0
 */
export const importAll = Command.make(
  "import",
  {
    ...importOptions,
    format: Flags.fileFormat(["json", "jsonl", "passwd"]),
    passwd: Options.text("passwd").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription("with --format passwd: the passwd file (default: /etc/passwd)"),
      Options.withDefault("/etc/passwd")
    ),
    group: Options.text("group").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription("with --format passwd: the group file (default: /etc/group)"),
      Options.withDefault("/etc/group")
    ),
    shadow: Options.text("shadow").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription(
        "with --format passwd: the shadow file, for the password hashes (default: /etc/shadow with /etc/passwd, when readable)"
      ),
      Options.optional
    ),
    minUid: Flags.wholeNumber("min-uid", { min: 0, max: 4_294_967_294 }).pipe(
      Options.withDescription("with --format passwd: the lowest UID of a person's account (default: 1000)"),
      Options.withDefault(1000)
    ),
    belowMinUid: Options.choice("below-min-uid", ["skip", "system"]).pipe(
      Options.withPseudoName("WHAT"),
      Options.withDescription(
        "with --format passwd: accounts below --min-uid are skipped, or imported as system users (default: skip)"
      ),
      Options.withDefault("skip" as const)
    ),
    file: file.pipe(Args.optional)
  },
  (flags) =>
    Effect.flatMap(importing, (Import) =>
      Import.importFile(flags, {
        ...importRequest("directory", flags, flags.file),
        passwd: {
          passwd: flags.passwd,
          group: flags.group,
          shadow: Option.getOrUndefined(flags.shadow),
          minUid: flags.minUid,
          belowMinUid: flags.belowMinUid
        }
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Import a whole directory (dt export's JSON), a mixed JSON Lines file, or a Linux host's users and groups.",
      "dt import directory.json --dry-run",
      "dt import --format passwd --min-uid 1000 --on-conflict skip",
      "dt import directory.jsonl --atomic -j"
    )
  )
)

/** The flags of an export as `BulkExport.exportFile` takes them. */
const exportRequest = (
  kind: Bulk.ExportKind,
  flags: {
    readonly format: Option.Option<string>
    readonly output: Option.Option<string>
    readonly includePasswordHashes: boolean
    readonly quiet: boolean
  }
): Bulk.ExportRequest => ({
  kind,
  format: Option.getOrUndefined(flags.format),
  output: Option.getOrUndefined(flags.output),
  includePasswordHashes: flags.includePasswordHashes,
  quiet: flags.quiet
})

/**
 * `dt user export`.
 *
 * @category commands
 * @since 0.1.0
 */
export const userExport = Command.make(
  "export",
  { ...exportOptions, format: Flags.fileFormat(["csv", "jsonl"]) },
  (flags) => Effect.flatMap(exporting, (Export) => Export.exportFile(flags, exportRequest("users", flags)))
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Export every user, as CSV or JSON Lines (default: JSON Lines on standard output), page by page.",
      "dt user export -o users.csv",
      "dt user export --include-password-hashes -o users.jsonl"
    )
  )
)

/**
 * `dt group export`.
 *
 * @category commands
 * @since 0.1.0
 */
export const groupExport = Command.make(
  "export",
  {
    ...Flags.common,
    output: exportOptions.output,
    quiet: exportOptions.quiet,
    format: Flags.fileFormat(["csv", "jsonl"])
  },
  (flags) =>
    Effect.flatMap(exporting, (Export) =>
      Export.exportFile(flags, exportRequest("groups", { ...flags, includePasswordHashes: false }))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Export every group with its GID and members, as CSV or JSON Lines (default: JSON Lines).",
      "dt group export -o groups.csv",
      "dt group export --format csv"
    )
  )
)

/**
 * `dt export`: the whole directory.
 *
 * @category commands
 * @since 0.1.0
 */
export const exportAll = Command.make(
  "export",
  { ...exportOptions, format: Flags.fileFormat(["json", "jsonl"]) },
  (flags) => Effect.flatMap(exporting, (Export) => Export.exportFile(flags, exportRequest("directory", flags)))
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Export the whole directory (groups with GIDs, the GID ledger, users), as one JSON document (default) or JSON Lines.",
      "dt export -o directory.json",
      "dt export --include-password-hashes -o backup.json",
      "dt export --format jsonl | gzip > directory.jsonl.gz"
    )
  )
)

/**
 * `dt apply -f FILE`: a declared directory planned, then applied.
 *
 * @category commands
 * @since 0.1.0
 */
export const apply = Command.make(
  "apply",
  {
    ...Flags.common,
    file: Options.file("file").pipe(
      Options.withAlias("f"),
      Options.withPseudoName("FILE"),
      Options.withDescription("the declared directory: dt export's JSON document, or the same as YAML (.yaml, .yml)")
    ),
    prune: Options.boolean("prune").pipe(
      Options.withDescription(
        "also delete the users and groups FILE does not name (never system users, yourself or the admin group)"
      )
    ),
    dryRun: Options.boolean("dry-run").pipe(Options.withDescription("print the plan, change nothing")),
    yes: Options.boolean("yes").pipe(
      Options.withAlias("y"),
      Options.withDescription("apply without asking (needed when standard input is not a terminal)")
    )
  },
  (flags) =>
    Effect.flatMap(
      Effect.promise(() => import("../Apply.js")),
      (Apply) => Apply.applyFile(flags, { file: flags.file, prune: flags.prune, dryRun: flags.dryRun, yes: flags.yes })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Make the directory what FILE declares: print the plan (+ add, ~ change, - remove), then apply it, all or nothing.",
      "dt apply -f directory.yaml --dry-run",
      "dt apply -f directory.json --prune --yes",
      "dt apply -f directory.yaml -j --yes"
    )
  )
)
