/**
 * A rolling upgrade, with the previous release's own `dt`: built from the newest commit that knows fewer migrations than
 * this one (support/previousRelease.ts), it serves on the schema this version migrated while every migration it does not know
 * says it still runs on it, and goes not ready, saying why, once one does not (a contract migration, simulated by
 * changing that migration's record as a later release would write it).
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Migrations } from "@user-manager/kysely"
import Database from "better-sqlite3"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { BIN } from "./support/dt.js"
import { buildPreviousRelease, historyMissing, type PreviousRelease } from "./support/previousRelease.js"
import { type Serving, serve } from "./support/serve.js"

const missing = await historyMissing()
const children: Array<Serving> = []
const ADMIN_PASSWORD = "the upgrade admin secret"

afterEach(() => {
  for (const { child } of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})

/** Runs a `dt` (this one or the previous release's) to its end. */
const run = (bin: string, args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-upgrade-home-")) }
    })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.stdout.resume()
    child.once("exit", (code) => resolve({ code, stderr }))
  })

const readyz = async (server: Serving) => {
  const answer = await fetch(`${server.url}/readyz`)
  return { status: answer.status, body: (await answer.json()) as { status: string; reason?: string } }
}

const login = (server: Serving) =>
  fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD, session: "bearer" })
  }).then(async (answer) => ({ authorization: `Bearer ${((await answer.json()) as { token: string }).token}` }))

describe.skipIf(missing !== undefined)(
  `a rolling upgrade${missing === undefined ? "" : ` (skipped: ${missing})`}`,
  () => {
    const newest = Migrations.names[Migrations.names.length - 1] as string
    let previous: PreviousRelease
    beforeAll(async () => {
      previous = await buildPreviousRelease(Migrations.names)
    }, 120_000)
    afterAll(() => {
      if (previous !== undefined) rmSync(previous.folder, { recursive: true, force: true })
    })

    /**
     * The previous release starts the store; this version migrates it; the previous one serves on as long as the
     * migrations it does not know say it may, then goes not ready, refuses to start and says why in `dt migrate --check`.
     */
    const upgrade = async (database: string, execute: (statement: string) => Promise<void>) => {
      const unknown = Migrations.names.filter((name) => !previous.migrations.includes(name))
      expect(unknown).toContain(newest)
      const env = { DT_ADMIN_PASSWORD: ADMIN_PASSWORD }
      const old = await serve(["--database", database], env, previous.bin)
      children.push(old)
      expect((await readyz(old)).status).toBe(200)

      const current = await serve(["--database", database], env)
      children.push(current)
      expect((await readyz(current)).status).toBe(200)
      // Whether the previous release runs on the new schema, as the migrations it does not know declare.
      const runsOn = unknown.every((name) => previous.migrations.includes(Migrations.oldestCompatible[name] as string))
      expect(await readyz(old)).toEqual(
        runsOn
          ? { status: 200, body: { status: "ready" } }
          : { status: 503, body: { status: "not ready", reason: expect.stringContaining("newer than this version") } }
      )
      if (runsOn) {
        // It still serves: a group it creates is the new release's too.
        const created = await fetch(`${old.url}/api/v1/groups`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(await login(old)) },
          body: JSON.stringify({ name: "made-by-old" })
        })
        expect(created.status).toBe(201)
        const seen = await fetch(`${current.url}/api/v1/groups/made-by-old`, { headers: await login(current) })
        expect(seen.status).toBe(200)
        expect((await run(previous.bin, ["migrate", "--check", "--database", database])).code).toBe(0)
        // And it starts on it, as a restarted instance of the previous release does during the upgrade.
        const restarted = await serve(["--database", database], env, previous.bin)
        children.push(restarted)
        expect((await readyz(restarted)).status).toBe(200)
        expect(await restarted.stop()).toBe(0)
      }

      // A later release's contract migration: it needs a version that knows it.
      await execute(
        `update dt_migration_compatibility set oldest_compatible = '${newest}' where migration = '${newest}'`
      )
      const reason = `the database schema is newer than this version of the user manager and no longer runs with it (migration ${newest} needs a version that knows migration ${newest}): upgrade the user manager`
      expect(await readyz(old)).toEqual({ status: 503, body: { status: "not ready", reason } })
      expect((await readyz(current)).status).toBe(200)
      const refused = `dt: The user store failed: ${reason}.\n`
      expect(await run(previous.bin, ["serve", "--port", "0", "--database", database])).toEqual({
        code: 3,
        stderr: refused
      })
      expect(await run(previous.bin, ["migrate", "--check", "--database", database])).toEqual({
        code: 3,
        stderr: refused
      })
      expect((await run(BIN, ["migrate", "--check", "--database", database])).code).toBe(0)
      for (const server of [old, current]) expect(await server.stop()).toBe(0)
    }

    it("the previous release keeps serving on an SQLite schema this version migrated while it runs on it, and goes not ready, refusing to start, once a migration needs a newer version", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "dt-upgrade-")), "dt.db")
      await upgrade(`sqlite:${file}`, async (statement) => {
        const db = new Database(file)
        db.prepare(statement).run()
        db.close()
      })
    })

    it.skipIf(process.env.DT_TEST_POSTGRES_URL === undefined)(
      "the previous release keeps serving on a PostgreSQL schema this version migrated while it runs on it, and goes not ready, refusing to start, once a migration needs a newer version",
      async () => {
        const { default: pg } = await import("pg")
        const name = `dt_upgrade_${Math.random().toString(16).slice(2, 10)}`
        const admin = new pg.Client({ connectionString: process.env.DT_TEST_POSTGRES_URL })
        await admin.connect()
        await admin.query(`create database ${name}`)
        const url = new URL(process.env.DT_TEST_POSTGRES_URL as string)
        url.pathname = `/${name}`
        const client = new pg.Client({ connectionString: url.toString() })
        await client.connect()
        try {
          await upgrade(url.toString(), async (statement) => {
            await client.query(statement)
          })
        } finally {
          await client.end()
          await admin.query(`drop database if exists ${name} with (force)`)
          await admin.end()
        }
      }
    )
  }
)
