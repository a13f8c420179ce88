/**
 * SQLite: an index of every user's username with its search text, so that a search many users match finds its first
 * pages by walking this index alone, in username order, testing the search text in the index entry. Without it the
 * walk read each user's row through the username index, scattered over the whole table, where this index holds the
 * entries it tests side by side. The other
 * engines do not walk (their searches go through their own indexes) and get nothing. Frozen once released.
 */
import type { Kysely } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  await db.schema
    .createIndex(`${prefix}dt_users_search_walk`)
    .on("users")
    .columns(["username", "search_text"])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  await db.schema.dropIndex(`${prefix}dt_users_search_walk`).execute()
}
