import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import {
  mysqlServer,
  mysqlUrl,
  pglite,
  postgresServer,
  postgresUrl,
  sqliteFile,
  type TestDatabase
} from "@user-manager/test-stores/stores"
import { Effect } from "effect"
import { CamelCasePlugin, sql } from "kysely"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as Migrations from "../src/Migrations.js"

const pgUrl = postgresUrl
const myUrl = mysqlUrl
const engines: ReadonlyArray<readonly [string, (() => Promise<TestDatabase>) | undefined]> = [
  ["SQLite (file)", sqliteFile],
  ["PostgreSQL (PGlite)", pglite],
  ["PostgreSQL (server)", pgUrl === undefined ? undefined : () => postgresServer(pgUrl)],
  ["MariaDB/MySQL (server)", myUrl === undefined ? undefined : () => mysqlServer(myUrl)]
]

const tableNames = (database: TestDatabase) =>
  Effect.promise(() => database.db.introspection.getTables()).pipe(
    Effect.map((tables) => tables.map((table) => table.name).sort())
  )

for (const [name, open] of engines) {
  const suite = open === undefined ? describe.skip : describe
  const skipped =
    open === undefined
      ? ` (skipped: set ${name.startsWith("Postgre") ? "DT_TEST_POSTGRES_URL" : "DT_TEST_MYSQL_URL"})`
      : ""
  suite(`${name} — migrations${skipped}`, () => {
    let database: TestDatabase
    // Opening PGlite (PostgreSQL built to WebAssembly) took over a minute in a support-matrix line under CI's load.
    beforeAll(async () => {
      database = await (open as () => Promise<TestDatabase>)()
    }, 180_000)
    afterAll(async () => {
      await database?.drop()
    })
    const target = (prefix = "") => ({ db: database.db, engine: database.engine, prefix })

    it.effect("refuses to open a database without the schema and says to run the migrations", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(KyselyDirectory.make({ ...target(), migrate: false }))
        expect(error.message).toContain("has no user manager schema yet")
      })
    )

    it.effect("migrates up, opens, migrates down to nothing, and up again", () =>
      Effect.gen(function* () {
        expect(yield* Migrations.migrateToLatest(target())).toEqual(Migrations.names)
        expect(yield* Migrations.applied(target())).toEqual(Migrations.names)
        yield* KyselyDirectory.make({ ...target(), migrate: false })
        const tables = yield* tableNames(database)
        expect(tables).toEqual(
          expect.arrayContaining(["audit", "gid_ledger", "groups", "memberships", "meta", "users"])
        )
        for (const _ of Migrations.names) yield* Migrations.migrateDown(target())
        expect(yield* Migrations.applied(target())).toEqual([])
        const left = (yield* tableNames(database)).filter((table) => !table.startsWith("dt_migration"))
        expect(left).toEqual([])
        expect(yield* Migrations.migrateToLatest(target())).toEqual(Migrations.names)
        expect(yield* Migrations.migrateToLatest(target())).toEqual([])
      })
    )

    it.effect("refuses to run on a schema newer than the code, naming the unknown migration", () =>
      Effect.gen(function* () {
        yield* Migrations.migrateToLatest(target())
        yield* Effect.promise(() =>
          database.db
            .insertInto("dt_migration")
            .values({ name: "29991231000000_future", timestamp: new Date().toISOString() })
            .execute()
        )
        const error = yield* Effect.flip(KyselyDirectory.make({ ...target(), migrate: true }))
        expect(error.message).toContain("newer than this version")
        expect(error.message).toContain("29991231000000_future")
        yield* Effect.promise(() =>
          database.db.deleteFrom("dt_migration").where("name", "=", "29991231000000_future").execute()
        )
      })
    )

    it.effect(
      "records, as each migration runs, the oldest migration a version must know to run on the schema it leaves",
      () =>
        Effect.gen(function* () {
          yield* Migrations.migrateToLatest(target())
          const rows = yield* Effect.promise(() =>
            database.db
              .selectFrom("dt_migration_compatibility")
              .select(["migration", "oldest_compatible"])
              .orderBy("migration")
              .execute()
          )
          const recorded = Migrations.names.filter((name) => name >= "20261204000000_migration_compatibility")
          expect(rows).toEqual(
            recorded.map((name) => ({ migration: name, oldest_compatible: Migrations.oldestCompatible[name] }))
          )
          // Each names a migration at or before itself: no migration can need a version newer than the one bringing it.
          for (const name of Migrations.names) {
            expect(Migrations.names.includes(Migrations.oldestCompatible[name] as string)).toBe(true)
            expect((Migrations.oldestCompatible[name] as string) <= name).toBe(true)
          }
        })
    )

    it.effect(
      "runs on a newer schema whose unknown migrations say this version still runs on it, and refuses one that needs a newer version, naming both migrations",
      () =>
        Effect.gen(function* () {
          yield* Migrations.migrateToLatest(target())
          const newest = Migrations.names[Migrations.names.length - 1] as string
          const future = "29991231000000_future"
          const needs = (oldest: string) =>
            Effect.promise(async () => {
              await database.db.deleteFrom("dt_migration_compatibility").where("migration", "=", future).execute()
              await database.db
                .insertInto("dt_migration_compatibility")
                .values({ migration: future, oldest_compatible: oldest })
                .execute()
            })
          yield* Effect.promise(() =>
            database.db
              .insertInto("dt_migration")
              .values({ name: future, timestamp: new Date().toISOString() })
              .execute()
          )
          // An expand migration of a newer release: this version keeps serving, and has nothing to apply.
          yield* needs(newest)
          expect(yield* Migrations.check(target())).toEqual([future])
          yield* Migrations.readiness(target())
          expect(yield* Migrations.migrateToLatest(target())).toEqual([])
          yield* KyselyDirectory.make({ ...target(), migrate: true })
          // A contract migration: only versions that know it run on the schema it leaves.
          yield* needs(future)
          const sentence = `the database schema is newer than this version of the user manager and no longer runs with it (migration ${future} needs a version that knows migration ${future}): upgrade the user manager`
          expect((yield* Effect.flip(Migrations.check(target()))).reason).toBe(sentence)
          expect(yield* Effect.flip(Migrations.readiness(target()))).toBe(sentence)
          expect((yield* Effect.flip(Migrations.migrateToLatest(target()))).reason).toBe(sentence)
          expect((yield* Effect.flip(KyselyDirectory.make({ ...target(), migrate: true }))).message).toContain(sentence)
          yield* Effect.promise(async () => {
            await database.db.deleteFrom("dt_migration_compatibility").where("migration", "=", future).execute()
            await database.db.deleteFrom("dt_migration").where("name", "=", future).execute()
          })
          expect(yield* Migrations.check(target())).toEqual([])
        })
    )

    // The servers only: two instances there migrate on two connections, one waiting for the lock the other holds.
    if (name.endsWith("(server)"))
      it.effect(
        "an instance that waited for the migration lock while a newer release migrated runs on the schema it left, as one started after it would",
        () =>
          Effect.gen(function* () {
            yield* Migrations.migrateToLatest(target())
            const future = "29991231000000_future"
            const newest = Migrations.names[Migrations.names.length - 1] as string
            const adapter = database.db.getExecutor().adapter
            const migrating = yield* Effect.promise(() =>
              database.db.connection().execute(async (newer) => {
                // The newer release holds the lock: this version reads the schema, then waits for the lock.
                await adapter.acquireMigrationLock(newer, { lockTable: "", lockRowId: "" })
                const started = Effect.runPromise(Effect.either(Migrations.migrateToLatest(target())))
                const waiting = async () => {
                  const { rows } = await (database.engine === "postgres"
                    ? sql<{
                        n: number
                      }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`
                    : sql<{
                        n: number
                      }>`select count(*) as n from information_schema.processlist where state = 'User lock'`
                  ).execute(newer)
                  return Number(rows[0]?.n ?? 0) > 0
                }
                // Bounded: a version that never waits (it settled at once, or waits on something else) fails the
                // test with a sentence instead of holding the lock until the test's timeout.
                let settled = false
                started.finally(() => {
                  settled = true
                })
                const deadline = Date.now() + 30_000
                while (!(await waiting())) {
                  if (settled || Date.now() > deadline) {
                    await adapter.releaseMigrationLock(newer, { lockTable: "", lockRowId: "" })
                    throw new Error(`the older version did not wait for the migration lock (settled: ${settled})`)
                  }
                  await new Promise((resolve) => setTimeout(resolve, 20))
                }
                // The newer release applies an expand migration this version does not know, then lets go.
                await newer
                  .insertInto("dt_migration")
                  .values({ name: future, timestamp: new Date().toISOString() })
                  .execute()
                await newer
                  .insertInto("dt_migration_compatibility")
                  .values({ migration: future, oldest_compatible: newest })
                  .execute()
                await adapter.releaseMigrationLock(newer, { lockTable: "", lockRowId: "" })
                return started
              })
            )
            yield* Effect.promise(async () => {
              await database.db.deleteFrom("dt_migration_compatibility").where("migration", "=", future).execute()
              await database.db.deleteFrom("dt_migration").where("name", "=", future).execute()
            })
            expect(migrating._tag === "Right" ? migrating.right : migrating.left.reason).toEqual([])
          })
      )

    it.effect("says which migration is pending on an older schema", () =>
      Effect.gen(function* () {
        yield* Migrations.migrateToLatest(target())
        const last = Migrations.names[Migrations.names.length - 1] as string
        yield* Effect.promise(() => database.db.deleteFrom("dt_migration").where("name", "=", last).execute())
        const error = yield* Effect.flip(KyselyDirectory.make({ ...target(), migrate: false }))
        expect(error.message).toMatch(Migrations.names.length === 1 ? /no user manager schema yet/ : /is pending/)
        yield* Effect.promise(() =>
          database.db.insertInto("dt_migration").values({ name: last, timestamp: new Date().toISOString() }).execute()
        )
        yield* KyselyDirectory.make({ ...target(), migrate: false })
      })
    )

    it.effect(
      "a database left before the sort-key migration, holding users, opens and upgrades with its data searchable",
      () =>
        Effect.gen(function* () {
          for (const _ of Migrations.names) yield* Migrations.migrateDown(target())
          const previous = Migrations.names[Migrations.names.indexOf("20261203040000_sort_key") - 1] as string
          yield* Migrations.migrateTo(target(), previous)
          const now = new Date().toISOString()
          yield* Effect.promise(() =>
            database.db
              .insertInto("users")
              .values({
                username: "legacy",
                first_name: "Old",
                last_name: "Timer",
                email: null,
                email_key: null,
                enabled: 1,
                system: 0,
                password_hash: null,
                search_text: "legacy\nold\ntimer",
                created_at: now,
                updated_at: now,
                version: 1
              })
              .execute()
          )
          const directory = yield* KyselyDirectory.make({ ...target(), migrate: true })
          expect(yield* Migrations.applied(target())).toEqual(Migrations.names)
          const found = yield* directory.read((tx) =>
            tx.listUsers({ search: "timer", sort: "username", order: "asc", limit: 10, offset: 0, count: true })
          )
          expect(found.items.map((user) => user.username)).toEqual(["legacy"])
          // The sort-key migration gave the row its full name to search and its names' sort keys.
          const byFullName = yield* directory.read((tx) =>
            tx.listUsers({ search: "old timer", sort: "fullName", order: "asc", limit: 10, offset: 0, count: true })
          )
          expect(byFullName.items.map((user) => user.username)).toEqual(["legacy"])
          const keys = yield* Effect.promise(() =>
            database.db
              .selectFrom("users")
              .select(["first_name_key", "last_name_key", "full_name_key"])
              .where("username", "=", "legacy")
              .executeTakeFirstOrThrow()
          )
          expect(keys).toEqual({ first_name_key: "old", last_name_key: "timer", full_name_key: "old timer" })
          yield* Effect.promise(() => database.db.deleteFrom("users").execute())
        })
    )

    it.effect(
      "a database left before the email-search migration finds its users by email after it, and not after down",
      () =>
        Effect.gen(function* () {
          for (const _ of Migrations.names) yield* Migrations.migrateDown(target())
          yield* Migrations.migrateTo(target(), "20261205010000_postgres_search_walk_index")
          const now = new Date().toISOString()
          const user = (username: string, email: string | null) => ({
            username,
            first_name: "Old",
            last_name: "Timer",
            email,
            email_key: email?.toLowerCase() ?? null,
            enabled: 1,
            system: 0,
            password_hash: null,
            search_text: `${username}\nold timer`,
            first_name_key: "old",
            last_name_key: "timer",
            full_name_key: "old timer",
            created_at: now,
            updated_at: now,
            version: 1
          })
          yield* Effect.promise(() =>
            database.db
              .insertInto("users")
              .values([user("legacy", "Legacy@Example.ORG"), user("noemail", null)])
              .execute()
          )
          const directory = yield* KyselyDirectory.make({ ...target(), migrate: true })
          const found = (search: string) =>
            directory
              .read((tx) => tx.listUsers({ search, sort: "username", order: "asc", limit: 10, offset: 0, count: true }))
              .pipe(Effect.map((page) => page.items.map((listed) => listed.username)))
          expect(yield* found("example.org")).toEqual(["legacy"])
          expect(yield* found("old timer")).toEqual(["legacy", "noemail"])
          const texts = () =>
            Effect.promise(() =>
              database.db.selectFrom("users").select(["username", "search_text"]).orderBy("username").execute()
            )
          expect(yield* texts()).toEqual([
            { username: "legacy", search_text: "legacy\nold timer\nlegacy@example.org" },
            { username: "noemail", search_text: "noemail\nold timer" }
          ])
          yield* Migrations.migrateTo(target(), "20261205010000_postgres_search_walk_index")
          expect(yield* texts()).toEqual([
            { username: "legacy", search_text: "legacy\nold timer" },
            { username: "noemail", search_text: "noemail\nold timer" }
          ])
          yield* Effect.promise(() => database.db.deleteFrom("users").execute())
          yield* Migrations.migrateToLatest(target())
        })
    )

    it.effect(
      "the system-user migration removes system users' password hashes and sessions, one audit entry each, and nothing else",
      () =>
        Effect.gen(function* () {
          for (const _ of Migrations.names) yield* Migrations.migrateDown(target())
          const migration = Migrations.names.indexOf("20261203010000_system_users_no_password")
          yield* Migrations.migrateTo(target(), Migrations.names[migration - 1] as string)
          const now = new Date().toISOString()
          const user = (username: string, system: number, passwordHash: string | null) => ({
            username,
            first_name: "",
            last_name: "",
            email: null,
            email_key: null,
            enabled: 1,
            system,
            password_hash: passwordHash,
            search_text: username,
            created_at: now,
            updated_at: now,
            version: 1
          })
          const session = (tokenHash: string, username: string) => ({
            token_hash: tokenHash,
            username,
            created_at: now,
            expires_at: "2999-01-01T00:00:00.000Z"
          })
          yield* Effect.promise(async () => {
            await database.db
              .insertInto("users")
              .values([
                user("robot", 1, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"),
                user("svc", 1, null),
                user("human", 0, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aHVtYW4")
              ])
              .execute()
            await database.db
              .insertInto("sessions")
              .values([session("a".repeat(64), "robot"), session("b".repeat(64), "human")])
              .execute()
          })
          const directory = yield* KyselyDirectory.make({ ...target(), migrate: true })
          const users = yield* Effect.promise(() =>
            database.db
              .selectFrom("users")
              .select(["username", "password_hash", "version"])
              .orderBy("username")
              .execute()
          )
          expect(users).toEqual([
            { username: "human", password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aHVtYW4", version: 1 },
            { username: "robot", password_hash: null, version: 2 },
            { username: "svc", password_hash: null, version: 1 }
          ])
          const sessions = yield* Effect.promise(() => database.db.selectFrom("sessions").select("username").execute())
          expect(sessions).toEqual([{ username: "human" }])
          const trail = yield* directory.read((tx) => tx.listAudit({ limit: 10, offset: 0 }))
          expect(trail.total).toBe(1)
          expect(trail.items[0]).toMatchObject({
            actor: "(migration)",
            action: "user.modify",
            targetType: "user",
            target: "robot",
            changes: { password: "removed", reason: "system users hold no password and never sign in" }
          })
          yield* Effect.promise(async () => {
            await database.db.deleteFrom("audit").execute()
            await database.db.deleteFrom("sessions").execute()
            await database.db.deleteFrom("users").execute()
          })
        })
    )

    it.effect("keeps its tables beside the host's own under a prefix, untouched by the host's plugins", () =>
      Effect.gen(function* () {
        yield* Effect.promise(() =>
          database.db.schema.createTable("host_users").ifNotExists().addColumn("id", "integer").execute()
        )
        const host = database.db.withPlugin(new CamelCasePlugin())
        const directory = yield* KyselyDirectory.make({
          db: host,
          engine: database.engine,
          prefix: "um_",
          migrate: true
        })
        const tables = yield* tableNames(database)
        expect(tables).toEqual(expect.arrayContaining(["host_users", "um_users", "um_groups", "um_dt_migration"]))
        const empty = yield* directory.read((tx) => tx.isEmpty)
        expect(empty).toBe(true)
        yield* Effect.promise(() => sql`drop table host_users`.execute(database.db))
      })
    )

    it.effect("reads the schema version of its own prefix only, whatever the prefix's case", () =>
      Effect.gen(function* () {
        yield* KyselyDirectory.make({ ...target("Hr_"), migrate: true })
        expect(yield* Migrations.applied(target("Hr_"))).toEqual(Migrations.names)
        yield* KyselyDirectory.make({ ...target("Hr_"), migrate: false })
        expect(yield* Migrations.applied(target("Payroll_"))).toEqual([])
        const error = yield* Effect.flip(KyselyDirectory.make({ ...target("Payroll_"), migrate: false }))
        expect(error.message).toContain("has no user manager schema yet")
      })
    )
  })
}
