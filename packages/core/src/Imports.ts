/**
 * Bulk import: users, groups and the GID ledger from a stream of `ImportEntry` (which a file's reader makes), checked
 * by the same rules as every other change, in batches of one transaction each. The service is put together here from
 * its parts in `internal/import/`: decoding and hashing before a batch's transaction (`prepare.ts`), the rules of each
 * record inside it (`apply.ts`), and the batches (`run.ts`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema, type Stream } from "effect"
import type { Actor } from "./Actor.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import type { Forbidden, InvalidInput, StorageError, Unauthenticated } from "./Errors.js"
import type { ImportEntry } from "./ImportRecord.js"
import { decodeInput } from "./internal/decode.js"
import { sentence } from "./internal/import/prepare.js"
import { entryStream, runImport } from "./internal/import/run.js"
import { PasswordHasher } from "./PasswordHasher.js"

/**
 * The settings of an import that can be written down (`Imports.run` also takes a signal and a progress callback):
 * `batchSize` entries per transaction (1–10,000, default 1000); `onConflict`, what to do with a record whose user or
 * group exists and differs (`fail`: refuse it, the default; `skip`; `update`: replace the fields it gives); `atomic`,
 * all or nothing; `dryRun`, every rule checked and nothing written; `prune`, also delete the users and groups the
 * entries do not name (never a system user, the admin group, the actor or the last administrator: those are kept, each
 * with a warning; a prune is always atomic, so that a refused record never gets its stored user deleted);
 * `listChanges`, list each change with its fields in the result (`changes`); `hashConcurrency`, how many plain passwords are
 * hashed at once (1–64, default 4).
 *
 * @category inputs
 * @since 0.1.0
 */
export const ImportSettings = Schema.Struct({
  batchSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000))),
  onConflict: Schema.optional(Schema.Literal("fail", "skip", "update")),
  atomic: Schema.optional(Schema.Boolean),
  dryRun: Schema.optional(Schema.Boolean),
  prune: Schema.optional(Schema.Boolean),
  listChanges: Schema.optional(Schema.Boolean),
  hashConcurrency: Schema.optional(Schema.Int.pipe(Schema.between(1, 64)))
})

/**
 * What happened to the records of one kind: created, updated (`onConflict: "update"`), unchanged (the record equals
 * what is stored), skipped (`onConflict: "skip"`), refused.
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportCounts {
  readonly created: number
  readonly updated: number
  readonly unchanged: number
  readonly skipped: number
  readonly refused: number
}

/**
 * One change of an import, as a plan shows it: what is created, updated or deleted, and for a creation or an update
 * each field that changes, from its stored value to its new one (`null` for none; a password shows as `"(set)"`).
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportChange {
  readonly action: "create" | "update" | "delete"
  readonly kind: "user" | "group"
  readonly name: string
  readonly fields: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>
}

/**
 * A record the import did not apply: where it was, its kind and name, one sentence saying why, and the entry itself
 * (so that the refused entries can be written back to a file for fixing).
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportRefusal {
  readonly location: string | undefined
  readonly kind: ImportEntry["kind"]
  readonly name: string | undefined
  readonly reason: string
  readonly entry: ImportEntry
}

/**
 * What an import reports after each batch: entries read, batches committed, and the counts so far.
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportProgress {
  readonly read: number
  readonly batches: number
  readonly users: ImportCounts
  readonly groups: ImportCounts
}

/**
 * The options of `Imports.run`: the settings, a signal that stops the import after the batch in flight, and a callback
 * called after each batch.
 *
 * @category inputs
 * @since 0.1.0
 */
export interface ImportOptions extends Partial<typeof ImportSettings.Encoded> {
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: ImportProgress) => void
}

/**
 * What an import did (a dry run: what it would do). `importId` is in every audit entry it wrote; `batches` counts the
 * transactions committed (0 when an atomic import refused a record and wrote nothing); `stopped` says the signal ended
 * it early (the entries after the last committed batch were not read or not written); `passwordsHashed` counts the
 * plain passwords hashed and stored.
 *
 * @category models
 * @since 0.1.0
 */
export interface ImportResult {
  readonly importId: string
  readonly dryRun: boolean
  readonly read: number
  readonly users: ImportCounts
  readonly groups: ImportCounts
  readonly refused: ReadonlyArray<ImportRefusal>
  readonly warnings: ReadonlyArray<string>
  /** The users and groups deleted by `prune` (a dry run: that it would delete). */
  readonly deleted: { readonly users: number; readonly groups: number }
  /** Each change with its fields, with `listChanges` (an empty list otherwise). */
  readonly changes: ReadonlyArray<ImportChange>
  readonly batches: number
  readonly stopped: boolean
  readonly passwordsHashed: number
}

/**
 * Why `Imports.run` can fail as a whole (a refused record does not fail it): bad settings or an unreadable source
 * (`InvalidInput`), an actor who is not an administrator, the store.
 *
 * @category errors
 * @since 0.1.0
 */
export type ImportError = InvalidInput | Unauthenticated | Forbidden | StorageError

/**
 * The sentence an import refuses a `malformed` entry with: its reader's reason, capitalised, with its full stop. For a
 * client that reads a file itself and sends only its records on (`dt import --format passwd` over a server), so that
 * the lines it could not read are refused in the same words as a local import refuses them.
 *
 * @category refusals
 * @since 0.1.0
 */
export const malformedReason = (entry: Extract<ImportEntry, { readonly kind: "malformed" }>): string =>
  sentence(entry.reason)

const decodeSettings = decodeInput(ImportSettings, "import options")

const make = Effect.gen(function* () {
  const services = { directory: yield* Directory, hasher: yield* PasswordHasher, config: yield* DirectoryConfig }

  const run = Effect.fn("Imports.run")(function* <E = never>(
    actor: Actor,
    entries: Stream.Stream<ImportEntry, E> | AsyncIterable<ImportEntry>,
    options: ImportOptions = {}
  ) {
    const { signal, onProgress, ...rest } = options
    const settings = yield* decodeSettings(rest)
    const importId = crypto.randomUUID()
    const dryRun = settings.dryRun ?? false
    const prune = settings.prune ?? false
    const outcome = yield* runImport(
      services,
      actor,
      entryStream(entries),
      {
        batchSize: settings.batchSize ?? 1000,
        onConflict: settings.onConflict ?? "fail",
        atomic: (settings.atomic ?? false) || prune,
        dryRun,
        prune,
        listChanges: settings.listChanges ?? false,
        hashConcurrency: settings.hashConcurrency ?? 4,
        signal,
        onProgress
      },
      importId
    )
    return {
      importId,
      dryRun,
      read: outcome.read,
      users: outcome.tally.users,
      groups: outcome.tally.groups,
      refused: outcome.tally.refused,
      warnings: outcome.tally.warnings,
      deleted: { ...outcome.tally.deleted },
      changes: outcome.tally.changes ?? [],
      batches: outcome.batches,
      stopped: outcome.stopped,
      passwordsHashed: outcome.tally.passwordsHashed
    } satisfies ImportResult
  })

  return {
    /**
     * Imports users, groups and GIDs (admins): each record checked by the rules of the directory, refused records
     * reported with their reason while the others apply (or, `atomic`, nothing written at all).
     */
    run
  }
})

/**
 * The bulk import use case.
 *
 * @category services
 * @since 0.1.0
 */
export class Imports extends Context.Tag("@user-manager/core/Imports")<Imports, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory`, a `PasswordHasher` and (optionally) a `DirectoryConfig`. */
  static readonly layer = Layer.effect(this, make)
}
