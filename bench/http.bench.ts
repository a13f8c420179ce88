/**
 * The HTTP API under load, run by hand (not in CI):
 *
 *   npm run bench:http                        # 100,000 users in SQLite, 1, 16 and 64 connections
 *   BENCH_USERS=10000 BENCH_SECONDS=3 npm run bench:http
 *
 * It loads BENCH_USERS users (20 teams, every user in one) into a fresh SQLite file, starts the real `dt serve` on it
 * (the bundled CLI, its own process) and a bare node:http handler running the same SQL on better-sqlite3
 * (bench/bare-http.mjs, the stack's ceiling: the session check, count, page and memberships in one read transaction,
 * as the API runs them), then drives each with autocannon's keep-alive connections from this process for
 * BENCH_SECONDS (default 5) after a one-second warm-up: `GET /api/v1/users?limit=50` and a search
 * (`search=quill`, 5% of the users). It prints requests/s, p50 and p99 latency and the server's peak RSS as Markdown.
 * The list is also asked of the HTTP stack's floor (bench/http-floor.ts: the same endpoint declared with HttpApi,
 * answering a page read at start-up, without authentication or store), to tell the framework's cost from dt's own,
 * and of the bare handler without the session check (`--no-session`: the ceiling as the first sessions measured it).
 *
 * On an existing directory instead (not loaded, not removed), and the first page of groups as well:
 *
 *   BENCH_DATABASE=/tmp/dt-groups-bench-1000000.db BENCH_REQUESTS=groups,list npm run bench:http
 *
 * BENCH_DATABASE: an SQLite file whose `admin` has bench/groups.ts's password (BENCH_PASSWORD to name another);
 * BENCH_REQUESTS: which of `list`, `search` (users) and `groups` (`GET /api/v1/groups?limit=50`) to drive (default
 * `list,search`); BENCH_CONNECTIONS: the connection counts (default 1,16,64). The body size of each request is printed.
 *
 * On PostgreSQL, the groups page only (bench/groups.ts's data set, kept by `BENCH_KEEP_POSTGRES=1 npm run bench:groups`):
 *
 *   BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/bench_groups BENCH_REQUESTS=groups npm run bench:http
 *
 * `dt serve` then runs on that database with its default pool of 10, and the ceiling is bench/bare-http-postgres.mjs
 * (the same SQL on `pg`, a pool of 10, prepared statements); the HttpApi floor and the unchecked ceiling read an SQLite
 * file and are left out.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Actor, UserKeys, UserManager } from "@user-manager/core"
import { Argon2Hasher, SqliteDirectory } from "@user-manager/kysely"
import autocannon from "autocannon"
import Database from "better-sqlite3"
import { PASSWORD as GROUPS_PASSWORD, INDEX_FOR_SEARCH } from "./load.js"

const USERS = Number(process.env.BENCH_USERS ?? 100_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number)
const DATABASE = process.env.BENCH_DATABASE
const PASSWORD =
  process.env.BENCH_PASSWORD ?? (DATABASE === undefined ? "the benchmark admin's password" : GROUPS_PASSWORD)
const REQUESTS = (process.env.BENCH_REQUESTS ?? "list,search").split(",").map((name) => name.trim())
const POSTGRES = DATABASE?.startsWith("postgres://") === true
if (POSTGRES && REQUESTS.some((name) => name !== "groups")) {
  throw new Error("On PostgreSQL the benchmark drives the groups page only: set BENCH_REQUESTS=groups.")
}
const root = fileURLToPath(new URL("..", import.meta.url))

const log = (text: string) => process.stderr.write(`${text}\n`)

/** The directory: `admin`, 20 teams, and USERS users loaded in bulk (then their FTS5 index rows, as the store writes them). */
const load = async (file: string) => {
  const manager = UserManager.make({ directory: SqliteDirectory.layer({ filename: file }), hasher: Argon2Hasher.layer })
  await manager.users.bootstrap({ username: "admin", password: PASSWORD })
  const teams = Array.from({ length: 20 }, (_, index) => `team-${String(index + 1).padStart(2, "0")}`)
  for (const name of teams) await manager.groups.create(Actor.user("admin"), { name })
  await manager.dispose()
  const db = new Database(file)
  const insertUser = db.prepare(
    "insert into users (username, first_name, last_name, email, email_key, enabled, system, password_hash, search_text, created_at, updated_at, version) values (?, ?, ?, ?, ?, 1, 0, null, ?, ?, ?, 1)"
  )
  const insertMembership = db.prepare("insert into memberships (username, group_name) values (?, ?)")
  const first = ["Maria", "John", "Aiko", "Omar", "Lena", "Carlos", "Priya", "Tom"]
  const last = ["Costa", "Doe", "Tanaka", "Haddad", "Novak", "Silva", "Rao", "Berg"]
  const at = new Date().toISOString()
  db.transaction(() => {
    for (let index = 0; index < USERS; index++) {
      const firstName = first[index % first.length] as string
      const lastName = index % 20 === 0 ? "Quillfeather" : (last[(index * 7) % last.length] as string)
      const username = `${firstName.toLowerCase()}.${lastName.toLowerCase()}${(index * 7919) % 1_000_003}`
      const email = `${username}@example.com`
      const search = UserKeys.searchText({ username, firstName, lastName, email })
      insertUser.run(username, firstName, lastName, email, email, search, at, at)
      insertMembership.run(username, teams[index % teams.length])
    }
  })()
  for (const statement of INDEX_FOR_SEARCH) db.exec(statement)
  db.close()
}

