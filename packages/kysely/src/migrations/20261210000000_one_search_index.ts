/**
 * SQLite: one FTS5 trigram index of each user, with three columns (the search text, the lower-cased first name, the
 * lower-cased last name), instead of two tables (`users_fts` for the search of 20261128020000 and `users_name_fts` for
 * the name filters of 20261209000000). Each FTS5 table writes its own content row, size row, index segment and
 * structure record in every transaction that adds a user: with one table, an insert into `users` and its commit wrote
 * 37 pages to the write-ahead log instead of 47, and took 0.72–0.75 ms instead of 0.80–0.86 (2,000 inserts into each
 * of two copies of the 1,000,000-user benchmark file, both indexes freshly built; issue 20's create ≤ 1 ms). The cost:
 * a trigram's entries now hold the three columns, so a name filter reads the search text's occurrences too (a `co` of
 * a name 7–13% slower; of a text found in many emails and no name, 170 ms instead of 0.1), a search 1–6%.
 *
 * The tokenizer is `trigram case_sensitive 1`, for all three columns. The name columns were so already, and hold
 * `lower(…)` (SQLite's, ASCII letters only), so that a phrase holds exactly when `recordFilterSql`'s `lower(name) like
 * '%…%'` does. The search text is lower-cased by the core (`UserKeys.searchText`), and so is the term it is searched
 * for: matched case-sensitively, a phrase holds exactly when the search text contains the term, as the in-memory store
 * decides it (the former table folded case again with its own Unicode tables). A search names its column
 * (`search_text match …`), a name filter its own (`sqliteSearch.ts`).
 *
 * The rows keep the ids of `users_fts_key`; the table no longer holds the username (nothing read it: a match's
 * username comes from the key table). The triggers keep the one table true on every write to `users` (since
 * 20261211000000 the store indexes a new user itself).
 *
 * A contract: a version that reads `users_name_fts`, which this drops, does not run on the schema it leaves (its
 * instances go not ready, saying why). No released version reads it (it came after 0.1.0, which refuses every newer
 * schema), so no release in between is needed. PostgreSQL and MySQL/MariaDB: nothing to do. Frozen once released.
 */
import { type Kysely, type RawBuilder, sql } from "kysely"
import * as nameSearchIndex from "./20261209000000_name_search_index.js"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

type TriggerKind = "insert" | "update" | "delete"

const names = (prefix: string) => ({
  fts: sql.raw(`"${prefix}users_fts"`),
  nameFts: sql.raw(`"${prefix}users_name_fts"`),
  key: sql.raw(`"${prefix}users_fts_key"`),
  trigger: (kind: TriggerKind) => sql.raw(`"${prefix}users_fts_${kind}"`)
})

const ALL_TRIGGERS: ReadonlyArray<TriggerKind> = ["insert", "update", "delete"]

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export const dropTriggers = async (db: Kysely<any>, prefix: string, kinds = ALL_TRIGGERS) => {
  for (const kind of kinds) await sql`drop trigger if exists ${names(prefix).trigger(kind)}`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see dropTriggers
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, nameFts, key } = names(prefix)
  await dropTriggers(db, prefix)
  await sql`drop table ${nameFts}`.execute(db)
  await sql`drop table ${fts}`.execute(db)
  await sql`create virtual table ${fts} using fts5(search_text, first_name, last_name, tokenize = 'trigram case_sensitive 1')`.execute(
    db
  )
  await sql`insert into ${fts} (rowid, search_text, first_name, last_name)
    select k.id, u.search_text, lower(u.first_name), lower(u.last_name)
    from ${users} as u join ${key} as k on k.username = u.username`.execute(db)
  await createTriggers(db, prefix)
}

/** The triggers that keep the index true on every write to `users` (20261211000000 drops the insert's). */
// biome-ignore lint/suspicious/noExplicitAny: see dropTriggers
export const createTriggers = async (db: Kysely<any>, prefix: string, kinds = ALL_TRIGGERS) => {
  const users = sql.table("users")
  const { fts, key, trigger } = names(prefix)
  const statements: Record<TriggerKind, RawBuilder<unknown>> = {
    insert: sql`create trigger ${trigger("insert")} after insert on ${users} begin
      insert into ${key} (username) values (new.username);
      insert into ${fts} (rowid, search_text, first_name, last_name)
        values (last_insert_rowid(), new.search_text, lower(new.first_name), lower(new.last_name));
    end`,
    // A name's lower-cased form can change while the search text (lower-cased by the core) does not: "Émile" to "émile".
    update: sql`create trigger ${trigger("update")} after update of username, search_text, first_name, last_name on ${users}
    when old.username is not new.username or old.search_text is not new.search_text
      or old.first_name is not new.first_name or old.last_name is not new.last_name begin
      update ${fts} set search_text = new.search_text, first_name = lower(new.first_name), last_name = lower(new.last_name)
        where rowid = (select id from ${key} where username = old.username)
          and (old.search_text is not new.search_text
            or old.first_name is not new.first_name or old.last_name is not new.last_name);
      update ${key} set username = new.username where username = old.username and old.username is not new.username;
    end`,
    delete: sql`create trigger ${trigger("delete")} after delete on ${users} begin
      delete from ${fts} where rowid = (select id from ${key} where username = old.username);
      delete from ${key} where username = old.username;
    end`
  }
  for (const kind of kinds) await statements[kind].execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see dropTriggers
export async function down(db: Kysely<any>, target: Target): Promise<void> {
  if (target.engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, key } = names(target.prefix)
  await dropTriggers(db, target.prefix)
  await sql`drop table ${fts}`.execute(db)
  // The search's table as 20261128020000 made it; 20261209000000 then adds the names' table and both tables' triggers.
  await sql`create virtual table ${fts} using fts5(username unindexed, search_text, tokenize = 'trigram')`.execute(db)
  await sql`insert into ${fts} (rowid, username, search_text)
    select k.id, u.username, u.search_text from ${users} as u join ${key} as k on k.username = u.username`.execute(db)
  await nameSearchIndex.up(db, target)
}
