/**
 * PostgreSQL: a GIN index on `users` of every character and pair of adjacent characters of each user's search text,
 * each key led by a label of where the username falls in username order (`dt_search_start_pairs(username,
 * search_text)`), so that a search walked in username order starts at the first users who may hold its term.
 *
 * Why: a search sorted by username walks the username/search-text index from its first user until its page is full,
 * and a term common among users late in username order was tested on every user before them: at 1,000,000 users `ma`
 * (124,434 matches, the first `fatima.…`) read ~300,000 entries for its page (97 ms with its total), and a page of
 * `everyone`'s members matching `maria` or `ma` took 109–142 ms (issue 20: ≤ 15 and ≤ 3 ms). The GIN indexes of
 * `user_search` give no order.
 *
 * A key is the label, then a character or a pair. The label is the username's first character when it is `_` or `a`–
 * `y`; `!` for a username before `_` and `z` for one from `z` on (in the C collation of usernames), so that each label
 * is one range of usernames and the labels, in their order, the ranges in username order. A user whose search text
 * holds a term holds each of its keys under the user's label (the term's pairs, or the term itself when it has one or
 * two characters), so no user of a label that holds none does: a walk may start at the first label whose keys some user
 * holds (`postgresSearch.ts`'s `searchStart`). A label without such users costs one descent of the index to rule out.
 *
 * Expand only: a function and an index, which the previous release never reads and whose keys PostgreSQL keeps with
 * every write to `users`. Cost at 1,000,000 users: docs/benchmarks.md. SQLite (its characters and pairs are keyed in
 * username order already, 20261214000000) and MySQL/MariaDB: nothing to do. Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const names = (prefix: string) => ({
  users: sql.id(`${prefix}users`),
  keys: sql.id(`${prefix}dt_search_start_pairs`),
  index: sql.id(`${prefix}dt_users_search_start`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  // PL/pgSQL, as `dt_search_pairs` (20261213010000): a SQL function over it took twice as long to build the index.
  // Its cost tells the planner that computing it for each row of a table costs far more than a lookup of its index:
  // with the default cost, a label looked up among 22,000 users not yet analyzed was a scan of the table (~200 ms).
  await sql`create function ${n.keys}(text, text) returns text[] language plpgsql immutable strict parallel safe
    cost 10000 as $$
    declare
      label text := case when $1 collate "C" < '_' then '!' when $1 collate "C" >= 'z' then 'z'
        when $1 collate "C" < 'a' then '_' else left($1, 1) end;
      characters text[] := string_to_array($2, null);
      keys text[] := array[]::text[];
    begin
      for i in 1 .. cardinality(characters) loop
        keys := keys || (label || characters[i]);
        if i < cardinality(characters) then
          keys := keys || (label || characters[i] || characters[i + 1]);
        end if;
      end loop;
      return keys;
    end $$`.execute(db)
  // New keys wait in the index's pending list, which every lookup reads whole, until it passes its limit: 4 MB by
  // default, which made each label's lookup 2.5 ms instead of 0.04 after 22,000 users were added; 128 kB at most here.
  await sql`set local maintenance_work_mem = '256MB'`.execute(db)
  await sql`create index ${n.index} on ${n.users} using gin (${n.keys}(username, search_text))
    with (gin_pending_list_limit = 128)`.execute(db)
  // The statistics of the index's keys (which labels hold common ones: those a search does not look up) come with the
  // users' next ANALYZE: taken now for a directory of 10,000 users or more (3.5 s at 1,000,000 users), not whenever
  // autovacuum next finds enough changed rows. Not for fewer, where any label's lookup is cheap: the statistics of a
  // nearly empty table would outlive the users added after it where nothing analyzes again (PGlite has no
  // autovacuum), and mislead the planner about them.
  const { rows } = await sql<{ many: boolean }>`select count(*) >= 10000 as many
    from (select 1 from ${n.users} limit 10000) as u`.execute(db)
  if (rows[0]?.many === true) await sql`analyze ${n.users}`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  await sql`drop index if exists ${n.index}`.execute(db)
  await sql`drop function if exists ${n.keys}(text, text)`.execute(db)
}
