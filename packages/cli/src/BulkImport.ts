/**
 * The work of `dt user import`, `dt group import` and `dt import`: the file opened and read through its format's reader
 * into the core's `Imports`, in batches, with a progress bar, Ctrl-C stopping after the batch in flight, and the
 * refused records printed and written back (`--errors`). Loaded only when an import runs.
 *
 * @since 0.1.0
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join } from "node:path"
import { Readable } from "node:stream"
import { type Errors, type ImportRecord, Imports } from "@user-manager/core"
import { Csv, DirectoryDocument, type Format, JsonLines, Passwd } from "@user-manager/formats"
import { Chunk, Effect, Option, Runtime, Stream } from "effect"
import { COMMAND, chooseFormat, type ImportKind, type ImportRequest, invalid } from "./Bulk.js"
import { ExitCode } from "./ExitCode.js"
import * as HeapGrowth from "./HeapGrowth.js"
import * as Output from "./Output.js"
import * as Progress from "./Progress.js"
import { type Common, remoteTarget, runLocalOnly } from "./Session.js"
import * as StopSignal from "./StopSignal.js"

const DEFAULT_PASSWD = "/etc/passwd"
const DEFAULT_SHADOW = "/etc/shadow"

/** Opens a file to read now, so that a missing or unreadable one is one sentence before anything else is done. */
const openForReading = (file: string): Effect.Effect<number, Errors.InvalidInput> =>
  Effect.try({
    try: () => openSync(file, "r"),
    catch: (cause) => invalid("file", `cannot read '${file}': ${(cause as NodeJS.ErrnoException).code ?? cause}`)
  })

/** The text of a file descriptor (or standard input) as a stream of chunks. */
const chunks = (fd: number | "stdin"): Stream.Stream<Uint8Array, Errors.InvalidInput> =>
  Stream.fromAsyncIterable(fd === "stdin" ? process.stdin : createReadStream("", { fd }), (cause) =>
    invalid("file", `cannot read the input: ${cause instanceof Error ? cause.message : String(cause)}`)
  ) as Stream.Stream<Uint8Array, Errors.InvalidInput>

/** The entries of the input, read by its format's reader. */
const entries = (
  request: ImportRequest,
  format: string,
  input: Stream.Stream<Uint8Array, Errors.InvalidInput>,
  onHeader: (header: string) => void
): Stream.Stream<ImportRecord.ImportEntry, Errors.InvalidInput | Format.FormatError> => {
  if (format === "json") return DirectoryDocument.read(input)
  const contents = request.kind === "users" ? "user" : "group"
  if (format === "csv") return Csv.read(input, contents, { onHeader })
  return JsonLines.read(input, request.kind === "directory" ? "mixed" : contents)
}

/** Where the refused records go: a file opened (created, or emptied) before the import, private to its owner. */
const openErrorsFile = (file: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => openSync(file, "w", 0o600),
      catch: (cause) =>
        invalid("errors", `cannot write '${file}': ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`)
    }),
    (fd) => Effect.sync(() => closeSync(fd))
  )

/**
 * The refused records in the input's format, as the file had them (so that they can be fixed and imported again):
 * CSV with the input's header, JSON Lines as lines, a whole-directory document as one; passwd files' records as mixed
 * JSON Lines.
 */
const refusedText = (format: string, header: string, refused: ReadonlyArray<Imports.ImportRefusal>): string => {
  const raw = (entry: Imports.ImportRefusal) =>
    (entry.entry.raw ?? JSON.stringify(entry.entry.kind === "malformed" ? {} : entry.entry.record)).replace(
      /\r?\n$/,
      ""
    )
  if (format === "csv") return [header, ...refused.map(raw)].map((line) => `${line}\n`).join("")
  if (format === "json") {
    const of = (kind: string) => refused.filter((entry) => entry.entry.kind === kind).map(raw)
    return `${JSON.stringify(
      { format: DirectoryDocument.FORMAT, version: DirectoryDocument.VERSION, groups: [], users: [] },
      null,
      2
    )
      .replace('"groups": []', `"groups": [${of("group").join(",\n    ")}]`)
      .replace('"users": []', `"users": [${of("user").join(",\n    ")}]`)}\n`
  }
  if (format === "passwd") {
    // A host's account is spread over three files: its record is written instead, as `dt import` reads it back.
    return refused
      .flatMap(({ entry }) =>
        entry.kind === "malformed" ? [] : [`${JSON.stringify({ kind: entry.kind, ...entry.record })}\n`]
      )
      .join("")
  }
  return refused.map((entry) => `${raw(entry)}\n`).join("")
}

