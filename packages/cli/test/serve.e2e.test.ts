import { existsSync, mkdtempSync } from "node:fs"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as DatabaseUrl from "@user-manager/kysely/DatabaseUrl"
import { checkInvariants, replayAudit } from "@user-manager/test-stores/invariants"
import { run as runProgram } from "@user-manager/test-stores/run"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import { RACE_ADMINS, raceFleet } from "./support/fleetRace.js"
import { freshDatabase, type Serving, serve as startServe } from "./support/serve.js"

const BIN = fileURLToPath(new URL("../bin/dt.js", import.meta.url))

const children: Array<Serving> = []

/** The bearer token of the tests' Prometheus scraper. */
const METRICS_TOKEN = "scraper-token-0123456789abcdef"

/** `dt serve ARGS`, stopped after the test. */
const serve = async (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Serving> => {
  const server = await startServe(args, env)
  children.push(server)
  return server
}

const login = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ username, password })
  })

/** Wrong sign-ins (each for a user of its own) from a client until it is throttled (429); how many it took. */
const failUntilThrottled = async (url: string, headers: Record<string, string>) => {
  for (let attempt = 1; attempt <= 100; attempt++) {
    const status = (await login(url, `nobody${attempt}`, "a wrong guess", headers)).status
    if (status === 429) return attempt
    expect(status).toBe(401)
  }
  throw new Error("never throttled")
}

