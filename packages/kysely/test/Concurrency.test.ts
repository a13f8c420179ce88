import { Worker } from "node:worker_threads"
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Settings } from "@user-manager/core/Settings"
import * as UserManager from "@user-manager/core/UserManager"
import { replayAudit } from "@user-manager/test-stores/invariants"
import {
  migrate,
  mysqlServer,
  mysqlUrl,
  postgresServer,
  postgresUrl,
  sqliteFile,
  type TestDatabase
} from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Fiber } from "effect"
import { sql } from "kysely"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import { ADMINS, checkInvariants, DOCUMENTED, seedWorkload, WORKLOADS } from "./support/concurrency.js"

type WorkerResult = Effect.Effect.Success<ReturnType<(typeof WORKLOADS)["conflicts"]>>
type Workload = keyof typeof WORKLOADS

const WORKERS = 8
const STEPS = Number(process.env.DT_CONCURRENCY_STEPS ?? 400)
/** The most steps of a password writer: it stops sooner, once the raised minimum has refused a few of its writes. */
const RACE_STEPS = 1000

const pgUrl = postgresUrl
const myUrl = mysqlUrl
/** Runs each worker on its own connection pool, in this thread (the server engines). */
const inProcess = (database: TestDatabase, workload: Workload = "conflicts", steps = STEPS) =>
  Effect.acquireRelease(
    Effect.sync(() => Array.from({ length: WORKERS }, () => database.reopen())),
    (pools) => Effect.promise(() => Promise.all(pools.map((pool) => pool.destroy())))
  ).pipe(
    Effect.flatMap((pools) =>
      Effect.all(
        pools.map((pool, worker) =>
          WORKLOADS[workload](KyselyDirectory.layer({ db: pool, engine: database.engine }), worker, steps)
        ),
        { concurrency: "unbounded" }
      )
    )
  )

/**
 * Runs each worker in its own thread with its own SQLite connection: better-sqlite3 blocks its thread while it waits
 * for the file lock, so connections sharing one thread would wait on each other for ever.
 */
const inThreads = (database: TestDatabase, workload: Workload = "conflicts", steps = STEPS) =>
  Effect.forEach(
    Array.from({ length: WORKERS }, (_, worker) => worker),
    (worker) =>
      Effect.async<WorkerResult, Error>((resume) => {
        // The worker runs TypeScript: register tsx's loader in the new thread before importing it.
        const script = new URL("./support/sqliteWorker.ts", import.meta.url).href
        const thread = new Worker(
          `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(script)}) })`,
          {
            eval: true,
            // The workspace packages are read from their sources here too (their exports' source condition).
            execArgv: [...process.execArgv, "--conditions=@user-manager/source"],
            workerData: { filename: database.filename, worker, steps, workload }
          }
        )
        thread.once("message", (message: { ok: boolean; result: WorkerResult; error: string }) => {
          resume(message.ok ? Effect.succeed(message.result) : Effect.fail(new Error(message.error)))
          void thread.terminate()
        })
        thread.once("error", (error) => resume(Effect.fail(error)))
      }),
    { concurrency: "unbounded" }
  )

const servers: ReadonlyArray<
  readonly [string, (() => Promise<TestDatabase>) | undefined, typeof inProcess | typeof inThreads]
> = [
  ["SQLite (file, WAL, one connection per thread)", sqliteFile, inThreads],
  ["PostgreSQL (server)", pgUrl === undefined ? undefined : () => postgresServer(pgUrl), inProcess],
  ["MariaDB/MySQL (server)", myUrl === undefined ? undefined : () => mysqlServer(myUrl), inProcess]
]

