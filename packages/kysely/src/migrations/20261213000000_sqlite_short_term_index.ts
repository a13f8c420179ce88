/**
 * SQLite: `users_fts_pairs`, an FTS5 index of every character and every pair of adjacent characters of each user's
 * search text, so that a search of one or two characters is looked up instead of tested on every user.
 *
 * Why: the trigram index (`users_fts`) needs three characters, so a shorter term was tested on each entry of the
 * username/search-text index in username order. A term few users hold read the whole index for its total: at
 * 1,000,000 users `zz`, which none holds, took 91–125 ms a page with its total (issue 20: ≤ 15 ms).
 *
 * Each user's row (keyed by its `users_fts_key` id, as `users_fts`'s) holds one token for each character and for each
 * pair of adjacent characters of the search text, written as the hexadecimal of its UTF-8 bytes (`zz` is `7a7a`, `é` is
 * `c3a9`): UTF-8 tells where a character ends, so one or two characters give one token and no two give the same, and
 * the `ascii` tokenizer keeps a run of hexadecimal digits as one token, whatever the characters were (spaces, `.`, `@`,
 * line breaks). A term of one or two characters is then one token: the users whose search text contains it, exactly,
 * with no second test. `detail=none`: the rows are only listed, never ranked or searched for phrases (no positions);
 * contentless, with `contentless_delete=1` (SQLite 3.43 or later), so that a row is deleted by its id alone.
 *
 * The tokens are made in SQL (`pairTokens`, shared with the store's statement that indexes a new user), so that the
 * triggers (which take no common table expression) keep the index true on a change of search text and on a delete, by
 * whoever makes it. The positions come from `json_each` over an array as long as the text.
 *
 * A contract: a version before this one stores new users without their row here (the store indexes a new user itself,
 * see 20261211000000), so it does not run on the schema this leaves (its instances go not ready, saying why).
 * Cost at 1,000,000 users (benchmark machine): ~30 s to build and 1.4 s to merge into one segment, ~56 MB; a new
 * user writes ~7 more pages and takes ~0.1–0.15 ms more (the tokens ~0.03 ms). PostgreSQL and MySQL/MariaDB: nothing
 * to do.
 * Frozen once released.
 */
import { type Kysely, type RawBuilder, sql } from "kysely"
import { createTriggers, dropTriggers } from "./20261210000000_one_search_index.js"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const names = (prefix: string) => ({
  fts: sql.raw(`"${prefix}users_fts"`),
  pairs: sql.raw(`"${prefix}users_fts_pairs"`),
  key: sql.raw(`"${prefix}users_fts_key"`),
  trigger: (kind: "update" | "delete") => sql.raw(`"${prefix}users_fts_${kind}"`)
})

/**
 * The tokens of a text for `users_fts_pairs`, as one string: for each position, the pair starting there and the
 * character there, each the hexadecimal of its UTF-8 bytes, separated by spaces (a token given twice is one entry).
 */
export const pairTokens = (text: RawBuilder<unknown>) =>
  sql<string>`(select group_concat(hex(substr(${text}, p.key + 1, 2)) || ' ' || hex(substr(${text}, p.key + 1, 1)), ' ')
    from json_each('[' || rtrim(replace(hex(zeroblob(length(${text}))), '00', '0,'), ',') || ']') as p)`

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, pairs, key, trigger } = names(prefix)
  await sql`create virtual table ${pairs} using fts5(tokens, content = '', contentless_delete = 1, detail = none,
    tokenize = 'ascii')`.execute(db)
  await sql`insert into ${pairs} (rowid, tokens)
    select k.id, ${pairTokens(sql.ref("u.search_text"))} from ${users} as u join ${key} as k on k.username = u.username`.execute(
    db
  )
  // One segment instead of the many a bulk insert leaves: else the merges of the next writes take their turn on them
  // (a create's 99th percentile 39 ms against 1 at 1,000,000 users; 1.4 s).
  await sql`insert into ${pairs} (${pairs}) values ('optimize')`.execute(db)
  // The triggers of 20261210000000, each keeping the pairs' row too (before the key row's change or delete).
  await dropTriggers(db, prefix, ["update", "delete"])
  await sql`create trigger ${trigger("update")} after update of username, search_text, first_name, last_name on ${users}
    when old.username is not new.username or old.search_text is not new.search_text
      or old.first_name is not new.first_name or old.last_name is not new.last_name begin
      update ${fts} set search_text = new.search_text, first_name = lower(new.first_name), last_name = lower(new.last_name)
        where rowid = (select id from ${key} where username = old.username)
          and (old.search_text is not new.search_text
            or old.first_name is not new.first_name or old.last_name is not new.last_name);
      delete from ${pairs} where rowid = (select id from ${key} where username = old.username)
        and old.search_text is not new.search_text;
      insert into ${pairs} (rowid, tokens) select id, ${pairTokens(sql.raw("new.search_text"))} from ${key}
        where username = old.username and old.search_text is not new.search_text;
      update ${key} set username = new.username where username = old.username and old.username is not new.username;
    end`.execute(db)
  await sql`create trigger ${trigger("delete")} after delete on ${users} begin
      delete from ${fts} where rowid = (select id from ${key} where username = old.username);
      delete from ${pairs} where rowid = (select id from ${key} where username = old.username);
      delete from ${key} where username = old.username;
    end`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  await dropTriggers(db, prefix, ["update", "delete"])
  await createTriggers(db, prefix, ["update", "delete"])
  await sql`drop table if exists ${names(prefix).pairs}`.execute(db)
}
