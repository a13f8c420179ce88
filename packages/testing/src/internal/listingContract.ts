/**
 * The storage contract's suites on listing: search, sort and paging of users and groups.
 */
import { describe, expect, it } from "@effect/vitest"
import { Groups } from "@user-manager/core/Groups"
import { ExactTotalLimit } from "@user-manager/core/Page"
import { UserSort } from "@user-manager/core/User"
import { nameSortKeys } from "@user-manager/core/UserKeys"
import { type UserQuery, type UserStreamQuery, Users } from "@user-manager/core/Users"
import { Chunk, Effect, FastCheck as fc, Stream } from "effect"
import { admin, john } from "../fixture.js"

import type { Harness } from "./harness.js"

/** Orders two strings by code point, as the SQL stores' binary collations do (for text without surrogates). */
const codePointOrder = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1)

/** The storage contract on listing: search, sort and paging of users and groups. */
export const listingContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — listing`, () => {
    it.effect("searches username, first name, last name and email as a case-insensitive substring", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("JO")).toEqual(["john"])
          expect(yield* names("lidd")).toEqual(["alice"])
          expect(yield* names("bUiLd")).toEqual(["bob"])
          expect(yield* names("EXAMPLE.com")).toEqual(["alice", "john"])
          expect(yield* names("e@exa")).toEqual(["alice"])
          expect(yield* names("o")).toEqual(["alice", "bob", "john", "root"])
        })
      )
    )

    it.effect("finds a user by the full name as shown, in any case, and by any part of it", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "zoe", firstName: "Zoë", lastName: "山田", groups: ["analysts"] })
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("John Doe")).toEqual(["john"])
          expect(yield* names("jOHN dOE")).toEqual(["john"])
          expect(yield* names("n D")).toEqual(["john"])
          expect(yield* names("Alice Liddell")).toEqual(["alice"])
          expect(yield* names("Zoë 山田")).toEqual(["zoe"])
          expect(yield* names("ë 山")).toEqual(["zoe"])
          expect(yield* names("Service")).toEqual(["svc"])
          expect(yield* names("John  Doe")).toEqual([])
          expect(yield* names("Doe John")).toEqual([])
          expect(yield* names("john@example")).toEqual(["john"])
          // Name and email are on separate lines: a term never runs from one into the other.
          expect(yield* names("doe john@")).toEqual([])
        })
      )
    )

    it.effect("matches a term in the lower-cased text as it is, with no further case folding: 'ſ' is no 's'", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.create(admin, { username: "longs", firstName: "Mary", lastName: "Eſſex", groups: ["analysts"] })
          yield* users.create(admin, { username: "plains", firstName: "Mary", lastName: "ESSEX", groups: ["analysts"] })
          const names = (search: string) =>
            users
              .list(admin, { search })
              .pipe(Effect.map((page) => [page.total, page.items.map((user) => user.username)]))
          expect(yield* names("essex")).toEqual([1, ["plains"]])
          expect(yield* names("Eſſex")).toEqual([1, ["longs"]])
          expect(yield* names("y eſſ")).toEqual([1, ["longs"]])
          expect(yield* names("mary e")).toEqual([2, ["longs", "plains"]])
        })
      )
    )

    it.effect("each page of a listing is read with its own bounds and search, however many came before", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const names = (query: { readonly search?: string; readonly limit?: number; readonly offset?: number }) =>
            users.list(admin, query).pipe(Effect.map((page) => [page.total, page.items.map((user) => user.username)]))
          const all = ["admin", "alice", "bob", "john", "root", "svc"]
          for (const [limit, offset] of [
            [2, 0],
            [2, 2],
            [3, 1],
            [1, 5],
            [4, 4]
          ] as const) {
            expect(yield* names({ limit, offset })).toEqual([6, all.slice(offset, offset + limit)])
          }
          // A page of three reads the memberships of three users (a read padded to four names): each with its groups.
          const page = yield* users.list(admin, { limit: 3, offset: 1 })
          for (const user of page.items) expect(user.groups).toEqual((yield* users.get(admin, user.username)).groups)
          expect(yield* names({ search: "o", limit: 2, offset: 1 })).toEqual([4, ["bob", "john"]])
          expect(yield* names({ search: "oo", limit: 2, offset: 0 })).toEqual([1, ["root"]])
          expect(yield* names({ search: "lidd", limit: 1, offset: 0 })).toEqual([1, ["alice"]])
          expect(yield* names({ search: "bUiLd", limit: 1, offset: 0 })).toEqual([1, ["bob"]])
        })
      )
    )

    it.effect("finds a user by a new email and no longer by the old one, and by a domain however many match", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (let i = 1; i <= 4; i++) {
            yield* users.create(admin, { username: `org${i}`, email: `Person${i}@Example.ORG`, groups: ["analysts"] })
          }
          const names = (search: string) =>
            users
              .list(admin, { search })
              .pipe(Effect.map((page) => [page.total, page.items.map((user) => user.username)]))
          // Three characters or more take the trigram indexes where a store has them; fewer, a scan.
          expect(yield* names("example.org")).toEqual([4, ["org1", "org2", "org3", "org4"]])
          expect(yield* names("@e")).toEqual([6, ["alice", "john", "org1", "org2", "org3", "org4"]])
          yield* users.modify(admin, "john", { email: "jd@corp.test" })
          expect(yield* names("corp.test")).toEqual([1, ["john"]])
          expect(yield* names("john@example")).toEqual([0, []])
          yield* users.modify(admin, "john", { email: null })
          expect(yield* names("corp.test")).toEqual([0, []])
        })
      )
    )

    it.effect("filters users by enabled, system and group, alone, together and with a search", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.disable(admin, "bob")
          yield* users.disable(admin, "john")
          const names = (query: UserQuery) =>
            users.list(admin, query).pipe(Effect.map((page) => [page.total, page.items.map((user) => user.username)]))
          expect(yield* names({ enabled: false })).toEqual([2, ["bob", "john"]])
          expect(yield* names({ enabled: true })).toEqual([4, ["admin", "alice", "root", "svc"]])
          expect(yield* names({ system: true })).toEqual([1, ["svc"]])
          expect(yield* names({ system: false })).toEqual([5, ["admin", "alice", "bob", "john", "root"]])
          expect(yield* names({ group: "developers" })).toEqual([3, ["alice", "john", "svc"]])
          expect(yield* names({ group: "analysts" })).toEqual([2, ["alice", "bob"]])
          expect(yield* names({ group: "nosuchgroup" })).toEqual([0, []])
          expect(yield* names({ group: "developers", system: false })).toEqual([2, ["alice", "john"]])
          expect(yield* names({ group: "developers", system: false, enabled: true })).toEqual([1, ["alice"]])
          expect(yield* names({ group: "analysts", enabled: false })).toEqual([1, ["bob"]])
          expect(yield* names({ enabled: false, system: true })).toEqual([0, []])
          // With a search, each kind of search the stores have: a scan (fewer than three characters), an index.
          expect(yield* names({ search: "o", enabled: false })).toEqual([2, ["bob", "john"]])
          expect(yield* names({ search: "example.com", group: "analysts" })).toEqual([1, ["alice"]])
          expect(yield* names({ search: "example", enabled: false })).toEqual([1, ["john"]])
          expect(yield* names({ search: "service", system: false })).toEqual([0, []])
          // A filtered page's groups are each user's own, not those of the users between it.
          const page = yield* users.list(admin, { group: "analysts", sort: "username" })
          expect(page.items.map((user) => [user.username, user.groups])).toEqual([
            ["alice", ["analysts", "developers"]],
            ["bob", ["analysts"]]
          ])
          yield* refuses(users.list(admin, { group: "Not A Group" }), "InvalidInput")
          yield* refuses(users.list(admin, { enabled: "no" as unknown as boolean }), "InvalidInput")
        })
      )
    )

    it.effect(
      "filters combine with every sort in both directions, paging by offset and by key, and the bounded total",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            for (let i = 1; i <= 6; i++) {
              yield* users.create(admin, {
                username: `member${i}`,
                firstName: i % 2 === 0 ? "Even" : "Odd",
                ...(i % 3 === 0 ? {} : { email: `member${i}@example.net` }),
                groups: i % 2 === 0 ? ["analysts", "developers"] : ["analysts"]
              })
              if (i % 3 === 1) yield* users.disable(admin, `member${i}`)
            }
            const all = (yield* users.list(admin, { limit: 1000 })).items
            const listed = (query: UserQuery) =>
              users.list(admin, { ...query, limit: 1000 }).pipe(Effect.map((page) => page.items.map((u) => u.username)))
            const streamed = (query: UserStreamQuery) =>
              Stream.runCollect(users.stream(admin, query)).pipe(
                Effect.map((chunk) => Chunk.toReadonlyArray(chunk).map((u) => u.username))
              )
            const filters: ReadonlyArray<UserQuery> = [
              { enabled: false },
              { enabled: true, group: "developers" },
              { system: false, group: "analysts" },
              { group: "analysts", search: "even" },
              { enabled: true, search: "example.net" }
            ]
            for (const filter of filters) {
              const keep = all.filter(
                (u) =>
                  (filter.enabled === undefined || u.enabled === filter.enabled) &&
                  (filter.system === undefined || u.system === filter.system) &&
                  (filter.group === undefined || u.groups.includes(filter.group as never)) &&
                  (filter.search === undefined ||
                    `${u.username}\n${u.firstName} ${u.lastName}\n${u.email ?? ""}`
                      .toLowerCase()
                      .includes(filter.search))
              )
              expect([filter, (yield* listed(filter)).length]).toEqual([filter, keep.length])
              for (const sort of UserSort.literals) {
                for (const order of ["asc", "desc"] as const) {
                  const expected = yield* listed({ ...filter, sort, order })
                  expect(expected.slice().sort()).toEqual(keep.map((u) => u.username).sort())
                  expect([filter, sort, order, yield* streamed({ ...filter, sort, order, pageSize: 2 })]).toEqual([
                    filter,
                    sort,
                    order,
                    expected
                  ])
                  const second = yield* users.list(admin, { ...filter, sort, order, limit: 2, offset: 2 })
                  expect(second.items.map((u) => u.username)).toEqual(expected.slice(2, 4))
                }
              }
            }
            const bounded = yield* users
              .list(admin, { group: "analysts", limit: 2 })
              .pipe(Effect.provideService(ExactTotalLimit, 3))
            expect([bounded.total, bounded.totalExact]).toEqual([3, false])
            const exact = yield* users
              .list(admin, { group: "analysts", enabled: false, limit: 2 })
              .pipe(Effect.provideService(ExactTotalLimit, 3))
            expect([exact.total, exact.totalExact]).toEqual([2, true])
          })
        ),
      // Every sort in both directions, each paged by offset and by key: a few hundred lists; on PGlite under CI's load
      // it passed the project's 30 s.
      120_000
    )

    it.effect("takes % and _ in a search term literally", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* users.create(admin, { username: "a_b", firstName: "100%", groups: ["analysts"] })
          yield* users.create(admin, { username: "axb", firstName: "1000", groups: ["analysts"] })
          const names = (search: string) =>
            users.list(admin, { search }).pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* names("a_b")).toEqual(["a_b"])
          expect(yield* names("0%")).toEqual(["a_b"])
          expect(yield* names("%")).toEqual(["a_b"])
          expect(yield* names("\\")).toEqual([])
          yield* groups.create(admin, { name: "x_y" })
          yield* groups.create(admin, { name: "xzy" })
          expect((yield* groups.list(admin, { search: "x_" })).items.map((group) => group.name)).toEqual(["x_y"])
        })
      )
    )

    it.effect("sorts users by every column in both directions, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.disable(admin, "bob")
          const order = (sort: string, direction: "asc" | "desc" = "asc") =>
            users
              .list(admin, { sort: sort as "username", order: direction })
              .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          expect(yield* order("username")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("username", "desc")).toEqual(["svc", "root", "john", "bob", "alice", "admin"])
          expect(yield* order("firstName")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("lastName")).toEqual(["svc", "admin", "bob", "john", "alice", "root"])
          expect(yield* order("fullName")).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* order("email")).toEqual(["admin", "bob", "root", "svc", "alice", "john"])
          expect(yield* order("groups")).toEqual(["admin", "root", "bob", "alice", "john", "svc"])
          expect(yield* order("enabled")).toEqual(["bob", "admin", "alice", "john", "root", "svc"])
          expect(yield* order("enabled", "desc")).toEqual(["admin", "alice", "john", "root", "svc", "bob"])
          expect(yield* order("system", "desc")).toEqual(["svc", "admin", "alice", "bob", "john", "root"])
          expect((yield* order("createdAt")).length).toBe(6)
          expect((yield* order("updatedAt", "desc")).length).toBe(6)
        })
      )
    )

    it.effect("sorts names as people expect: case and accents aside, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (const [username, firstName, lastName] of [
            ["zoe", "Zoë", "山田"],
            ["lower", "root", ""],
            ["emile2", "émile", "Zola"],
            ["emile1", "Emile", "Zola"],
            ["emma", "Emma", "Ångström"],
            ["eve", "ÉVE", "Adams"]
          ] as const) {
            yield* users.create(admin, { username, firstName, lastName, groups: ["analysts"] })
          }
          const order = (sort: "fullName" | "firstName" | "lastName", direction: "asc" | "desc" = "asc") =>
            users
              .list(admin, { sort, order: direction, search: "" })
              .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          const byFullName = ["admin", "alice", "bob", "emile1", "emile2", "emma", "eve", "john", "root", "lower"]
          expect(yield* order("fullName")).toEqual([...byFullName, "svc", "zoe"])
          // Descending, names that sort alike still list by username ascending.
          expect(yield* order("fullName", "desc")).toEqual([
            "zoe",
            "svc",
            "lower",
            "root",
            "john",
            "eve",
            "emma",
            "emile1",
            "emile2",
            "bob",
            "alice",
            "admin"
          ])
          expect(yield* order("firstName")).toEqual([
            "admin",
            "alice",
            "bob",
            "emile1",
            "emile2",
            "emma",
            "eve",
            "john",
            "root",
            "lower",
            "svc",
            "zoe"
          ])
          expect(yield* order("lastName")).toEqual([
            "lower",
            "svc",
            "eve",
            "admin",
            "emma",
            "bob",
            "john",
            "alice",
            "root",
            "emile1",
            "emile2",
            "zoe"
          ])
        })
      )
    )

    it.effect("every store lists names in the order of the core's sort key, ties broken by username", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          // Letters in both cases, with and without marks, a ligature and wide characters: every store must order them
          // as the core's key does (no trailing mark: a name is trimmed, and its key must be too).
          const letter = fc.constantFrom("a", "A", "á", "Å", "e", "É", "ë", "z", "Z", "ﬁ", "山", "田", "ß", "0")
          const name = fc.array(letter, { maxLength: 4 }).map((letters) => letters.join(""))
          const people = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 9999 }), name, name), {
            minLength: 1,
            maxLength: 6,
            selector: ([number]) => number
          })
          let run = 0
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(people, async (drawn) => {
                run++
                const prefix = `p${run}x`
                const created = drawn.map(([number, firstName, lastName]) => ({
                  username: `${prefix}${number}`,
                  firstName,
                  lastName
                }))
                const listed = await Effect.runPromise(
                  Effect.gen(function* () {
                    for (const user of created) yield* users.create(admin, { ...user, groups: ["analysts"] })
                    return yield* Effect.all(
                      (["fullName", "firstName", "lastName"] as const).map((sort) =>
                        users
                          .list(admin, { sort, search: prefix })
                          .pipe(Effect.map((page) => page.items.map((user) => user.username)))
                      )
                    )
                  })
                )
                const expected = (["fullName", "firstName", "lastName"] as const).map((sort) =>
                  created
                    .map((user) => [nameSortKeys(user)[sort], user.username] as const)
                    .sort(([a, x], [b, y]) => codePointOrder(a, b) || codePointOrder(x, y))
                    .map(([, username]) => username)
                )
                expect(listed).toEqual(expected)
              }),
              { numRuns: 15 }
            )
          )
        })
      )
    )

    it.effect("the groups and members sorts follow membership changes, renames and deletions", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const byGroups = users
            .list(admin, { sort: "groups" })
            .pipe(Effect.map((page) => page.items.map((user) => user.username)))
          const byMembers = groups
            .list(admin, { sort: "members", order: "desc" })
            .pipe(Effect.map((page) => page.items.map((group) => group.name)))
          yield* groups.rename(admin, "analysts", "zanalysts")
          expect(yield* byGroups).toEqual(["admin", "root", "john", "svc", "alice", "bob"])
          yield* groups.create(admin, { name: "beta", members: ["bob"] })
          expect(yield* byGroups).toEqual(["admin", "root", "bob", "john", "svc", "alice"])
          yield* groups.remove(admin, "zanalysts")
          expect(yield* byGroups).toEqual(["admin", "root", "bob", "alice", "john", "svc"])
          expect(yield* byMembers).toEqual(["developers", "admins", "beta"])
          yield* users.remove(admin, "john")
          yield* users.addToGroup(admin, "alice", "beta")
          expect(yield* byMembers).toEqual(["admins", "beta", "developers"])
        })
      )
    )

    it.effect(
      "a user created in many groups is counted, listed and sorted by its groups as one who joined them one by one",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            const groups = yield* Groups
            const names = ["g1", "g2", "g3", "g4", "g5", "g6", "g7"]
            for (const name of names) yield* groups.create(admin, { name })
            // One, four and seven groups (a store may write a new user's memberships in one statement up to a few).
            for (const count of [1, 4, 7]) {
              const chosen = names.slice(names.length - count)
              yield* users.create(admin, { username: `made${count}`, groups: chosen })
              yield* users.create(admin, { username: `joined${count}`, groups: [chosen[0] as string] })
              for (const group of chosen.slice(1)) yield* users.addToGroup(admin, `joined${count}`, group)
            }
            const read = Effect.forEach(names, (name) =>
              groups.get(admin, name).pipe(Effect.map((group) => [name, group.memberCount, group.members] as const))
            )
            expect(yield* read).toEqual(
              names.map((name, index) => {
                const members = [1, 4, 7]
                  .filter((count) => index >= names.length - count)
                  .flatMap((count) => [`joined${count}`, `made${count}`])
                  .sort()
                return [name, members.length, members] as const
              })
            )
            const byGroups = yield* users.list(admin, { sort: "groups", group: "g7" })
            expect(byGroups.items.map((user) => [user.username, user.groups])).toEqual(
              [1, 4, 7]
                .map((count) => names.slice(names.length - count))
                .sort((a, b) => (a.join(",") < b.join(",") ? -1 : 1))
                .flatMap((chosen) => [`joined${chosen.length}`, `made${chosen.length}`].map((u) => [u, chosen]))
            )
          })
        )
    )

    it.effect("counts the total exactly up to ExactTotalLimit and beyond it says only that there are more", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          for (let i = 1; i <= 5; i++) {
            yield* users.create(admin, { username: `quartz${i}`, groups: ["analysts"] })
          }
          const list = (limit: number, query: UserQuery = {}) =>
            users.list(admin, query).pipe(
              Effect.provideService(ExactTotalLimit, limit),
              Effect.map((page) => [page.total, page.totalExact, page.items.map((user) => user.username)] as const)
            )
          // 11 users: past a limit of 4 a full page says "at least" the limit, or as far as it reaches; pages past the
          // limit are still read, and a page that is not full ends the list, so its end is the exact total.
          expect(yield* list(4, { limit: 2 })).toEqual([4, false, ["admin", "alice"]])
          expect(yield* list(4, { limit: 2, offset: 4 })).toEqual([6, false, ["quartz1", "quartz2"]])
          expect(yield* list(4, { limit: 4, offset: 8 })).toEqual([11, true, ["quartz5", "root", "svc"]])
          expect(yield* list(4, { limit: 4, offset: 20 })).toEqual([4, false, []])
          // A search counts its matches the same way, whichever index it uses.
          expect(yield* list(4, { search: "quartz", limit: 1 })).toEqual([4, false, ["quartz1"]])
          expect(yield* list(4, { search: "quartz", limit: 2, offset: 2 })).toEqual([4, false, ["quartz3", "quartz4"]])
          expect(yield* list(4, { search: "quartz", offset: 4 })).toEqual([5, true, ["quartz5"]])
          expect(yield* list(4, { search: "l" })).toEqual([3, true, ["alice", "bob", "john"]])
          expect(yield* list(4, { search: "zzqxj" })).toEqual([0, true, []])
          // Exactly the limit is exact; 0 counts every match.
          expect(yield* list(5, { search: "quartz", limit: 1 })).toEqual([5, true, ["quartz1"]])
          expect(yield* list(0, { limit: 1 })).toEqual([11, true, ["admin"]])
          expect((yield* users.list(admin, { limit: 1 })).totalExact).toBe(true)
        })
      )
    )

    it.effect("paginates with an exact total and a stable order", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const pages = []
          for (let offset = 0; offset < 6; offset += 4) pages.push(yield* users.list(admin, { limit: 4, offset }))
          expect(pages.map((page) => page.total)).toEqual([6, 6])
          expect(pages.flatMap((page) => page.items.map((user) => user.username))).toEqual([
            "admin",
            "alice",
            "bob",
            "john",
            "root",
            "svc"
          ])
          expect((yield* users.list(admin, { offset: 100 })).items).toEqual([])
          // In one sentence that says what the number must be, not Effect's "Expected a non-negative number".
          const zero = yield* refuses(users.list(admin, { limit: 0 }), "InvalidInput")
          expect(zero.message).toBe("Invalid limit: it must be a whole number from 1 to 1000.")
          yield* refuses(users.list(admin, { limit: 1001 }), "InvalidInput")
          const fraction = yield* refuses(users.list(admin, { limit: 1.5 }), "InvalidInput")
          expect(fraction.message).toBe(zero.message)
          const negative = yield* refuses(users.list(admin, { offset: -1 }), "InvalidInput")
          expect(negative.message).toBe("Invalid offset: it must be a whole number, 0 or more.")
          const streamed = yield* refuses(Stream.runDrain(users.stream(admin, { limit: -1 })), "InvalidInput")
          expect(streamed.message).toBe("Invalid limit: it must be a whole number, 0 or more.")
          yield* refuses(users.list(admin, { sort: "password" as "username" }), "InvalidInput")
        })
      )
    )

    it.effect("streams every match in the list's order for every sort and direction, page after page by key", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          // Ties on every sorted column, and users without an email, so that the username must break them.
          for (const [username, firstName, email] of [
            ["zed", "John", null],
            ["amy", "John", "amy@example.com"],
            ["kim", "Kim", null],
            ["lee", "Alice", "LEE@example.com"]
          ] as const) {
            yield* users.create(admin, {
              username,
              firstName,
              lastName: "Doe",
              ...(email === null ? {} : { email }),
              groups: ["analysts"]
            })
          }
          yield* users.disable(admin, "kim")
          const listed = (query: UserQuery) =>
            users.list(admin, { ...query, limit: 1000 }).pipe(Effect.map((page) => page.items.map((u) => u.username)))
          const streamed = (query: UserStreamQuery) =>
            Stream.runCollect(users.stream(admin, query)).pipe(
              Effect.map((chunk) => Chunk.toReadonlyArray(chunk).map((u) => u.username))
            )
          for (const sort of UserSort.literals) {
            for (const order of ["asc", "desc"] as const) {
              for (const search of ["", "doe"]) {
                const expected = yield* listed({ sort, order, search })
                expect([sort, order, search, yield* streamed({ sort, order, search, pageSize: 3 })]).toEqual([
                  sort,
                  order,
                  search,
                  expected
                ])
              }
            }
          }
          const all = yield* listed({})
          expect(yield* streamed({ offset: 3, limit: 4, pageSize: 3 })).toEqual(all.slice(3, 7))
          expect(yield* streamed({ limit: 0 })).toEqual([])
          expect(yield* streamed({ offset: 100 })).toEqual([])
          yield* refuses(Stream.runDrain(users.stream(john)), "Forbidden")
          yield* refuses(Stream.runDrain(users.stream(admin, { pageSize: 0 })), "InvalidInput")
        })
      )
    )

    it.effect("lists groups with their members, searched by name and sorted by name, GID or member count", () =>
      seeded(
        Effect.gen(function* () {
          const groups = yield* Groups
          yield* groups.create(admin, { name: "zeta", gid: 10 })
          const order = (sort: "name" | "gid" | "members", direction: "asc" | "desc" = "asc") =>
            groups
              .list(admin, { sort, order: direction })
              .pipe(Effect.map((page) => page.items.map((group) => group.name)))
          expect(yield* order("name")).toEqual(["admins", "analysts", "developers", "zeta"])
          expect(yield* order("gid")).toEqual(["zeta", "admins", "developers", "analysts"])
          expect(yield* order("members", "desc")).toEqual(["developers", "admins", "analysts", "zeta"])
          const found = yield* groups.list(admin, { search: "LYST" })
          expect(found.total).toBe(1)
          expect(found.items[0]?.members).toEqual(["alice", "bob"])
        })
      )
    )
  })
}