const COUNTED = ["created", "updated", "unchanged", "skipped", "refused"] as const

/**
 * The counts of the summary line, by what each record came to (a dry run's: what each would come to); a whole
 * directory's for users and groups apart.
 */
const counts = (kind: ImportKind, result: Imports.ImportResult): Progress.Counts => {
  const name = (count: (typeof COUNTED)[number]) =>
    result.dryRun && count === "created" ? "to create" : result.dryRun && count === "updated" ? "to update" : count
  const of = (counted: Imports.ImportCounts) =>
    Object.fromEntries(COUNTED.map((count) => [name(count), counted[count]]))
  const hashed = result.passwordsHashed === 0 ? {} : { "passwords hashed": result.passwordsHashed }
  if (kind === "users") return { ...of(result.users), ...hashed }
  if (kind === "groups") return of(result.groups)
  return { groups: of(result.groups), users: of(result.users), ...hashed }
}

/**
 * The entries with a turn of the event loop before each batch's first one: a batch read from a buffered chunk and
 * written to SQLite runs without one, and the SIGINT of a Ctrl-C (a signal handler is a macrotask) would otherwise be
 * seen only at the next read of the file.
 */
const withTurns = <A, E>(entries: Stream.Stream<A, E>, every: number): Stream.Stream<A, E> => {
  let count = 0
  return Stream.tap(entries, () =>
    count++ % every === 0 ? Effect.async<void>((resume) => void setImmediate(() => resume(Effect.void))) : Effect.void
  )
}

/** What a second Ctrl-C says: the batch in flight rolled back, and what the batches before it committed. */
const stoppedAtOnce = (committed: Imports.ImportProgress | undefined): string => {
  if (committed === undefined || committed.batches === 0) {
    return "stopped at once: the batch in flight was rolled back; nothing was committed."
  }
  const kinds = (["users", "groups"] as const)
    .map((kind) => `${kind} ${committed[kind].created} created, ${committed[kind].updated} updated`)
    .join("; ")
  return `stopped at once: the batch in flight was rolled back; ${committed.batches} ${committed.batches === 1 ? "batch was" : "batches were"} committed before it (${kinds}).`
}

/** The result of an import as JSON (`-j`): the counts, every refusal (never the record itself), the warnings. */
const summaryJson = (result: Imports.ImportResult) => ({
  importId: result.importId,
  dryRun: result.dryRun,
  stopped: result.stopped,
  batches: result.batches,
  passwordsHashed: result.passwordsHashed,
  users: result.users,
  groups: result.groups,
  refused: result.refused.map((entry) => ({
    location: entry.location,
    kind: entry.kind,
    name: entry.name,
    reason: entry.reason
  })),
  warnings: result.warnings
})

/** Prints an import's result: its warnings, then the whole result with -j or each refusal, and sets the exit code. */
const report = (result: Imports.ImportResult, format: Output.Format) =>
  Effect.gen(function* () {
    for (const warning of result.warnings) process.stderr.write(`dt: warning: ${warning}\n`)
    if (format.json) {
      yield* Output.writeTo(process.stdout)(
        `${JSON.stringify(summaryJson(result), null, format.pretty ? 2 : undefined)}\n`
      )
    } else {
      for (const entry of result.refused) {
        process.stderr.write(`dt: ${entry.location ?? entry.name ?? entry.kind}: ${entry.reason}\n`)
      }
    }
    if (result.stopped) process.exitCode = 130
    else if (result.refused.length > 0) process.exitCode = ExitCode.refused
  })

/**
 * The refused entries of a file read again (the server names each refused record by its location, never sends it
 * back: it may hold a password), as refusals whose entries `refusedText` writes out, with the file's header.
 */
const refusedOf = (
  request: ImportRequest,
  format: string,
  fd: number,
  refused: ReadonlyArray<{ readonly location?: string | undefined; readonly reason: string }>
) =>
  Effect.gen(function* () {
    const wanted = new Map(refused.flatMap((entry) => (entry.location === undefined ? [] : [[entry.location, entry]])))
    let header = ""
    const found: Array<Imports.ImportRefusal> = []
    yield* Stream.runForEach(
      entries(request, format, chunks(fd), (text) => {
        header = text
      }),
      (entry) =>
        Effect.sync(() => {
          const refusal = entry.location === undefined ? undefined : wanted.get(entry.location)
          if (refusal !== undefined) {
            found.push({ location: entry.location, kind: entry.kind, name: undefined, reason: refusal.reason, entry })
          }
        })
    )
    return { header, found }
  })

