/**
 * The work of `dt apply -f FILE`: a declared directory (the JSON document of `dt export`, or the same as YAML) made the
 * directory's state. The core plans it (`Imports.run` with `onConflict: "update"`, `atomic`, and `prune` when asked,
 * as a dry run that lists each change), the plan is printed like `terraform plan`, and once confirmed (a terminal's
 * question, or `--yes`) the same import runs for real, all or nothing. Loaded only when `dt apply` runs.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline/promises"
import { type Errors, type ImportRecord, Imports } from "@user-manager/core"
import { DirectoryDocument } from "@user-manager/formats"
import { Chunk, Effect, Stream } from "effect"
import { type Document, isNode, LineCounter, parseDocument } from "yaml"
import { invalid } from "./Bulk.js"
import { ExitCode } from "./ExitCode.js"
import * as Output from "./Output.js"
import { type Common, remoteTarget, runLocalOnly } from "./Session.js"

/**
 * What `dt apply` is asked for.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplyRequest {
  readonly file: string
  readonly prune: boolean
  readonly dryRun: boolean
  readonly yes: boolean
}

/** A file's text as the JSON of a directory document, and where a record of it is (`users[3]`) as a person finds it. */
interface DocumentText {
  readonly json: string
  readonly where: (location: string | undefined) => string | undefined
}

/** Where a record (`users[3]`) of a parsed document begins, as a line; other locations as they are. */
const lineOf =
  (document: Document, lineCounter: LineCounter) =>
  (location: string | undefined): string | undefined => {
    const match = /^(\w+)\[(\d+)\]$/.exec(location ?? "")
    const node = match === null ? undefined : document.getIn([match[1], Number(match[2])], true)
    return isNode(node) && node.range != null ? `line ${lineCounter.linePos(node.range[0]).line}` : location
  }

/**
 * The file's text as the JSON of a directory document: YAML (by its name) is parsed, its errors naming the line; a
 * record's location is given as its line (a JSON file is parsed for that only when a record is refused, as YAML, of
 * which JSON is a part).
 */
const documentText = (file: string): Effect.Effect<DocumentText, Errors.InvalidInput> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => readFileSync(file, "utf8"),
      catch: (cause) => invalid("file", `cannot read '${file}': ${(cause as NodeJS.ErrnoException).code ?? cause}`)
    })
    const lineCounter = new LineCounter()
    if (!/\.ya?ml$/i.test(file)) {
      return { json: text, where: (location) => lineOf(parseDocument(text, { lineCounter }), lineCounter)(location) }
    }
    const document = parseDocument(text, { prettyErrors: true, lineCounter })
    const [error] = document.errors
    if (error !== undefined) {
      const where = error.linePos?.[0]
      const line = where === undefined ? "" : ` at line ${where.line}, column ${where.col}`
      return yield* Effect.fail(invalid("file", `'${file}' is not valid YAML${line}: ${firstLine(error.message)}`))
    }
    const where = lineOf(document, lineCounter)
    const value: unknown = document.toJS()
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return { json: JSON.stringify(value), where }
    // A YAML file's sections may come in any order: the document reader wants groups, then gids, then users.
    const { groups, gids, users, ...rest } = value as Record<string, unknown>
    return { json: JSON.stringify({ ...rest, groups, gids, users }), where }
  })

