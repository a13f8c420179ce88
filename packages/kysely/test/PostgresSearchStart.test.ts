/**
 * PostgreSQL's start of a search's walk (migration 20261215000000, `PostgresSearch.searchStart`): a walk of the users
 * or of a group's members in username order starts at the first label of usernames some user holding the term is
 * under, and its pages are the same as if it had started at the first user.
 */
import { describe, expect, it } from "@effect/vitest"
import type { GroupName, Username } from "@user-manager/core/Names"
import { reset, type TestDatabase } from "@user-manager/test-stores/stores"
import { Effect } from "effect"
import * as fc from "fast-check"
import { sql } from "kysely"
import { MEMBER_WALK_FIRST } from "../src/internal/membershipOperations.js"
import { clusteredBySample, startKeys } from "../src/internal/postgresSearch.js"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import { insertUsersBySql, migratedDatabase, postgresStores } from "./support/postgresStores.js"

/**
 * The first characters of the usernames: every label's edges (before `_`, `_` and the backquote after it, `a`, the
 * letters around `m`, `y`, `z` and what sorts after it), then characters of the rest and of the names.
 */
const FIRST = ["-", "0", "_", "`", "a", "b", "l", "m", "n", "y", "z", "{", "é"]
const REST = ["a", "b", "m", "_", ".", "-", "0", "z"]

const username = fc
  .tuple(fc.constantFrom(...FIRST), fc.array(fc.constantFrom(...REST), { minLength: 1, maxLength: 5 }))
  .map(([first, rest]) => first + rest.join(""))
const name = fc.array(fc.constantFrom("a", "b", "m", "z", "é"), { minLength: 1, maxLength: 4 }).map((c) => c.join(""))
const people = fc.uniqueArray(fc.tuple(username, name, name), {
  minLength: 1,
  maxLength: 40,
  selector: ([username]) => username
})
/**
 * More users than a search within a group reads before it looks up where its matches begin, all under the label `k`,
 * whose search texts hold none of the terms' characters but `k` (`k` then letters from `c` to `h`).
 */
const FILLERS = Array.from(
  { length: MEMBER_WALK_FIRST + 100 },
  (_, index) => `k${[...index.toString(5)].map((digit) => "cdfgh"[Number(digit)]).join("")}`
)
const term = fc
  .array(fc.constantFrom("a", "b", "m", "z", "_", ".", "0", "é"), { minLength: 1, maxLength: 3 })
  .map((c) => c.join(""))