/**
 * An import in remote mode: the file (CSV, JSON Lines, or a whole-directory document) streamed as it is read to the
 * server's `POST /api/v1/import`, which checks every record in the core as a local import does; the server answers
 * once at the end, so the bar counts the bytes sent, and the summary is the server's result. With `--errors`, the
 * refused records are read again from the file (standard input: from a private copy kept while it is sent) and
 * written out as a local import writes them.
 */
const importRemote = (
  remote: { readonly server: string; readonly token: string | undefined },
  request: ImportRequest,
  format: "csv" | "jsonl" | "json",
  output: Output.Format,
  errorsFd: number | undefined
) =>
  Effect.gen(function* () {
    const file = request.file ?? "-"
    const fd = file === "-" ? ("stdin" as const) : yield* openForReading(file)
    // Standard input is read once: a copy of it is kept, private to its owner, to find the refused records in.
    const copy =
      errorsFd === undefined || fd !== "stdin"
        ? undefined
        : yield* Effect.acquireRelease(
            Effect.sync(() => {
              const directory = mkdtempSync(join(tmpdir(), "dt-import-"))
              const path = join(directory, "input")
              return { directory, path, fd: openSync(path, "w", 0o600) }
            }),
            ({ directory, fd }) =>
              Effect.sync(() => {
                closeSync(fd)
                rmSync(directory, { recursive: true, force: true })
              })
          )
    const Remote = yield* Effect.promise(() => import("./Remote.js"))
    const runtime = yield* Effect.runtime<never>()
    const params: Record<string, string> = {
      kind: request.kind === "directory" ? (format === "json" ? "directory" : "mixed") : request.kind,
      onConflict: request.onConflict,
      ...(request.atomic ? { atomic: "true" } : {}),
      ...(request.dryRun ? { dryRun: "true" } : {}),
      ...(request.batchSize === undefined ? {} : { batchSize: String(request.batchSize) })
    }
    const result = yield* Effect.scoped(
      Effect.gen(function* () {
        // The summary counts the records the server read, over the whole time from the first byte sent.
        const summary = yield* remoteSummary(request, output)
        const sending = yield* Progress.make({
          verb: "Sent",
          noun: "bytes",
          quiet: request.quiet,
          summary: { write: () => true }
        })
        const source = fd === "stdin" ? process.stdin : createReadStream("", { fd })
        source.on("data", (chunk: Buffer) => {
          if (copy !== undefined) writeSync(copy.fd, chunk)
          Runtime.runSync(runtime)(sending.advance(chunk.byteLength))
        })
        const answer = (yield* Remote.importBytes(
          remote.server,
          remote.token,
          Readable.toWeb(source) as ReadableStream<Uint8Array>,
          format === "csv" ? "text/csv" : format === "json" ? "application/json" : "application/x-ndjson",
          params
        )) as Imports.ImportResult
        yield* sending.finish()
        if (answer.dryRun) process.stderr.write("dt: dry run: nothing was written; the plan:\n")
        yield* summary.advance(answer.read)
        yield* summary.finish({ counts: counts(request.kind, answer), stopped: answer.stopped })
        return answer
      })
    )
    if (errorsFd !== undefined) {
      const again = openSync(copy === undefined ? file : copy.path, "r")
      const { header, found } = yield* refusedOf(request, format, again, result.refused)
      writeFileSync(errorsFd, refusedText(format, header, found))
    }
    yield* report(result, output)
  })

/** The summary line of an import a server answered (none of it with `-j`): the server's count, never a bar. */
const remoteSummary = (request: ImportRequest, output: Output.Format) =>
  Progress.make({
    verb: request.dryRun ? "Checked" : "Imported",
    noun: "records",
    quiet: true,
    summary: output.json ? { write: () => true } : process.stdout
  })

/**
 * A Linux host's accounts imported over a server: the passwd, group and shadow files read here (they are this host's,
 * and small), their records sent to the server's import route as JSON Lines naming each kind, and checked there by the
 * core as a local import checks them. A line the files' reader could not read is refused here, counted under its kind
 * as the core counts it (and, `--atomic`, nothing is written: the server is then asked for a dry run, for the other
 * refusals); each refusal is named by its place in the files.
 */
