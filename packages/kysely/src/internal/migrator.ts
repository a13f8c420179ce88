/**
 * Kysely's `Migrator`, from wherever the installed Kysely keeps it: 0.28 exports it from "kysely", 0.29 only from
 * "kysely/migration" (its "kysely" has no `Migrator` at run time, so a named import of it would fail to link).
 */

import type { Migrator } from "kysely"
import * as kysely from "kysely"

// A variable, not a literal: TypeScript checks against 0.28 (which has no such subpath) and the CLI's bundler would
// try to bundle it; the subpath is resolved at run time, only where "kysely" has no Migrator.
const migrationSubpath = "kysely/migration"

let migrator: Promise<typeof Migrator> | undefined

/** The `Migrator` class of the installed Kysely (0.28 or 0.29), looked up once. */
export const loadMigrator = (): Promise<typeof Migrator> => {
  migrator ??=
    typeof (kysely as { readonly Migrator?: unknown }).Migrator === "function"
      ? Promise.resolve(kysely.Migrator)
      : (import(migrationSubpath) as Promise<{ readonly Migrator: typeof Migrator }>).then((module) => module.Migrator)
  return migrator
}
