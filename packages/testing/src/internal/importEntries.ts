/** The entries and the run the import suites share. */

import type { ImportEntry, ImportGroup, ImportUser } from "@user-manager/core/ImportRecord"
import { type ImportOptions, Imports } from "@user-manager/core/Imports"
import { Effect, Stream } from "effect"
import { admin } from "../fixture.js"

/** A user record, as a file's line would bring it. */
export const user = (record: ImportUser, location?: string): ImportEntry => ({
  kind: "user",
  record,
  ...(location === undefined ? {} : { location })
})
/** A group record. */
export const group = (record: ImportGroup): ImportEntry => ({
  kind: "group",
  record
})

/** Runs an import of these entries as the fixture's administrator. */
export const importing = (entries: ReadonlyArray<ImportEntry>, options: ImportOptions = {}) =>
  Effect.flatMap(Imports, (imports) => imports.run(admin, Stream.fromIterable(entries), options))