for (const [storeName, open, prefix] of postgresStores) {
  describe.skipIf(open === undefined)(`${storeName} — a search's walk starts at its first label`, () => {
    const db = migratedDatabase(open as () => Promise<TestDatabase>, prefix)
    const table = (name: string) => sql.table(`${prefix}${name}`)

    it("a term's keys are the pairs every text holding it holds (the term itself when it has one or two characters)", () => {
      expect(startKeys("m")).toEqual(["m"])
      expect(startKeys("é.")).toEqual(["é."])
      expect(startKeys("maria")).toEqual(["ma", "ar", "ri", "ia"])
      expect(startKeys("aaa")).toEqual(["aa"])
      expect(startKeys("a\u{1F600}b")).toEqual(["a\u{1F600}", "\u{1F600}b"])
    })

    it.effect(
      "a search within a group whose matches cluster past its first members, once analyzed, starts at their label and pages every one in order",
      () =>
        Effect.promise(async () => {
          await reset(db(), prefix)
          // `FILLERS` (members that hold no `mb`), then 300 `mb…` users, and 20 before them all: all in `crowd`.
          const late = Array.from({ length: 300 }, (_, index) => `mb${String(index).padStart(3, "0")}`)
          const early = Array.from({ length: 20 }, (_, index) => `ab${String(index).padStart(3, "0")}`)
          const all = [...early, ...FILLERS, ...late]
          await insertUsersBySql(
            db(),
            prefix,
            all.map((username) => ({ username, firstName: "k", lastName: "k" }))
          )
          await sql`insert into ${table("groups")} (name, gid, created_at, updated_at, version, member_count)
            values ('crowd', 5000, now(), now(), 1, ${all.length})`.execute(db())
          await sql`insert into ${table("memberships")} (username, group_name)
            values ${sql.join(all.map((member) => sql`(${member}, 'crowd')`))}`.execute(db())
          await sql`analyze ${table("users")}`.execute(db())
          const directory = await Effect.runPromise(
            KyselyDirectory.make({ db: db(), engine: "postgres", prefix, migrate: false })
          )
          const read: Array<string> = []
          let after: Username | undefined
          for (;;) {
            const page = await Effect.runPromise(
              directory.read((tx) => tx.listMembers({ group: "crowd" as GroupName, search: "mb", limit: 50, after }))
            )
            read.push(...page)
            if (page.length < 50) break
            after = page.at(-1)
          }
          expect(read).toEqual(late)
        }),
      60_000
    )

    it("a term's matches cluster when the statistics' sample holds it in runs of two texts or more on average", () => {
      const sample = ["ada.x", "ann.x", "maria.a", "maria.b", "mateo.a", "omar.a", "uma.a", "quartz.z", "zoe.a"]
      expect(clusteredBySample(sample, "maria")).toBe(true)
      expect(clusteredBySample(sample, "ma")).toBe(true)
      expect(clusteredBySample(sample, ".a")).toBe(false)
      expect(clusteredBySample(sample, "quartz")).toBe(false)
      expect(clusteredBySample(sample, "nobody")).toBe(false)
      expect(clusteredBySample(undefined, "maria")).toBe(false)
    })

    it.effect(
      "users' and members' pages of a search, both orders, before and after the users are analyzed, are those every user's search text gives",
      () =>
        Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(people, fc.array(term, { minLength: 4, maxLength: 8 }), async (users, terms) => {
              await reset(db(), prefix)
              await insertUsersBySql(
                db(),
                prefix,
                users.map(([username, firstName, lastName]) => ({ username, firstName, lastName }))
              )
              // Every other user, in username order, is a member of `crowd`, with more members than a search within it
              // reads before it looks up where its matches begin: users whose search texts hold no term's character.
              await insertUsersBySql(
                db(),
                prefix,
                FILLERS.map((username) => ({ username, firstName: "k", lastName: "k" }))
              )
              const sorted = [...users.map(([username]) => username), ...FILLERS].sort()
              const members = sorted.filter((username, index) => index % 2 === 0 || username.startsWith("k"))
              await sql`insert into ${table("groups")} (name, gid, created_at, updated_at, version, member_count)
                values ('crowd', 5000, now(), now(), 1, ${members.length})`.execute(db())
              await sql`insert into ${table("memberships")} (username, group_name)
                values ${sql.join(members.map((member) => sql`(${member}, 'crowd')`))}`.execute(db())
              const texts = new Map<string, string>([
                ...users.map(
                  ([username, first, last]) =>
                    [username, `${username}\n${first.toLowerCase()} ${last.toLowerCase()}`] as const
                ),
                ...FILLERS.map((username) => [username, `${username}\nk k`] as const)
              ])
              const holding = (search: string, among: ReadonlyArray<string>) =>
                among.filter((username) => texts.get(username)?.includes(search))
              for (const analyzed of [false, true]) {
                if (analyzed) await sql`analyze ${table("users")}`.execute(db())
                // A new store for each: it keeps the statistics it read for a minute.
                const directory = await Effect.runPromise(
                  KyselyDirectory.make({ db: db(), engine: "postgres", prefix, migrate: false })
                )
                for (const search of terms) {
                  const all = holding(search, sorted)
                  for (const order of ["asc", "desc"] as const) {
                    const expected = order === "asc" ? all : [...all].reverse()
                    for (const offset of [0, 2]) {
                      const page = await Effect.runPromise(
                        directory.read((tx) =>
                          tx.listUsers({ search, sort: "username", order, limit: 3, offset, count: true })
                        )
                      )
                      expect([
                        analyzed,
                        search,
                        order,
                        offset,
                        page.total,
                        page.items.map((user) => user.username)
                      ]).toEqual([analyzed, search, order, offset, all.length, expected.slice(offset, offset + 3)])
                    }
                  }
                  // The members' pages, two at a time, after the last of each.
                  const read: Array<string> = []
                  let after: Username | undefined
                  for (;;) {
                    const page = await Effect.runPromise(
                      directory.read((tx) => tx.listMembers({ group: "crowd" as GroupName, search, limit: 2, after }))
                    )
                    read.push(...page)
                    if (page.length < 2) break
                    after = page.at(-1)
                  }
                  expect([analyzed, search, read]).toEqual([analyzed, search, holding(search, members)])
                }
              }
            }),
            {
              numRuns: 8,
              // The edges of the first and last labels: each term held by three users of one label only or more (a
              // walk reads a page of three when there are that many matches; a walk that finds fewer is sorted).
              examples: [
                [
                  [
                    ["-xq", "a", "a"],
                    [".xq", "a", "a"],
                    [".axq", "a", "a"],
                    ["0xq", "a", "a"],
                    ["_yq", "b", "b"],
                    ["`yq", "b", "b"],
                    ["`ayq", "b", "b"],
                    ["amm", "z", "z"]
                  ],
                  ["xq", "yq", "q", "a"]
                ],
                [
                  [
                    ["{zq", "z", "z"],
                    ["ézq", "z", "z"],
                    ["zzq", "z", "z"],
                    ["yaq", "z", "z"],
                    ["mmm", "m", "m"]
                  ],
                  ["zq", "q", "z", "aq"]
                ]
              ]
            }
          )
        ),
      180_000
    )
  })
}
