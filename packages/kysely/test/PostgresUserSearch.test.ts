/**
 * PostgreSQL's `user_search` (migration 20261209030000): the table a search's total is counted in holds each user's
 * username and search text, and nothing else, after every kind of write, whoever makes it, in the write's own
 * transaction; and the totals counted there are the users'.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Groups } from "@user-manager/core/Groups"
import { Imports } from "@user-manager/core/Imports"
import type { Username } from "@user-manager/core/Names"
import { ExactTotalLimit } from "@user-manager/core/Page"
import { Users } from "@user-manager/core/Users"
import { reset, type TestDatabase } from "@user-manager/test-stores/stores"
import { Effect, Stream } from "effect"
import { sql } from "kysely"
import * as PostgresSearch from "../src/internal/postgresSearch.js"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as Migrations from "../src/Migrations.js"
import { insertUsersBySql, migratedDatabase, postgresServices, postgresStores } from "./support/postgresStores.js"
import { createShortTermUsers, expectFound, expectSearchPages, SHORT_TERMS } from "./support/searchPages.js"

const admin = Actor.user("admin")
for (const [name, open, prefix] of postgresStores) {
  describe.skipIf(open === undefined)(`${name} — user_search`, () => {
    const db = migratedDatabase(open as () => Promise<TestDatabase>, prefix)

    const table = (name: string) => sql.table(`${prefix}${name}`)
    /** The users and their user_search rows that differ (either way), and the number of each. */
    const compare = () =>
      Effect.promise(async () => {
        const differing = await sql<{ username: string; side: string }>`
          (select username, search_text, 'users only' as side from ${table("users")}
            except select username, search_text, 'users only' from ${table("user_search")})
          union all
          (select username, search_text, 'user_search only' from ${table("user_search")}
            except select username, search_text, 'user_search only' from ${table("users")})
          order by username`.execute(db())
        const count = async (name: string) =>
          Number((await sql<{ n: string }>`select count(*) as n from ${table(name)}`.execute(db())).rows[0]?.n)
        return {
          users: await count("users"),
          userSearch: await count("user_search"),
          differing: differing.rows.map((row) => `${row.username} (${row.side})`)
        }
      })
    const services = () => postgresServices(db(), prefix)

    /** An empty directory with its administrator and a group `staff`; its users' service. */
    const seededStaff = Effect.gen(function* () {
      yield* Effect.promise(() => reset(db(), prefix))
      const users = yield* Users
      const groups = yield* Groups
      yield* users.bootstrap({ username: "admin", password: "correct horse battery" })
      yield* groups.create(admin, { name: "staff" })
      return { users }
    })

    it.effect(
      "holds each user's username and search text, and no other row, after a create, an import, a change of name or email, a disable, a delete, a rolled-back write, and SQL of the host's own",
      () =>
        Effect.gen(function* () {
          const { users } = yield* seededStaff
          for (const username of ["ann", "bob", "cyd", "dan"]) {
            yield* users.create(admin, { username, firstName: "Pat", lastName: `Smith-${username}`, groups: ["staff"] })
          }
          expect(yield* compare()).toEqual({ users: 5, userSearch: 5, differing: [] })

          // An import creates its users in bulk (one INSERT a chunk) and updates others.
          const imported = yield* Effect.flatMap(Imports, (imports) =>
            imports.run(
              admin,
              Stream.fromIterable([
                ...["imp1", "imp2", "imp3"].map((username) => ({
                  kind: "user" as const,
                  record: { username, firstName: "Imported", lastName: `Quartz-${username}`, groups: ["staff"] }
                })),
                { kind: "user" as const, record: { username: "ann", lastName: "Renamed-by-import", groups: ["staff"] } }
              ]),
              { onConflict: "update" }
            )
          )
          expect([imported.users.created, imported.users.updated]).toEqual([3, 1])
          expect(yield* compare()).toEqual({ users: 8, userSearch: 8, differing: [] })

          yield* users.modify(admin, "bob", { lastName: "Quartzman" })
          yield* users.modify(admin, "dan", { email: "dan@example.com" })
          yield* users.disable(admin, "cyd")
          yield* users.remove(admin, "imp2")
          expect(yield* compare()).toEqual({ users: 7, userSearch: 7, differing: [] })

          // A write that fails after changing a user leaves user_search as it was, with the users.
          const directory = yield* KyselyDirectory.make({ db: db(), engine: "postgres", prefix, migrate: false })
          const failed = yield* Effect.flip(
            directory.write((tx) =>
              Effect.gen(function* () {
                yield* tx.deleteUser("imp3" as Username)
                return yield* Effect.fail("refused after the delete" as const)
              })
            )
          )
          expect(failed).toBe("refused after the delete")
          expect(yield* compare()).toEqual({ users: 7, userSearch: 7, differing: [] })

          // The host's own SQL (or the release before this one, which does not know the table): a multi-row insert, an
          // update of the search text and of the username, a delete.
          yield* Effect.promise(async () => {
            const at = new Date().toISOString()
            await sql`insert into ${table("users")} (username, first_name, last_name, email, email_key, enabled, system,
                password_hash, search_text, created_at, updated_at, version)
              values ('raw1', 'Raw', 'One', null, null, 1, 0, null, ${"raw1\nraw one"}, ${at}, ${at}, 1),
                ('raw2', 'Raw', 'Two', null, null, 1, 0, null, ${"raw2\nraw two"}, ${at}, ${at}, 1)`.execute(db())
            await sql`update ${table("users")} set search_text = ${"raw1\nraw quartz"} where username = 'raw1'`.execute(
              db()
            )
            await sql`update ${table("users")} set username = 'raw3', search_text = ${"raw3\nraw two"}
              where username = 'raw2'`.execute(db())
            await sql`update ${table("users")} set enabled = 0 where username <> 'admin'`.execute(db())
            await sql`delete from ${table("users")} where username = 'imp1'`.execute(db())
          })
          expect(yield* compare()).toEqual({ users: 8, userSearch: 8, differing: [] })
          const found = yield* users.list(admin, { search: "quartz" })
          expect([found.total, found.items.map((user) => user.username)]).toEqual([3, ["bob", "imp3", "raw1"]])

          // TRUNCATE (cascading to the tables that refer to the users) empties it too.
          yield* Effect.promise(() => sql`truncate ${table("users")} cascade`.execute(db()))
          expect(yield* compare()).toEqual({ users: 0, userSearch: 0, differing: [] })
        }).pipe(Effect.provide(services()))
    )

    it.effect(
      "counts a search's total in user_search, as the users would count it: exact up to the cap, the cap and not exact above it, every match without a cap",
      () =>
        Effect.gen(function* () {
          const { users } = yield* seededStaff
          // 40 users, 25 of them match 'zebra' (in a name, or spanning a name and the email), 15 do not.
          for (let index = 0; index < 40; index++) {
            yield* users.create(admin, {
              username: `u${String(index).padStart(2, "0")}`,
              lastName: index < 20 ? `Zebra${index}` : "Plain",
              ...(index >= 35 ? { email: `zebra${index}@example.com` } : {}),
              groups: ["staff"]
            })
          }
          const total = (cap: number) =>
            users.list(admin, { search: "zebra", limit: 5 }).pipe(
              Effect.provideService(ExactTotalLimit, cap),
              Effect.map((page) => [page.total, page.totalExact, page.items.map((user) => user.username)])
            )
          const first = ["u00", "u01", "u02", "u03", "u04"]
          expect(yield* total(0)).toEqual([25, true, first])
          expect(yield* total(30)).toEqual([25, true, first])
          expect(yield* total(25)).toEqual([25, true, first])
          expect(yield* total(24)).toEqual([24, false, first])
          expect(yield* total(10)).toEqual([10, false, first])
          // The total of a search alone is counted in user_search: users taken out of it behind the triggers' back are
          // not counted (the page, read from the users, still shows them); a filtered search is counted in the users.
          yield* Effect.promise(() =>
            sql`delete from ${table("user_search")} where username in ('u00', 'u01', 'u02')`.execute(db())
          )
          expect(yield* total(0)).toEqual([22, true, first])
          const filtered = yield* users.list(admin, { search: "zebra", enabled: true, limit: 5 })
          expect([filtered.total, filtered.totalExact]).toEqual([25, true])
        }).pipe(Effect.provide(services()))
    )

    it.effect(
      "a dense search whose matches all sort late gives the same pages when its walk stops at its bound and sorts every match, when the statistics skip that walk, and a term of two letters counted in the index of characters and pairs",
      () =>
        Effect.gen(function* () {
          yield* seededStaff
          // 5,000 users named `early…`, none matching, then 1,000 named `zzlate…`, all matching (written past the
          // core): a page sorted by username first walks the username index as far as two entries a match, which
          // ascending ends among the early users, and is then read by sorting every match; descending, the walk meets
          // the matches at once.
          yield* Effect.promise(() =>
            insertUsersBySql(
              db(),
              prefix,
              Array.from({ length: 6_000 }, (_, index) => {
                const late = index >= 5_000
                const username = `${late ? "zzlate" : "early"}${String(index).padStart(4, "0")}`
                return { username, firstName: "Late", lastName: late ? `Quokkabird${index}` : `Plain${index}` }
              })
            )
          )
          const matching = Array.from({ length: 1_000 }, (_, index) => `zzlate${5_000 + index}`)
          const cases = [
            [0, 0, 1_000, true],
            [0, 30, 1_000, true],
            [0, 990, 1_000, true],
            [500, 0, 500, false],
            [500, 990, 1_000, true]
          ] as const
          yield* expectSearchPages("okkabir", matching, cases)
          // Two letters give the trigram index nothing to narrow: counted through the index of characters and pairs; an
          // exact count bounds the walk (then every match is sorted from that index), a count at its cap does not.
          yield* expectSearchPages("zz", matching, cases)
          // Analyzed, the users have statistics: by the usernames' quantiles the first match ascending comes after
          // about 5,000 users, past the walk's bound, so a new store sorts every match at once.
          yield* Effect.promise(() => sql`analyze ${table("users")}`.execute(db()))
          yield* expectSearchPages("okkabir", matching, cases).pipe(Effect.provide(services()))
          // `zzlate` is in the usernames themselves: their quantiles hold it in one run, at the end, but at the start
          // of the usernames under `z`, where its walk starts: counted, then walked from there.
          yield* expectSearchPages("zzlate", matching, cases).pipe(Effect.provide(services()))
        }).pipe(Effect.provide(services())),
      60_000
    )

    it.effect(
      "a first name late in the usernames is walked from where its range of usernames starts when it leads that range, sorted at once when it comes late in it: the same pages and totals",
      () =>
        Effect.gen(function* () {
          yield* seededStaff
          // 4,000 users `a…`, 4,000 `ka…`, then 600 `kzebu…` (late in the range of `k`) and 600 `mzebu…` (leading the
          // range of `m`); each first name's matches are one late run of the usernames' quantiles.
          const named = (stem: string, count: number) =>
            Array.from({ length: count }, (_, index) => `${stem}${String(index).padStart(4, "0")}`)
          const [kzebu, mzebu] = [named("kzebu", 600), named("mzebu", 600)]
          yield* Effect.promise(async () => {
            await insertUsersBySql(
              db(),
              prefix,
              [...named("a", 4_000), ...named("ka", 4_000), ...kzebu, ...mzebu].map((username) => ({
                username,
                firstName: "Pat",
                lastName: "Plain"
              }))
            )
            await sql`analyze ${table("users")}`.execute(db())
          })
          const cases = [
            [0, 0, 600, true],
            [0, 550, 600, true],
            [100, 0, 100, false]
          ] as const
          yield* expectSearchPages("mzebu", mzebu, cases)
          yield* expectSearchPages("kzebu", kzebu, cases)
          yield* expectSearchPages(
            "zebu",
            [...kzebu, ...mzebu],
            [
              [0, 0, 1_200, true],
              [0, 1_150, 1_200, true]
            ]
          )
        }).pipe(Effect.provide(services())),
      60_000
    )

    it.effect(
      "a term of one or two characters finds, through the index of characters and pairs, exactly the users whose search text holds it, after the host's own SQL changes or deletes users too",
      () =>
        Effect.gen(function* () {
          yield* seededStaff
          yield* createShortTermUsers
          /** The users whose search text holds the term (lower-cased, as the core searches), by `strpos`. */
          const holding = (term: string) =>
            Effect.promise(async () =>
              (
                await sql<{ username: string }>`select username from ${table("users")}
                  where strpos(search_text, ${term.toLowerCase()}) > 0 order by username`.execute(db())
              ).rows.map((row) => row.username)
            )
          yield* expectFound(SHORT_TERMS, holding)
          expect((yield* holding("ë")).length).toBeGreaterThan(0)
          yield* Effect.promise(async () => {
            await sql`update ${table("users")} set first_name = 'Zed', search_text = replace(search_text, 'zoë', 'zed')
              where username = 'zoe'`.execute(db())
            await sql`update ${table("users")} set username = 'wei.li', search_text = replace(search_text, 'li.wei', 'wei.li')
              where username = 'li.wei'`.execute(db())
            await sql`delete from ${table("users")} where username = 'oneil'`.execute(db())
          })
          yield* expectFound([...SHORT_TERMS, "ed", "we"], holding)
          expect(yield* holding("ë")).toEqual([])
          // The index's keys: each character, then each pair of neighbours; and a count that can use the index does.
          const keys = yield* Effect.promise(
            async () =>
              (
                await sql<{
                  keys: ReadonlyArray<string>
                }>`select ${sql.id(`${prefix}dt_search_pairs`)}(${"é€a"}) as keys`.execute(db())
              ).rows[0]?.keys
          )
          expect(keys).toEqual(["é", "€", "a", "é€", "€a"])
          const plan = yield* Effect.promise(() =>
            db()
              .transaction()
              .execute(async (trx) => {
                await sql`set local enable_seqscan = off`.execute(trx)
                const explained = await sql<{
                  "QUERY PLAN": string
                }>`explain select count(*) from (select 1 from ${table("user_search")}
                  where ${PostgresSearch.searchCondition(prefix, "zz", { pattern: "%zz%", term: "zz" })} limit 10001) as m`.execute(
                  trx
                )
                return explained.rows.map((row) => row["QUERY PLAN"]).join("\n")
              })
          )
          expect(plan).toMatch(/Bitmap Index Scan on \S*dt_search_pairs/)
        }).pipe(Effect.provide(services()))
    )

    it.effect(
      "a search the usernames' quantiles place in one late run but that matches more users than a sort at once reads is counted and walked instead: the same pages and total",
      () =>
        Effect.gen(function* () {
          yield* seededStaff
          // 40,500 users `aa…` whose last name holds `zebraf` (not their usernames), then 3,000 `zebraf…`: by the
          // usernames' quantiles the term is one run at the end, about 3,000 users; it matches 43,500.
          yield* Effect.promise(async () => {
            await insertUsersBySql(
              db(),
              prefix,
              Array.from({ length: 43_500 }, (_, index) => {
                const early = index < 40_500
                const username = early
                  ? `aa${String(index).padStart(5, "0")}`
                  : `zebraf${String(index).padStart(5, "0")}`
                return { username, firstName: "Bird", lastName: early ? "Zebrafinch" : "Plain" }
              })
            )
            await sql`analyze ${table("users")}`.execute(db())
          })
          const matching = Array.from({ length: 43_500 }, (_, index) =>
            index < 40_500 ? `aa${String(index).padStart(5, "0")}` : `zebraf${String(index).padStart(5, "0")}`
          )
          yield* expectSearchPages("zebraf", matching, [
            [0, 0, 43_500, true],
            [10_000, 0, 10_000, false]
          ]).pipe(Effect.provide(services()))
        }).pipe(Effect.provide(services())),
      120_000
    )

    it.effect("a database with users when 20261209030000 runs gets their rows in user_search", () =>
      Effect.gen(function* () {
        const target = { db: db(), engine: "postgres" as const, prefix }
        yield* Effect.promise(() => reset(db(), prefix))
        yield* Migrations.migrateTo(target, "20261208000000_name_filter_indexes")
        yield* Effect.promise(() =>
          insertUsersBySql(
            db(),
            prefix,
            ["old1", "old2"].map((username) => ({ username, firstName: "Old", lastName: "Quartzite" }))
          )
        )
        yield* Migrations.migrateToLatest(target)
        expect(yield* compare()).toEqual({ users: 2, userSearch: 2, differing: [] })
        const directory = yield* KyselyDirectory.make({ ...target, migrate: false })
        const found = yield* directory.read((tx) =>
          tx.listUsers({ search: "quartz", sort: "username", order: "asc", limit: 10, offset: 0, count: true })
        )
        expect([found.total, found.items.map((user) => user.username)]).toEqual([2, ["old1", "old2"]])
        // Down: the table, its triggers and their functions go; the users stay and can be written.
        yield* Migrations.migrateTo(target, "20261208000000_name_filter_indexes")
        const left = yield* Effect.promise(async () => {
          await sql`delete from ${table("users")} where username = 'old1'`.execute(db())
          return (
            await sql<{
              n: string
            }>`select count(*) as n from pg_proc where proname like ${`${prefix}dt_user_search_%`}`.execute(db())
          ).rows[0]?.n
        })
        expect(Number(left)).toBe(0)
        yield* Migrations.migrateToLatest(target)
        expect(yield* compare()).toEqual({ users: 1, userSearch: 1, differing: [] })
      })
    )
  })
}
