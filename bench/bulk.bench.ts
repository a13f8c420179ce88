/**
 * Bulk actions on users (issue 21: "at 100,000 users, a bulk action on 50 selected users finishes ≤ 1 s after the
 * click"), run by hand (not in CI). On a directory of BENCH_USERS users (100,000; bench/load.ts's people, 20 teams), each
 * run takes 50 users it has not touched yet and times, through the core (`Users.bulk`, actor `admin`):
 *
 * - disable them as a dry run, then for real; enable them again;
 * - add them to a group of their own (`bench-bulk`) and remove them from it again;
 * - delete them as a dry run, then for real;
 *
 * and, through the HTTP API in this process (`Server.webHandler`, a bearer session, JSON in and out), what the element
 * sends after a click on a toolbar action: the dry run (`POST /api/v1/users/bulk` with `dryRun`) and then the action
 * (the same body without it), timed together, for disable and for delete. Each user is applied in its own transaction.
 * The median of the runs, wall time of this process, with the per-user cost.
 *
 *   npm run bench:bulk                                     # SQLite and PostgreSQL
 *   BENCH_STORES=sqlite BENCH_RUNS=5 npm run bench:bulk
 *
 * Settings: BENCH_USERS (100,000), BENCH_RUNS (5), BENCH_SELECTED (50), BENCH_STORES (sqlite,postgres),
 * BENCH_SQLITE_FILE (/tmp/dt-bulk-bench-N.db: seeded when missing, then kept; each run deletes its users),
 * BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test: the server; the data set goes into a database of its own,
 * `bench_bulk`, seeded and dropped at the end).
 */
import { existsSync } from "node:fs"
import os from "node:os"
import { Actor, Groups, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Server } from "@user-manager/server"
import { Effect, ManagedRuntime } from "effect"
import { sql } from "kysely"
import { type Engine, PASSWORD, seed } from "./load.js"
import { intSetting, log, median, ms, now, thousands } from "./stats.js"

const SIZE = intSetting("BENCH_USERS", 100_000, 100)
const RUNS = intSetting("BENCH_RUNS", 5, 1)
const SELECTED = intSetting("BENCH_SELECTED", 50, 1)
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",").map((store) => store.trim()) as Array<Engine>
const SQLITE_FILE = process.env.BENCH_SQLITE_FILE ?? `/tmp/dt-bulk-bench-${SIZE}.db`
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const POSTGRES_DATABASE = "bench_bulk"

const admin = Actor.user("admin")
/** The group the runs add their users to and remove them from again (created when missing). */
const GROUP = "bench-bulk"

/** The store, seeded with SIZE users when it has none. */
const openStore = async (engine: Engine) => {
  if (engine === "sqlite") {
    const fresh = !existsSync(SQLITE_FILE)
    const db = await Effect.runPromise(SqliteDirectory.open(SQLITE_FILE))
    return { db, fresh, describe: `SQLite file ${SQLITE_FILE} (WAL)`, close: () => db.destroy() }
  }
  const server = PostgresDirectory.open({ url: POSTGRES_URL, poolSize: 1 })
  await sql`drop database if exists ${sql.id(POSTGRES_DATABASE)} with (force)`.execute(server)
  await sql`create database ${sql.id(POSTGRES_DATABASE)}`.execute(server)
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${POSTGRES_DATABASE}`
  const db = PostgresDirectory.open({ url: url.toString() })
  return {
    db,
    fresh: true,
    describe: `PostgreSQL database ${POSTGRES_DATABASE} on ${url.host}`,
    close: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(POSTGRES_DATABASE)} with (force)`.execute(server)
      await server.destroy()
    }
  }
}

type Step =
  | "disable (dry run)"
  | "disable"
  | "enable"
  | "addToGroup"
  | "removeFromGroup"
  | "delete (dry run)"
  | "delete"
  | "HTTP disable: dry run + apply"
  | "HTTP delete: dry run + apply"

const STEPS: ReadonlyArray<Step> = [
  "disable (dry run)",
  "disable",
  "enable",
  "addToGroup",
  "removeFromGroup",
  "delete (dry run)",
  "delete",
  "HTTP disable: dry run + apply",
  "HTTP delete: dry run + apply"
]

