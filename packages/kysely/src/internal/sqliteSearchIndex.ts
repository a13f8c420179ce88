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
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import { pairTokens } from "../migrations/20261213000000_sqlite_short_term_index.js"
import { pairsRowid } from "../migrations/20261214000000_sqlite_short_terms_by_username.js"
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
 * A key for each user, then the index rows of those users as `users` holds them, in the order of their keys, as the
 * trigger gave them: FTS5 keeps a transaction's new rows in memory while their ids grow, and writes them out first
 * when one comes with a smaller id. Then their rows of characters and pairs, in the order of their own ids.
 */
const addStatements = (db: Kysely<Database>, usernames: ReadonlyArray<unknown>) => {
  const added = sql`from ${key} as k join ${users} as u on u.username = k.username
    where k.username in (${sql.join(usernames.map((username) => sql`${username}`))})`
  return [
    sql`insert into ${key} (username) values ${sql.join(usernames.map((username) => sql`(${username})`))}`.compile(db),
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
) =>
  Effect.forEach(
    chunks(usernames, USERS_PER_STATEMENT),
    (chunk) => {
      // One user, as a create adds: compiled once.
      const statements =
        chunk.length === 1
          ? [
              shaped("users-fts:add:key", chunk, (slots) => addStatements(db, slots)[0]),
              shaped("users-fts:add:row", chunk, (slots) => addStatements(db, slots)[1]),
              shaped("users-fts:add:pairs", chunk, (slots) => addStatements(db, slots)[2])
            ]
          : addStatements(db, chunk)
      return Effect.forEach(statements, execute, { discard: true })
    },
    { discard: true }
  )
