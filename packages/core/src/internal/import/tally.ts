import type { ImportEntry } from "../../ImportRecord.js"
import type { ImportChange, ImportCounts, ImportRefusal } from "../../Imports.js"

/** What happened to the records of one kind, as a write counts them. */
export type Counts = { -readonly [K in keyof ImportCounts]: ImportCounts[K] }

/** A record the import did not apply, with one sentence saying why, and the entry itself to write it back. */
export type Refusal = ImportRefusal

/** What one write (a batch, or a whole atomic import) did, merged into the import's result when it commits. */
export interface Tally {
  readonly users: Counts
  readonly groups: Counts
  readonly refused: Array<Refusal>
  readonly warnings: Array<string>
  /** Each change with its fields, when the import was asked to list them (`undefined` otherwise). */
  readonly changes: Array<ImportChange> | undefined
  /** Deleted by a prune. */
  readonly deleted: { users: number; groups: number }
  passwordsHashed: number
}

/** No record counted yet. */
export const emptyCounts = (): Counts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0, refused: 0 })

/** A tally of nothing yet; with `listChanges`, one that lists each change. */
export const emptyTally = (listChanges = false): Tally => ({
  users: emptyCounts(),
  groups: emptyCounts(),
  refused: [],
  warnings: [],
  changes: listChanges ? [] : undefined,
  deleted: { users: 0, groups: 0 },
  passwordsHashed: 0
})

/** Adds `from` into `into`. */
export const mergeTally = (into: Tally, from: Tally) => {
  for (const kind of ["users", "groups"] as const) {
    for (const key of Object.keys(from[kind]) as Array<keyof Counts>) into[kind][key] += from[kind][key]
  }
  into.refused.push(...from.refused)
  into.warnings.push(...from.warnings)
  into.deleted.users += from.deleted.users
  into.deleted.groups += from.deleted.groups
  if (from.changes !== undefined) into.changes?.push(...from.changes)
  into.passwordsHashed += from.passwordsHashed
}

/** The name an entry's record gives (username or group name), if it gives one as text. */
export const entryName = (entry: ImportEntry): string | undefined => {
  if (entry.kind === "malformed" || entry.kind === "gids") return undefined
  const record = entry.record as unknown as Record<string, unknown> | null
  const name =
    typeof record === "object" && record !== null ? record[entry.kind === "user" ? "username" : "name"] : undefined
  return typeof name === "string" ? name : undefined
}

/** Records a refusal of an entry, counting it under its kind (a malformed one under the kind it was meant to be). */
export const refuse = (tally: Tally, entry: ImportEntry, reason: string) => {
  const kind = entry.kind === "malformed" ? entry.of : entry.kind
  if (kind === "user") tally.users.refused++
  if (kind === "group") tally.groups.refused++
  tally.refused.push({ location: entry.location, kind: entry.kind, name: entryName(entry), reason, entry })
}

/** Lists a change, when the tally lists them. */
export const note = (tally: Tally, change: ImportChange) => {
  tally.changes?.push(change)
}
