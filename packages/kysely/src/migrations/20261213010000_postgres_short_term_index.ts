/**
 * PostgreSQL: a GIN index of every character and every pair of adjacent characters of each user's search text, on
 * `user_search` (`dt_search_pairs(search_text)`), so that a search of one or two characters that few users match is
 * looked up instead of walking every user.
 *
 * Why: `pg_trgm` finds nothing to look up in one or two characters, so such a term was tested on each entry of the
 * username/search-text index in username order, and a term few users hold read all of it for its total: at 1,000,000
 * users `zz`, which none holds, took 91–94 ms a page with its total (issue 20: ≤ 15 ms). A term of one or two
 * characters is one element of the array `dt_search_pairs` makes, so `dt_search_pairs(search_text) @> array[term]`
 * holds exactly when the search text contains the term.
 *
 * `dt_search_pairs` is a PL/pgSQL function (immutable, as an index's expression must be): the characters
 * (`string_to_array(text, null)`), then each pair of neighbours; a character or pair given twice is one key of the
 * index. It took a quarter of the time of the same list made by a SQL function over `generate_series` (1,000,000
 * calls are the index's build). On the partitioned table, the index is one per partition, kept by PostgreSQL with
 * `user_search`'s rows (which its triggers keep true on every write to `users`, whoever makes it).
 *
 * Expand only: it adds a function and an index; the previous release runs on the schema it leaves (it never reads the
 * index, its writes keep it true). Cost at 1,000,000 users: see docs/benchmarks.md (the index ~87 MB). SQLite has its
 * own index of characters and pairs (20261213000000); MySQL/MariaDB: nothing to do. Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const names = (prefix: string) => ({
  search: sql.id(`${prefix}user_search`),
  pairs: sql.id(`${prefix}dt_search_pairs`),
  index: sql.id(`${prefix}dt_user_search_pairs`)
})

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  await sql`create function ${n.pairs}(text) returns text[] language plpgsql immutable strict parallel safe as $$
    declare
      characters text[] := string_to_array($1, null);
      keys text[] := characters;
    begin
      for i in 1 .. cardinality(characters) - 1 loop
        keys := keys || (characters[i] || characters[i + 1]);
      end loop;
      return keys;
    end $$`.execute(db)
  // The partitioned table's index first, alone (not valid until each partition has its own), then each partition's in a
  // statement of its own, attached to it: one statement building all sixteen took longer than a store's statement
  // timeout (30 s by default) at 1,000,000 users. Each build gets more memory than the default 64 MB.
  await sql`create index ${n.index} on only ${n.search} using gin (${n.pairs}(search_text))`.execute(db)
  await sql`set local maintenance_work_mem = '256MB'`.execute(db)
  const partitions = await sql<{ name: string }>`select c.relname as name from pg_inherits as i
    join pg_class as c on c.oid = i.inhrelid
    where i.inhparent = to_regclass(quote_ident(${`${prefix}user_search`})) order by c.relname`.execute(db)
  for (const { name } of partitions.rows) {
    const index = sql.id(`${name}_dt_search_pairs`)
    await sql`create index ${index} on ${sql.id(name)} using gin (${n.pairs}(search_text))`.execute(db)
    await sql`alter index ${n.index} attach partition ${index}`.execute(db)
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "postgres") return
  const n = names(prefix)
  await sql`drop index if exists ${n.index}`.execute(db)
  await sql`drop function if exists ${n.pairs}(text)`.execute(db)
}
