/**
 * The storage contract's suite on record filters (`where` of `Users.list` and `Groups.list`): each operator on each kind
 * of field, the case rules, LIKE wildcards taken literally, and/or/not, with paging and totals; and a property: for
 * random filters over a random directory, every store lists exactly the records the core's predicate keeps.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import type { Group } from "@user-manager/core/Group"
import { type GroupQuery, Groups } from "@user-manager/core/Groups"
import {
  checkGroupFilter,
  checkUserFilter,
  GROUP_FIELD_RULES,
  type GroupField,
  type GroupFilter,
  matchesFilter,
  type Operator,
  type RecordFilter,
  USER_FIELD_RULES,
  type UserField,
  type UserFilter
} from "@user-manager/core/RecordFilter"
import type { User } from "@user-manager/core/User"
import { type UserQuery, type UserStreamQuery, Users } from "@user-manager/core/Users"
import { Chunk, Duration, Effect, FastCheck as fc, Stream, TestClock } from "effect"
import { admin } from "../fixture.js"
import type { Harness } from "./harness.js"

const compare = <F extends string>(field: F, operator: Operator, value: string | number | boolean | Date) =>
  ({ _tag: "Compare", field, operator, value }) as const
const present = <F extends string>(field: F) => ({ _tag: "Present", field }) as const
const and = <F extends string>(...filters: ReadonlyArray<RecordFilter<F>>) => ({ _tag: "And", filters }) as const
const or = <F extends string>(...filters: ReadonlyArray<RecordFilter<F>>) => ({ _tag: "Or", filters }) as const
const not = <F extends string>(filter: RecordFilter<F>) => ({ _tag: "Not", filter }) as const

/** The seeded directory, with identity providers' ids and names on three users and a group. */
const withExternals = Effect.gen(function* () {
  const users = yield* Users
  const groups = yield* Groups
  yield* users.modify(admin, "john", { externalId: "Ext-John", externalName: "John.Doe@Contoso.com" })
  yield* users.modify(admin, "alice", { externalId: "ext-alice", externalName: "Alice@Contoso.com" })
  yield* users.modify(admin, "bob", { externalId: "50%_off", externalName: "Bob_Builder%" })
  yield* groups.modify(admin, "developers", { externalId: "G-Dev", externalName: "Dev Team" })
  yield* groups.modify(admin, "analysts", { externalName: "Sales_Team 100%" })
})

/** The usernames of every user a filter keeps (one page holds them all), and the total. */
const usersWhere = (where: UserFilter, query: UserQuery = {}) =>
  Effect.flatMap(Users, (users) =>
    users
      .list(admin, { limit: 1000, ...query, where })
      .pipe(Effect.map((page) => page.items.map((user) => user.username)))
  )

const groupsWhere = (where: GroupFilter, query: GroupQuery = {}) =>
  Effect.flatMap(Groups, (groups) =>
    groups
      .list(admin, { limit: 1000, ...query, where })
      .pipe(Effect.map((page) => page.items.map((group) => group.name)))
  )

