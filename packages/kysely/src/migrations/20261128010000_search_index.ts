/**
 * Indexes the user search (a substring of username, first or last name): an FTS5 trigram index on SQLite, a pg_trgm
 * GIN index on PostgreSQL when the extension can be created. MySQL/MariaDB have no substring index: search scans.
 * Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  const users = sql.table("users")
  if (engine === "sqlite") {
    const fts = sql.raw(`"${prefix}users_fts"`)
    await sql`create virtual table ${fts} using fts5(username unindexed, search_text, tokenize = 'trigram')`.execute(db)
    await sql`insert into ${fts} (username, search_text) select username, search_text from ${users}`.execute(db)
    await sql`create trigger ${sql.raw(`"${prefix}users_fts_insert"`)} after insert on ${users} begin
      insert into ${fts} (username, search_text) values (new.username, new.search_text); end`.execute(db)
    await sql`create trigger ${sql.raw(`"${prefix}users_fts_update"`)} after update of search_text on ${users} begin
      update ${fts} set search_text = new.search_text where username = old.username; end`.execute(db)
    await sql`create trigger ${sql.raw(`"${prefix}users_fts_delete"`)} after delete on ${users} begin
      delete from ${fts} where username = old.username; end`.execute(db)
  }
  if (engine === "postgres") {
    // pg_trgm is a trusted extension (PostgreSQL 13+), but a server may not ship it: then search scans, and the
    // store says so when it opens. The savepoint keeps the migration's transaction usable after a refusal.
    await sql`savepoint dt_trgm`.execute(db)
    try {
      await sql`create extension if not exists pg_trgm`.execute(db)
      await sql`create index ${sql.raw(`"${prefix}dt_users_search_trgm"`)} on ${users} using gin (search_text gin_trgm_ops)`.execute(
        db
      )
      await sql`release savepoint dt_trgm`.execute(db)
    } catch {
      await sql`rollback to savepoint dt_trgm`.execute(db)
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine === "sqlite") {
    for (const trigger of ["insert", "update", "delete"]) {
      await sql`drop trigger if exists ${sql.raw(`"${prefix}users_fts_${trigger}"`)}`.execute(db)
    }
    await sql`drop table if exists ${sql.raw(`"${prefix}users_fts"`)}`.execute(db)
  }
  if (engine === "postgres") await sql`drop index if exists ${sql.raw(`"${prefix}dt_users_search_trgm"`)}`.execute(db)
}
