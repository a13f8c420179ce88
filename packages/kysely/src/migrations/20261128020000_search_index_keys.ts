/**
 * SQLite: finds a user's FTS5 row through an index instead of scanning the FTS table.
 *
 * The FTS5 table can only be searched by MATCH or by rowid; its `username` column is not indexed, so the triggers of
 * 20261128010000 (`... where username = old.username`) read every row of the index on each update and delete of a
 * user, a cost that grows with the directory, on every disable, enable, modify and delete.
 * This migration adds `users_fts_key` (the FTS rowid of each username, with a unique index on the username) and
 * replaces the update and delete triggers with ones that go by rowid; the update trigger also runs only when the
 * username or the search text changed. The search itself can then read the matching usernames through the key table
 * instead of the FTS table's stored copy (see `listUsers` in KyselyDirectory.ts), and count matches in the index alone.
 *
 * PostgreSQL and MySQL/MariaDB: nothing to do. Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const names = (prefix: string) => ({
  fts: sql.raw(`"${prefix}users_fts"`),
  key: sql.raw(`"${prefix}users_fts_key"`),
  keyIndex: sql.raw(`"${prefix}users_fts_key_username"`),
  trigger: (kind: "insert" | "update" | "delete") => sql.raw(`"${prefix}users_fts_${kind}"`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, key, keyIndex, trigger } = names(prefix)
  for (const kind of ["insert", "update", "delete"] as const) {
    await sql`drop trigger if exists ${trigger(kind)}`.execute(db)
  }
  // Every FTS row has a key with the same id; new ids come from the key table and are given to the FTS row. The
  // index is rebuilt from the users table (as 20261128010000 defined it), so that keys and rows agree from the start.
  await sql`create table ${key} (id integer primary key, username varchar(32) not null)`.execute(db)
  await sql`insert into ${key} (username) select username from ${users} order by username`.execute(db)
  await sql`create unique index ${keyIndex} on ${key} (username)`.execute(db)
  await sql`drop table ${fts}`.execute(db)
  await sql`create virtual table ${fts} using fts5(username unindexed, search_text, tokenize = 'trigram')`.execute(db)
  await sql`insert into ${fts} (rowid, username, search_text)
    select k.id, u.username, u.search_text from ${users} as u join ${key} as k on k.username = u.username`.execute(db)
  await sql`create trigger ${trigger("insert")} after insert on ${users} begin
      insert into ${key} (username) values (new.username);
      insert into ${fts} (rowid, username, search_text)
        values ((select id from ${key} where username = new.username), new.username, new.search_text);
    end`.execute(db)
  await sql`create trigger ${trigger("update")} after update of username, search_text on ${users}
    when old.username is not new.username or old.search_text is not new.search_text begin
      update ${fts} set username = new.username, search_text = new.search_text
        where rowid = (select id from ${key} where username = old.username);
      update ${key} set username = new.username where username = old.username;
    end`.execute(db)
  await sql`create trigger ${trigger("delete")} after delete on ${users} begin
      delete from ${fts} where rowid = (select id from ${key} where username = old.username);
      delete from ${key} where username = old.username;
    end`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, key, trigger } = names(prefix)
  for (const kind of ["insert", "update", "delete"] as const) {
    await sql`drop trigger if exists ${trigger(kind)}`.execute(db)
  }
  await sql`drop table if exists ${key}`.execute(db)
  // The triggers of 20261128010000, as they were.
  await sql`create trigger ${trigger("insert")} after insert on ${users} begin
    insert into ${fts} (username, search_text) values (new.username, new.search_text); end`.execute(db)
  await sql`create trigger ${trigger("update")} after update of search_text on ${users} begin
    update ${fts} set search_text = new.search_text where username = old.username; end`.execute(db)
  await sql`create trigger ${trigger("delete")} after delete on ${users} begin
    delete from ${fts} where username = old.username; end`.execute(db)
}
