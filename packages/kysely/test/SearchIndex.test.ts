import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import type { UserRow } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import type { GroupName, Username } from "@user-manager/core/Names"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import { migrate, sqliteFile, sqliteMemory, type TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import * as fc from "fast-check"
import { CompiledQuery, sql } from "kysely"
import { MEMBER_MATCHES_SORTED } from "../src/internal/membershipOperations.js"
import { userFilterSql } from "../src/internal/recordFilterSql.js"
import * as SqliteSearch from "../src/internal/sqliteSearch.js"
import { TablePrefixPlugin } from "../src/internal/TablePrefixPlugin.js"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as Migrations from "../src/Migrations.js"
import { pairTokens } from "../src/migrations/20261213000000_sqlite_short_term_index.js"
import { KEY_SPAN, pairsRowid } from "../src/migrations/20261214000000_sqlite_short_terms_by_username.js"
import { createShortTermUsers, expectFound, expectSearchPages, SHORT_TERMS } from "./support/searchPages.js"

const admin = Actor.user("admin")

for (const [name, open, prefix] of [
  ["SQLite (file, WAL)", sqliteFile, ""],
  ["SQLite with a table prefix", sqliteMemory, "um_"]
] as const) {
  describe(`${name} — the FTS5 search index follows every change`, () => {
    let database: TestDatabase
    // Opening PGlite (PostgreSQL built to WebAssembly) took over a minute in a support-matrix line under CI's load.
    beforeAll(async () => {
      database = await open()
      await migrate(database, prefix)
    }, 180_000)
    afterAll(async () => {
      await database?.drop()
    })

    const counts = () =>
      Effect.promise(async () => {
        const count = async (table: string) =>
          Number(
            (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]?.n
          )
        const stray = await sql<{ n: number }>`select count(*) as n from ${sql.table(`${prefix}users_fts_key`)} as k
          left join ${sql.table(`${prefix}users_fts`)} as f on f.rowid = k.id
          left join ${sql.table(`${prefix}users`)} as u on u.username = k.username
          where f.rowid is null or u.username is null or f.search_text is not u.search_text
            or f.first_name is not lower(u.first_name) or f.last_name is not lower(u.last_name)`.execute(database.db)
        const keys = await count(`${prefix}users_fts_key`)
        const fts = await count(`${prefix}users_fts`)
        return {
          users: await count(`${prefix}users`),
          fts,
          keys,
          // An index row without a key is a stray too, and so is each user the characters-and-pairs index gets wrong.
          stray: Number(stray.rows[0]?.n) + Math.abs(fts - keys) + (await pairsWrong())
        }
      })

    /**
     * How many times the characters-and-pairs index (`users_fts_pairs`) disagrees with the users' search texts, over
     * every character and pair of characters any user's search text holds and a few none holds: for each, the index
     * rows that match it against the rows of the users whose search text contains it (their ids made of their
     * usernames' order and their keys, `pairsRowid`: a row under an old username's order is wrong too).
     */
    const pairsWrong = async () => {
      const texts = (
        await sql<{ search_text: string }>`select search_text from ${sql.table(`${prefix}users`)}`.execute(database.db)
      ).rows.map((row) => [...row.search_text])
      const terms = new Set(["zz", "qx", "ü", "\u{1F600}"])
      for (const text of texts) {
        for (const [index, character] of text.entries()) {
          terms.add(character)
          if (index + 1 < text.length) terms.add(character + text[index + 1])
        }
      }
      const pairs = sql.table(`${prefix}users_fts_pairs`)
      let wrong = 0
      for (const term of terms) {
        // As text: the ids pass 2⁵³.
        const indexed = await sql<{
          id: string
        }>`select cast(rowid as text) as id from ${pairs} where ${pairs} match ${SqliteSearch.ftsPhrase(term)}`.execute(
          database.db
        )
        const holding = await sql<{
          id: string
        }>`select cast(${pairsRowid(sql.ref("k.username"), sql.ref("k.id"))} as text) as id
          from ${sql.table(`${prefix}users_fts_key`)} as k join ${sql.table(`${prefix}users`)} as u
          on u.username = k.username where instr(u.search_text, ${term}) > 0`.execute(database.db)
        const found = new Set(indexed.rows.map((row) => row.id))
        const expected = new Set(holding.rows.map((row) => row.id))
        wrong +=
          [...found].filter((id) => !expected.has(id)).length + [...expected].filter((id) => !found.has(id)).length
      }
      return wrong
    }

    /** The query plan of counting the users whose first or last name matches `quartz` by this operator. */
    const namePlan = async (field: "firstName" | "lastName", operator: "co" | "sw") => {
      const condition = userFilterSql("sqlite", { _tag: "Compare", field, operator, value: "quartz" })
      const count = database.db
        .withPlugin(new TablePrefixPlugin(prefix))
        .selectFrom("users")
        .select(sql`1`.as("one"))
        .where(condition)
        .compile()
      const plan = await database.db.executeQuery(
        CompiledQuery.raw(`explain query plan ${count.sql}`, [...count.parameters])
      )
      return plan.rows.map((row) => (row as { detail: string }).detail)
    }
    const nameColumn = (field: "firstName" | "lastName") => (field === "firstName" ? "first" : "last")

    /** A user's row as the table holds it, written straight (past the store) as an older release would. */
    const userRow = (username: string, firstName: string, lastName: string, searchText: string, at: string) => ({
      username,
      first_name: firstName,
      last_name: lastName,
      email: null,
      email_key: null,
      enabled: 1,
      system: 0,
      password_hash: null,
      search_text: searchText,
      created_at: at,
      updated_at: at,
      version: 1
    })

    const insertRow = (username: string, firstName: string, lastName: string, searchText: string) =>
      Effect.promise(() =>
        database.db
          .insertInto(`${prefix}users`)
          .values(userRow(username, firstName, lastName, searchText, new Date().toISOString()))
          .execute()
      )

    /** Provides the user manager over this database's store (migrated by the suite). */
    const managed = <A, E>(effect: Effect.Effect<A, E, Users | Groups>) =>
      effect.pipe(
        Effect.provide(
          UserManager.layer({
            directory: KyselyDirectory.layer({ db: database.db, engine: "sqlite", prefix }),
            hasher: TestHasher
          })
        )
      )

    /** The store over this database (migrated by the suite), without the core. */
    const store = () => KyselyDirectory.make({ db: database.db, engine: "sqlite", prefix, migrate: false })

    /** A new user in no group, as the core stores one. */
    const newUser = (username: string, firstName: string, lastName: string, at: Date): UserRow => ({
      username: username as Username,
      firstName,
      lastName,
      email: null,
      externalId: null,
      externalName: null,
      enabled: true,
      system: false,
      passwordHash: null,
      createdAt: at,
      updatedAt: at,
      version: 1
    })

    /** Stores these users in bulk through the store, past the core (as an import writes them, without groups). */
    const loadUsers = (users: ReadonlyArray<UserRow>) =>
      Effect.flatMap(store(), (directory) => directory.write((tx) => tx.insertUsers(users)))

    /** Deletes every user past the store, as a host's own SQL may (the delete trigger keeps the index true). */
    const clearUsers = Effect.promise(() => database.db.deleteFrom(`${prefix}users`).execute())

    it.effect("builds the keys from the users when a database of 20261128010000 is upgraded", () =>
      Effect.gen(function* () {
        const target = { db: database.db, engine: "sqlite" as const, prefix }
        for (const _ of Migrations.names) yield* Migrations.migrateDown(target)
        yield* Migrations.migrateTo(target, "20261128010000_search_index")
        for (const [username, last] of [
          ["old1", "timer"],
          ["old2", "quartzite"]
        ] as const) {
          yield* insertRow(username, "Old", last, `${username}\nold\n${last}`)
        }
        yield* Migrations.migrateToLatest(target)
        expect(yield* counts()).toEqual({ users: 2, fts: 2, keys: 2, stray: 0 })
        const directory = yield* KyselyDirectory.make({ ...target, migrate: false })
        const found = yield* directory.read((tx) =>
          tx.listUsers({ search: "quartz", sort: "username", order: "asc", limit: 10, offset: 0, count: true })
        )
        expect([found.total, found.items.map((user) => user.username)]).toEqual([1, ["old2"]])
        const filtered = yield* directory.read((tx) =>
          tx.listUsers({
            search: "",
            where: { _tag: "Compare", field: "lastName", operator: "co", value: "tzi" },
            sort: "username",
            order: "asc",
            limit: 10,
            offset: 0,
            count: true
          })
        )
        expect([filtered.total, filtered.items.map((user) => user.username)]).toEqual([1, ["old2"]])
        yield* clearUsers
        expect(yield* counts()).toEqual({ users: 0, fts: 0, keys: 0, stray: 0 })
      })
    )

    it.effect(
      "undoing the one-table migration gives back the search's and the names' tables, each with every user",
      () =>
        Effect.gen(function* () {
          const target = { db: database.db, engine: "sqlite" as const, prefix }
          // Written past the store while a trigger indexed new users (20261211000000 dropped it).
          yield* Migrations.migrateToLatest(target)
          yield* Migrations.migrateTo(target, "20261210000000_one_search_index")
          for (const [username, last] of [
            ["new1", "Timer"],
            ["new2", "Quartzite"]
          ] as const) {
            yield* insertRow(username, "New", last, `${username}\nnew ${last}`.toLowerCase())
          }
          const matched = (table: string, query: string) =>
            Effect.promise(async () =>
              (
                await sql<{ username: string }>`select k.username from ${sql.table(`${prefix}users_fts_key`)} as k
                where k.id in (select rowid from ${sql.table(table)} where ${sql.table(table)} match ${query})
                order by k.username`.execute(database.db)
              ).rows.map((row) => row.username)
            )
          yield* Migrations.migrateTo(target, "20261209030000_postgres_user_search")
          expect(yield* matched(`${prefix}users_fts`, '"quartz"')).toEqual(["new2"])
          expect(yield* matched(`${prefix}users_fts`, '"NEW"')).toEqual(["new1", "new2"])
          expect(yield* matched(`${prefix}users_name_fts`, 'last_name : "quartz"')).toEqual(["new2"])
          expect(yield* matched(`${prefix}users_name_fts`, 'first_name : "new"')).toEqual(["new1", "new2"])
          yield* Migrations.migrateToLatest(target)
          expect(yield* counts()).toEqual({ users: 2, fts: 2, keys: 2, stray: 0 })
          expect(yield* matched(`${prefix}users_fts`, 'last_name : "quartz"')).toEqual(["new2"])
          yield* clearUsers
          expect(yield* counts()).toEqual({ users: 0, fts: 0, keys: 0, stray: 0 })
        })
    )

    it.effect("keeps one index row per user, with the user's search text, through create, modify and delete", () =>
      Effect.gen(function* () {
        const users = yield* Users
        const groups = yield* Groups
        yield* users.bootstrap({ username: "admin", password: "correct horse battery" })
        yield* groups.create(admin, { name: "staff" })
        for (const username of ["ann", "bob", "cyd", "dan"]) {
          yield* users.create(admin, { username, firstName: "Pat", lastName: `Smith-${username}`, groups: ["staff"] })
        }
        const found = (search: string) =>
          users.list(admin, { search }).pipe(Effect.map((page) => [page.total, page.items.map((u) => u.username)]))
        expect(yield* found("smith")).toEqual([4, ["ann", "bob", "cyd", "dan"]])

        yield* users.modify(admin, "bob", { lastName: "Quartzman" })
        yield* users.disable(admin, "cyd")
        yield* users.modify(admin, "dan", { email: "dan@example.com" })
        yield* users.remove(admin, "ann")
        expect(yield* found("smith")).toEqual([2, ["cyd", "dan"]])
        expect(yield* found("quartz")).toEqual([1, ["bob"]])
        expect(yield* found("ann")).toEqual([0, []])
        expect(yield* counts()).toEqual({ users: 4, fts: 4, keys: 4, stray: 0 })
        // A change of a name's case that leaves the search text (lower-cased by the core) as it was.
        yield* users.modify(admin, "cyd", { firstName: "ÉMILE" })
        yield* users.modify(admin, "cyd", { firstName: "émile" })
        expect(yield* counts()).toEqual({ users: 4, fts: 4, keys: 4, stray: 0 })

        // A user created after a delete gets a fresh index row, not the deleted one's.
        yield* users.create(admin, { username: "eve", lastName: "Smith-eve", groups: ["staff"] })
        expect(yield* found("smith")).toEqual([3, ["cyd", "dan", "eve"]])
        expect(yield* counts()).toEqual({ users: 5, fts: 5, keys: 5, stray: 0 })
      }).pipe(managed)
    )

    it.effect(
      "a term of one or two characters finds, in the index of characters and pairs, exactly the users whose search text holds it, after the host's own SQL changes or deletes users too",
      () =>
        Effect.gen(function* () {
          yield* createShortTermUsers
          /** The users whose search text holds the term (lower-cased, as the core searches), by SQL's `instr`. */
          const holding = (term: string) =>
            Effect.promise(async () =>
              (
                await sql<{ username: string }>`select username from ${sql.table(`${prefix}users`)}
                  where instr(search_text, ${term.toLowerCase()}) > 0 order by username`.execute(database.db)
              ).rows.map((row) => row.username)
            )
          yield* expectFound(SHORT_TERMS, holding)
          expect((yield* holding("ë")).length).toBeGreaterThan(0)
          expect(yield* counts()).toMatchObject({ stray: 0 })
          // The host's own SQL: a search text changed, a user renamed, a user deleted.
          yield* Effect.promise(() =>
            sql`update ${sql.table(`${prefix}users`)} set first_name = 'Zed', search_text = replace(search_text, 'zoë', 'zed')
              where username = 'zoe'`.execute(database.db)
          )
          yield* Effect.promise(() =>
            sql`update ${sql.table(`${prefix}users`)} set username = 'wei.li', search_text = replace(search_text, 'li.wei\n', 'wei.li\n')
              where username = 'li.wei'`.execute(database.db)
          )
          yield* Effect.promise(() =>
            sql`delete from ${sql.table(`${prefix}users`)} where username = 'oneil'`.execute(database.db)
          )
          // Renamed, its search text left as it was: its row moves to the new username's order all the same.
          yield* Effect.promise(() =>
            sql`update ${sql.table(`${prefix}users`)} set username = 'zed' where username = 'zoe'`.execute(database.db)
          )
          yield* expectFound([...SHORT_TERMS, "ed", "we"], holding)
          expect(yield* holding("ë")).toEqual([])
          expect(yield* counts()).toMatchObject({ stray: 0 })
        }).pipe(managed)
    )

    it.effect(
      "a search within a group gives the same pages whether it is read from the term's few matches in the whole directory or walked because many users match",
      () =>
        Effect.gen(function* () {
          const groups = yield* Groups
          // 5,000 users (past the core): every other one a Tanager (2,500: more than a page from the term's matches
          // may sort, so walked), ten a Xylo (read from their matches). `crowd` holds the first 4,500 (most of the
          // directory: the users are walked), `quarter` every fourth (its members are walked).
          const at = new Date()
          const rows = Array.from({ length: 5_000 }, (_, index) => {
            const lastName = index % 500 === 7 ? `Xylo${index}` : index % 2 === 0 ? `Tanager${index}` : `Plain${index}`
            return newUser(`mem${String(index).padStart(4, "0")}`, "Member", lastName, at)
          })
          yield* loadUsers(rows)
          yield* groups.create(admin, { name: "crowd" })
          yield* groups.create(admin, { name: "quarter" })
          const crowd = rows.slice(0, 4_500)
          const quarter = rows.filter((_, index) => index % 4 === 1)
          yield* Effect.flatMap(store(), (directory) =>
            directory.write((tx) =>
              tx.addMemberships([
                ...crowd.map((row) => ({ username: row.username, group: "crowd" as GroupName })),
                ...quarter.map((row) => ({ username: row.username, group: "quarter" as GroupName }))
              ])
            )
          )
          expect(MEMBER_MATCHES_SORTED).toBeLessThan(2_500)
          for (const [group, members] of [
            ["crowd", crowd],
            ["quarter", quarter]
          ] as const) {
            for (const [term, matches] of [
              ["tanager", (row: UserRow) => row.lastName.startsWith("Tanager")],
              ["xylo", (row: UserRow) => row.lastName.startsWith("Xylo")],
              ["xy", (row: UserRow) => row.lastName.startsWith("Xylo")],
              ["zq", () => false],
              // Two letters many users hold: `crowd`'s walk starts where the index of characters and pairs gives
              // the first member.
              ["ta", (row: UserRow) => row.lastName.startsWith("Tanager")],
              ["r4", (row: UserRow) => row.lastName.startsWith("Tanager4")]
            ] as const) {
              const expected = members.filter(matches).map((row) => row.username)
              const found: Array<string> = []
              let after: Username | undefined
              for (;;) {
                const page = yield* groups.members(admin, group, { search: term, limit: 500, after })
                found.push(...page.items)
                if (page.next === undefined) break
                after = page.next
              }
              expect([group, term, found]).toEqual([group, term, expected])
            }
          }
        }).pipe(managed),
      60_000
    )

    it.effect(
      "a term most users match pages through the username index with the same pages as sorting every match",
      () =>
        Effect.gen(function* () {
          const users = yield* Users
          // 160 users, 120 of them match: the page is found by walking the username index (the dense-term plan).
          const names = Array.from({ length: 160 }, (_, index) => `user${String((index * 37) % 160).padStart(3, "0")}`)
          for (const [index, username] of names.entries()) {
            yield* users.create(admin, {
              username,
              lastName: index % 4 === 0 ? "Other" : `Walker${index}`,
              groups: ["staff"]
            })
          }
          const matching = names.filter((_, index) => index % 4 !== 0).sort()
          for (const order of ["asc", "desc"] as const) {
            const expected = order === "asc" ? matching : [...matching].reverse()
            for (const offset of [0, 7, 115, 120]) {
              const page = yield* users.list(admin, { search: "walker", order, limit: 7, offset })
              expect([order, offset, page.total, page.items.map((u) => u.username)]).toEqual([
                order,
                offset,
                120,
                expected.slice(offset, offset + 7)
              ])
            }
          }
        }).pipe(managed)
    )

    it.effect(
      "a search's pages are the same whether the store walks the username index or sorts every match, counted in full or not",
      () =>
        Effect.gen(function* () {
          // 20,000 users (loaded in bulk, past the core), one in ten matching: the first pages are found by walking
          // the username index and testing each user's search text, the deepest by sorting every match — the store
          // picks the plan from the count, and both must give the sorted pages.
          const at = new Date()
          const rows = Array.from({ length: 20_000 }, (_, index) => {
            const username = `bulk${String((index * 7919) % 20_000).padStart(5, "0")}`
            const lastName = index % 10 === 3 ? `Zebrafinch${index}` : `Plain${index}`
            return newUser(username, "Bulk", lastName, at)
          })
          yield* loadUsers(rows)
          const matching = rows.filter((row) => row.lastName.startsWith("Zebrafinch")).map((row) => row.username)
          expect(matching).toHaveLength(2_000)
          // offset + limit: 50 walks (within half an entry a match); 200 to 2,040 sort every match. Counted only up
          // to 500, the pages are planned on the matches the bounded count stands for; a full page past 500 says "at
          // least its end", and the last page (not full) ends the list, so its total is exact.
          yield* expectSearchPages("ebrafin", matching, [
            [0, 0, 2_000, true],
            [0, 1_450, 2_000, true],
            [0, 1_990, 2_000, true],
            [500, 0, 500, false],
            [500, 150, 500, false],
            [500, 450, 500, false],
            [500, 1_450, 1_500, false],
            [500, 1_990, 2_000, true]
          ])
        }).pipe(managed),
      60_000
    )

    it.effect(
      "a dense search whose matches all sort late gives the same pages when its walk stops at its bound and sorts every match, and so does a term of two letters looked up in the index of characters and pairs",
      () =>
        Effect.gen(function* () {
          // 3,000 users named `zzlate…`, all matching, after every other user in username order (the other tests'
          // ~20,200 and 3,000 here, none matching): matching densely, a page sorted by username is planned as a walk
          // of the username index, which stops at its bound (half an entry a match) before the first match when
          // ascending, and is then read by sorting every match; descending, the walk meets the matches at once.
          const at = new Date()
          const rows = Array.from({ length: 6_000 }, (_, index) => {
            const late = index % 2 === 0
            const username = late ? `zzlate${String(index).padStart(5, "0")}` : `early${String(index).padStart(5, "0")}`
            const lastName = late ? `Quokkabird${index}` : `Plain${index}`
            return newUser(username, "Late", lastName, at)
          })
          yield* loadUsers(rows)
          const matching = rows.filter((row) => row.lastName.startsWith("Quokkabird")).map((row) => row.username)
          yield* expectSearchPages("okkabir", matching, [
            [0, 0, 3_000, true],
            [0, 30, 3_000, true],
            [0, 2_990, 3_000, true],
            [500, 0, 500, false],
            [500, 2_990, 3_000, true]
          ])
          // Two letters, too short for a trigram: counted in the index of characters and pairs, and read from it in
          // username order.
          yield* expectSearchPages("zz", matching, [
            [5_000, 0, 3_000, true],
            [5_000, 30, 3_000, true],
            [5_000, 2_990, 3_000, true],
            [5_000, 3_000, 3_000, true],
            [500, 0, 500, false],
            [500, 2_990, 3_000, true]
          ])
        }).pipe(managed),
      60_000
    )

    it.effect(
      "a username's order in the index of characters and pairs never decreases along SQLite's order of text, and every text of an order sorts from its start and before its end",
      () =>
        Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(
              fc.uniqueArray(
                // Mostly the characters either side of each digit's edges, some from anywhere in Unicode.
                fc
                  .string({
                    unit: fc.oneof(
                      fc.constantFrom(..."\u0001 ,-./09:AZ^_`az{~\u007f\u00e9"),
                      fc.string({ unit: "binary", minLength: 1, maxLength: 1 })
                    ),
                    minLength: 1,
                    maxLength: 8
                  })
                  .filter((text) => !/\p{Cs}/u.test(text) && !text.includes("\0")),
                { minLength: 2, maxLength: 50 }
              ),
              async (texts) => {
                const rows = (
                  await sql<{ text: string; order: string; start: string; end: string | null }>`select t.value as text,
                    cast(${pairsRowid(sql.ref("t.value"), sql.lit(0))} as text) as "order",
                    ${SqliteSearch.orderStart(pairsRowid(sql.ref("t.value"), sql.lit(0)))} as start,
                    ${SqliteSearch.orderEnd(pairsRowid(sql.ref("t.value"), sql.lit(0)))} as "end"
                    from json_each(${JSON.stringify(texts)}) as t order by t.value`.execute(database.db)
                ).rows
                const orders = rows.map((row) => BigInt(row.order))
                expect(orders.every((order, index) => index === 0 || (orders[index - 1] ?? order) <= order)).toBe(true)
                // Its order's start sorts at or before it (compared as SQLite compares them: UTF-8 bytes).
                const bytes = (text: string) => Buffer.from(text, "utf8")
                expect(rows.filter((row) => Buffer.compare(bytes(row.start), bytes(row.text)) > 0)).toEqual([])
                // Its order's end, when there is one, sorts after it.
                expect(
                  rows.filter((row) => row.end !== null && Buffer.compare(bytes(row.end), bytes(row.text)) <= 0)
                ).toEqual([])
              }
            ),
            { numRuns: 200 }
          )
        )
    )

    it.effect(
      "a term of one or two characters gives the users holding it in username order, in both orders and at any offset, whatever characters their usernames share",
      () =>
        Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(
              // Few characters, among them upper case and one beyond `z`, whose digit of the usernames' order other
              // characters share, after prefixes of six characters: many users share their order with others, and are
              // added in no particular order.
              fc.uniqueArray(
                fc
                  .tuple(
                    fc.constantFrom("aaaaaa", "a.a-a_", "a-a.a_", "a", ""),
                    fc.stringMatching(/^[ab.\-_0A\u00e9~]{1,5}$/)
                  )
                  .map(([start, rest]) => start + rest),
                { minLength: 1, maxLength: 80 }
              ),
              fc.array(fc.stringMatching(/^[ab.\-_0\u00e9~]{1,2}$/), { minLength: 1, maxLength: 4 }),
              async (usernames, terms) => {
                const at = new Date()
                await Effect.runPromise(loadUsers(usernames.map((username) => newUser(username, "Pp", username, at))))
                try {
                  const directory = await Effect.runPromise(store())
                  for (const term of terms) {
                    // What the page must be: every user whose search text holds the term, in SQLite's username order.
                    const holding = (
                      await sql<{ username: string }>`select username from ${sql.table(`${prefix}users`)}
                        where instr(search_text, ${term}) > 0 order by username`.execute(database.db)
                    ).rows.map((row) => row.username)
                    for (const order of ["asc", "desc"] as const) {
                      const expected = order === "asc" ? holding : [...holding].reverse()
                      for (const offset of [0, 1, 9, Math.max(0, holding.length - 3)]) {
                        for (const countUpTo of [undefined, 5]) {
                          const page = await Effect.runPromise(
                            directory.read((tx) =>
                              tx.listUsers({
                                search: term,
                                sort: "username",
                                order,
                                limit: 7,
                                offset,
                                count: true,
                                countUpTo
                              })
                            )
                          )
                          expect([term, order, offset, page.total, page.items.map((user) => user.username)]).toEqual([
                            term,
                            order,
                            offset,
                            countUpTo === undefined ? holding.length : Math.min(holding.length, countUpTo),
                            expected.slice(offset, offset + 7)
                          ])
                        }
                      }
                    }
                  }
                } finally {
                  await database.db.deleteFrom(`${prefix}users`).where("username", "in", usernames).execute()
                }
              }
            ),
            { numRuns: 40 }
          )
        ),
      120_000
    )

    it.effect(
      "a filter on a first or last name is counted from the lower-cased name's index, not from the users' rows",
      () =>
        Effect.promise(async () => {
          for (const field of ["firstName", "lastName"] as const) {
            expect(await namePlan(field, "co")).toEqual([
              `SCAN ${prefix}users USING COVERING INDEX ${prefix}dt_users_${nameColumn(field)}_name_lower`
            ])
          }
        })
    )

    it.effect(
      "a co or ew filter of three characters or more on a first or last name, alone, is counted in the FTS5 index's name columns",
      () =>
        Effect.promise(async () => {
          const plans: Array<string> = []
          for (const field of ["firstName", "lastName"] as const) {
            for (const operator of ["co", "ew"] as const) {
              const match = SqliteSearch.nameMatch({ _tag: "Compare", field, operator, value: "quartz" })
              expect(match).toBeDefined()
              if (match === undefined) continue
              for (const upTo of [undefined, 500]) {
                const count = SqliteSearch.nameCount(database.db.withPlugin(new TablePrefixPlugin(prefix)), match, upTo)
                const plan = await database.db.executeQuery(
                  CompiledQuery.raw(`explain query plan ${count.sql}`, [...count.parameters])
                )
                plans.push(...plan.rows.map((row) => (row as { detail: string }).detail))
              }
            }
          }
          // Only the FTS5 index is read (and the key table's largest id, for the planner); never the users' rows.
          expect(
            plans.filter((detail) => detail.includes(`${prefix}users `) || detail.endsWith(`${prefix}users`))
          ).toEqual([])
          expect(plans.filter((detail) => detail.includes(`${prefix}users_fts VIRTUAL TABLE INDEX`)).length).toBe(8)
          // What it cannot answer exactly goes to the filter's SQL: two characters, a GLOB wildcard, another field.
          expect(
            SqliteSearch.nameMatch({ _tag: "Compare", field: "lastName", operator: "co", value: "qu" })
          ).toBeUndefined()
          expect(
            SqliteSearch.nameMatch({ _tag: "Compare", field: "lastName", operator: "ew", value: "q*z" })
          ).toBeUndefined()
          expect(
            SqliteSearch.nameMatch({ _tag: "Compare", field: "email", operator: "co", value: "quartz" })
          ).toBeUndefined()
        })
    )

    it.effect("a co or ew on a name counted in the FTS5 index gives the count of the filter's own SQL", () =>
      Effect.gen(function* () {
        const target = { db: database.db, engine: "sqlite" as const, prefix }
        const directory = yield* KyselyDirectory.make({ ...target, migrate: false })
        const people: ReadonlyArray<readonly [string, string]> = [
          ["Quartz", "Émile"],
          ["ÉMILE", "rosequartz"],
          ["a%b_c", "x*y[z]"],
          ["Ab%B_c", "QUARTZ*Y[Z]"],
          ["İvan", "\u212Aate"],
          ["", "Smokyquartz"]
        ]
        yield* clearUsers
        const at = new Date()
        yield* loadUsers(people.map(([first, last], index) => newUser(`n${index}`, first, last, at)))
        const texts = ["quartz", "émi", "mil", "b%b", "%b_", "_c", "*y[", "y[z]", "rtz*", "van", "ate", "ile"]
        for (const field of ["firstName", "lastName"] as const) {
          for (const operator of ["co", "ew"] as const) {
            for (const text of texts) {
              const where = { _tag: "Compare", field, operator, value: text } as const
              const listed = yield* directory.read((tx) =>
                tx.listUsers({ search: "", where, sort: "username", order: "asc", limit: 10, offset: 0, count: true })
              )
              const bySql = yield* Effect.promise(() =>
                database.db
                  .withPlugin(new TablePrefixPlugin(prefix))
                  .selectFrom("users")
                  .select("username")
                  .where(userFilterSql("sqlite", where))
                  .orderBy("username")
                  .execute()
              )
              const usernames = bySql.map((row) => (row as { username: string }).username)
              expect([where, listed.total, listed.items.map((user) => user.username)]).toEqual([
                where,
                usernames.length,
                usernames
              ])
            }
          }
        }
        yield* clearUsers
      })
    )

    it.effect(
      "a new key's id never reaches the span of a username order: past the last one, new users take the ids freed by deleted ones and every search still finds them",
      () =>
        Effect.gen(function* () {
          const directory = yield* store()
          const keys = sql.table(`${prefix}users_fts_key`)
          const pairs = sql.table(`${prefix}users_fts_pairs`)
          const at = new Date()
          yield* clearUsers
          yield* loadUsers(["kemp0", "gap1", "gap2", "top"].map((username) => newUser(username, "Kemp", "Lee", at)))
          // The host's own SQL moves `top` to the last id a username order spans but one, with its index rows, as a
          // directory that has added that many users over its life would hold it; `gap1` and `gap2` are deleted.
          yield* Effect.promise(async () => {
            const last = KEY_SPAN - 2
            await sql`delete from ${pairs} where rowid = (select ${pairsRowid(sql.ref("username"), sql.ref("id"))}
              from ${keys} where username = 'top')`.execute(database.db)
            await sql`update ${sql.table(`${prefix}users_fts`)} set rowid = ${sql.lit(last)}
              where rowid = (select id from ${keys} where username = 'top')`.execute(database.db)
            await sql`update ${keys} set id = ${sql.lit(last)} where username = 'top'`.execute(database.db)
            await sql`insert into ${pairs} (rowid, tokens) select ${pairsRowid(sql.ref("username"), sql.lit(last))},
              ${pairTokens(sql.ref("search_text"))} from ${sql.table(`${prefix}users`)} where username = 'top'`.execute(
              database.db
            )
            await sql`delete from ${sql.table(`${prefix}users`)} where username in ('gap1', 'gap2')`.execute(
              database.db
            )
          })
          expect(yield* counts()).toEqual({ users: 2, fts: 2, keys: 2, stray: 0 })
          // One at a time (as a create adds), then three at once (as an import does).
          for (const username of ["kemp1", "kemp2", "kemp3"]) yield* loadUsers([newUser(username, "Kemp", "Lee", at)])
          yield* loadUsers(["kemp4", "kemp5", "kemp6"].map((username) => newUser(username, "Kemp", "Lee", at)))
          const ids = yield* Effect.promise(async () =>
            (
              await sql<{ username: string; id: number }>`select username, id from ${keys} order by username`.execute(
                database.db
              )
            ).rows.map((row) => [row.username, Number(row.id)])
          )
          const kemp0 = Number(ids.find(([username]) => username === "kemp0")?.[1])
          expect(ids).toEqual([
            ["kemp0", kemp0],
            ["kemp1", KEY_SPAN - 1],
            ["kemp2", kemp0 + 1],
            ["kemp3", kemp0 + 2],
            ["kemp4", kemp0 + 3],
            ["kemp5", kemp0 + 4],
            ["kemp6", kemp0 + 5],
            ["top", KEY_SPAN - 2]
          ])
          // The first id freed: the smallest one.
          yield* Effect.promise(() =>
            sql`delete from ${sql.table(`${prefix}users`)} where username = 'kemp0'`.execute(database.db)
          )
          yield* loadUsers([newUser("kemp7", "Kemp", "Lee", at)])
          expect(
            yield* Effect.promise(async () =>
              Number(
                (await sql<{ id: number }>`select id from ${keys} where username = 'kemp7'`.execute(database.db))
                  .rows[0]?.id
              )
            )
          ).toBe(kemp0)
          expect(yield* counts()).toEqual({ users: 8, fts: 8, keys: 8, stray: 0 })
          const everyone = ["kemp1", "kemp2", "kemp3", "kemp4", "kemp5", "kemp6", "kemp7", "top"]
          // A short term (its rows in username order), a longer one (trigrams), a name: every user, in order.
          for (const search of ["ke", "e", "kemp", "lee"]) {
            for (const order of ["asc", "desc"] as const) {
              const found = yield* directory.read((tx) =>
                tx.listUsers({ search, sort: "username", order, limit: 50, offset: 0, count: true })
              )
              expect([search, order, found.total, found.items.map((user) => user.username)]).toEqual([
                search,
                order,
                everyone.length,
                order === "asc" ? everyone : [...everyone].reverse()
              ])
            }
          }
          yield* clearUsers
          expect(yield* counts()).toEqual({ users: 0, fts: 0, keys: 0, stray: 0 })
        })
    )

    it.effect("a sw filter on a first or last name reads only the range of the prefix in the name's index", () =>
      Effect.promise(async () => {
        for (const field of ["firstName", "lastName"] as const) {
          expect(await namePlan(field, "sw")).toEqual([
            `SEARCH ${prefix}users USING COVERING INDEX ${prefix}dt_users_${nameColumn(field)}_name_lower (<expr>>? AND <expr><?)`
          ])
        }
      })
    )
  })
}
