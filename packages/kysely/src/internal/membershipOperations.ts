/**
 * Memberships: add and remove them, keeping the member counts and group lists in step, and what the rules ask of a group's members.
 */
import type { MembershipStore } from "@user-manager/core/Directory"
import type { Username } from "@user-manager/core/Names"
import { Effect } from "effect"
import { type RawBuilder, sql } from "kysely"
import { containsPattern, containsPatternDefaultEscape } from "./listingPlanner.js"
import {
  clusteredBySample,
  paired,
  pairedUsernames,
  rareBySample,
  searchStart,
  searchTextSample,
  walkBound
} from "./postgresSearch.js"
import * as SqliteSearch from "./sqliteSearch.js"
import { insertChunks, type TransactionContext } from "./transactionContext.js"

/**
 * How many of a group's members a search within it reads on PostgreSQL before it leaves the page to a statement the
 * server plans for the term (~3 ms of reading; the first page of 50 members of 500,000 matching a term 5% of users
 * hold, clustered as usernames are, is found within 9,552).
 */
export const MEMBER_WALK_ENTRIES = 20_000

/**
 * How many of a group's members a search within it reads on PostgreSQL from its start (or `after`) before it looks up
 * where the term's matches begin (`PostgresSearch.searchStart`, ~0.3–1.3 ms at 1,000,000 users) when the statistics
 * say they cluster (`clusteredBySample`); a group of fewer is read whole. Enough for a small group, and for the page
 * after one that ended on a clustered match (the next ones follow it); 2,000 cost a first page `maria` or `ma` of
 * 500,000 members ~0.3 ms more, read in vain.
 */
export const MEMBER_WALK_FIRST = 500

/**
 * The most users a search within a group may match in the whole directory for its page to be read from those matches
 * (each looked up in the group's memberships, then sorted) rather than by walking the group's members or the users in
 * order: a walk finds a rare term's page only at the end of the group (a term no member holds read all of a
 * 500,000-member group: ~100 ms on SQLite at 1,000,000 users, ~260 on PostgreSQL for a term of two characters), while
 * 1,000 matches are looked up and sorted in about a millisecond. Counting them costs a common term ~0.4 ms of its page.
 */
export const MEMBER_MATCHES_SORTED = 1_000

/**
 * A page of a group's members among `matches` (a statement of usernames: the term's matches in the whole directory,
 * read through its index) when there are at most `MEMBER_MATCHES_SORTED` of them, in username order after `after`;
 * when there are more, one row of null alone (the page is then walked).
 */
const membersFromMatches = (
  matches: RawBuilder<{ readonly username: string }>,
  v: { readonly group: unknown; readonly after: unknown; readonly limit: unknown },
  after: boolean
) =>
  sql<{ readonly username: string | null }>`with matches as materialized (
      ${matches} limit ${sql.lit(MEMBER_MATCHES_SORTED + 1)})
    select username from (select matches.username from matches
      where (select count(*) from matches) <= ${sql.lit(MEMBER_MATCHES_SORTED)}
        and exists (select 1 from ${sql.table("memberships")} as m where m.group_name = ${v.group}
          and m.username = matches.username)${after ? sql` and matches.username > ${v.after}` : sql``}
      order by matches.username limit ${v.limit}) as page
    union all select null where (select count(*) from matches) > ${sql.lit(MEMBER_MATCHES_SORTED)}`

