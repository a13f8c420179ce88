/**
 * How the SQLite store indexes a new user in its FTS5 index (`users_fts`, its rows keyed by `users_fts_key`): by
 * statements of its own, in the transaction that stores the user. Until migration 20261211000000 a trigger on `users`
 * wrote them, and an FTS5 write run by a trigger costs far more than the same statement run by the store (see the
 * migration). A change of name and a delete are still indexed by triggers, so that the host's own SQL keeps the
 * index true when it changes or deletes users.
 *
 * The index holds each user's search text and lower-cased names (SQLite's `lower`, as a name filter compares them: see
 * migration 20261210000000), and, in `users_fts_pairs`, the characters and pairs of the search text (migration
 * 20261213000000, whose `pairTokens` writes them as its triggers do), keyed in username order (migration
 * 20261214000000's `pairsRowid`).
 */
import type { StorageError } from "@user-manager/core/Errors"
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import { pairTokens } from "../migrations/20261213000000_sqlite_short_term_index.js"
import { KEY_SPAN, pairsRowid } from "../migrations/20261214000000_sqlite_short_terms_by_username.js"
import type { Database } from "./schema.js"
import type { Shaped } from "./statementCache.js"
import { chunks } from "./transactionContext.js"
import type { Execute } from "./transactionRunner.js"

const fts = sql.table("users_fts")
const key = sql.table("users_fts_key")
const pairs = sql.table("users_fts_pairs")
const users = sql.table("users")

/** How many users one pair of statements adds to the index. */
const USERS_PER_STATEMENT = 500

/**
 * A new key's id when the largest one has reached the last id a username order spans (`KEY_SPAN - 1`): the smallest id
 * no key holds. A row of `users_fts_pairs` is `order × KEY_SPAN + key id`, so a key id of `KEY_SPAN` or more would
 * read as another order's row and another user's key (its user then missing from every short term's matches). SQLite
 * gives a new key the largest id plus one, and the largest only grows as users are added, whatever is deleted: after
 * about a billion users added over a directory's life, new keys take the ids freed by deleted ones. Null (the largest
 * plus one) below that. The gap is found in id order, as far as the first free id.
 */
const keyId = sql`case when coalesce((select max(id) from ${key}), 0) < ${sql.lit(KEY_SPAN - 1)} then null
  when not exists (select 1 from ${key} where id = 1) then 1
  else (select k.id + 1 from ${key} as k where not exists (select 1 from ${key} as j where j.id = k.id + 1)
    order by k.id limit 1) end`

/**
 * A key for each user, then the index rows of those users as `users` holds them, in the order of their keys, as the
 * trigger gave them: FTS5 keeps a transaction's new rows in memory while their ids grow, and writes them out first
 * when one comes with a smaller id. Then their rows of characters and pairs, in the order of their own ids.
 */
const addStatements = (db: Kysely<Database>, usernames: ReadonlyArray<unknown>) => {
  const added = sql`from ${key} as k join ${users} as u on u.username = k.username
    where k.username in (${sql.join(usernames.map((username) => sql`${username}`))})`
  return [
    usernames.length === 1
      ? sql`insert into ${key} (id, username) values (${keyId}, ${usernames[0]})`.compile(db)
      : sql`insert into ${key} (username) values ${sql.join(usernames.map((username) => sql`(${username})`))}`.compile(
          db
        ),
    sql`insert into ${fts} (rowid, search_text, first_name, last_name)
      select k.id, u.search_text, lower(u.first_name), lower(u.last_name) ${added} order by k.id`.compile(db),
    sql`insert into ${pairs} (rowid, tokens)
      select ${pairsRowid(sql.ref("k.username"), sql.ref("k.id"))} as pairs_id, ${pairTokens(sql.ref("u.search_text"))} ${added}
      order by pairs_id`.compile(db)
  ] as const
}

/** Indexes users just inserted into `users`, over a transaction's statements. */
export const indexNewUsers = (
  db: Kysely<Database>,
  shaped: Shaped,
  execute: Execute,
  usernames: ReadonlyArray<string>
): Effect.Effect<void, StorageError> => {
  // One user, as a create adds: compiled once.
  const one = (username: string) =>
    Effect.forEach(
      [
        shaped("users-fts:add:key", [username], (slots) => addStatements(db, slots)[0]),
        shaped("users-fts:add:row", [username], (slots) => addStatements(db, slots)[1]),
        shaped("users-fts:add:pairs", [username], (slots) => addStatements(db, slots)[2])
      ],
      execute,
      { discard: true }
    )
  return Effect.forEach(
    chunks(usernames, USERS_PER_STATEMENT),
    (chunk) =>
      chunk.length === 1
        ? one(chunk[0] as string)
        : Effect.flatMap(execute(largestKey.compile(db)), (result) =>
            // Keys the largest plus one would give past the span are taken one at a time, each the first free id.
            Number(result.rows[0]?.id ?? 0) + chunk.length < KEY_SPAN
              ? Effect.forEach(addStatements(db, chunk), execute, { discard: true })
              : Effect.forEach(chunk, one, { discard: true })
          ),
    { discard: true }
  )
}

/** The largest key id (null without keys). */
const largestKey = sql<{ readonly id: number | null }>`select max(id) as id from ${key}`
