/**
 * SQLite: the store indexes a new user in its FTS5 index (`users_fts`, `users_fts_key`) with statements of its own, in
 * the transaction that stores the user (`sqliteSearchIndex.ts`); this drops the insert trigger of 20261210000000 that
 * did it. An FTS5 write run by a trigger costs far more than the same statement run by the store: on a copy of the
 * 1,000,000-user benchmark file (raw SQL, 1,500 new users a variant, each in its own transaction with its membership,
 * group and audit entry), the user's insert took 0.22 ms with the trigger and 0.06 ms with the store's two
 * statements, its commit the same: 0.72–0.84 → 0.53–0.62 ms the transaction.
 *
 * A change of name and a delete are still indexed by their triggers (13% and 16% of those writes), so that the host's
 * own SQL that changes or deletes users keeps the index true; a user inserted by the host's own SQL is not indexed,
 * as it has none of the other keys the core computes either.
 *
 * A contract: a version that relies on the trigger stores users the index does not hold, so it does not run on the
 * schema this leaves (its instances go not ready, saying why). No released version is concerned (0.1.0 refuses every
 * newer schema). PostgreSQL and MySQL/MariaDB: nothing to do. Frozen once released.
 */
import type { Kysely } from "kysely"
import { createTriggers, dropTriggers } from "./20261210000000_one_search_index.js"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine === "sqlite") await dropTriggers(db, prefix, ["insert"])
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine === "sqlite") await createTriggers(db, prefix, ["insert"])
}
