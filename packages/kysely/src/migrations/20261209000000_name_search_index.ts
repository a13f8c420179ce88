/**
 * SQLite: an FTS5 trigram index of each user's lower-cased first and last name, each its own column, so that a `co` of
 * three characters or more on a name (a SCIM `name.familyName co "quartz"`) is counted inside the index, as the user
 * search is counted in `users_fts`, instead of by reading the whole name index of 20261208000000 (13 ms at 100,000
 * users on the benchmark machine against 2–4 ms).
 *
 * The table holds `lower(first_name)` and `lower(last_name)` (SQLite's `lower`, which folds ASCII letters only) with
 * the tokenizer's `case_sensitive 1`: a phrase query on a column then holds exactly when the lower-cased name contains
 * the phrase, the same answer as the comparison `recordFilterSql` writes (`lower(last_name) like '%…%'`, whose LIKE
 * also folds ASCII letters only), for every text, ASCII or not (no Unicode folding, no diacritics removed).
 *
 * Its rows have the ids of `users_fts_key` (20261128020000). The triggers that keep `users_fts` true on every write to
 * `users` (insert, update, delete; import and bulk writes go through the same statements) are replaced by ones that
 * keep both tables true in the same statement, so the index is also kept by the previous release, which writes the
 * users table as before: it only adds (a table; the triggers do what they did, and more), and the previous release runs
 * on the schema it leaves. Cost: the index is built from the users table once (see docs/benchmarks.md).
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
  nameFts: sql.raw(`"${prefix}users_name_fts"`),
  key: sql.raw(`"${prefix}users_fts_key"`),
  trigger: (kind: "insert" | "update" | "delete") => sql.raw(`"${prefix}users_fts_${kind}"`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, nameFts, key, trigger } = names(prefix)
  await sql`create virtual table ${nameFts} using fts5(first_name, last_name, tokenize = 'trigram case_sensitive 1')`.execute(
    db
  )
  await sql`insert into ${nameFts} (rowid, first_name, last_name)
    select k.id, lower(u.first_name), lower(u.last_name) from ${users} as u join ${key} as k on k.username = u.username`.execute(
    db
  )
  for (const kind of ["insert", "update", "delete"] as const) {
    await sql`drop trigger if exists ${trigger(kind)}`.execute(db)
  }
  await sql`create trigger ${trigger("insert")} after insert on ${users} begin
      insert into ${key} (username) values (new.username);
      insert into ${fts} (rowid, username, search_text)
        values ((select id from ${key} where username = new.username), new.username, new.search_text);
      insert into ${nameFts} (rowid, first_name, last_name)
        values ((select id from ${key} where username = new.username), lower(new.first_name), lower(new.last_name));
    end`.execute(db)
  // A name's lower-cased form can change while the search text (lower-cased by the core) does not: "Émile" to "émile".
  await sql`create trigger ${trigger("update")} after update of username, search_text, first_name, last_name on ${users}
    when old.username is not new.username or old.search_text is not new.search_text
      or old.first_name is not new.first_name or old.last_name is not new.last_name begin
      update ${fts} set username = new.username, search_text = new.search_text
        where rowid = (select id from ${key} where username = old.username)
          and (old.username is not new.username or old.search_text is not new.search_text);
      update ${nameFts} set first_name = lower(new.first_name), last_name = lower(new.last_name)
        where rowid = (select id from ${key} where username = old.username)
          and (old.first_name is not new.first_name or old.last_name is not new.last_name);
      update ${key} set username = new.username where username = old.username and old.username is not new.username;
    end`.execute(db)
  await sql`create trigger ${trigger("delete")} after delete on ${users} begin
      delete from ${fts} where rowid = (select id from ${key} where username = old.username);
      delete from ${nameFts} where rowid = (select id from ${key} where username = old.username);
      delete from ${key} where username = old.username;
    end`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, nameFts, key, trigger } = names(prefix)
  for (const kind of ["insert", "update", "delete"] as const) {
    await sql`drop trigger if exists ${trigger(kind)}`.execute(db)
  }
  await sql`drop table if exists ${nameFts}`.execute(db)
  // The triggers of 20261128020000, as they were.
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
