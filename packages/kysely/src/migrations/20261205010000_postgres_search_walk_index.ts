/**
 * PostgreSQL: the index SQLite got in 20261129000000, every user's username with its search text, so that a search
 * many users match finds its first pages by walking this index alone in username order, testing the search text in the
 * index entry (an index-only scan). Without it the walk read each user's row through the username index, scattered
 * over the whole table: at 1,000,000 users a page of a search 5% of users match read ~19,000 rows (22 ms warm); through
 * this index it reads their index entries side by side (2 ms). A search few users match still goes through the
 * trigram index; the planner chooses by its estimate of the matches (see `listUsers`).
 *
 * It only adds an index: the previous release runs on the schema it leaves. Building it blocks writes to the users (not
 * reads) while it runs: at 10,000,000 users it is 704 MB, built in 32 s with `maintenance_work_mem` at 1 GB. SQLite
 * already has it; MySQL/MariaDB get nothing (a search there reads the table in username order with the same test).
 * Frozen once released.
 */
import type { Kysely } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  await db.schema
    .createIndex(`${prefix}dt_users_search_walk`)
    .on("users")
    .columns(["username", "search_text"])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  await db.schema.dropIndex(`${prefix}dt_users_search_walk`).ifExists().execute()
}
