/**
 * `dt user import|export`, `dt group import|export`, `dt import`, `dt export`: a file of users, groups or a whole
 * directory in or out, in batches with progress (import) or page by page (export). The work itself is in
 * `../BulkExport.ts`, loaded only when one of these commands runs (it brings the file formats' parsers with it).
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import type * as Bulk from "../Bulk.js"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"

const exporting = Effect.promise(() => import("../BulkExport.js"))

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