const bench = async (engine: Engine) => {
  const store = await openStore(engine)
  const services = UserManager.layer({
    directory: KyselyDirectory.layer({ db: store.db, engine, migrate: true }),
    hasher: Argon2Hasher.layer
  })
  const runtime = ManagedRuntime.make(services)
  // The API over its own services on the same database handle, as a host mounts it.
  const web = Server.webHandler({ services })
  try {
    if (store.fresh) await runtime.runPromise(seed(store.db, engine, SIZE))
    await runtime.runPromise(
      Effect.flatMap(Groups.Groups, (groups) =>
        groups.create(admin, { name: GROUP }).pipe(Effect.catchTag("GroupNameTaken", () => Effect.void))
      )
    )
    // Users no run has touched: each run takes two slices (one for the core, one for HTTP) and deletes them.
    const rows = await sql<{
      username: string
    }>`select username from users where username <> 'admin' and system = 0 order by username limit ${RUNS * SELECTED * 2}`.execute(
      store.db
    )
    const names = rows.rows.map((row) => row.username)
    if (names.length < RUNS * SELECTED * 2) throw new Error(`the store has too few users left: ${names.length}`)
    const total = await sql<{ n: number | string }>`select count(*) as n from users`.execute(store.db)
    log(`${store.describe}: ${thousands(Number(total.rows[0]?.n))} users, ${SELECTED} selected a run, ${RUNS} runs`)

    const signIn = await web.handler(
      new Request("http://bench/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: PASSWORD, session: "bearer" })
      })
    )
    const { token } = (await signIn.json()) as { token: string }
    const post = async (body: Users.BulkAction) => {
      const response = await web.handler(
        new Request("http://bench/api/v1/users/bulk", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(body)
        })
      )
      const answer = (await response.json()) as Users.BulkResult
      if (response.status !== 200 || answer.refused > 0) throw new Error(`refused: ${JSON.stringify(answer)}`)
      return answer
    }
    const core = async (body: Users.BulkAction) => {
      const answer = await runtime.runPromise(Effect.flatMap(Users.Users, (users) => users.bulk(admin, body)))
      if (answer.refused > 0) throw new Error(`refused: ${JSON.stringify(answer.results.find((r) => r.error))}`)
      return answer
    }
    const timed = async (work: () => Promise<unknown>) => {
      const started = now()
      await work()
      return now() - started
    }

    const samples = new Map<Step, Array<number>>(STEPS.map((step) => [step, []]))
    const record = (step: Step, millis: number) => samples.get(step)?.push(millis)
    // A warm-up on the core and HTTP paths (statements prepared, code compiled), on users of no run.
    const spare = names.slice(0, 5)
    await core({ action: "disable", usernames: spare, dryRun: true })
    await post({ action: "disable", usernames: spare, dryRun: true })
    for (let run = 0; run < RUNS; run++) {
      const usernames = names.slice(run * SELECTED * 2, run * SELECTED * 2 + SELECTED)
      const viaHttp = names.slice(run * SELECTED * 2 + SELECTED, (run + 1) * SELECTED * 2)
      record("disable (dry run)", await timed(() => core({ action: "disable", usernames, dryRun: true })))
      record("disable", await timed(() => core({ action: "disable", usernames })))
      record("enable", await timed(() => core({ action: "enable", usernames })))
      record("addToGroup", await timed(() => core({ action: "addToGroup", group: GROUP, usernames })))
      record("removeFromGroup", await timed(() => core({ action: "removeFromGroup", group: GROUP, usernames })))
      record("delete (dry run)", await timed(() => core({ action: "delete", usernames, dryRun: true })))
      record("delete", await timed(() => core({ action: "delete", usernames })))
      record(
        "HTTP disable: dry run + apply",
        await timed(async () => {
          await post({ action: "disable", usernames: viaHttp, dryRun: true })
          await post({ action: "disable", usernames: viaHttp })
        })
      )
      record(
        "HTTP delete: dry run + apply",
        await timed(async () => {
          await post({ action: "delete", usernames: viaHttp, dryRun: true })
          await post({ action: "delete", usernames: viaHttp })
        })
      )
    }
    log("")
    log(`| ${engine}: ${SELECTED} users | median of ${RUNS} runs | per user | runs |`)
    log("|---|---:|---:|---|")
    for (const step of STEPS) {
      const values = samples.get(step) ?? []
      const middle = median(values)
      log(`| ${step} | ${ms(middle)} | ${ms(middle / SELECTED)} | ${values.map((value) => ms(value)).join(", ")} |`)
    }
    log("")
  } finally {
    await web.dispose()
    await runtime.dispose()
    await store.close()
  }
}

log(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load ${os.loadavg()[0]?.toFixed(1)}`
)
for (const engine of STORES) await bench(engine)