const firstLine = (message: string) => (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")

/**
 * The entries of the file, read as a whole (a declared directory is planned, then applied: it is read once). A record
 * the file's reader refused, or a plain password (an apply file is kept and versioned: passwords have no place in it,
 * hashes do), is refused here in one sentence naming where it is.
 */
const readEntries = (file: string) =>
  Effect.gen(function* () {
    const { json, where } = yield* documentText(file)
    const entries = Chunk.toReadonlyArray(yield* Stream.runCollect(DirectoryDocument.read(Stream.make(json))))
    for (const entry of entries) {
      if (entry.kind === "malformed") {
        return yield* Effect.fail(invalid("file", `'${file}', ${where(entry.location)}: ${entry.reason}`))
      }
      if (entry.kind === "user" && entry.record.password !== undefined) {
        return yield* Effect.fail(
          invalid(
            "password",
            `'${file}', ${where(entry.location) ?? entry.record.username}: an apply file holds no plain password (give a passwordHash, or set it with dt user passwd)`
          )
        )
      }
    }
    return { entries, json, where }
  })

const show = (value: unknown): string => JSON.stringify(value)

/** The plan as `terraform plan` prints one: `+` create, `~` update with each field from → to, `-` delete. */
const planText = (changes: ReadonlyArray<Imports.ImportChange>): string => {
  const lines: Array<string> = []
  for (const change of changes) {
    const sign = change.action === "create" ? "+" : change.action === "update" ? "~" : "-"
    lines.push(`${sign} ${change.kind} ${change.name}`)
    for (const [field, { from, to }] of Object.entries(change.fields)) {
      if (change.action === "create") lines.push(`    ${field}: ${show(to)}`)
      else lines.push(`    ${field}: ${show(from)} -> ${show(to)}`)
    }
  }
  return lines.map((line) => `${line}\n`).join("")
}

const tally = (changes: ReadonlyArray<Imports.ImportChange>) => ({
  add: changes.filter((change) => change.action === "create").length,
  change: changes.filter((change) => change.action === "update").length,
  remove: changes.filter((change) => change.action === "delete").length
})

/** The plan and the result as JSON (`-j`): the changes, the counts, the refusals and warnings. */
const resultJson = (result: Imports.ImportResult, applied: boolean) => ({
  applied,
  ...tally(result.changes),
  changes: result.changes,
  refused: result.refused.map(({ location, kind, name, reason }) => ({ location, kind, name, reason })),
  warnings: result.warnings
})

/** Asks on the terminal whether to apply the plan. */
const confirm = Effect.promise(async () => {
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  const answer = await prompt.question("Apply these changes? Only 'yes' applies them: ")
  prompt.close()
  return answer.trim() === "yes"
})

/**
 * The plan printed, then (unless `--dry-run`, no change, or a refused record) applied once confirmed: `run` is the
 * core's import (a local store's, or a server's over its import route), a dry run giving the plan.
 */
const planAndApply = <E>(
  request: ApplyRequest,
  format: Output.Format,
  where: DocumentText["where"],
  run: (dryRun: boolean) => Effect.Effect<Imports.ImportResult, E>
) =>
  Effect.gen(function* () {
    const print = (text: string) => Output.writeTo(process.stdout)(text)
    const json = (result: Imports.ImportResult, applied: boolean) =>
      print(`${JSON.stringify(resultJson(result, applied), null, format.pretty ? 2 : undefined)}\n`)
    const plan = yield* run(true)
    for (const warning of plan.warnings) process.stderr.write(`dt: warning: ${warning}\n`)
    if (plan.refused.length > 0) {
      if (format.json) yield* json(plan, false)
      for (const entry of plan.refused) {
        process.stderr.write(`dt: ${where(entry.location) ?? entry.name ?? entry.kind}: ${entry.reason}\n`)
      }
      process.stderr.write("dt: nothing was applied: the file has refused records.\n")
      process.exitCode = ExitCode.refused
      return
    }
    const counts = tally(plan.changes)
    const summary = `Plan: ${counts.add} to add, ${counts.change} to change, ${counts.remove} to remove.\n`
    if (plan.changes.length === 0) {
      return yield* format.json ? json(plan, false) : print("No changes.\n")
    }
    if (!format.json) yield* print(`${planText(plan.changes)}\n${summary}`)
    if (request.dryRun) return format.json ? yield* json(plan, false) : undefined
    if (!request.yes) {
      if (!process.stdin.isTTY) {
        return yield* Effect.fail(
          invalid(
            "",
            "dt apply asks before changing the directory; with no terminal to ask on, give --yes (or --dry-run)"
          )
        )
      }
      if (!(yield* confirm)) {
        process.stderr.write("dt: nothing was applied.\n")
        process.exitCode = ExitCode.refused
        return
      }
    }
    const result = yield* run(false)
    if (format.json) return yield* json(result, true)
    const done = tally(result.changes)
    yield* print(`Apply complete: ${done.add} added, ${done.change} changed, ${done.remove} removed.\n`)
  })

/**
 * Runs `dt apply`: the file read, the plan made by the core and printed, then (unless `--dry-run`, no change, or a
 * refused record) applied once confirmed. Exit 1 when a record is refused or the question is answered no. With a
 * server, the file's document goes to its import route twice (the plan, then the change), checked there by the same
 * core; between the two, as on a local store, the directory may change, and the change is then checked anew.
 *
 * @category running
 * @since 0.1.0
 */
export const applyFile = (common: Common, request: ApplyRequest) =>
  Effect.gen(function* () {
    const { entries, json, where } = yield* readEntries(request.file)
    const settings = { onConflict: "update", atomic: true, prune: request.prune, listChanges: true } as const
    const remote = yield* remoteTarget(common)
    if (remote !== undefined) {
      const Remote = yield* Effect.promise(() => import("./Remote.js"))
      const params = (dryRun: boolean): Record<string, string> => ({
        kind: "directory",
        onConflict: settings.onConflict,
        atomic: "true",
        listChanges: "true",
        ...(settings.prune ? { prune: "true" } : {}),
        ...(dryRun ? { dryRun: "true" } : {})
      })
      return yield* planAndApply(request, { json: common.json, pretty: common.pretty }, where, (dryRun) =>
        Effect.map(
          Remote.importBytes(
            remote.server,
            remote.token,
            new Blob([json]).stream(),
            "application/json",
            params(dryRun)
          ),
          (answer) => answer as Imports.ImportResult
        )
      )
    }
    return yield* runLocalOnly("dt apply", common, (session) =>
      Effect.flatMap(Imports.Imports, (imports) =>
        planAndApply(request, session.format, where, (dryRun) =>
          imports.run(session.actor, Stream.fromIterable<ImportRecord.ImportEntry>(entries), { ...settings, dryRun })
        )
      )
    )
  })
