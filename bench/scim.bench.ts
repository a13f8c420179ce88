/**
 * A SCIM page against the same page of the JSON API, run by hand (not in CI):
 *
 *   npm run bench:scim                          # 100,000 users in a fresh SQLite file
 *   BENCH_USERS=10000 BENCH_REQUESTS=50 npm run bench:scim
 *   BENCH_STORE=postgres BENCH_PARTS=pages BENCH_RUNS=3 npm run bench:scim
 *
 * It loads BENCH_USERS users (bench/load.ts: 20 teams, about 5% with a last name containing `quartz`) into a fresh
 * store, BENCH_STORE: `sqlite` (default, a file in a temporary folder), `postgres` or `mysql` (a database of its own,
 * `dt_test_<random>`, on the server of DT_TEST_POSTGRES_URL / DT_TEST_MYSQL_URL, dropped at the end), serves it in this
 * process (`Server.node`, as `dt serve` does, without the request log), and asks BENCH_REQUESTS times (default 200,
 * after 20 to warm up), one at a time, a SCIM request and its API request in turn (so that a change of the machine's
 * load falls on both), for:
 *
 * - a filtered page of 100: SCIM `GET /scim/v2/Users?filter=name.familyName co "quartz"&count=100` (a scim token),
 *   and with `sw` instead of `co`, against `GET /api/v1/users?search=quartz&limit=100` (an administrator's bearer
 *   session; the API's search is the full-text index's, SCIM's `co` a substring of one column);
 * - the first page of 100: SCIM `GET /scim/v2/Users?count=100` against `GET /api/v1/users?limit=100`.
 *
 * It prints the median and p95 of each, and SCIM's median over the API's, as Markdown (issue 22 asks ≤ 2×), BENCH_RUNS
 * times (default 1) on the same directory, with the load average of each run.
 *
 * Then an Entra ID–style sync on the same directory: BENCH_SYNC_USERS (default 10,000) users created one `POST /Users`
 * at a time (no group named: each goes to the default group), then each added to one of 20 new groups by one
 * `PATCH /Groups/{id}` (`"op": "Add"`, one member), with BENCH_SYNC_CONNECTIONS requests in flight (default 4, as
 * Entra ID's provisioning runs a few at once); it prints the rate of each phase. BENCH_PARTS chooses `pages`, `sync`
 * or both (default `pages,sync`).
 */
import { loadavg } from "node:os"
import { HttpServer } from "@effect/platform"
import { Actor, Tokens, UserManager } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory } from "@user-manager/kysely"
import { Server } from "@user-manager/server"
import {
  mysqlServer,
  mysqlUrl,
  postgresServer,
  postgresUrl,
  sqliteFile,
  type TestDatabase
} from "@user-manager/test-stores/stores"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { PASSWORD, seed } from "./load.js"
import { intSetting, log, ms, now, ratio, seconds, stats, thousands } from "./stats.js"

const USERS = intSetting("BENCH_USERS", 100_000, 1)
const REQUESTS = intSetting("BENCH_REQUESTS", 200, 1)
const WARM_UP = 20
const SYNC_USERS = intSetting("BENCH_SYNC_USERS", 10_000, 1)
const SYNC_CONNECTIONS = intSetting("BENCH_SYNC_CONNECTIONS", 4, 1)
const PARTS = (process.env.BENCH_PARTS ?? "pages,sync").split(",").map((part) => part.trim())
const RUNS = intSetting("BENCH_RUNS", 1, 1)
const STORE = process.env.BENCH_STORE ?? "sqlite"
const STORE_NAMES: Record<string, string> = { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MariaDB" }

const openStore = (): Promise<TestDatabase> => {
  if (STORE === "sqlite") return sqliteFile()
  if (STORE === "postgres" && postgresUrl !== undefined) return postgresServer(postgresUrl)
  if (STORE === "mysql" && mysqlUrl !== undefined) return mysqlServer(mysqlUrl)
  throw new Error(`BENCH_STORE is sqlite, postgres (DT_TEST_POSTGRES_URL) or mysql (DT_TEST_MYSQL_URL), not '${STORE}'`)
}

/** Runs `task` for 0 … count - 1 with `connections` at a time; the elapsed milliseconds. */
const inFlight = async (count: number, connections: number, task: (index: number) => Promise<void>) => {
  const started = now()
  let next = 0
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) await task(next++)
    })
  )
  return now() - started
}

