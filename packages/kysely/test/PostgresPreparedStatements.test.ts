/**
 * PostgreSQL's prepared lookups (`PostgresDirectory.Options.preparedStatements`): the lookups by key every operation
 * runs are prepared once on each connection and not planned again; a search, whose best plan depends on its pattern,
 * is planned on each call; a prepared read still answers after another process's migration adds a column; and a host
 * behind a pooler that cannot keep prepared statements turns them off.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Groups } from "@user-manager/core/Groups"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import { postgresUrl, withDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import * as DatabaseUrl from "../src/DatabaseUrl.js"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as PostgresDirectory from "../src/PostgresDirectory.js"

const admin = Actor.user("admin")
const url = postgresUrl
const name = `dt_test_prepared_${process.pid}`

// biome-ignore lint/suspicious/noExplicitAny: the manager's view of the database is untyped
const services = (db: Kysely<any>, migrate = false) =>
  UserManager.layer({ directory: KyselyDirectory.layer({ db, engine: "postgres", migrate }), hasher: TestHasher })

/** The statements prepared on the pool's one connection. */
// biome-ignore lint/suspicious/noExplicitAny: as above
const prepared = (db: Kysely<any>) =>
  Effect.promise(async () =>
    (
      await sql<{ statement: string }>`select statement from pg_prepared_statements order by statement`.execute(db)
    ).rows.map((row) => row.statement)
  )

/** Reads a user, a group's page of members, a searched one, and a searched page of users, `times` times each. */
const operations = (times: number) =>
  Effect.gen(function* () {
    const users = yield* Users
    const groups = yield* Groups
    for (let i = 0; i < times; i++) {
      yield* users.get(admin, "ann")
      yield* groups.members(admin, "staff", { limit: 10 })
      yield* groups.members(admin, "staff", { limit: 10, search: "smith" })
      yield* users.list(admin, { search: "smith" })
    }
  })

describe.skipIf(url === undefined)("PostgreSQL (server) — prepared lookups", () => {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let server: Kysely<any>
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const open = (options: { readonly preparedStatements?: boolean } = {}): Kysely<any> =>
    PostgresDirectory.open({ url: withDatabase(url as string, name), poolSize: 1, ...options })

  beforeAll(async () => {
    server = PostgresDirectory.open({ url: url as string, poolSize: 1 })
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server)
    await sql`create database ${sql.id(name)}`.execute(server)
    const db = open()
    await Effect.runPromise(
      Effect.gen(function* () {
        const users = yield* Users
        yield* users.bootstrap({ username: "admin", password: "correct horse battery" })
        yield* Effect.flatMap(Groups, (groups) => groups.create(admin, { name: "staff" }))
        yield* users.create(admin, { username: "ann", firstName: "Ann", lastName: "Smith", groups: ["staff"] })
      }).pipe(Effect.provide(services(db, true)))
    )
    await db.destroy()
  }, 60_000)
  afterAll(async () => {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server)
    await server.destroy()
  })

  it.effect(
    "the lookups every operation runs and the walk of a group's members are prepared once on a connection, and a search of the users is planned each time",
    () =>
      Effect.gen(function* () {
        const db = open()
        yield* Effect.addFinalizer(() => Effect.promise(() => db.destroy()))
        yield* operations(3).pipe(Effect.provide(services(db)))
        const first = yield* prepared(db)
        // The settings, the signed-in user with their groups, a page of members; of the searches, only the walk of a
        // group's members (its plan is the same for every term).
        expect(first.some((statement) => statement.includes(`from "settings"`))).toBe(true)
        expect(first.some((statement) => statement.includes(`left join "memberships"`))).toBe(true)
        expect(first.some((statement) => statement.startsWith(`select m.username from "memberships" as m\n`))).toBe(
          true
        )
        const searches = first.filter((statement) => / like /i.test(statement))
        expect(searches.map((statement) => statement.includes(`from "memberships" where group_name`))).toEqual([true])
        yield* operations(5).pipe(Effect.provide(services(db)))
        expect(yield* prepared(db)).toEqual(first)
      }).pipe(Effect.scoped)
  )

  it.effect("a prepared read of a user or a group still answers after another process's migration adds a column", () =>
    Effect.gen(function* () {
      const db = open()
      const other = open({ preparedStatements: false })
      yield* Effect.addFinalizer(() =>
        Effect.promise(async () => {
          await sql`alter table users drop column if exists added_later`.execute(other)
          await sql`alter table groups drop column if exists added_later`.execute(other)
          await Promise.all([db.destroy(), other.destroy()])
        })
      )
      const read = Effect.gen(function* () {
        const user = yield* Effect.flatMap(Users, (users) => users.get(admin, "ann"))
        const group = yield* Effect.flatMap(Groups, (groups) => groups.get(admin, "staff"))
        return { user, group }
      }).pipe(Effect.provide(services(db)))
      // Past its fifth run PostgreSQL may keep a generic plan of a prepared statement: six, to be past it.
      for (let i = 0; i < 6; i++) yield* read
      const before = yield* read
      yield* Effect.promise(async () => {
        await sql`alter table users add column added_later text`.execute(other)
        await sql`alter table groups add column added_later text`.execute(other)
      })
      expect(yield* read).toEqual(before)
    }).pipe(Effect.scoped)
  )

  it.effect("with preparedStatements: false (PostgresDirectory, DatabaseUrl) nothing is prepared", () =>
    Effect.gen(function* () {
      const parsed = yield* DatabaseUrl.parse(withDatabase(url as string, name))
      const db = yield* DatabaseUrl.open(parsed, { poolSize: 1, preparedStatements: false })
      yield* Effect.addFinalizer(() => Effect.promise(() => db.destroy()))
      yield* operations(3).pipe(Effect.provide(services(db)))
      expect(yield* prepared(db)).toEqual([])
    }).pipe(Effect.scoped)
  )
})
