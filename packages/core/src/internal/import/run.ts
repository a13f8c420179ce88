import { Chunk, Data, Effect, Predicate, Stream } from "effect"
import { type Actor, user as userActor } from "../../Actor.js"
import { InvalidInput } from "../../Errors.js"
import type { ImportEntry } from "../../ImportRecord.js"
import { checkPolicy } from "../../Password.js"
import { asAdmin, audit, type Operation } from "../operation.js"
import { currentSettings } from "../settings.js"
import type { UserServices } from "../users/rules.js"
import { applyEntry } from "./apply.js"
import { type Prepared, prepare } from "./prepare.js"
import { pruneUnnamed } from "./prune.js"
import { type Counts, emptyTally, entryName, mergeTally, refuse, type Tally } from "./tally.js"
import { beginWrite, endWrite, type OnConflict } from "./write.js"

/** The settings of one import, every default applied. */
export interface RunSettings {
  readonly batchSize: number
  readonly onConflict: OnConflict
  readonly atomic: boolean
  readonly dryRun: boolean
  /** Delete what the entries do not name (run as one write: the whole import is atomic). */
  readonly prune: boolean
  readonly listChanges: boolean
  readonly hashConcurrency: number
  readonly signal: AbortSignal | undefined
  readonly onProgress: ((progress: RunProgress) => void) | undefined
}

/** What an import reports after each batch. */
export interface RunProgress {
  readonly read: number
  readonly batches: number
  readonly users: Counts
  readonly groups: Counts
}

/** What an import did (or, for a dry run, would do). */
export interface RunOutcome {
  readonly tally: Tally
  readonly read: number
  readonly batches: number
  readonly stopped: boolean
}

/** An atomic import with a refused record: its write is rolled back, and its tally says why. */
class AtomicRefused extends Data.TaggedError("AtomicRefused")<{ readonly tally: Tally }> {}

const ACTION = "import users and groups"

/** The entries as a stream, whether given as one or as an async iterable (whose failure is a reading error). */
export const entryStream = <E>(
  entries: Stream.Stream<ImportEntry, E> | AsyncIterable<ImportEntry>
): Stream.Stream<ImportEntry, E | InvalidInput> =>
  Predicate.hasProperty(entries, Stream.StreamTypeId)
    ? (entries as Stream.Stream<ImportEntry, E>)
    : Stream.fromAsyncIterable(
        entries as AsyncIterable<ImportEntry>,
        (cause) =>
          new InvalidInput({
            field: "entries",
            reason: `reading them failed (${cause instanceof Error ? cause.message : String(cause)})`
          })
      )

/**
 * Runs an import: batch by batch, each in one write (decoded and hashed before it), or, atomic or dry, the whole of it
 * in one write, so that a dry run's plan sees what the file's earlier records would create.
 */