const main = async () => {
  const store = await openStore()
  const { db, engine } = store
  const storeName = STORE_NAMES[STORE] ?? STORE
  const services = UserManager.layer({
    directory: KyselyDirectory.layer({ db, engine, migrate: true }),
    hasher: Argon2Hasher.layer
  })
  const scope = Effect.runSync(Scope.make())
  try {
    const context = await Effect.runPromise(
      Layer.buildWithScope(
        Server.node({ port: 0, host: "127.0.0.1", log: false, page: false }).pipe(Layer.provideMerge(services)),
        scope
      )
    )
    const run = <A, E>(effect: Effect.Effect<A, E, Server.Services>) =>
      Effect.runPromise(Effect.provide(effect, context))
    await run(seed(db, engine, USERS))
    const token = await run(
      Effect.flatMap(Tokens.Tokens, (tokens) => tokens.create(Actor.user("admin"), { name: "bench", scope: "scim" }))
    )
    const address = Context.get(context, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") throw new Error("not a TCP server")
    const url = `http://127.0.0.1:${address.port}`
    const signIn = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD, session: "bearer" })
    })
    const session = ((await signIn.json()) as { token: string }).token
    const scim = { authorization: `Bearer ${Redacted.value(token.token)}` }
    const api = { authorization: `Bearer ${session}` }

    /** A request's time and body, checked to be a full page of 100. */
    const ask = async (path: string, headers: Record<string, string>, count: (body: unknown) => number) => {
      const started = now()
      const answer = await fetch(`${url}${path}`, { headers })
      const text = await answer.text()
      const elapsed = now() - started
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${text.slice(0, 200)}`)
      if (count(JSON.parse(text)) !== 100) throw new Error(`${path}: not a page of 100`)
      return { elapsed, size: text.length }
    }
    /** Times `REQUESTS` sequential requests of each path after the warm-up, SCIM's and the API's in turn. */
    const timePair = async (scimPath: string, apiPath: string) => {
      const samples = { scim: [] as Array<number>, api: [] as Array<number> }
      const size = { scim: 0, api: 0 }
      for (let index = 0; index < WARM_UP + REQUESTS; index++) {
        const one = await ask(scimPath, scim, resources)
        const other = await ask(apiPath, api, items)
        size.scim = one.size
        size.api = other.size
        if (index >= WARM_UP) {
          samples.scim.push(one.elapsed)
          samples.api.push(other.elapsed)
        }
      }
      return { scim: { ...stats(samples.scim), size: size.scim }, api: { ...stats(samples.api), size: size.api } }
    }
    const resources = (body: unknown) => (body as { Resources: Array<unknown> }).Resources.length
    const items = (body: unknown) => (body as { items: Array<unknown> }).items.length
    for (let round = 1; PARTS.includes("pages") && round <= RUNS; round++) {
      const filter = (text: string) => `/scim/v2/Users?filter=${encodeURIComponent(text)}&count=100`
      const load = loadavg()[0]?.toFixed(1)
      const pairs = [
        {
          name: "filtered page of 100",
          ...(await timePair(filter('name.familyName co "quartz"'), "/api/v1/users?search=quartz&limit=100"))
        },
        {
          name: "filtered page of 100, `sw`",
          ...(await timePair(filter('name.familyName sw "quartz"'), "/api/v1/users?search=quartz&limit=100"))
        },
        { name: "first page of 100", ...(await timePair("/scim/v2/Users?count=100", "/api/v1/users?limit=100")) }
      ]
      console.log(
        `\nrun ${round} of ${RUNS}: ${thousands(USERS)} users, ${storeName}, ${REQUESTS} sequential requests each (median / p95 ms, body bytes), load ${load} → ${loadavg()[0]?.toFixed(1)}\n`
      )
      console.log("| page | SCIM | JSON API | SCIM / API (median) |")
      console.log("|---|---|---|---|")
      for (const pair of pairs) {
        console.log(
          `| ${pair.name} | ${ms(pair.scim.median)} / ${ms(pair.scim.p95)} (${thousands(pair.scim.size)} B) | ${ms(pair.api.median)} / ${ms(pair.api.p95)} (${thousands(pair.api.size)} B) | ${ratio(pair.scim.median, pair.api.median)} |`
        )
      }
    }
    if (PARTS.includes("sync")) {
      const send = async (method: string, path: string, body: unknown, expected: number) => {
        const answer = await fetch(`${url}/scim/v2${path}`, {
          method,
          headers: { ...scim, "content-type": "application/scim+json" },
          body: JSON.stringify(body)
        })
        const text = await answer.text()
        if (answer.status !== expected) throw new Error(`${method} ${path}: ${answer.status} ${text.slice(0, 200)}`)
        return text === "" ? undefined : (JSON.parse(text) as { id: string })
      }
      const groupIds: Array<string> = []
      for (let index = 0; index < 20; index++) {
        const group = await send(
          "POST",
          "/Groups",
          { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Sync Team ${index + 1}` },
          201
        )
        groupIds.push(group?.id ?? "")
      }
      const userIds: Array<string> = new Array(SYNC_USERS)
      const createMs = await inFlight(SYNC_USERS, SYNC_CONNECTIONS, async (index) => {
        const user = await send(
          "POST",
          "/Users",
          {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
            externalId: `entra-${index}`,
            userName: `Sync.User${index}@contoso.com`,
            name: { givenName: "Sync", familyName: `User${index}` },
            emails: [{ primary: true, type: "work", value: `sync.user${index}@contoso.com` }],
            active: true
          },
          201
        )
        userIds[index] = user?.id ?? ""
      })
      const patchMs = await inFlight(SYNC_USERS, SYNC_CONNECTIONS, async (index) => {
        await send(
          "PATCH",
          `/Groups/${groupIds[index % groupIds.length]}`,
          {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [{ op: "Add", path: "members", value: [{ value: userIds[index] }] }]
          },
          204
        )
      })
      const rate = (millis: number) => thousands(Math.round((SYNC_USERS / millis) * 1000))
      console.log(
        `\nEntra ID–style sync on ${thousands(USERS)} users, ${storeName}, ${SYNC_CONNECTIONS} requests in flight\n`
      )
      console.log("| phase | requests | time | rate |")
      console.log("|---|---|---|---|")
      console.log(`| POST /Users | ${thousands(SYNC_USERS)} | ${seconds(createMs)} | ${rate(createMs)}/s |`)
      console.log(
        `| PATCH /Groups (add one member) | ${thousands(SYNC_USERS)} | ${seconds(patchMs)} | ${rate(patchMs)}/s |`
      )
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await store.drop()
    log("done")
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