/** The storage contract on record filters. */
export const filterContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — filters`, () => {
    it.effect("stores a user's and a group's external id and name, and clears them with null", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          const users = yield* Users
          const groups = yield* Groups
          const john = yield* users.get(admin, "john")
          expect([john.externalId, john.externalName]).toEqual(["Ext-John", "John.Doe@Contoso.com"])
          const listed = (yield* users.list(admin, { where: compare("username", "eq", "john") })).items[0]
          expect([listed?.externalId, listed?.externalName]).toEqual(["Ext-John", "John.Doe@Contoso.com"])
          expect((yield* users.get(admin, "root")).externalId).toBeNull()
          const developers = yield* groups.get(admin, "developers")
          expect([developers.externalId, developers.externalName]).toEqual(["G-Dev", "Dev Team"])
          const cleared = yield* users.modify(admin, "john", { externalId: null })
          expect([cleared.externalId, cleared.externalName]).toEqual([null, "John.Doe@Contoso.com"])
          expect((yield* users.get(admin, "john")).externalId).toBeNull()
          yield* groups.modify(admin, "developers", { externalName: null })
          expect((yield* groups.get(admin, "developers")).externalName).toBeNull()
          const created = yield* users.create(admin, {
            username: "jdoe",
            externalId: "00u1",
            externalName: "J.Doe@Contoso.com",
            groups: ["analysts"]
          })
          expect([created.externalId, created.externalName]).toEqual(["00u1", "J.Doe@Contoso.com"])
          const group = yield* groups.create(admin, { name: "sales", externalId: "g1", externalName: "Sales" })
          expect([group.externalId, group.externalName]).toEqual(["g1", "Sales"])
          expect((yield* groups.get(admin, "sales")).externalName).toBe("Sales")
        })
      )
    )

    it.effect("refuses an external id of more than 1,024 characters or one with a control character", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          yield* refuses(users.modify(admin, "john", { externalId: "x".repeat(1025) }), "InvalidInput")
          yield* refuses(users.modify(admin, "john", { externalId: "a\u0000b" }), "InvalidInput")
          yield* refuses(users.modify(admin, "john", { externalName: "y".repeat(257) }), "InvalidInput")
          yield* refuses(groups.create(admin, { name: "sales", externalName: "Sales\nTeam" }), "InvalidInput")
          const long = yield* users.modify(admin, "john", {
            externalId: "x".repeat(1024),
            externalName: "é".repeat(256)
          })
          expect([long.externalId?.length, long.externalName?.length]).toEqual([1024, 256])
        })
      )
    )

    it.effect("an external id and name change is audited with the user's or group's other fields", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          const users = yield* Users
          const audit = yield* Audit
          const john = (yield* audit.list(admin, { target: "john", action: "user.modify" })).items[0]
          expect(john?.changes).toEqual({ externalId: "Ext-John", externalName: "John.Doe@Contoso.com" })
          const developers = (yield* audit.list(admin, { target: "developers", action: "group.modify" })).items[0]
          expect(developers?.changes).toEqual({ externalId: "G-Dev", externalName: "Dev Team" })
          yield* users.create(admin, { username: "jdoe", externalId: "00u1", groups: ["analysts"] })
          const created = (yield* audit.list(admin, { target: "jdoe", action: "user.create" })).items[0]
          expect(created?.changes).toMatchObject({ externalId: "00u1" })
          // The same values again change nothing and record nothing.
          const before = (yield* audit.list(admin, { limit: 1 })).total
          yield* users.modify(admin, "john", { externalId: "Ext-John" })
          expect((yield* audit.list(admin, { limit: 1 })).total).toBe(before)
        })
      )
    )

    it.effect("text fields compare without regard to case with every operator, the external id with case", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          expect(yield* usersWhere(compare("username", "eq", "JOHN"))).toEqual(["john"])
          expect(yield* usersWhere(compare("username", "ne", "john"))).toEqual(["admin", "alice", "bob", "root", "svc"])
          expect(yield* usersWhere(compare("username", "gt", "John"))).toEqual(["root", "svc"])
          expect(yield* usersWhere(compare("username", "le", "ALICE"))).toEqual(["admin", "alice"])
          expect(yield* usersWhere(compare("firstName", "co", "LI"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("firstName", "sw", "a"))).toEqual(["admin", "alice"])
          expect(yield* usersWhere(compare("firstName", "ge", "JOHN"))).toEqual(["john", "root", "svc"])
          expect(yield* usersWhere(compare("firstName", "lt", "b"))).toEqual(["admin", "alice"])
          expect(yield* usersWhere(compare("lastName", "ew", "ER"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("lastName", "eq", "doe"))).toEqual(["john"])
          expect(yield* usersWhere(compare("email", "eq", "JOHN@EXAMPLE.COM"))).toEqual(["john"])
          expect(yield* usersWhere(compare("email", "ew", "@Example.com"))).toEqual(["alice", "john"])
          expect(yield* usersWhere(compare("externalName", "eq", "john.doe@contoso.com"))).toEqual(["john"])
          expect(yield* usersWhere(compare("externalName", "co", "@CONTOSO"))).toEqual(["alice", "john"])
          expect(yield* usersWhere(compare("externalName", "sw", "BOB_"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalId", "eq", "Ext-John"))).toEqual(["john"])
          expect(yield* usersWhere(compare("externalId", "eq", "ext-john"))).toEqual([])
          expect(yield* usersWhere(compare("externalId", "sw", "ext"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("externalId", "sw", "EXT"))).toEqual([])
          expect(yield* usersWhere(compare("externalId", "co", "John"))).toEqual(["john"])
          expect(yield* usersWhere(compare("externalId", "co", "john"))).toEqual([])
          expect(yield* usersWhere(compare("externalId", "ew", "ice"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("externalId", "gt", "Ext-John"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("externalId", "lt", "Ext-John"))).toEqual(["bob"])
        })
      )
    )

    it.effect("names compare without regard to case outside ASCII too: ÉMILIE and émile are both found by 'émi'", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          yield* users.modify(admin, "alice", { firstName: "ÉMILIE", lastName: "Ødegård" })
          yield* users.modify(admin, "bob", { firstName: "émile", lastName: "ÖZTÜRK" })
          expect(yield* usersWhere(compare("firstName", "co", "ÉMI"))).toEqual(["alice", "bob"])
          expect(yield* usersWhere(compare("firstName", "co", "mi"))).toEqual(["alice", "bob"])
          expect(yield* usersWhere(compare("firstName", "sw", "émil"))).toEqual(["alice", "bob"])
          expect(yield* usersWhere(compare("firstName", "sw", "É"))).toEqual(["alice", "bob"])
          expect(yield* usersWhere(compare("firstName", "eq", "Émilie"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("firstName", "ne", "ÉMILE"))).toEqual([
            "admin",
            "alice",
            "john",
            "root",
            "svc"
          ])
          expect(yield* usersWhere(compare("lastName", "ew", "GÅRD"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("lastName", "co", "tür"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("lastName", "sw", "øDE"))).toEqual(["alice"])
          expect(yield* usersWhere(and(compare("firstName", "co", "émi"), compare("lastName", "ew", "ård")))).toEqual([
            "alice"
          ])
          // GLOB's and regular expressions' special characters beside such a letter are matched as themselves.
          yield* users.modify(admin, "john", { lastName: "Doe [Ø*] (Ñ.)" })
          expect(yield* usersWhere(compare("lastName", "co", "[ø*] (ñ."))).toEqual(["john"])
          expect(yield* usersWhere(compare("lastName", "ew", "(Ñ.)"))).toEqual(["john"])
          expect(yield* usersWhere(compare("lastName", "co", "ø.)"))).toEqual([])
          expect(yield* usersWhere(not(compare("lastName", "co", "TÜR")))).toEqual([
            "admin",
            "alice",
            "john",
            "root",
            "svc"
          ])
        })
      )
    )

    it.effect("LIKE wildcards and the escape character in a value are matched as themselves", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          const users = yield* Users
          yield* users.modify(admin, "alice", { externalId: "50x-off!" })
          yield* users.modify(admin, "root", { externalId: "500_off", externalName: "Root[*]?" })
          expect(yield* usersWhere(compare("externalId", "co", "50%_off"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalId", "co", "%"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalId", "co", "_"))).toEqual(["bob", "root"])
          expect(yield* usersWhere(compare("externalId", "sw", "50%"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalId", "ew", "off!"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("externalId", "co", "!"))).toEqual(["alice"])
          expect(yield* usersWhere(compare("externalName", "co", "%"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalName", "ew", "R%"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalName", "co", "_b"))).toEqual(["bob"])
          expect(yield* usersWhere(compare("externalName", "co", "[*]"))).toEqual(["root"])
          expect(yield* usersWhere(compare("externalName", "ew", "?"))).toEqual(["root"])
          expect(yield* usersWhere(compare("externalName", "co", "*"))).toEqual(["root"])
          expect(yield* groupsWhere(compare("externalName", "ew", "100%"))).toEqual(["analysts"])
          expect(yield* groupsWhere(compare("externalName", "co", "s_t"))).toEqual(["analysts"])
          expect(yield* groupsWhere(compare("externalName", "co", "s t"))).toEqual([])
        })
      )
    )

    it.effect(
      "a missing value matches no comparison, ne included, and its negation matches; present needs a value",
      () =>
        seeded(
          Effect.gen(function* () {
            yield* withExternals
            const users = yield* Users
            yield* users.modify(admin, "root", { firstName: null })
            expect(yield* usersWhere(compare("email", "ne", "john@example.com"))).toEqual(["alice"])
            expect(yield* usersWhere(not(compare("email", "eq", "john@example.com")))).toEqual([
              "admin",
              "alice",
              "bob",
              "root",
              "svc"
            ])
            expect(yield* usersWhere(not(compare("externalId", "co", "")))).toEqual(["admin", "root", "svc"])
            expect(yield* usersWhere(compare("externalId", "co", ""))).toEqual(["alice", "bob", "john"])
            expect(yield* usersWhere(present("email"))).toEqual(["alice", "john"])
            expect(yield* usersWhere(present("externalName"))).toEqual(["alice", "bob", "john"])
            expect(yield* usersWhere(not(present("externalId")))).toEqual(["admin", "root", "svc"])
            // An empty first name is no name: not present, yet equal to "".
            expect(yield* usersWhere(not(present("firstName")))).toEqual(["root"])
            expect(yield* usersWhere(compare("firstName", "eq", ""))).toEqual(["root"])
            expect(yield* usersWhere(present("enabled"))).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
            expect(yield* usersWhere(present("group"))).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
            expect(yield* groupsWhere(present("externalId"))).toEqual(["developers"])
            expect(yield* groupsWhere(not(present("externalName")))).toEqual(["admins"])
          })
        )
    )

    it.effect("booleans, times, GIDs and memberships compare with their own operators", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const start = new Date(yield* TestClock.currentTimeMillis)
          yield* TestClock.adjust(Duration.hours(1))
          yield* users.disable(admin, "bob")
          const later = new Date(start.getTime() + 3_600_000)
          yield* TestClock.adjust(Duration.hours(1))
          yield* groups.create(admin, { name: "sales", gid: 2000, members: ["john"] })
          expect(yield* usersWhere(compare("enabled", "eq", false))).toEqual(["bob"])
          expect(yield* usersWhere(compare("enabled", "ne", true))).toEqual(["bob"])
          expect(yield* usersWhere(compare("system", "eq", true))).toEqual(["svc"])
          expect(yield* usersWhere(compare("updatedAt", "eq", later))).toEqual(["bob"])
          expect(yield* usersWhere(compare("updatedAt", "ge", later.toISOString()))).toEqual(["bob", "john"])
          expect(yield* usersWhere(compare("updatedAt", "gt", later))).toEqual(["john"])
          expect(yield* usersWhere(compare("createdAt", "lt", later))).toEqual([
            "admin",
            "alice",
            "bob",
            "john",
            "root",
            "svc"
          ])
          expect(yield* usersWhere(compare("createdAt", "ne", start))).toEqual([])
          expect(yield* usersWhere(compare("group", "eq", "Developers"))).toEqual(["alice", "john", "svc"])
          expect(yield* usersWhere(compare("group", "eq", "nosuchgroup"))).toEqual([])
          expect(yield* groupsWhere(compare("gid", "gt", 1001))).toEqual(["analysts", "sales"])
          expect(yield* groupsWhere(compare("gid", "le", 1001))).toEqual(["admins", "developers"])
          expect(yield* groupsWhere(compare("gid", "eq", "2000"))).toEqual(["sales"])
          expect(yield* groupsWhere(compare("createdAt", "ge", later))).toEqual(["sales"])
          expect(yield* groupsWhere(compare("member", "eq", "ALICE"))).toEqual(["analysts", "developers"])
          expect(yield* groupsWhere(compare("member", "eq", "john"))).toEqual(["developers", "sales"])
          expect(yield* groupsWhere(compare("name", "sw", "A"))).toEqual(["admins", "analysts"])
          yield* groups.create(admin, { name: "empty" })
          expect(yield* groupsWhere(not(present("member")))).toEqual(["empty"])
        })
      )
    )

    it.effect("and, or and not nest, and an empty and keeps everything while an empty or keeps nothing", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          const developersNotSystem = and(compare("group", "eq", "developers"), not(compare("system", "eq", true)))
          expect(yield* usersWhere(developersNotSystem)).toEqual(["alice", "john"])
          expect(yield* usersWhere(or(developersNotSystem, compare("firstName", "eq", "bob")))).toEqual([
            "alice",
            "bob",
            "john"
          ])
          expect(
            yield* usersWhere(
              not(or(compare("group", "eq", "analysts"), and(present("email"), compare("username", "sw", "j"))))
            )
          ).toEqual(["admin", "root", "svc"])
          expect(yield* usersWhere(not(not(compare("username", "eq", "bob"))))).toEqual(["bob"])
          expect(yield* usersWhere(and())).toEqual(["admin", "alice", "bob", "john", "root", "svc"])
          expect(yield* usersWhere(or())).toEqual([])
          expect(yield* usersWhere(not(or()))).toHaveLength(6)
          expect(yield* groupsWhere(or(compare("externalId", "eq", "G-Dev"), compare("member", "eq", "root")))).toEqual(
            ["admins", "developers"]
          )
        })
      )
    )

    it.effect("a filter combines with the other filters, search, every sort, both pagings and the totals", () =>
      seeded(
        Effect.gen(function* () {
          yield* withExternals
          const users = yield* Users
          const groups = yield* Groups
          for (let i = 1; i <= 7; i++) {
            yield* users.create(admin, {
              username: `member${i}`,
              firstName: i % 2 === 0 ? "Even" : "Odd",
              ...(i % 3 === 0 ? {} : { externalName: `Member${i}@Contoso.com` }),
              groups: ["analysts"]
            })
          }
          const where = or(compare("externalName", "ew", "@contoso.com"), compare("username", "eq", "svc"))
          const all = yield* usersWhere(where)
          expect(all).toEqual(["alice", "john", "member1", "member2", "member4", "member5", "member7", "svc"])
          const page = yield* users.list(admin, { where, limit: 3, offset: 2 })
          expect([page.total, page.items.map((user) => user.username)]).toEqual([8, ["member1", "member2", "member4"]])
          expect(yield* usersWhere(where, { group: "analysts", search: "odd" })).toEqual([
            "member1",
            "member5",
            "member7"
          ])
          expect(yield* usersWhere(where, { enabled: true, system: true })).toEqual(["svc"])
          for (const sort of ["firstName", "email", "groups", "updatedAt"] as const) {
            for (const order of ["asc", "desc"] as const) {
              const sorted = yield* usersWhere(where, { sort, order })
              expect(sorted.slice().sort()).toEqual(all)
              const streamed = yield* Stream.runCollect(
                users.stream(admin, { where, sort, order, pageSize: 3 } satisfies UserStreamQuery)
              )
              expect(Chunk.toReadonlyArray(streamed).map((user) => user.username)).toEqual(sorted)
            }
          }
          const groupPage = yield* groups.list(admin, {
            where: present("externalName"),
            sort: "gid",
            order: "desc",
            limit: 1,
            offset: 1
          })
          expect([groupPage.total, groupPage.items.map((group) => group.name)]).toEqual([2, ["developers"]])
        })
      )
    )

    it.effect("refuses a filter a store could not run with one sentence naming the problem, before any read", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const refused = (where: unknown) =>
            refuses(users.list(admin, { where: where as UserFilter }), "InvalidInput").pipe(
              Effect.map((error) => error.message)
            )
          expect(yield* refused(compare("enabled", "co", "t"))).toBe(
            "Invalid where: 'co' does not apply to enabled, a true/false field: use eq, ne."
          )
          expect(yield* refused(compare("group", "gt", "a"))).toMatch(/'gt' does not apply to group/)
          expect(yield* refused(compare("enabled", "eq", "yes"))).toMatch(/enabled compares with true or false/)
          expect(yield* refused(compare("createdAt", "gt", "yesterday"))).toMatch(/createdAt compares with a time/)
          expect(yield* refused(compare("password", "eq", "x"))).toMatch(/'password' is not a user field/)
          expect(yield* refused(compare("username", "like" as Operator, "x"))).toMatch(/'like' is not an operator/)
          expect(yield* refused({ _tag: "Xor" })).toMatch(/a filter is a Compare, Present, And, Or or Not/)
          const many = Array.from({ length: 200 }, () => compare("username", "eq", "x"))
          expect(yield* refused(or(...many))).toMatch(/at most 200 conditions/)
          yield* refuses(groups.list(admin, { where: compare("gid", "co", "1") as GroupFilter }), "InvalidInput")
          yield* refuses(groups.list(admin, { where: compare("member", "ne", "john") as GroupFilter }), "InvalidInput")
          yield* refuses(groups.list(admin, { where: compare("gid", "eq", 1.5) as GroupFilter }), "InvalidInput")
        })
      )
    )

    it.effect("lists exactly the users and groups the core's predicate keeps, for random filters (property)", () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const groups = yield* Groups
          const [directory] = fc.sample(directoryArbitrary, { numRuns: 1, seed: 20261205 })
          for (const [index, person] of (directory ?? []).entries()) {
            yield* TestClock.adjust(Duration.millis(person.delay))
            yield* users.create(admin, {
              username: `p${index}`,
              firstName: person.firstName,
              lastName: person.lastName,
              ...(person.email === null ? {} : { email: `${person.email}${index}@Example.com` }),
              ...(person.externalId === null ? {} : { externalId: person.externalId }),
              ...(person.externalName === null ? {} : { externalName: person.externalName }),
              groups: person.groups
            })
            if (!person.enabled) yield* users.disable(admin, `p${index}`)
            if (index % 3 === 0) {
              yield* groups.modify(admin, person.groups[0] ?? "analysts", {
                externalId: person.externalId,
                externalName: person.externalName
              })
            }
          }
          const everyUser = (yield* users.list(admin, { limit: 1000 })).items
          const everyGroup = (yield* groups.list(admin, { limit: 1000 })).items
          const members = new Map<string, Set<string>>()
          for (const user of everyUser) {
            for (const group of user.groups) members.set(group, (members.get(group) ?? new Set()).add(user.username))
          }
          const userValue = (user: User) => (field: UserField) =>
            field === "group" ? new Set<string>(user.groups) : user[field]
          const groupValue = (group: Group) => (field: GroupField) =>
            field === "member" ? (members.get(group.name) ?? new Set<string>()) : group[field]
          for (const filter of fc.sample(userFilterArbitrary, { numRuns: 60, seed: 7 })) {
            const checked = yield* checkUserFilter(filter)
            const expected = everyUser
              .filter((user) => matchesFilter(USER_FIELD_RULES, checked, userValue(user)))
              .map((user) => user.username)
            const page = yield* users.list(admin, { where: filter, limit: 1000 })
            expect([filter, page.items.map((user) => user.username), page.total]).toEqual([
              filter,
              expected,
              expected.length
            ])
          }
          for (const filter of fc.sample(groupFilterArbitrary, { numRuns: 40, seed: 11 })) {
            const checked = yield* checkGroupFilter(filter)
            const expected = everyGroup
              .filter((group) => matchesFilter(GROUP_FIELD_RULES, checked, groupValue(group)))
              .map((group) => group.name)
            const page = yield* groups.list(admin, { where: filter, limit: 1000 })
            expect([filter, page.items.map((group) => group.name), page.total]).toEqual([
              filter,
              expected,
              expected.length
            ])
          }
        })
      )
    )
  })
}

/** Short texts over a few letters in both cases and the LIKE and GLOB wildcards, so that random values often meet. */
const text = fc
  .array(fc.constantFrom("a", "A", "b", "B", "é", "%", "_", "!", "*", "[", "-", "."), { minLength: 0, maxLength: 3 })
  .map((chars) => chars.join(""))
const nonEmpty = text.filter((value) => value.length > 0)

const directoryArbitrary = fc.array(
  fc.record({
    firstName: text,
    lastName: text,
    email: fc.option(fc.constantFrom("ab", "Ab", "b_a", "x%y")),
    externalId: fc.option(nonEmpty),
    externalName: fc.option(nonEmpty),
    enabled: fc.boolean(),
    groups: fc.constantFrom(["developers"], ["analysts"], ["developers", "analysts"]),
    delay: fc.constantFrom(0, 1, 1000)
  }),
  { minLength: 6, maxLength: 10 }
)

const textOperator = fc.constantFrom<Operator>("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le")
const orderOperator = fc.constantFrom<Operator>("eq", "ne", "gt", "ge", "lt", "le")
const instant = fc.integer({ min: 0, max: 8000 }).map((ms) => new Date(ms))

const userLeaf: fc.Arbitrary<UserFilter> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<UserField>("username", "firstName", "lastName", "email", "externalId", "externalName"),
      textOperator,
      fc.oneof(text, fc.constantFrom("p1", "P2", "p", "ab1@example.com", "ab"))
    )
    .map(([field, operator, value]) => compare(field, operator, value)),
  fc
    .tuple(fc.constantFrom<UserField>("enabled", "system"), fc.constantFrom<Operator>("eq", "ne"), fc.boolean())
    .map(([field, operator, value]) => compare(field, operator, value)),
  fc
    .tuple(fc.constantFrom<UserField>("createdAt", "updatedAt"), orderOperator, instant)
    .map(([field, operator, value]) => compare(field, operator, value)),
  fc.constantFrom("developers", "Analysts", "admins", "none").map((group) => compare<UserField>("group", "eq", group)),
  fc
    .constantFrom<UserField>("email", "externalId", "externalName", "firstName", "group", "enabled")
    .map((field) => present(field))
)

const groupLeaf: fc.Arbitrary<GroupFilter> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<GroupField>("name", "externalId", "externalName"),
      textOperator,
      fc.oneof(text, fc.constantFrom("analysts", "DEV", "s"))
    )
    .map(([field, operator, value]) => compare(field, operator, value)),
  fc
    .tuple(orderOperator, fc.integer({ min: 999, max: 1003 }))
    .map(([operator, value]) => compare<GroupField>("gid", operator, value)),
  fc
    .tuple(fc.constantFrom<GroupField>("createdAt", "updatedAt"), orderOperator, instant)
    .map(([field, operator, value]) => compare(field, operator, value)),
  fc.constantFrom("p1", "P3", "admin", "nobody").map((member) => compare<GroupField>("member", "eq", member)),
  fc.constantFrom<GroupField>("externalId", "externalName", "member").map((field) => present(field))
)

/** Trees of up to three levels of and/or/not over the leaves. */
const tree = <F extends string>(leaf: fc.Arbitrary<RecordFilter<F>>): fc.Arbitrary<RecordFilter<F>> =>
  fc.letrec<{ node: RecordFilter<F> }>((self) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(self("node"), { maxLength: 3 }).map((filters) => and(...filters)),
      fc.array(self("node"), { maxLength: 3 }).map((filters) => or(...filters)),
      self("node").map((filter) => not(filter))
    )
  })).node

const userFilterArbitrary = tree(userLeaf)
const groupFilterArbitrary = tree(groupLeaf)
