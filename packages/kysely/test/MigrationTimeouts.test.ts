/**
 * A schema migration is not held to the store's statement timeout: at a million users one of its statements (an index
 * built, a table rewritten) takes tens of seconds, past the 30 s the store gives the directory's own statements, and a
 * migration cut short leaves the store unable to open. Here a pool allows 300 ms a statement, and a migration must
 * first wait a second for another process's migration (that process's lock on the server): it waits, then migrates.
 * A plain statement on the same pool is still cut at 300 ms.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as MysqlDirectory from "@user-manager/kysely/MysqlDirectory"
import * as PostgresDirectory from "@user-manager/kysely/PostgresDirectory"
import { mysqlUrl, postgresUrl, withDatabase } from "@user-manager/test-stores/stores"
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import * as Migrations from "../src/Migrations.js"

const timeouts = { statementMs: 300 }

/** The lock the other process's migration holds (Kysely's migrator takes it on each engine). */
const holdMigrationLock = {
  // biome-ignore lint/suspicious/noExplicitAny: any database
  postgres: async (db: Kysely<any>, ms: number) =>
    db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(3853314791062309107)`.execute(connection)
      await new Promise((resolve) => setTimeout(resolve, ms))
      await sql`select pg_advisory_unlock(3853314791062309107)`.execute(connection)
    }),
  // biome-ignore lint/suspicious/noExplicitAny: any database
  mysql: async (db: Kysely<any>, ms: number) =>
    db.connection().execute(async (connection) => {
      await sql`select get_lock('ea586330-2c93-47c8-908d-981d9d270f9d', 10)`.execute(connection)
      await new Promise((resolve) => setTimeout(resolve, ms))
      await sql`select release_lock('ea586330-2c93-47c8-908d-981d9d270f9d')`.execute(connection)
    })
}

for (const [name, engine, url] of [
  ["PostgreSQL (server)", "postgres", postgresUrl],
  ["MariaDB/MySQL (server)", "mysql", mysqlUrl]
] as const) {
  describe.skipIf(url === undefined)(`${name} — a migration is not held to the statement timeout`, () => {
    // biome-ignore lint/suspicious/noExplicitAny: any database
    const opened: Array<Kysely<any>> = []
    const databaseName = `dt_migration_timeouts_${Math.random().toString(16).slice(2, 10)}`
    const open = (database: string, options: { readonly statementMs?: number } = {}) => {
      const at = withDatabase(url ?? "", database)
      const db =
        engine === "postgres"
          ? PostgresDirectory.open({ url: at, poolSize: 2, timeouts: options })
          : MysqlDirectory.open({ url: at, poolSize: 2, timeouts: options })
      opened.push(db)
      return db
    }
    afterEach(async () => {
      for (const db of opened.splice(0)) await db.destroy()
      const admin = open(engine === "postgres" ? "postgres" : "mysql")
      await sql`drop database if exists ${sql.id(databaseName)}`.execute(admin)
      await admin.destroy()
      opened.length = 0
    })

    it("waits past the statement timeout for another process's migration, then migrates; a plain statement is still cut", async () => {
      const admin = open(engine === "postgres" ? "postgres" : "mysql")
      await sql`create database ${sql.id(databaseName)}`.execute(admin)
      const db = open(databaseName, timeouts)
      const other = open(databaseName)
      const sleep = engine === "postgres" ? sql`select pg_sleep(0.8)` : sql`select sleep(0.8)`
      await expect(sleep.execute(db)).rejects.toThrow("the database did not answer within 0.3 s")

      const held = holdMigrationLock[engine](other, 1_200)
      // Let the other process take its lock first.
      await new Promise((resolve) => setTimeout(resolve, 200))
      const started = performance.now()
      const applied = await Effect.runPromise(
        Migrations.migrateToLatest({ db: open(databaseName, timeouts), engine, prefix: "" })
      )
      const waited = performance.now() - started
      await held
      expect(applied).toEqual(Migrations.names)
      expect(waited).toBeGreaterThan(600)
      await expect(sleep.execute(open(databaseName, timeouts))).rejects.toThrow("did not answer within 0.3 s")
    }, 60_000)
  })
}