/** Starts a server process and waits for the line that gives its port. */
const launch = (args: ReadonlyArray<string>, pattern: RegExp, env: Record<string, string> = {}) =>
  new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      const port = pattern.exec(out)?.[1]
      if (port !== undefined) resolve({ child, port: Number(port) })
    })
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)))
  })

const rssMiB = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return match?.[1] === undefined ? 0 : Number(match[1]) / 1024
}

/** Drives `path` with autocannon's `connections` keep-alive connections for `seconds`; latencies in ms. */
const drive = async (
  port: number,
  path: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number
) => {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, duration: seconds, headers })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${path} on port ${port}: ${result.non2xx} answers other than 2xx, ${result.errors} errors`)
  }
  return { rps: result.requests.total / seconds, p50: result.latency.p50, p99: result.latency.p99 }
}

/** A latency as autocannon records it, in whole milliseconds ("< 1" below one). */
const ms = (value: number) => (value < 1 ? "< 1" : String(Math.round(value)))

const main = async () => {
  const folder = mkdtempSync(join(tmpdir(), "dt-http-bench-"))
  const file = DATABASE ?? join(folder, "dt.db")
  const children: Array<ChildProcess> = []
  try {
    if (DATABASE === undefined) {
      log(`loading ${USERS} users into ${file} …`)
      await load(file)
    }
    const api = await launch(
      [join(root, "packages/cli/bin/dt.js"), "serve", "--port", "0", "--database", POSTGRES ? file : `sqlite:${file}`],
      /Serving the User Manager at http:\/\/[^:]+:(\d+)\//
    )
    children.push(api.child)
    const bare = await launch(
      [join(root, POSTGRES ? "bench/bare-http-postgres.mjs" : "bench/bare-http.mjs"), file],
      /listening on (\d+)/
    )
    children.push(bare.child)
    // The floor and the unchecked ceiling read an SQLite file, and drive the list only.
    const floor = POSTGRES
      ? undefined
      : await launch(
          ["--conditions=@user-manager/source", "--import", "tsx", join(root, "bench/http-floor.ts"), file],
          /listening on (\d+)/
        )
    const unchecked = POSTGRES
      ? undefined
      : await launch([join(root, "bench/bare-http.mjs"), file, "--no-session"], /listening on (\d+)/)
    for (const extra of [floor, unchecked]) if (extra !== undefined) children.push(extra.child)
    const signIn = await fetch(`http://127.0.0.1:${api.port}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD, session: "bearer" })
    })
    const { token } = (await signIn.json()) as { token: string }
    const signedIn = { authorization: `Bearer ${token}` }
    const servers = [
      {
        name: "API (dt serve)",
        port: api.port,
        pid: api.child.pid as number,
        headers: signedIn
      },
      // The bare handler checks the same session, in the same SQL as the API.
      {
        name: "bare node:http",
        port: bare.port,
        pid: bare.child.pid as number,
        headers: signedIn
      },
      ...(floor === undefined || unchecked === undefined
        ? []
        : [
            { name: "HttpApi floor", port: floor.port, pid: floor.child.pid as number, headers: {} },
            // The ceiling as the first sessions measured it: the listing's three statements alone, no session.
            { name: "bare, no session", port: unchecked.port, pid: unchecked.child.pid as number, headers: {} }
          ])
    ]
    const paths = (
      [
        ["list", "/api/v1/users?limit=50"],
        ["search", "/api/v1/users?limit=50&search=quill"],
        ["groups", "/api/v1/groups?limit=50"]
      ] as const
    ).filter(([label]) => REQUESTS.includes(label))
    const rows: Array<string> = []
    for (const [label, path] of paths) {
      for (const server of servers.slice(0, 2)) {
        const body = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: server.headers })
        log(`${label}, ${server.name}: ${(await body.arrayBuffer()).byteLength} bytes`)
      }
      for (const connections of CONNECTIONS) {
        const results = []
        // The floor answers a fixed first page whatever the query: it (and the bare handler without the session check)
        // is measured on the list only.
        for (const server of label === "list" ? servers : servers.slice(0, 2)) {
          await drive(server.port, path, server.headers, connections, 1)
          let peak = rssMiB(server.pid)
          const sampler = setInterval(() => {
            peak = Math.max(peak, rssMiB(server.pid))
          }, 100)
          const result = await drive(server.port, path, server.headers, connections, SECONDS)
          clearInterval(sampler)
          results.push({ ...result, rss: peak })
          log(`${label}, ${connections} connections, ${server.name}: ${Math.round(result.rps)} req/s`)
        }
        const [apiResult, bareResult, floorResult, uncheckedResult] = results as [
          (typeof results)[0],
          (typeof results)[0],
          (typeof results)[0] | undefined,
          (typeof results)[0] | undefined
        ]
        rows.push(
          `| ${label} | ${connections} | ${Math.round(apiResult.rps)} | ${ms(apiResult.p50)} | ${ms(apiResult.p99)} | ${Math.round(apiResult.rss)} | ${Math.round(bareResult.rps)} | ${ms(bareResult.p50)} | ${ms(bareResult.p99)} | ${Math.round(bareResult.rss)} | ${(apiResult.rps / bareResult.rps).toFixed(2)} | ${floorResult === undefined ? "—" : `${Math.round(floorResult.rps)} (${(floorResult.rps / bareResult.rps).toFixed(2)})`} | ${uncheckedResult === undefined ? "—" : `${Math.round(uncheckedResult.rps)} (${(apiResult.rps / uncheckedResult.rps).toFixed(2)})`} |`
        )
      }
    }
    console.log(
      "| request | connections | API req/s | API p50 ms | API p99 ms | API RSS MiB | bare req/s | bare p50 ms | bare p99 ms | bare RSS MiB | API / bare | HttpApi floor req/s (/ bare) | bare, no session req/s (API / it) |"
    )
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const row of rows) console.log(row)
  } finally {
    for (const child of children) child.kill("SIGTERM")
    rmSync(folder, { recursive: true, force: true })
  }
}

await main()
