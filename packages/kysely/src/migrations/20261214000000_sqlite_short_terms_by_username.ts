/**
 * SQLite: the rows of `users_fts_pairs` (20261213000000) keyed in username order, so that a page of a term of one or
 * two characters sorted by username reads its first matches in the index instead of sorting them all.
 *
 * Why: a short term held by many users had every match sorted for one page: at 1,000,000 users `ma` (124,434 matches)
 * took 11.6 ms ascending and 26.8 descending, `a` 68 and 183 (issue 20: a search page with its total ≤ 15 ms).
 *
 * A row's id was its user's `users_fts_key` id; it is now `usernameOrder(username) × 2³⁰ + key id`. `usernameOrder`
 * is the username's first six characters as six digits of base 45 (33 bits), in SQLite's order of text (by code
 * point): past the end 0; each character of a username (`-`, `.`, the digits, `_`, `a`–`z`) and `/` and `` ` `` a digit
 * of its own, in their order; every character before `-` 1, between `9` and `_` (upper case) 15, after `z` 44. A digit
 * shared by several characters ends the order (the digits after it are 0): else `{` would come after `{…` beyond
 * `z`. So a user before another in username order never has a larger order, and FTS5, which gives a phrase's rows in
 * id order (either way), gives its matches in username order but for users of the same order. The page reads the
 * matches as far as the page's last one and every match of that one's order after it, then sorts only those
 * (`sqliteSearch.ts`): `ma`'s page 2.1 ms ascending, 0.27 descending. The key id keeps rows of the same order apart
 * and gives the row's user (`id % 2³⁰`): key ids stay below 2³⁰ (one for each user added, less the ids freed and taken
 * again).
 *
 * A rename changes the order, so the update trigger moves the row (delete and insert) when the username or the search
 * text changes; the delete trigger finds it by the old username. The rows are added in the order of their new ids and
 * merged into one segment, as 20261213000000 does.
 *
 * A contract: the release before writes a new user's row by its key id, which this schema does not read right (its
 * instances go not ready, saying why). Cost at 1,000,000 users (benchmark machine): ~18 s to build, 0.9 s to merge.
 * PostgreSQL and MySQL/MariaDB: nothing to do. Frozen once released.
 */
import { type Kysely, type RawBuilder, sql } from "kysely"
import { dropTriggers } from "./20261210000000_one_search_index.js"
import * as shortTermIndex from "./20261213000000_sqlite_short_term_index.js"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

/** How many ids of `users_fts_key` each username order spans: a row's id is order × span + key id. */
export const KEY_SPAN = 1_073_741_824

const names = (prefix: string) => ({
  fts: sql.raw(`"${prefix}users_fts"`),
  pairs: sql.raw(`"${prefix}users_fts_pairs"`),
  key: sql.raw(`"${prefix}users_fts_key"`),
  trigger: (kind: "update" | "delete") => sql.raw(`"${prefix}users_fts_${kind}"`)
})

/** The code point of a username's character at `position` (from 1); null past its end. */
const code = (username: RawBuilder<unknown>, position: number) =>
  sql`unicode(substr(${username}, ${sql.lit(position)}, 1))`

/** The digit (0–44) of a character's code point, in the order of SQLite's text. */
const digit = (code: RawBuilder<unknown>) =>
  sql`case when ${code} is null then 0 when ${code} < 45 then 1 when ${code} <= 57 then ${code} - 43
    when ${code} <= 94 then 15 when ${code} <= 122 then ${code} - 79 else 44 end`

/** Whether a character's digit is shared with other characters. */
const shared = (code: RawBuilder<unknown>) => sql`(${code} < 45 or ${code} between 58 and 94 or ${code} > 122)`

/**
 * A username's order: its first six characters' digits as a number of base 45, each 0 after a digit shared with other
 * characters.
 */
const usernameOrder = (username: RawBuilder<unknown>) => {
  const codes = [1, 2, 3, 4, 5, 6].map((position) => code(username, position))
  return codes.slice(1).reduce<RawBuilder<unknown>>(
    (order, current, index) =>
      sql`(${order}) * 45 + case when ${sql.join(codes.slice(0, index + 1).map(shared), sql` or `)} then 0
        else ${digit(current)} end`,
    digit(codes[0] ?? sql`null`)
  )
}

/** The id of a user's row in `users_fts_pairs`, from its username and its `users_fts_key` id. */
export const pairsRowid = (username: RawBuilder<unknown>, keyId: RawBuilder<unknown>) =>
  sql<number>`(${usernameOrder(username)}) * ${sql.lit(KEY_SPAN)} + ${keyId}`

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  const users = sql.table("users")
  const { fts, pairs, key, trigger } = names(prefix)
  const tokens = shortTermIndex.pairTokens
  await sql`drop table ${pairs}`.execute(db)
  await sql`create virtual table ${pairs} using fts5(tokens, content = '', contentless_delete = 1, detail = none,
    tokenize = 'ascii')`.execute(db)
  await sql`insert into ${pairs} (rowid, tokens)
    select ${pairsRowid(sql.ref("k.username"), sql.ref("k.id"))} as pairs_id, ${tokens(sql.ref("u.search_text"))}
    from ${users} as u join ${key} as k on k.username = u.username order by pairs_id`.execute(db)
  await sql`insert into ${pairs} (${pairs}) values ('optimize')`.execute(db)
  // The triggers of 20261213000000, each finding the pairs' row by the username's order and the key id.
  await dropTriggers(db, prefix, ["update", "delete"])
  const oldRowid = sql`(select ${pairsRowid(sql.raw("old.username"), sql.ref("id"))} from ${key}
    where username = old.username)`
  await sql`create trigger ${trigger("update")} after update of username, search_text, first_name, last_name on ${users}
    when old.username is not new.username or old.search_text is not new.search_text
      or old.first_name is not new.first_name or old.last_name is not new.last_name begin
      update ${fts} set search_text = new.search_text, first_name = lower(new.first_name), last_name = lower(new.last_name)
        where rowid = (select id from ${key} where username = old.username)
          and (old.search_text is not new.search_text
            or old.first_name is not new.first_name or old.last_name is not new.last_name);
      delete from ${pairs} where rowid = ${oldRowid}
        and (old.username is not new.username or old.search_text is not new.search_text);
      insert into ${pairs} (rowid, tokens)
        select ${pairsRowid(sql.raw("new.username"), sql.ref("id"))}, ${tokens(sql.raw("new.search_text"))}
        from ${key} where username = old.username
          and (old.username is not new.username or old.search_text is not new.search_text);
      update ${key} set username = new.username where username = old.username and old.username is not new.username;
    end`.execute(db)
  await sql`create trigger ${trigger("delete")} after delete on ${users} begin
      delete from ${fts} where rowid = (select id from ${key} where username = old.username);
      delete from ${pairs} where rowid = ${oldRowid};
      delete from ${key} where username = old.username;
    end`.execute(db)
}

/** Back to 20261213000000's table and triggers: its rows keyed by the key ids. */
// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, target: Target): Promise<void> {
  if (target.engine !== "sqlite") return
  await sql`drop table ${names(target.prefix).pairs}`.execute(db)
  await shortTermIndex.up(db, target)
}
