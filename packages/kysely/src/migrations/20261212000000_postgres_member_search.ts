/**
 * PostgreSQL: each membership carries its user's search text (`memberships.search_text`), in an index of the group's
 * members in username order that includes it (`dt_memberships_group_search`, which replaces `dt_memberships_group`:
 * the same key), so that a search within a group walks that one index and tests each member where it reads them.
 *
 * Why: a page of 50 members of a 500,000-member group matching a term 5% of the users hold (clustered as usernames
 * are: by first name) merged the group's index (9,552 entries) with the users' username/search-text index (19,282
 * entries, each tested, their pages often not all-visible): 3.6 ms warm, 6–9 in the service. The one index: 1.3–1.6 ms.
 *
 * Kept true by triggers, in the transaction of every write, whoever makes it (the store, an import, the previous
 * release during a rolling upgrade, a host's own SQL): a membership added takes its user's search text as it is
 * inserted (a row trigger that runs only when none is given), a user's renaming carries the new text to their
 * memberships (the foreign key's cascade updates them; a trigger fills the text as it does), and a change of a user's
 * search text updates their memberships (a user is in few groups).
 *
 * Expand only: it adds a nullable column, an index, functions and triggers, and drops an index no statement names on
 * PostgreSQL; the previous release runs on the schema it leaves (its writes fill the column through the triggers; it
 * never reads it). The triggers come first, then the copy, so that no write made during the migration is missed.
 * Cost: at 1,000,000 users (1,520,001 memberships) ~25 s, and the index ~2× the one it replaces. SQLite and
 * MySQL/MariaDB get nothing (SQLite walks its users' username/search-text index and answers a page in under 2 ms).
 * Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const names = (prefix: string) => ({
  users: sql.id(`${prefix}users`),
  memberships: sql.id(`${prefix}memberships`),
  groupIndex: sql.id(`${prefix}dt_memberships_group`),
  searchIndex: sql.id(`${prefix}dt_memberships_group_search`),
  function: (event: string) => sql.id(`${prefix}dt_member_search_${event}`),
  trigger: (event: string) => sql.id(`${prefix}dt_member_search_${event}`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  await sql`alter table ${n.memberships} add column search_text text collate "C"`.execute(db)
  // The function bodies name the tables as the store's statements do: unqualified, found on the search path.
  const users = `"${prefix}users"`
  const memberships = `"${prefix}memberships"`
  await sql`create function ${n.function("fill")}() returns trigger language plpgsql as ${sql.raw(
    `$$ begin new.search_text := (select search_text from ${users} where username = new.username); return new; end $$`
  )}`.execute(db)
  await sql`create function ${n.function("follow")}() returns trigger language plpgsql as ${sql.raw(
    `$$ begin update ${memberships} set search_text = new.search_text where username = new.username; return null; end $$`
  )}`.execute(db)
  // A membership inserted without its text takes it from its user; one whose username changes (a user renamed, by the
  // foreign key's cascade) takes the renamed user's.
  await sql`create trigger ${n.trigger("insert")} before insert on ${n.memberships} for each row
    when (new.search_text is null) execute function ${n.function("fill")}()`.execute(db)
  await sql`create trigger ${n.trigger("rename")} before update of username on ${n.memberships} for each row
    when (old.username is distinct from new.username) execute function ${n.function("fill")}()`.execute(db)
  await sql`create trigger ${n.trigger("update")} after update of search_text on ${n.users} for each row
    when (old.search_text is distinct from new.search_text) execute function ${n.function("follow")}()`.execute(db)
  await sql`update ${n.memberships} as m set search_text = u.search_text from ${n.users} as u
    where u.username = m.username`.execute(db)
  await sql`create index ${n.searchIndex} on ${n.memberships} (group_name, username) include (search_text)`.execute(db)
  await sql`drop index if exists ${n.groupIndex}`.execute(db)
  // Statistics now, not at autovacuum's next pass.
  await sql`analyze ${n.memberships}`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  await sql`drop trigger if exists ${n.trigger("insert")} on ${n.memberships}`.execute(db)
  await sql`drop trigger if exists ${n.trigger("rename")} on ${n.memberships}`.execute(db)
  await sql`drop trigger if exists ${n.trigger("update")} on ${n.users}`.execute(db)
  await sql`drop function if exists ${n.function("fill")}()`.execute(db)
  await sql`drop function if exists ${n.function("follow")}()`.execute(db)
  await sql`create index if not exists ${n.groupIndex} on ${n.memberships} (group_name, username)`.execute(db)
  await sql`drop index if exists ${n.searchIndex}`.execute(db)
  await sql`alter table ${n.memberships} drop column if exists search_text`.execute(db)
}
