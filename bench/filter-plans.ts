/**
 * The plans of filtered user lists at a bench directory's size (default 100,000): loads `bench/load.ts`'s directory
 * into SQLite and PostgreSQL, lists users through the core with a `where` on externalId and on externalName (what
 * the SCIM server asks when a provider looks a user up), and prints each statement the store ran with its EXPLAIN and
 * how long the list took. Run: `npx tsx --conditions=@user-manager/source bench/filter-plans.ts`
 * (BENCH_SIZE, BENCH_STORES, BENCH_POSTGRES_URL).
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { Actor, type RecordFilter, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory } from "@user-manager/kysely"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { type CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } from "kysely"
import pg from "pg"
import { type Engine, people, seed } from "./load.js"

const SIZE = Number(process.env.BENCH_SIZE ?? 100_000)
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",") as ReadonlyArray<Engine>

const ran: Array<CompiledQuery> = []
const log = (event: { readonly level: string; readonly query: CompiledQuery }) => {
  if (event.level === "query") ran.push(event.query)
}

const open = async (engine: Engine) => {
  if (engine === "sqlite") {
    const folder = mkdtempSync(join(os.tmpdir(), "dt-plans-"))
    const database = new Database(join(folder, "dt.db"))
    database.pragma("journal_mode = WAL")
    // biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }), log })
    return { db, drop: async () => rmSync(folder, { recursive: true, force: true }) }
  }
  const name = `dt_plans_${randomBytes(4).toString("hex")}`
  const admin = PostgresDirectory.open({ url: POSTGRES_URL, poolSize: 1 })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: String(url) }) }),
    log
  })
  return {
    db,
    drop: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    }
  }
}

const plan = async (
  // biome-ignore lint/suspicious/noExplicitAny: as above
  db: Kysely<any>,
  engine: Engine,
  query: CompiledQuery
) => {
  const explain = engine === "sqlite" ? "explain query plan " : "explain (analyze, costs off, timing off) "
  const rows = (await db.executeQuery({ ...query, sql: explain + query.sql })).rows as Array<Record<string, unknown>>
  return rows.map((row) => String(row.detail ?? row["QUERY PLAN"])).join("\n    ")
}

const main = async () => {
  // A user in the middle of the load, looked up as a provider would.
  const [person] = [...people(SIZE)].slice(Math.floor(SIZE / 2), Math.floor(SIZE / 2) + 1)
  if (person === undefined) throw new Error("no person")
  const filters: ReadonlyArray<readonly [string, RecordFilter.UserFilter]> = [
    ["externalId eq", { _tag: "Compare", field: "externalId", operator: "eq", value: `00u${person.username}` }],
    [
      "externalName eq (any case)",
      {
        _tag: "Compare",
        field: "externalName",
        operator: "eq",
        value: `${person.firstName}.${person.username}@CONTOSO.com`.toUpperCase()
      }
    ],
    ["externalName sw", { _tag: "Compare", field: "externalName", operator: "sw", value: `${person.firstName}.` }]
  ]
  for (const engine of STORES) {
    const store = await open(engine)
    try {
      const layer = UserManager.layer({
        directory: KyselyDirectory.layer({ db: store.db, engine, migrate: true }),
        hasher: Argon2Hasher.layer
      })
      await Effect.runPromise(
        Effect.gen(function* () {
          yield* seed(store.db, engine, SIZE)
          if (engine === "postgres") yield* Effect.promise(() => sql`analyze`.execute(store.db))
          const users = yield* Users.Users
          for (const [label, where] of filters) {
            for (let warm = 0; warm < 3; warm++) yield* users.list(Actor.user("admin"), { where, limit: 50 })
            ran.length = 0
            const started = performance.now()
            const page = yield* users.list(Actor.user("admin"), { where, limit: 50 })
            const took = performance.now() - started
            const statements = ran.filter((query) => /external/.test(query.sql))
            console.log(
              `${engine}, ${SIZE} users, ${label}: ${page.items.length} of ${page.total}, ${took.toFixed(1)} ms`
            )
            for (const query of statements) {
              console.log(`  ${query.sql}\n    ${yield* Effect.promise(() => plan(store.db, engine, query))}`)
            }
          }
        }).pipe(Effect.provide(layer))
      )
    } finally {
      await store.drop()
    }
  }
}

await main()