afterEach(() => {
  for (const { child } of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})

describe("dt serve", () => {
  /**
   * Three instances started together on one empty store: each runs the migrations (under the database's lock), one
   * creates the administrator, the others take the store as set up, and all three serve the same directory.
   */
  const startTogether = async (database: string, pooled: boolean) => {
    const servers = await Promise.all(
      [1, 2, 3].map(() =>
        serve(["--database", database], {
          DT_ADMIN_PASSWORD: "the fleet admin secret",
          DT_METRICS_TOKEN: METRICS_TOKEN,
          DT_POOL_SIZE: "4",
          DT_THROTTLE_ADDRESS_FAILURES: "3",
          DT_TRUST_PROXY: "loopback"
        })
      )
    )
    expect(servers.filter((server) => server.output().includes("The store was empty"))).toHaveLength(1)
    for (const server of servers) expect((await login(server.url, "admin", "the fleet admin secret")).status).toBe(200)
    const [first, second, third] = servers as [Serving, Serving, Serving]
    // A session opened on one instance serves on the others; ended on one, it is refused on the others at once.
    const opened = await fetch(`${first.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "the fleet admin secret", session: "bearer" })
    })
    const bearer = { authorization: `Bearer ${((await opened.json()) as { token: string }).token}` }
    expect((await fetch(`${second.url}/api/v1/me`, { headers: bearer })).status).toBe(200)
    expect((await fetch(`${third.url}/api/v1/auth/logout`, { method: "POST", headers: bearer })).status).toBe(204)
    expect((await fetch(`${first.url}/api/v1/me`, { headers: bearer })).status).toBe(401)
    // The throttle counts one address's failures across the fleet: three, one on each instance, then refused.
    for (const server of servers) expect((await login(server.url, "nobody", "a wrong guess")).status).toBe(401)
    expect((await login(first.url, "nobody", "a wrong guess")).status).toBe(429)
    // Each instance counts its own requests; a store with a pool shows its size (DT_POOL_SIZE).
    for (const server of servers) {
      const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      const text = await metrics.text()
      expect(text).toMatch(/dt_sign_ins_total\{outcome="success"\} [12]\n/)
      expect(text.includes("dt_store_pool_size 4\n")).toBe(pooled)
    }
    // Clients racing across the fleet: no 5xx, no ended session served, and then every invariant holds and the audit
    // trail replays to exactly the data stored.
    const race = await raceFleet(
      servers.map((server) => server.url),
      "the fleet admin secret",
      { clients: 6, millis: 5_000 }
    )
    expect(race.serverErrors).toEqual([])
    expect(race.endedButServed).toEqual([])
    const changes = (race.statuses[200] ?? 0) + (race.statuses[201] ?? 0) + (race.statuses[204] ?? 0)
    expect(changes).toBeGreaterThanOrEqual(10)
    const directory = DatabaseUrl.layer(await Effect.runPromise(DatabaseUrl.parse(database)))
    const readers = ["admin", ...RACE_ADMINS]
    expect(await Effect.runPromise(checkInvariants(directory, race.gids, readers))).toEqual([])
    expect(await Effect.runPromise(replayAudit(directory, readers))).toEqual([])
    for (const server of servers) expect(await server.stop()).toBe(0)
  }

  it.skipIf(process.env.DT_TEST_MYSQL_URL === undefined)(
    "three instances started at once on an empty MariaDB database all serve it, its administrator created once, sessions and the throttle shared",
    async () => {
      const { default: mysql } = await import("mysql2/promise")
      const name = `dt_fleet_${Math.random().toString(16).slice(2, 10)}`
      const admin = await mysql.createConnection(process.env.DT_TEST_MYSQL_URL as string)
      await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`)
      try {
        const url = new URL(process.env.DT_TEST_MYSQL_URL as string)
        url.pathname = `/${name}`
        await startTogether(url.toString(), true)
      } finally {
        await admin.query(`drop database if exists ${name}`)
        await admin.end()
      }
    }
  )

  it("answers /healthz, and /readyz 503 naming the cause while the schema is newer than this version", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dt-serve-ready-")), "dt.db")
    const server = await serve(["--database", `sqlite:${file}`])
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    // A newer instance migrated the schema past what this one knows.
    const db = new Database(file)
    db.prepare("insert into dt_migration (name, timestamp) values ('29991231000000_future', '2999-12-31')").run()
    const notReady = await fetch(`${server.url}/readyz`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({
      status: "not ready",
      reason:
        "the database schema is newer than this version of the user manager (it has migration 29991231000000_future): upgrade the user manager"
    })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    db.prepare("delete from dt_migration where name = '29991231000000_future'").run()
    db.close()
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })

  it("with --no-migrate never changes the schema: refuses a missing store and a pending migration in one sentence each (exit 3), as dt migrate --check does, serves an up-to-date one", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dt-serve-nomigrate-")), "dt.db")
    const env = { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")) }
    const serveOnce = () =>
      runProgram(process.execPath, [BIN, "serve", "--port", "0", "--no-migrate", "--database", `sqlite:${file}`], {
        env
      })
    const missing = await serveOnce()
    expect([missing.code, missing.stderr]).toEqual([
      3,
      `dt: There is no user directory at sqlite:${file} yet: run 'dt init' first.\n`
    ])
    expect(existsSync(file)).toBe(false)
    expect((await runProgram(process.execPath, [BIN, "migrate", "--database", `sqlite:${file}`], { env })).code).toBe(0)
    const db = new Database(file)
    const { name } = db.prepare("select name from dt_migration order by name desc limit 1").get() as { name: string }
    db.prepare("delete from dt_migration where name = ?").run(name)
    const pending = await serveOnce()
    expect([pending.code, pending.stderr]).toEqual([
      3,
      `dt: The user store failed: the database schema is out of date, migration ${name} is pending: run dt migrate.\n`
    ])
    expect(db.prepare("select count(*) as n from dt_migration where name = ?").get(name)).toEqual({ n: 0 })
    // dt migrate --check says the same, and changes nothing either.
    const check = async () => {
      const done = await runProgram(process.execPath, [BIN, "migrate", "--check", "--database", `sqlite:${file}`], {
        env
      })
      return [done.code, done.stderr]
    }
    expect(await check()).toEqual([3, pending.stderr])
    expect(db.prepare("select count(*) as n from dt_migration where name = ?").get(name)).toEqual({ n: 0 })
    db.prepare("insert into dt_migration (name, timestamp) values (?, '2026-12-04')").run(name)
    db.close()
    expect(await check()).toEqual([0, "The schema is up to date.\n"])
    const server = await serve(["--database", `sqlite:${file}`, "--no-migrate"], {
      DT_ADMIN_PASSWORD: "the admin secret"
    })
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    expect((await login(server.url, "admin", "the admin secret")).status).toBe(200)
    expect(await server.stop()).toBe(0)
  })

  it("three instances started at once on an empty SQLite file all serve it, its administrator created once, sessions and the throttle shared", async () => {
    await startTogether(`sqlite:${join(mkdtempSync(join(tmpdir(), "dt-serve-fleet-")), "dt.db")}`, false)
  })

  it.skipIf(process.env.DT_TEST_POSTGRES_URL === undefined)(
    "three instances started at once on an empty PostgreSQL database all serve it, its administrator created once, sessions and the throttle shared",
    async () => {
      const { default: pg } = await import("pg")
      const name = `dt_fleet_${Math.random().toString(16).slice(2, 10)}`
      const admin = new pg.Client({ connectionString: process.env.DT_TEST_POSTGRES_URL })
      await admin.connect()
      await admin.query(`create database ${name}`)
      try {
        const url = new URL(process.env.DT_TEST_POSTGRES_URL as string)
        url.pathname = `/${name}`
        await startTogether(url.toString(), true)
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`)
        await admin.end()
      }
    }
  )

  it("migrates an empty store, creates admin with a password printed once, and a person can sign in at the printed URL", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`])
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const password = /admin password \(shown once[^)]*\): (\S+)/.exec(server.stdout())?.[1] as string
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const page = await fetch(`${server.url}/`)
    expect(await page.text()).toContain('<form id="signin-form"')
    const signedIn = await login(server.url, "admin", password)
    expect(signedIn.status).toBe(200)
    expect(signedIn.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/)
    expect(signedIn.headers.get("set-cookie")).not.toMatch(/Secure/)
    expect(((await signedIn.json()) as { admin: boolean }).admin).toBe(true)
    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)

    // Served again, the store is not empty: no new administrator, no password printed.
    const again = await serve(["--database", `sqlite:${database}`])
    expect(again.stdout()).not.toContain("admin password")
    expect((await login(again.url, "admin", password)).status).toBe(200)
    again.child.kill("SIGINT")
    expect(await again.exited).toBe(0)
    expect(again.stderr()).toContain("Stopped")
    expect(again.stderr()).not.toContain(password)
  })

  it("warns at its start of a directory whose only enabled admins are system users, and serves it", async () => {
    const { dt, home } = sandbox()
    expect((await dt("init --admin boss")).code).toBe(0)
    expect((await dt("--as boss user add robot -g admins --system")).code).toBe(0)
    // As a directory made before system users lost admin access can be: its human administrator disabled by a system
    // user that was one.
    const database = join(home, ".local", "share", "dt", "dt.db")
    const db = new Database(database)
    db.prepare("update users set enabled = 0 where username = ?").run("boss")
    db.close()
    const server = await serve(["--database", `sqlite:${database}`])
    await expect
      .poll(server.stderr)
      .toContain(
        "dt: warning: The admin group 'admins' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME').\n"
      )
    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)
  })

  it("takes the first administrator's password from DT_ADMIN_PASSWORD and never prints it", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: "the chosen admin secret" })
    expect(server.stdout()).not.toContain("the chosen admin secret")
    expect((await login(server.url, "admin", "the chosen admin secret")).status).toBe(200)
    server.child.kill("SIGTERM")
    await server.exited
    expect(server.stdout() + server.stderr()).not.toContain("the chosen admin secret")
  })

  it("marks the session cookies Secure with --secure-cookies, for a server behind a TLS-terminating proxy", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`, "--secure-cookies"], {
      DT_ADMIN_PASSWORD: "the chosen admin secret"
    })
    const signedIn = await login(server.url, "admin", "the chosen admin secret")
    expect(signedIn.status).toBe(200)
    const cookies = signedIn.headers.getSetCookie()
    expect(cookies.map((cookie) => cookie.split("=")[0]).sort()).toEqual(["dt_csrf", "dt_session"])
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure(;|$)/)
    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)
  })

  it("takes bulk imports up to --import-limit MiB, beyond the API's 256 KiB, and refuses a larger one with 413", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`, "--import-limit", "1"], {
      DT_ADMIN_PASSWORD: "the chosen admin secret"
    })
    const signedIn = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "the chosen admin secret", session: "bearer" })
    })
    const { token } = (await signedIn.json()) as { token: string }
    const importing = (body: string) =>
      fetch(`${server.url}/api/v1/import?kind=groups`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
        body
      })
    // Padded with blank lines, which JSON Lines skips: a body of 600 KiB holding one group.
    const taken = await importing(`{"name":"ops"}${"\n".repeat(600 * 1024)}`)
    expect(taken.status).toBe(200)
    expect(((await taken.json()) as { groups: { created: number } }).groups.created).toBe(1)
    const refused = await importing(`{"name":"lab"}${"\n".repeat(1100 * 1024)}`)
    expect(refused.status).toBe(413)
    expect(await refused.json()).toMatchObject({ _tag: "PayloadTooLarge", max: 1024 * 1024 })
    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)
  })

  it("refuses a port already in use in one sentence naming the address (exit 3)", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const first = await serve(["--database", `sqlite:${database}`])
    const port = new URL(first.url).port
    const second = await runProgram(
      process.execPath,
      [BIN, "serve", "--port", port, "--database", `sqlite:${database}`],
      {
        env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")) }
      }
    )
    expect(second.stderr).toBe(
      `dt: cannot serve on 127.0.0.1:${port}: the address is already in use (another server?); pick another --port.\n`
    )
    expect(second.code).toBe(3)
  })

  it("refuses a bad --trust-proxy or DT_TRUST_PROXY in one sentence (exit 2), before it creates the store", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
      runProgram(process.execPath, [BIN, "serve", "--port", "0", "--database", `sqlite:${database}`, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")), ...env }
      })
    const flag = await run(["--trust-proxy", "proxy.example.com"])
    expect(flag.stderr).toBe(
      "dt: Invalid --trust-proxy: 'proxy.example.com' is not an IP address, a CIDR range, loopback, linklocal or uniquelocal.\n"
    )
    expect(flag.code).toBe(2)
    const env = await run([], { DT_TRUST_PROXY: "0" })
    expect(env.stderr).toBe("dt: Invalid DT_TRUST_PROXY: the number of trusted proxies must be at least 1.\n")
    expect(env.code).toBe(2)
    expect(existsSync(database)).toBe(false)
  })

  it("refuses a metrics token shorter than 16 characters or with spaces in one sentence (exit 2), before it creates the store", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
      runProgram(process.execPath, [BIN, "serve", "--port", "0", "--database", `sqlite:${database}`, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")), ...env }
      })
    const flag = await run(["--metrics-token", "secret"])
    expect(flag.stderr).toBe("dt: Invalid --metrics-token: a metrics token is 16 characters or more, without spaces.\n")
    expect(flag.code).toBe(2)
    const env = await run([], { DT_METRICS_TOKEN: "a token with spaces in it" })
    expect(env.stderr).toBe("dt: Invalid DT_METRICS_TOKEN: a metrics token is 16 characters or more, without spaces.\n")
    expect(env.code).toBe(2)
    expect(existsSync(database)).toBe(false)
  })

  it("refuses a setting out of its range, as a flag or a variable, in one sentence naming it (exit 2), before it creates the store", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
      runProgram(process.execPath, [BIN, "serve", "--port", "0", "--database", `sqlite:${database}`, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")), ...env }
      })
    const flag = await run(["--pool-size", "0"])
    expect([flag.code, flag.stderr]).toEqual([2, "dt: --pool-size must be from 1 to 1000, not 0.\n"])
    const variable = await run([], { DT_SESSION_LIFETIME: "forever" })
    expect([variable.code, variable.stderr]).toEqual([
      2,
      "dt: Invalid DT_SESSION_LIFETIME: 'forever' is not a whole number from 1 to 525600.\n"
    ])
    // The flag wins over the variable.
    const both = await run(["--throttle-window", "0"], { DT_THROTTLE_WINDOW: "5" })
    expect([both.code, both.stderr]).toEqual([2, "dt: --throttle-window must be from 1 to 1440, not 0.\n"])
    expect(existsSync(database)).toBe(false)
  })

  it("takes the session lifetime and the throttle's limits from flags or variables", async () => {
    const server = await serve(["--database", freshDatabase(), "--session-lifetime", "2", "--throttle-window", "1"], {
      DT_ADMIN_PASSWORD: "the admin secret",
      DT_THROTTLE_ADDRESS_FAILURES: "3"
    })
    const signedIn = await login(server.url, "admin", "the admin secret")
    const { expiresAt } = (await signedIn.json()) as { expiresAt: string }
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(60_000)
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(120_000)
    // Three failures from one address, and the fourth attempt is refused for any name.
    expect(await failUntilThrottled(server.url, {})).toBe(4)
    expect(await server.stop()).toBe(0)
  })

  it("counts a user list's total exactly only up to --exact-total-limit, and says when it stopped (totalExact)", async () => {
    const server = await serve(["--database", freshDatabase()], {
      DT_ADMIN_PASSWORD: "the admin secret",
      DT_EXACT_TOTAL_LIMIT: "1"
    })
    const opened = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "the admin secret", session: "bearer" })
    })
    const bearer = { authorization: `Bearer ${((await opened.json()) as { token: string }).token}` }
    const list = async () => (await fetch(`${server.url}/api/v1/users?limit=1`, { headers: bearer })).json()
    expect(await list()).toMatchObject({ total: 1, totalExact: true })
    const created = await fetch(`${server.url}/api/v1/users`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ username: "ann", groups: ["admins"] })
    })
    expect(created.status).toBe(201)
    expect(await list()).toMatchObject({ total: 1, totalExact: false })
    expect(await server.stop()).toBe(0)
  })

  it("serves SCIM at /scim/v2 to a scim token, with the default group and DELETE of --scim-default-group and --scim-delete", async () => {
    const server = await serve(
      ["--database", freshDatabase(), "--scim-default-group", "staff", "--scim-delete", "disable"],
      { DT_ADMIN_PASSWORD: "the admin secret" }
    )
    const opened = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "the admin secret", session: "bearer" })
    })
    const admin = { authorization: `Bearer ${((await opened.json()) as { token: string }).token}` }
    const made = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ name: "entra", scope: "scim" })
    })
    expect(made.status).toBe(201)
    const token = ((await made.json()) as { token: string }).token
    const scim = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    const created = await scim("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "Jane.Roe@contoso.com",
      active: true
    })
    expect(created.status).toBe(201)
    const user = (await created.json()) as { id: string; groups: Array<{ display: string }> }
    expect(user.groups.map((group) => group.display)).toEqual(["staff"])
    expect((await scim("DELETE", `/Users/${user.id}`)).status).toBe(204)
    expect(((await (await scim("GET", `/Users/${user.id}`)).json()) as { active: boolean }).active).toBe(false)
    expect(await server.stop()).toBe(0)
  })

  it("refuses a --scim-delete other than remove or disable in one sentence (exit 2)", async () => {
    const refused = await runProgram(process.execPath, [
      BIN,
      "serve",
      "--database",
      freshDatabase(),
      "--scim-delete",
      "archive"
    ])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--scim-delete.*remove or disable/)
  })

  it("refuses a --scim-default-group or DT_SCIM_DEFAULT_GROUP that is not a group name in one sentence (exit 2), before serving", async () => {
    const flag = await runProgram(process.execPath, [
      BIN,
      "serve",
      "--database",
      freshDatabase(),
      "--scim-default-group",
      "bad!group"
    ])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toBe(
      "dt: Invalid --scim-default-group: a group name may contain only a-z, 0-9, '.', '_' and '-', 'bad!group' has other characters.\n"
    )
    const variable = await runProgram(process.execPath, [BIN, "serve", "--database", freshDatabase()], {
      env: { ...process.env, DT_SCIM_DEFAULT_GROUP: "Staff" }
    })
    expect(variable.code).toBe(2)
    expect(variable.stderr).toMatch(/^dt: Invalid DT_SCIM_DEFAULT_GROUP: group names are lowercase only/)
  })

  it("ignores X-Forwarded-For by default, and with DT_TRUST_PROXY=loopback throttles two clients behind the proxy apart", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const direct = await serve(["--database", `sqlite:${database}`])
    // A client that writes its own X-Forwarded-For does not get a fresh address for it.
    await failUntilThrottled(direct.url, { "x-forwarded-for": "203.0.113.1" })
    expect((await login(direct.url, "nobody", "a wrong guess", { "x-forwarded-for": "198.51.100.2" })).status).toBe(429)
    direct.child.kill("SIGTERM")
    expect(await direct.exited).toBe(0)

    const proxied = await serve(["--database", `sqlite:${database}`], { DT_TRUST_PROXY: "loopback" })
    await failUntilThrottled(proxied.url, { "x-forwarded-for": "203.0.113.1" })
    expect((await login(proxied.url, "nobody", "a wrong guess", { "x-forwarded-for": "198.51.100.2" })).status).toBe(
      401
    )
    proxied.child.kill("SIGTERM")
    expect(await proxied.exited).toBe(0)
  })

  it("cuts a request still unanswered after --grace-period at SIGTERM, and exits 0 within the grace period and a little, with a warning", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`, "--grace-period", "1"])
    // A sign-in whose body never comes: the server has it (its "100 Continue" says so), and it stays unanswered.
    const signIn = request(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": 100, expect: "100-continue" }
    })
    const cut = new Promise<string>((resolve) => {
      signIn.once("response", () => resolve("answered"))
      signIn.once("error", () => resolve("cut"))
    })
    await new Promise<void>((resolve) => signIn.once("continue", resolve))
    const signalled = Date.now()
    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)
    const took = Date.now() - signalled
    expect(await cut).toBe("cut")
    expect(took).toBeGreaterThanOrEqual(900)
    // The grace period and a little: far less than the default's 10 s, with room for a machine whose cores the other
    // test files take (2.6 s seen at a load of 18).
    expect(took).toBeLessThan(6_000)
    expect(server.stderr()).toContain(
      "dt: warning: stopped with 1 request(s) still unanswered after the grace period (1000 ms): their connections were closed"
    )
  })

  it("ends at once, without waiting for the grace period, at a second Ctrl-C (exit 130)", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`])
    // A request that stays in flight: its body never comes, and the grace period is 10 s.
    const signIn = request(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": 100, expect: "100-continue" }
    })
    signIn.on("error", () => {})
    await new Promise<void>((resolve) => signIn.once("continue", resolve))
    const signalled = Date.now()
    server.child.kill("SIGINT")
    await new Promise((resolve) => setTimeout(resolve, 300))
    server.child.kill("SIGINT")
    expect(await server.exited).toBe(130)
    // Not the 10 s grace period (with room for a loaded machine).
    expect(Date.now() - signalled).toBeLessThan(5_000)
  })

  it("finishes a request in flight before it stops on SIGTERM, and exits 0 saying it stopped", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: "the chosen admin secret" })
    // The sign-in asks to continue before it sends its body: the server's "100 Continue" proves that it has the
    // request; the signal comes then, and the body only after it, so the request is surely in flight.
    const body = JSON.stringify({ username: "admin", password: "the chosen admin secret" })
    const signIn = request(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" }
    })
    const answered = new Promise<number | undefined>((resolve, reject) => {
      signIn.once("response", (response) => {
        response.resume()
        response.once("end", () => resolve(response.statusCode))
      })
      signIn.once("error", reject)
    })
    await new Promise<void>((resolve) => signIn.once("continue", resolve))
    server.child.kill("SIGTERM")
    // Some time for the signal to arrive before the body does (the proof holds however long it takes).
    await new Promise((resolve) => setTimeout(resolve, 100))
    signIn.end(body)
    expect(await answered).toBe(200)
    expect(await server.exited).toBe(0)
    expect(server.stderr()).toMatch(/^Stopped\.$/m)
  })
})