const importPasswdRemote = (
  remote: { readonly server: string; readonly token: string | undefined },
  request: ImportRequest,
  input: Stream.Stream<ImportRecord.ImportEntry, Errors.InvalidInput | Format.FormatError>,
  output: Output.Format,
  errorsFd: number | undefined
) =>
  Effect.gen(function* () {
    const Remote = yield* Effect.promise(() => import("./Remote.js"))
    const result = yield* Effect.scoped(
      Effect.gen(function* () {
        const summary = yield* remoteSummary(request, output)
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(input))
        const sent = all.flatMap((entry, index) => (entry.kind === "malformed" ? [] : [index]))
        const malformed = all.flatMap((entry) => (entry.kind === "malformed" ? [entry] : []))
        const writesNothing = request.atomic && !request.dryRun && malformed.length > 0
        const body = sent
          .map((index) => {
            const entry = all[index] as Exclude<ImportRecord.ImportEntry, { readonly kind: "malformed" }>
            return `${JSON.stringify({ kind: entry.kind, ...entry.record })}\n`
          })
          .join("")
        const answer = (yield* Remote.importBytes(
          remote.server,
          remote.token,
          new Blob([body]).stream(),
          "application/x-ndjson",
          {
            kind: "mixed",
            onConflict: request.onConflict,
            ...(request.atomic ? { atomic: "true" } : {}),
            ...(request.dryRun || writesNothing ? { dryRun: "true" } : {}),
            ...(request.batchSize === undefined ? {} : { batchSize: String(request.batchSize) })
          }
        )) as Imports.ImportResult
        // Each refusal by its place in the files: the server's by the line of what was sent, the reader's as it is.
        const placed = [
          ...answer.refused.map((refusal) => {
            const index = sent[Number(/^line (\d+)$/.exec(refusal.location ?? "")?.[1] ?? 0) - 1]
            const entry = index === undefined ? undefined : all[index]
            return {
              index: index ?? all.length,
              refusal: { ...refusal, location: entry?.location ?? refusal.location, entry: entry ?? refusal.entry }
            }
          }),
          ...malformed.map((entry) => ({
            index: all.indexOf(entry),
            refusal: {
              location: entry.location,
              kind: entry.kind,
              name: undefined,
              reason: Imports.malformedReason(entry),
              entry
            }
          }))
        ].sort((a, b) => a.index - b.index)
        const unreadable = (of: "user" | "group") => malformed.filter((entry) => entry.of === of).length
        const refusedOnly = (counts: Imports.ImportCounts, of: "user" | "group") => ({
          created: writesNothing ? 0 : counts.created,
          updated: writesNothing ? 0 : counts.updated,
          unchanged: writesNothing ? 0 : counts.unchanged,
          skipped: writesNothing ? 0 : counts.skipped,
          refused: counts.refused + unreadable(of)
        })
        const result: Imports.ImportResult = {
          ...answer,
          dryRun: request.dryRun,
          read: answer.read + malformed.length,
          users: refusedOnly(answer.users, "user"),
          groups: refusedOnly(answer.groups, "group"),
          refused: placed.map(({ refusal }) => refusal as Imports.ImportRefusal),
          batches: writesNothing ? 0 : answer.batches,
          passwordsHashed: writesNothing ? 0 : answer.passwordsHashed
        }
        if (result.dryRun) process.stderr.write("dt: dry run: nothing was written; the plan:\n")
        yield* summary.advance(result.read)
        yield* summary.finish({ counts: counts(request.kind, result), stopped: result.stopped })
        return result
      })
    )
    if (errorsFd !== undefined) writeFileSync(errorsFd, refusedText("passwd", "", result.refused))
    yield* report(result, output)
  })

/**
 * Runs an import: the format chosen and the input opened before the store is, the entries read by the format's reader
 * into `Imports.run`, with a progress bar on a terminal's standard error and Ctrl-C stopping after the batch in flight.
 * Prints the summary (or the plan) and every refused record; exit 1 when one was refused.
 *
 * @category running
 * @since 0.1.0
 */