/** Memberships, over a transaction's context. */
export const membershipOperations = (tx: TransactionContext): MembershipStore => {
  const {
    db,
    engine,
    engineName,
    prefix,
    execute,
    rows,
    single,
    shaped,
    valueRows,
    countMembers,
    refreshGroupLists,
    read
  } = tx
  return {
    addMembership: (username, group) =>
      Effect.gen(function* () {
        yield* execute(
          shaped("memberships:insert", [username, group], ([user, name]) =>
            db
              .insertInto("memberships")
              .values({ username: user as string, group_name: name as string })
              .compile()
          )
        )
        yield* countMembers(group, 1)
        yield* refreshGroupLists([username])
      }),
    addMemberships: (added) =>
      Effect.gen(function* () {
        if (added.length === 0) return
        const values = added.map(({ username, group }) => ({ username, group_name: group }))
        for (const chunk of insertChunks(engine, values, 2)) yield* execute(db.insertInto("memberships").values(chunk))
        // Each group's count moves once by its number of new members, and each user's group list is made once.
        const perGroup = new Map<string, number>()
        for (const { group } of added) perGroup.set(group, (perGroup.get(group) ?? 0) + 1)
        for (const [group, count] of [...perGroup].sort(([a], [b]) => (a < b ? -1 : 1))) {
          yield* countMembers(group, count)
        }
        yield* refreshGroupLists([...new Set(added.map(({ username }) => username))])
      }),
    removeMembership: (username, group) =>
      Effect.gen(function* () {
        const { numAffectedRows } = yield* execute(
          shaped("memberships:delete", [username, group], ([user, name]) =>
            db
              .deleteFrom("memberships")
              .where("username", "=", user as string)
              .where("group_name", "=", name as string)
              .compile()
          )
        )
        if (numAffectedRows === undefined || numAffectedRows === 0n) return
        yield* countMembers(group, -1)
        yield* refreshGroupLists([username])
      }),
    countEnabledNonSystemMembers: (group) =>
      single(
        db
          .selectFrom("memberships")
          .innerJoin("users", "users.username", "memberships.username")
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .where("memberships.group_name", "=", group)
          .where("users.enabled", "=", 1)
          .where("users.system", "=", 0)
      ).pipe(Effect.map((row) => Number(row.n))),
    membersWithNoOtherGroup: (group) =>
      rows(
        db
          .selectFrom("memberships as m")
          .select("m.username")
          .where("m.group_name", "=", group)
          .where(
            (eb) =>
              eb
                .selectFrom("memberships as other")
                .select((inner) => inner.fn.countAll().as("n"))
                .whereRef("other.username", "=", "m.username"),
            "=",
            1
          )
          .orderBy("m.username")
      ).pipe(Effect.map((rows) => rows.map((row) => row.username as Username))),
    // A page is one range of the memberships' (group_name, username) index, read in its order and stopped at the
    // limit; a search joins each member's search text by the users' primary key as the range is walked. The users'
    // side is bounded by `after` too: PostgreSQL may merge-join the two ranges, and would otherwise walk the users'
    // key from its first username to the page (about 10 ms at 200,000 users, 0.1 ms bounded). MariaDB is told the
    // index: it would rather look the group up by its name alone and skip the members before `after` one by one
    // (100,000 index entries read for a page after the 100,000th member, 51 with the hint).
    listMembers: ({ group, search, limit, after }) =>
      Effect.gen(function* () {
        const pattern = containsPattern(search)
        /**
         * The page read from the term's matches in the whole directory (`matches` of its index's phrase or key), or
         * none when they are more than `MEMBER_MATCHES_SORTED`.
         */
        const fromMatches = (
          index: string,
          key: string,
          matches: (key: unknown) => RawBuilder<{ readonly username: string }>
        ) =>
          Effect.map(
            valueRows(
              shaped(
                `members:from-matches:${index}:${after === undefined ? "first" : "after"}`,
                [key, group, after ?? "", limit],
                ([k, name, from, count]) =>
                  membersFromMatches(
                    matches(k),
                    { group: name, after: from, limit: count },
                    after !== undefined
                  ).compile(db)
              )
            ),
            (rows) => (rows[0]?.[0] === null ? undefined : rows.map((row) => row[0] as Username))
          )
        // On SQLite a searched page of a group holding a third of the users or more walks the users instead: their
        // username/search-text index in order, each match then looked up in the memberships' primary key. A walk
        // over members looks up every member's search text (one B-tree descent each); this one reads the users'
        // index entries in sequence, about twice as many for a group of half the users, at a fraction of a descent
        // each, and descends only for the matches (`everyone`'s page of 50 'quartz' users: 9,551 descents before,
        // 3× slower). The users' count is estimated from their largest rowid: the choice changes the cost, never
        // the answer.
        if (search !== "" && engineName === "sqlite") {
          // The group's size against the users' (estimated from their largest rowid).
          const { members, users } = yield* single(
            shaped("members:sizes", [group], ([name]) =>
              sql<{ readonly members: number; readonly users: number }>`select coalesce((select member_count
                from ${sql.table("groups")} where name = ${name}), 0) as members,
                coalesce((select max(rowid) from ${sql.table("users")}), 0) as users`.compile(db)
            )
          )
          // In a group larger than that, first from the term's matches in the whole directory when they are few (its
          // FTS5 index counts them up to a bound): a term rare among the users is rare in the group, where a walk
          // would find its page only at the group's end. A smaller group is walked at once, at less cost.
          if (members > MEMBER_MATCHES_SORTED) {
            const index = SqliteSearch.searchIndexOf(search)
            const page = yield* fromMatches(index, SqliteSearch.ftsPhrase(search), (phrase) =>
              SqliteSearch.ftsUsernames(phrase, index)
            )
            if (page !== undefined) return page
          }
          const dense = members * 3 >= users
          if (dense) {
            // The walk starts where the index of characters and pairs gives the first member that may hold the term
            // (none: no page).
            const walked = yield* valueRows(
              shaped(
                `members:users-walk:${after === undefined ? "first" : "after"}`,
                [pattern, group, after ?? "", limit, SqliteSearch.pairsQuery(search)],
                ([p, name, from, count, query]) => {
                  const start = SqliteSearch.membersWalkStart({ query, group: name, after: from }, after !== undefined)
                  return sql`select u.username from ${sql.table("users")} as u indexed by ${sql.id(`${prefix}dt_users_search_walk`)}
                  where u.username >= ${start} and u.search_text like ${p} escape '!'${after === undefined ? sql`` : sql` and u.username > ${from}`}
                  and exists (select 1 from ${sql.table("memberships")} as m where m.username = u.username
                  and m.group_name = ${name}) order by u.username limit ${count}`.compile(db)
                }
              )
            )
            return walked.map((row) => row[0] as Username)
          }
        }
        // On PostgreSQL a term the statistics' sample of search texts does not hold (`rareBySample`) is likely rare. Of
        // one or two characters, which the trigram index cannot narrow, it is then read from its matches when they are
        // few, as on SQLite (its index of characters and pairs, ~1 ms; a common one, which the sample mostly holds, is
        // walked without that statement); when they are not few after all, it is walked too.
        const sample =
          search !== "" && engineName === "postgres"
            ? yield* searchTextSample(db, prefix, tx.searchTextSample, valueRows)
            : undefined
        const rare = rareBySample(sample, search)
        if (rare && paired(search)) {
          const page = yield* fromMatches("pairs", search, (term) => pairedUsernames(prefix, { term }))
          if (page !== undefined) return page
        }
        // On PostgreSQL a search walks the group's members in order in the index that holds each member's search text
        // (migration 20261212000000), one planned statement: the first `MEMBER_WALK_ENTRIES` members after `after` in
        // a group larger than that (every member in a smaller one; `MEMBER_WALK_FIRST` for a term whose matches
        // cluster), and a row that says whether the group is larger; then, for a clustered term whose page they did
        // not fill, the first `MEMBER_WALK_ENTRIES` from the first users who may hold it (`searchStart`: a first
        // name's members half-way along the group are not read one by one to reach).
        // A term too rare to fill the page within them is answered by the statement below instead, which the server
        // plans for its pattern (the users' trigram index for a rare one: a walk of a whole 500,000-member group for
        // a term no member holds takes ~330 ms); so is, at once, a term the statistics' sample of search texts does
        // not hold (`rareBySample`), which would only read the walk's 20,000 members in vain (~4.5 ms), unless it is of one
        // or two characters (the trigram index cannot narrow it: the planned statement would read the group).
        if (search !== "" && engineName === "postgres" && (!rare || paired(search))) {
          /**
           * The walk of the first `entries` members from `first` (and past `after`): the matches it found, and whether
           * it read to the group's end (then they are every match from there).
           */
          const walk = (entries: number, first: string) =>
            Effect.map(
              valueRows(
                shaped(
                  `members:walk:${after === undefined ? "first" : "after"}`,
                  [group, after ?? "", containsPatternDefaultEscape(search), limit, entries, first],
                  ([name, from, p, count, most, start]) =>
                    sql`select username from (select username from (select username, search_text
                    from ${sql.table("memberships")} where group_name = ${name} and username >= ${start}${after === undefined ? sql`` : sql` and username > ${from}`}
                    order by group_name, username limit case when (select member_count from ${sql.table("groups")}
                    where name = ${name}) > ${most} then cast(${most} as integer) end) as walked
                  where search_text like ${p} limit ${count}) as found
                  union all select null from ${sql.table("groups")} where name = ${name} and member_count > ${most}`.compile(
                      db
                    )
                )
              ),
              (rows) => {
                const found = rows.flatMap((row) => (row[0] === null ? [] : [row[0] as Username]))
                return { found, complete: found.length === rows.length }
              }
            )
          // From the group's start first: as far as the bound for a term spread over the users (`quartz`, whose page
          // fills there), only a few members for one whose matches cluster (`clusteredBySample`: a first name's).
          const clustered = clusteredBySample(sample, search)
          const near = yield* walk(clustered ? MEMBER_WALK_FIRST : MEMBER_WALK_ENTRIES, "")
          if (near.found.length >= limit || near.complete) return near.found
          // Then a clustered term's from the first users who may hold it (`searchStart`; none: no page), as far as the
          // bound. (A spread term's walk read as far already: a start found for it would mostly walk the same members.)
          if (clustered) {
            const start = yield* searchStart(tx, search, "asc")
            if (start._tag === "NoMatch") return []
            const far = yield* walk(MEMBER_WALK_ENTRIES, walkBound(start) ?? "")
            if (far.found.length >= limit || far.complete) return far.found
          }
        }
        const hint = engineName === "mysql" ? sql` force index (${sql.id(`${prefix}dt_memberships_group`)})` : sql``
        // On SQLite a searched member's search text is tested in the username/search-text index entry, next to its
        // neighbours, not in its row scattered over the users table (6.7× faster a page at 1,000,000 users).
        const walkIndex = engineName === "sqlite" ? sql` indexed by ${sql.id(`${prefix}dt_users_search_walk`)}` : sql``
        const searched =
          search === "" ? sql`` : sql` inner join ${sql.table("users")} as u${walkIndex} on u.username = m.username`
        const page = (name: unknown, from: unknown, p: unknown, count: unknown) => {
          const conditions = [
            sql`m.group_name = ${name}`,
            ...(after === undefined ? [] : [sql`m.username > ${from}`]),
            ...(search === "" ? [] : [sql`u.search_text like ${p} escape '!'`]),
            ...(search === "" || after === undefined ? [] : [sql`u.username > ${from}`])
          ]
          return sql<{
            readonly username: string
          }>`select m.username from ${sql.table("memberships")} as m${hint}${searched}
          where ${sql.join(conditions, sql` and `)} order by m.username limit ${count}`.compile(db)
        }
        // A page of a group's members with no search has one best plan (the group's index, in order): planned once.
        const found = yield* rows(
          search === ""
            ? shaped(`members:page:${after === undefined ? "first" : "after"}`, [group, after ?? "", "", limit], (v) =>
                page(v[0], v[1], v[2], v[3])
              )
            : page(group, after, pattern, limit)
        )
        return found.map((row) => row.username as Username)
      }),
    systemMembers: (group) =>
      rows(
        db
          .selectFrom("memberships")
          .innerJoin("users", "users.username", "memberships.username")
          .select("users.username")
          .where("memberships.group_name", "=", group)
          .where("users.system", "=", 1)
          .orderBy("users.username")
      ).pipe(Effect.map((rows) => rows.map((row) => row.username as Username))),
    touchMembers: (group, updatedAt) => {
      // The users this transaction read are no longer as it read them: their next update writes every column.
      read.clear()
      return Effect.asVoid(
        execute(
          db
            .updateTable("users")
            .set((eb) => ({ version: eb("version", "+", 1), updated_at: updatedAt.toISOString() }))
            .where("username", "in", (eb) =>
              eb.selectFrom("memberships").select("memberships.username").where("memberships.group_name", "=", group)
            )
        )
      )
    }
  }
}