export const runImport = <E>(
  services: UserServices,
  actor: Actor,
  entries: Stream.Stream<ImportEntry, E, never>,
  settings: RunSettings,
  importId: string
) =>
  Effect.gen(function* () {
    const { directory, config } = services
    // Refuses at once, before any entry is read or any password hashed, an actor who may not import. The import then
    // runs as the user this actor is, checked as an administrator again in each write: a session the import itself
    // ends (by changing that user's password) does not stop it half-way; the user's removal, disabling or loss of the
    // admin group meanwhile does. An API token runs it as itself (its revocation meanwhile stops it).
    const starter = yield* directory.read((tx) => asAdmin(tx, config, actor, ACTION))
    const importer = starter.actor.token === undefined ? userActor(starter.actor.username) : actor

    // Entries are prepared concurrently only when one of them has a password to hash: concurrency runs each entry in a
    // fiber of its own, whose garbage a batch of records without passwords would make for nothing.
    // Passwords are checked against the settings as each batch starts (read again, so that a change of them during
    // the import holds for the batches after it), then again in the batch's write, on the settings it runs on.
    const prepareAll = (batch: ReadonlyArray<ImportEntry>) =>
      Effect.gen(function* () {
        const current = yield* directory.read((tx) => currentSettings(tx, config))
        return yield* Effect.forEach(
          batch,
          (entry) => prepare({ ...services, config: current }, entry, settings.dryRun),
          {
            concurrency: batch.some(hasPassword) ? settings.hashConcurrency : 1
          }
        )
      })

    /** A prepared user whose password the settings of the write no longer allow is refused. */
    const recheck = (op: Operation, prepared: Prepared): Effect.Effect<Prepared> =>
      prepared.kind !== "user" || prepared.user.password === undefined
        ? Effect.succeed(prepared)
        : checkPolicy(prepared.user.password, {
            username: prepared.user.username,
            minLength: op.config.minPasswordLength
          }).pipe(
            Effect.as(prepared),
            Effect.catchTag("InvalidInput", (error) =>
              Effect.succeed<Prepared>({ kind: "refused", entry: prepared.entry, reason: error.message })
            )
          )

    /** Applies prepared entries in one write; the write's own tally is returned once it commits. */
    const writeBatch = (
      prepared: ReadonlyArray<Prepared>,
      last: ((op: Operation, tally: Tally) => Effect.Effect<void, never>) | undefined
    ) =>
      directory.write(
        (tx) =>
          Effect.gen(function* () {
            const admin = yield* asAdmin(tx, config, importer, ACTION)
            const op: Operation = { ...admin, auditContext: { importId } }
            const tally = emptyTally(settings.listChanges)
            const write = yield* beginWrite(op, settings.onConflict, tally)
            for (const entry of prepared) yield* applyEntry(write, yield* recheck(op, entry))
            if (settings.prune) yield* pruneUnnamed(write, namesOf(prepared))
            yield* endWrite(write)
            if (settings.atomic && !settings.dryRun && tally.refused.length > 0)
              return yield* new AtomicRefused({ tally })
            if (last !== undefined) yield* last(op, tally)
            return tally
          }),
        settings.dryRun ? "rollback" : "commit"
      )

    const summary = (op: Operation, tally: Tally, batches: number, stopped: boolean) =>
      audit(
        op,
        "directory.import",
        { type: "directory", name: importId },
        {
          users: { ...tally.users },
          groups: { ...tally.groups },
          refused: tally.refused.length,
          warnings: tally.warnings.length,
          batches,
          stopped,
          ...(settings.dryRun ? { dryRun: true } : {})
        }
      ).pipe(Effect.orDie)

    if (settings.atomic || settings.dryRun) {
      const all = Chunk.toReadonlyArray(yield* Stream.runCollect(entries))
      const prepared = yield* prepareAll(all)
      const outcome = yield* writeBatch(prepared, (op, tally) => summary(op, tally, 1, false)).pipe(
        Effect.map((tally): RunOutcome => ({ tally, read: all.length, batches: 1, stopped: false })),
        Effect.catchTag("AtomicRefused", ({ tally }) => {
          // Nothing was written: only the refusals (and the warnings) stand.
          const refusedOnly = emptyTally()
          refusedOnly.users.refused = tally.users.refused
          refusedOnly.groups.refused = tally.groups.refused
          refusedOnly.refused.push(...tally.refused)
          refusedOnly.warnings.push(...tally.warnings)
          return Effect.succeed<RunOutcome>({ tally: refusedOnly, read: all.length, batches: 0, stopped: false })
        }),
        Effect.catchTag("BatchAborted", (aborted) => Effect.succeed(abortedOutcome(all, aborted.reason, 0)))
      )
      settings.onProgress?.({ read: outcome.read, batches: outcome.batches, ...counts(outcome.tally) })
      return outcome
    }

    const total = emptyTally(settings.listChanges)
    let read = 0
    let batches = 0
    let stopped = false
    yield* entries.pipe(
      Stream.grouped(settings.batchSize),
      // Stops at the batch after a stop; not Stream.runForEachWhile, which holds every batch it ran until the stream
      // ends (effect 3.22): memory would grow with the file.
      Stream.takeWhile(() => !stopped),
      Stream.runForEach((chunk) =>
        Effect.gen(function* () {
          if (isAborted(settings.signal)) {
            stopped = true
            return
          }
          const batch = Chunk.toReadonlyArray(chunk)
          const first = read + 1
          read += batch.length
          const prepared = yield* prepareAll(batch)
          const tally = yield* writeBatch(prepared, undefined).pipe(
            Effect.tap(() => {
              batches++
            }),
            Effect.catchTags({
              // A batch that fails as a whole is rolled back and reported; the next batches still run.
              StorageError: (error) => Effect.succeed(abortedOutcome(batch, error.message, first).tally),
              BatchAborted: (error) => Effect.succeed(abortedOutcome(batch, error.message, first).tally),
              AtomicRefused: (refused) => Effect.die(refused)
            })
          )
          mergeTally(total, tally)
          settings.onProgress?.({ read, batches, ...counts(total) })
          if (isAborted(settings.signal)) stopped = true
        })
      )
    )
    yield* directory.write((tx) =>
      asAdmin(tx, config, importer, ACTION).pipe(
        Effect.flatMap((admin) => summary({ ...admin, auditContext: { importId } }, total, batches, stopped))
      )
    )
    return { tally: total, read, batches, stopped } satisfies RunOutcome
  })

/**
 * The users and groups the entries name, and the groups its users are in (a refused record's names too: a prune never
 * deletes what it was meant to keep).
 */
const namesOf = (prepared: ReadonlyArray<Prepared>) => {
  const users = new Set<string>()
  const groups = new Set<string>()
  for (const { entry } of prepared) {
    const name = entryName(entry)
    const kind = entry.kind === "malformed" ? entry.of : entry.kind
    if (name !== undefined && kind === "user") users.add(name)
    // A group a user is declared in is named too.
    if (entry.kind === "user" && Array.isArray(entry.record.groups)) {
      for (const group of entry.record.groups) groups.add(group)
    }
    if (name !== undefined && kind === "group") groups.add(name)
  }
  return { users, groups }
}

/** Whether an entry brings a plain password, which its preparation hashes. */
const hasPassword = (entry: ImportEntry): boolean => entry.kind === "user" && entry.record.password !== undefined

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true

const counts = (tally: Tally) => ({ users: { ...tally.users }, groups: { ...tally.groups } })

/** A batch rolled back as a whole: each of its entries is reported, none of it written. */
const abortedOutcome = (batch: ReadonlyArray<ImportEntry>, reason: string, first: number): RunOutcome => {
  const tally = emptyTally()
  const where = first === 0 ? "the import" : `the batch of entries ${first}–${first + batch.length - 1}`
  for (const entry of batch)
    refuse(tally, entry, `Not written: ${where} was rolled back (${reason.replace(/\.$/, "")}).`)
  return { tally, read: batch.length, batches: 0, stopped: false }
}