export const importFile = (common: Common, request: ImportRequest) =>
  Effect.scoped(
    Effect.gen(function* () {
      const command = `${COMMAND[request.kind]} import`
      const format =
        request.kind === "directory" && request.file === undefined && request.format === undefined
          ? yield* Effect.fail(invalid("file", `${command} needs a FILE (or - and --format), or --format passwd`))
          : yield* chooseFormat(request.kind, "import", request.format, request.file)
      const remote = yield* remoteTarget(common)
      if (remote !== undefined && (format === "csv" || format === "jsonl" || format === "json")) {
        const errorsFd = request.errors === undefined ? undefined : yield* openErrorsFile(request.errors)
        return yield* importRemote(remote, request, format, { pretty: common.pretty, json: common.json }, errorsFd)
      }
      // A CSV file's header row, as the file has it: --errors writes the refused rows under it.
      let header = ""
      let input: Stream.Stream<ImportRecord.ImportEntry, Errors.InvalidInput | Format.FormatError>
      if (format === "passwd") {
        const options = request.passwd
        if (options === undefined) return yield* Effect.fail(invalid("format", `${command} does not read passwd files`))
        const files = {
          passwd: chunks(yield* openForReading(options.passwd)),
          group: chunks(yield* openForReading(options.group)),
          ...(options.shadow !== undefined
            ? { shadow: chunks(yield* openForReading(options.shadow)) }
            : options.passwd === DEFAULT_PASSWD
              ? // This host's own accounts: their hashes too, when dt may read them (as root).
                Option.match(Option.liftThrowable(() => openSync(DEFAULT_SHADOW, "r"))(), {
                  onNone: () => ({}),
                  onSome: (fd) => ({ shadow: chunks(fd) })
                })
              : {})
        }
        input = Passwd.read(files, { minUid: options.minUid, belowMinUid: options.belowMinUid })
        if (remote !== undefined) {
          const errorsFd = request.errors === undefined ? undefined : yield* openErrorsFile(request.errors)
          const output = { pretty: common.pretty, json: common.json }
          return yield* importPasswdRemote(remote, request, input, output, errorsFd)
        }
      } else {
        const file = request.file ?? "-"
        const fd = file === "-" ? ("stdin" as const) : yield* openForReading(file)
        input = entries(request, format, chunks(fd), (text) => {
          header = text
        })
      }
      const errorsFd = request.errors === undefined ? undefined : yield* openErrorsFile(request.errors)
      return yield* runLocalOnly(command, common, (session) =>
        Effect.gen(function* () {
          const imports = yield* Imports.Imports
          const runtime = yield* Effect.runtime<never>()
          // The old generation kept near what is live while the records stream through (HeapGrowth.ts).
          const result = yield* StopSignal.withStopSignal((signal) =>
            Effect.scoped(
              Effect.gen(function* () {
                const progress = yield* Progress.make({
                  verb: request.dryRun ? "Checked" : "Imported",
                  noun: "records",
                  quiet: request.quiet,
                  // -j prints the whole result below, refusals included, instead of the summary line.
                  summary: session.format.json ? { write: () => true } : process.stdout
                })
                let read = 0
                let committed: Imports.ImportProgress | undefined
                const result = yield* imports
                  .run(session.actor, withTurns(input, request.batchSize ?? 1000), {
                    onConflict: request.onConflict,
                    atomic: request.atomic,
                    dryRun: request.dryRun,
                    ...(request.batchSize === undefined ? {} : { batchSize: request.batchSize }),
                    // Plain passwords are hashed on every core.
                    hashConcurrency: Math.min(64, availableParallelism()),
                    signal,
                    onProgress: (done) => {
                      Runtime.runSync(runtime)(progress.advance(done.read - read))
                      read = done.read
                      committed = done
                    }
                  })
                  .pipe(
                    // The second Ctrl-C: the batch in flight is rolled back; say what the batches before it committed.
                    Effect.onInterrupt(() =>
                      Effect.sync(() => process.stderr.write(`dt: ${stoppedAtOnce(committed)}\n`))
                    )
                  )
                if (result.dryRun) process.stderr.write("dt: dry run: nothing was written; the plan:\n")
                yield* progress.finish({ counts: counts(request.kind, result), stopped: result.stopped })
                return result
              })
            )
          ).pipe(HeapGrowth.withSmallOldGeneration)
          if (errorsFd !== undefined) writeFileSync(errorsFd, refusedText(format, header, result.refused))
          yield* report(result, session.format)
        })
      )
    })
  )
