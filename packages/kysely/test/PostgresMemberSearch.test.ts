/**
 * PostgreSQL's members carrying their users' search text (migration 20261212000000): every membership holds its user's
 * search text after every kind of write, whoever makes it, in the write's own transaction; and a search within a
 * group gives the same pages whether the group's members are walked or the server plans the search for the term.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Groups } from "@user-manager/core/Groups"
import { Imports } from "@user-manager/core/Imports"
import type { GroupName, Username } from "@user-manager/core/Names"
import { Users } from "@user-manager/core/Users"
import { reset, type TestDatabase } from "@user-manager/test-stores/stores"
import { Chunk, Effect, Stream } from "effect"
import { sql } from "kysely"
import { MEMBER_MATCHES_SORTED, MEMBER_WALK_ENTRIES } from "../src/internal/membershipOperations.js"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as Migrations from "../src/Migrations.js"
import { insertUsersBySql, migratedDatabase, postgresServices, postgresStores } from "./support/postgresStores.js"

const admin = Actor.user("admin")
for (const [name, open, prefix] of postgresStores) {
  describe.skipIf(open === undefined)(`${name} — members' search text`, () => {
    const db = migratedDatabase(open as () => Promise<TestDatabase>, prefix)

    const table = (name: string) => sql.table(`${prefix}${name}`)
    /** The memberships, and those whose search text is not their user's. */
    const compare = () =>
      Effect.promise(async () => {
        const differing = await sql<{ username: string; group_name: string }>`
          select m.username, m.group_name from ${table("memberships")} as m
            join ${table("users")} as u on u.username = m.username
          where m.search_text is distinct from u.search_text order by m.username, m.group_name`.execute(db())
        const count = await sql<{ n: string }>`select count(*) as n from ${table("memberships")}`.execute(db())
        return {
          memberships: Number(count.rows[0]?.n),
          differing: differing.rows.map((row) => `${row.username} in ${row.group_name}`)
        }
      })
    const services = () => postgresServices(db(), prefix)

    /** An empty directory with its administrator and the groups `staff` and `ops`. */
    const seeded = Effect.gen(function* () {
      yield* Effect.promise(() => reset(db(), prefix))
      const users = yield* Users
      const groups = yield* Groups
      yield* users.bootstrap({ username: "admin", password: "correct horse battery" })
      yield* groups.create(admin, { name: "staff" })
      yield* groups.create(admin, { name: "ops" })
      return { users, groups }
    })

    it.effect(
      "each membership holds its user's search text after a create, an import, members added and removed, a change of name or email, a group renamed, a rolled-back write, and SQL of the host's own",
      () =>
        Effect.gen(function* () {
          const { users, groups } = yield* seeded
          for (const username of ["ann", "bob", "cyd"]) {
            yield* users.create(admin, { username, firstName: "Pat", lastName: `Smith-${username}`, groups: ["staff"] })
          }
          const imported = yield* Effect.flatMap(Imports, (imports) =>
            imports.run(
              admin,
              Stream.fromIterable([
                ...["imp1", "imp2"].map((username) => ({
                  kind: "user" as const,
                  record: { username, firstName: "Imported", lastName: `Quartz-${username}`, groups: ["staff", "ops"] }
                })),
                { kind: "user" as const, record: { username: "ann", lastName: "Renamed-by-import", groups: ["ops"] } }
              ]),
              { onConflict: "update" }
            )
          )
          expect([imported.users.created, imported.users.updated]).toEqual([2, 1])
          yield* groups.modify(admin, "ops", { addMembers: ["bob", "cyd"], removeMembers: ["imp2"] })
          yield* users.modify(admin, "bob", { lastName: "Quartzman" })
          yield* users.modify(admin, "cyd", { email: "cyd@example.com" })
          yield* groups.rename(admin, "ops", "operations")
          // admin in admins; ann, bob, cyd and imp1 in staff and ops; imp2 in staff.
          expect(yield* compare()).toEqual({ memberships: 9, differing: [] })

          // A write that fails after changing a user leaves the memberships as they were, with the users.
          const directory = yield* KyselyDirectory.make({ db: db(), engine: "postgres", prefix, migrate: false })
          const failed = yield* Effect.flip(
            directory.write((tx) =>
              Effect.gen(function* () {
                yield* tx.deleteUser("imp2" as Username)
                return yield* Effect.fail("refused after the delete" as const)
              })
            )
          )
          expect(failed).toBe("refused after the delete")
          expect(yield* compare()).toEqual({ memberships: 9, differing: [] })

          // The host's own SQL (or the release before this one, which never writes the column): a membership added, a
          // user's search text changed, a user renamed (the foreign key carries the name to their memberships).
          yield* Effect.promise(async () => {
            await sql`insert into ${table("memberships")} (username, group_name) values ('imp2', 'operations')`.execute(
              db()
            )
            await sql`update ${table("users")} set search_text = ${"imp1\nimported zircon"} where username = 'imp1'`.execute(
              db()
            )
            await sql`update ${table("users")} set username = 'bea', search_text = ${"bea\npat smith"}
              where username = 'ann'`.execute(db())
          })
          expect(yield* compare()).toEqual({ memberships: 10, differing: [] })
          const found = yield* groups.members(admin, "staff", { search: "zircon" })
          expect(found.items).toEqual(["imp1"])
          expect((yield* groups.members(admin, "operations", { search: "pat smith" })).items).toEqual(["bea", "cyd"])
        }).pipe(Effect.provide(services()))
    )

    it.effect(
      `a search within a group larger than the walk's ${MEMBER_WALK_ENTRIES.toLocaleString("en")} members gives its matches in order, page after page, whether they come early (walked), only past the walk's bound (planned for the term), or from a short term's few matches in the whole directory`,
      () =>
        Effect.gen(function* () {
          const { groups } = yield* seeded
          // MEMBER_WALK_ENTRIES + 2,000 members of `big`, written past the core: `m00000`…; every tenth is a `Walrus`,
          // and the last three are `Okapi`s, past the walk's bound.
          const size = MEMBER_WALK_ENTRIES + 2_000
          const usernames = Array.from({ length: size }, (_, index) => `m${String(index).padStart(5, "0")}`)
          const lastName = (index: number) => (index >= size - 3 ? "Okapi" : index % 10 === 0 ? "Walrus" : "Plain")
          yield* groups.create(admin, { name: "big" })
          yield* Effect.promise(async () => {
            await insertUsersBySql(
              db(),
              prefix,
              usernames.map((username, index) => ({ username, firstName: "Member", lastName: lastName(index) }))
            )
            for (let start = 0; start < size; start += 1_000) {
              const chunk = usernames.slice(start, start + 1_000)
              await sql`insert into ${table("memberships")} (username, group_name)
                values ${sql.join(chunk.map((username) => sql`(${username}, 'big')`))}`.execute(db())
            }
            await sql`update ${table("groups")} set member_count = ${size} where name = 'big'`.execute(db())
            // One more user, in `staff`, whose search text sorts after every other: the statistics (which read every
            // row of so few) then place the Okapis between their last two bounds, in no search text of their sample.
            await insertUsersBySql(db(), prefix, [{ username: "zzz-last", firstName: "Member", lastName: "Plain" }])
            await sql`insert into ${table("memberships")} (username, group_name) values ('zzz-last', 'staff')`.execute(
              db()
            )
            await sql`update ${table("groups")} set member_count = 1 where name = 'staff'`.execute(db())
          })
          const matching = (last: string) => usernames.filter((_, index) => lastName(index) === last)
          /** Every page of a search within `big`, `limit` at a time, following each page's `next`. */
          const pages = (search: string, limit: number) =>
            Effect.gen(function* () {
              const groups = yield* Groups
              const read: Array<string> = []
              let after: Username | undefined
              for (;;) {
                const page = yield* groups.members(admin, "big", { search, limit, ...(after ? { after } : {}) })
                read.push(...page.items)
                if (page.next === undefined) return read
                after = page.next
              }
            })
          expect(yield* pages("walrus", 500)).toEqual(matching("Walrus"))
          expect(yield* pages("okapi", 2)).toEqual(matching("Okapi"))
          expect(yield* pages("okapi", 50)).toEqual(matching("Okapi"))
          expect(yield* pages("nobody-holds-this", 50)).toEqual([])
          // Two letters, before any statistics: walked (`ok`: the three Okapis; `wa`: 2,200 Walruses, more than
          // MEMBER_MATCHES_SORTED; `zq`: nobody).
          expect(MEMBER_MATCHES_SORTED).toBeLessThan(2_200)
          expect(yield* pages("ok", 2)).toEqual(matching("Okapi"))
          expect(yield* pages("wa", 500)).toEqual(matching("Walrus"))
          expect(yield* pages("zq", 50)).toEqual([])
          const streamed = yield* groups
            .memberStream(admin, "big", { search: "okapi", pageSize: 2 })
            .pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
          expect(streamed).toEqual(matching("Okapi"))
          // A small group is walked to its end: its page is its matches.
          expect((yield* groups.members(admin, "staff", { search: "okapi" })).items).toEqual([])
          // Analyzed, the users have statistics: a term their sample of search texts does not hold (`okapi`, 3 users
          // of 22,000) is planned for the term at once, without the walk, on a new store; the pages are the same.
          yield* Effect.promise(() => sql`analyze ${table("users")}`.execute(db()))
          // So are `ok` (read from its three matches in the whole directory) and `zq` (none); `wa` is walked.
          const analyzed = Effect.all([
            pages("walrus", 500),
            pages("okapi", 2),
            pages("nobody-holds-this", 50),
            pages("ok", 2),
            pages("wa", 500),
            pages("zq", 50)
          ])
          expect(yield* analyzed.pipe(Effect.provide(services()))).toEqual([
            matching("Walrus"),
            matching("Okapi"),
            [],
            matching("Okapi"),
            matching("Walrus"),
            []
          ])
        }).pipe(Effect.provide(services())),
      120_000
    )

    it.effect(
      "a database with memberships when 20261212000000 runs gets their search text; down takes the column, its index, triggers and functions away",
      () =>
        Effect.gen(function* () {
          const target = { db: db(), engine: "postgres" as const, prefix }
          yield* Effect.promise(() => reset(db(), prefix))
          yield* Migrations.migrateTo(target, "20261211000000_search_index_by_store")
          yield* Effect.promise(async () => {
            const at = new Date().toISOString()
            await sql`insert into ${table("groups")} (name, gid, created_at, updated_at, version)
              values ('old', 5000, ${at}, ${at}, 1)`.execute(db())
            for (const username of ["old1", "old2"]) {
              await insertUsersBySql(db(), prefix, [{ username, firstName: "Old", lastName: "Quartzite" }])
              await sql`insert into ${table("memberships")} (username, group_name) values (${username}, 'old')`.execute(
                db()
              )
            }
          })
          yield* Migrations.migrateToLatest(target)
          expect(yield* compare()).toEqual({ memberships: 2, differing: [] })
          const directory = yield* KyselyDirectory.make({ ...target, migrate: false })
          const found = yield* directory.read((tx) =>
            tx.listMembers({ group: "old" as GroupName, search: "quartz", limit: 10 })
          )
          expect(found).toEqual(["old1", "old2"])
          // Down: the column, its index, triggers and functions go; the group's index of members is back.
          yield* Migrations.migrateTo(target, "20261211000000_search_index_by_store")
          const left = yield* Effect.promise(async () => {
            const count = async (query: ReturnType<typeof sql<{ n: string }>>) =>
              Number((await query.execute(db())).rows[0]?.n)
            return {
              columns: await count(sql`select count(*) as n from information_schema.columns
                where table_name = ${`${prefix}memberships`} and column_name = 'search_text'`),
              functions: await count(
                sql`select count(*) as n from pg_proc where proname like ${`${prefix}dt_member_search_%`}`
              ),
              indexes: await count(sql`select count(*) as n from pg_indexes
                where indexname in (${`${prefix}dt_memberships_group`}, ${`${prefix}dt_memberships_group_search`})`)
            }
          })
          expect(left).toEqual({ columns: 0, functions: 0, indexes: 1 })
          yield* Migrations.migrateToLatest(target)
          expect(yield* compare()).toEqual({ memberships: 2, differing: [] })
        })
    )
  })
}
