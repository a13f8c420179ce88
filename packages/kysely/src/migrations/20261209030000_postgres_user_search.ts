/**
 * PostgreSQL: `user_search`, a narrow copy of each user's username and search text, hash-partitioned by username into
 * 16 tables, each with its own trigram index, so that the total of a search is counted up to its cap from a few small
 * indexes and narrow rows instead of the users' trigram index and rows.
 *
 * Why: a GIN index gives its matches only all at once (a bitmap), and every trigram match is only a candidate that is
 * tested again on its row. Counting a search 5% of users match up to 10,001 at 1,000,000 users collected all ~50,000
 * candidates from the users' trigram index, then tested 10,001 users' rows scattered over ~5,000 pages of the wide
 * users table (≥ 17 ms warm). Over the partitions, the count reads them one after another and stops at the cap: the
 * first four partitions' indexes (~12,500 candidates) and their narrow rows (about four matches a page instead of
 * two). A search few users match reads every partition's index, about as much work as the one index.
 *
 * Kept true by triggers on `users`, in the transaction of every write to it, whoever makes it (the store, an import,
 * the previous release during a rolling upgrade, a host's own SQL): a statement-level trigger copies the rows an
 * INSERT adds (one statement for a bulk insert), a row trigger follows a change of username or search text, another
 * deletes, and a TRUNCATE empties it. The users' trigram index stays: the page, filtered searches and group member
 * searches use it.
 *
 * Expand only: it adds a table, its indexes, functions and triggers; the previous release runs on the schema it leaves
 * (its writes keep the table true through the triggers; it never reads it). Creating the insert trigger first blocks
 * writes to the users (not reads) until the migration commits, so that no write is missed while the table is filled.
 * Cost: at 1,000,000 users 50 s on the benchmark machine (load 7, the default `maintenance_work_mem`) and 205 MB (table
 * 106 MB, indexes 99 MB); at 10,000,000 about ten times both, ~2 GB and ~8–10 min (estimated, not measured). Without pg_trgm the table is made and
 * kept without its trigram index (a count then reads the narrow table). SQLite and MySQL/MariaDB get nothing (SQLite
 * counts from its FTS5 index; MySQL has no substring index). Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

/** Partitions of the table: at 1,000,000 users about 62,500 users each. Frozen with the migration. */
const PARTITIONS = 16

const names = (prefix: string) => ({
  users: sql.id(`${prefix}users`),
  search: sql.id(`${prefix}user_search`),
  partition: (index: number) => sql.id(`${prefix}user_search_${String(index).padStart(2, "0")}`),
  primaryKey: sql.id(`${prefix}user_search_pkey`),
  trigram: sql.id(`${prefix}dt_user_search_trgm`),
  added: sql.id(`${prefix}dt_user_search_added`),
  function: (event: string) => sql.id(`${prefix}dt_user_search_${event}`),
  trigger: (event: string) => sql.id(`${prefix}dt_user_search_${event}`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  // The users' collation ("C"), so that the triggers' and the store's comparisons with the users' columns use the
  // primary key (an equality between two collations takes no index).
  await sql`create table ${n.search} (username text collate "C" not null, search_text text collate "C" not null)
    partition by hash (username)`.execute(db)
  for (let index = 0; index < PARTITIONS; index++) {
    await sql`create table ${n.partition(index)} partition of ${n.search}
      for values with (modulus ${sql.lit(PARTITIONS)}, remainder ${sql.lit(index)})`.execute(db)
  }
  // The function bodies name the table as the store's statements do: unqualified, found on the search path.
  const body = (statement: string) => sql.raw(`$$ begin ${statement}; return null; end $$`)
  const table = `"${prefix}user_search"`
  await sql`create function ${n.function("insert")}() returns trigger language plpgsql as ${body(
    `insert into ${table} (username, search_text) select username, search_text from ${`"${prefix}dt_user_search_added"`}`
  )}`.execute(db)
  await sql`create function ${n.function("update")}() returns trigger language plpgsql as ${body(
    `update ${table} set username = new.username, search_text = new.search_text where username = old.username`
  )}`.execute(db)
  await sql`create function ${n.function("delete")}() returns trigger language plpgsql as ${body(
    `delete from ${table} where username = old.username`
  )}`.execute(db)
  await sql`create function ${n.function("truncate")}() returns trigger language plpgsql as ${body(
    `truncate ${table}`
  )}`.execute(db)
  // The insert trigger first: it locks out writes to the users until this transaction ends, so that the copy below
  // holds every user and each later write goes through the triggers.
  await sql`create trigger ${n.trigger("insert")} after insert on ${n.users}
    referencing new table as ${n.added} for each statement execute function ${n.function("insert")}()`.execute(db)
  await sql`create trigger ${n.trigger("update")} after update of username, search_text on ${n.users} for each row
    when (old.username is distinct from new.username or old.search_text is distinct from new.search_text)
    execute function ${n.function("update")}()`.execute(db)
  await sql`create trigger ${n.trigger("delete")} after delete on ${n.users} for each row
    execute function ${n.function("delete")}()`.execute(db)
  await sql`create trigger ${n.trigger("truncate")} after truncate on ${n.users} for each statement
    execute function ${n.function("truncate")}()`.execute(db)
  // Filled, then indexed: an index built over the rows costs less than one kept up row by row.
  await sql`insert into ${n.search} (username, search_text) select username, search_text from ${n.users}`.execute(db)
  await sql`alter table ${n.search} add constraint ${n.primaryKey} primary key (username)`.execute(db)
  // As 20261128010000: no trigram index where the server has no pg_trgm (the count then reads the narrow table).
  await sql`savepoint dt_user_search_trgm`.execute(db)
  try {
    await sql`create index ${n.trigram} on ${n.search} using gin (search_text gin_trgm_ops)`.execute(db)
    await sql`release savepoint dt_user_search_trgm`.execute(db)
  } catch {
    await sql`rollback to savepoint dt_user_search_trgm`.execute(db)
  }
  // Statistics now, not at autovacuum's next pass: the planner chooses each partition's index by them.
  await sql`analyze ${n.search}`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  for (const event of ["insert", "update", "delete", "truncate"]) {
    await sql`drop trigger if exists ${n.trigger(event)} on ${n.users}`.execute(db)
    await sql`drop function if exists ${n.function(event)}()`.execute(db)
  }
  await sql`drop table if exists ${n.search}`.execute(db)
}