for (const [name, open, runAll] of servers) {
  const suite = open === undefined ? describe.skip : describe
  const skipped =
    open === undefined
      ? ` (skipped: set ${name.startsWith("Postgre") ? "DT_TEST_POSTGRES_URL" : "DT_TEST_MYSQL_URL"})`
      : ""
  suite(`${name} — concurrency${skipped}`, () => {
    it.live(
      `${WORKERS} connections racing ${WORKERS * STEPS} conflicting operations never break an invariant, every lost race is a documented error, and the audit trail replays to the data`,
      () =>
        Effect.gen(function* () {
          const database = yield* Effect.promise(() => (open as () => Promise<TestDatabase>)())
          yield* Effect.addFinalizer(() => Effect.promise(() => database.drop()))
          yield* Effect.promise(() => migrate(database))
          const layerFor = (db: TestDatabase["db"]) => KyselyDirectory.layer({ db, engine: database.engine })
          yield* seedWorkload(layerFor(database.db))

          const results = yield* runAll(database)

          const outcomes = results.flatMap((result) => result.outcomes)
          const counts = new Map<string, number>()
          for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
          const undocumented = [...counts.keys()].filter((tag) => tag !== "ok" && !DOCUMENTED.has(tag))
          const surprises = [...new Set(results.flatMap((result) => result.surprises))]
          expect(undocumented, `${JSON.stringify(Object.fromEntries(counts))} ${surprises.join(" | ")}`).toEqual([])
          expect(outcomes.length).toBe(WORKERS * STEPS)
          expect(counts.get("ok") ?? 0).toBeGreaterThan(outcomes.length / 10)
          expect(counts.get("ConcurrentModification") ?? 0).toBeGreaterThan(0)
          expect(
            yield* checkInvariants(
              layerFor(database.db),
              results.flatMap((result) => result.gids)
            )
          ).toEqual([])
          expect(yield* replayAudit(layerFor(database.db), ADMINS)).toEqual([])
        }).pipe(Effect.scoped),
      300_000
    )

    it.live(
      `raising minPasswordLength while ${WORKERS} connections set and create passwords: no write audited after the change is accepted under the old rule`,
      () =>
        Effect.gen(function* () {
          const database = yield* Effect.promise(() => (open as () => Promise<TestDatabase>)())
          yield* Effect.addFinalizer(() => Effect.promise(() => database.drop()))
          yield* Effect.promise(() => migrate(database))
          const directory = KyselyDirectory.layer({ db: database.db, engine: database.engine })
          yield* seedWorkload(directory)
          // Every write of the workload is audited: the trail from here on is the writers' and the change's.
          const lastEntry = sql<{ n: number | string | null }>`select max(id) as n from audit`
          const lastId = () =>
            Effect.promise(() => lastEntry.execute(database.db)).pipe(Effect.map((r) => Number(r.rows[0]?.n)))
          const start = yield* lastId()
          const writers = yield* Effect.fork(runAll(database, "passwords", RACE_STEPS))
          // The change is made once the writers are well under way, so that it lands among their writes.
          while ((yield* lastId()) < start + WORKERS * 2) {
            yield* Effect.sleep("5 millis")
          }
          yield* Effect.flatMap(Settings, (settings) => settings.set(Actor.user("a1"), { minPasswordLength: 12 })).pipe(
            Effect.provide(UserManager.layer({ directory, hasher: TestHasher }))
          )
          const results = yield* Fiber.join(writers)

          const outcomes = results.flatMap((result) => result.outcomes)
          expect(results.flatMap((result) => result.surprises)).toEqual([])
          expect(outcomes.filter((outcome) => outcome !== "ok" && outcome !== "InvalidInput")).toEqual([])
          // The audit trail's ids are handed out in the order the entries are written, inside each transaction.
          const trail = yield* Effect.promise(() =>
            sql<{
              id: number | string
              action: string
            }>`select id, action from audit where id > ${start} order by id`.execute(database.db)
          )
          const change = trail.rows.findIndex((row) => row.action === "directory.settings")
          const before = trail.rows.slice(0, change)
          const after = trail.rows.slice(change + 1)
          expect(change).toBeGreaterThan(0)
          expect(before.length).toBeGreaterThanOrEqual(WORKERS * 2)
          expect(after).toEqual([])
          // Writes kept coming after the change, and every one was refused: the race was run, not missed.
          expect(outcomes.filter((outcome) => outcome === "InvalidInput").length).toBeGreaterThan(0)
          expect(outcomes.filter((outcome) => outcome === "ok").length).toBe(before.length)
        }).pipe(Effect.scoped),
      300_000
    )
  })
}
