/**
 * Indexes two user sorts that the first schema left to a sort of the whole table:
 *
 * - by first name (`first_name, username`): the full-name index orders by `first_name, last_name`, so the engines
 *   sorted every user sharing the first first name to break ties by username;
 * - by email on PostgreSQL (`email nulls first, username`): the list puts users without an email first, as SQLite and
 *   MySQL do, which a default (`nulls last`) index cannot give, so PostgreSQL read and sorted the whole table on
 *   every page. The old email index served no query there and is replaced.
 *
 * Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  await db.schema.createIndex(`${prefix}dt_users_first_name`).on("users").columns(["first_name", "username"]).execute()
  if (engine === "postgres") {
    await db.schema.dropIndex(`${prefix}dt_users_email`).execute()
    await sql`create index ${sql.raw(`"${prefix}dt_users_email"`)} on ${sql.table("users")} (email nulls first, username)`.execute(
      db
    )
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine === "postgres") {
    await db.schema.dropIndex(`${prefix}dt_users_email`).execute()
    await db.schema.createIndex(`${prefix}dt_users_email`).on("users").columns(["email", "username"]).execute()
  }
  await db.schema
    .dropIndex(`${prefix}dt_users_first_name`)
    .$call((query) => (engine === "mysql" ? query.on("users") : query))
    .execute()
}
