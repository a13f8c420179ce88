/**
 * What a read served by a read replica costs against the same read on the primary alone, run by hand (not in CI):
 *
 *   npm run bench:replica
 *   BENCH_RUNS=3 BENCH_READS=300 npm run bench:replica
 *
 * It starts a private PostgreSQL primary and a streaming standby of it on loopback (as the replica tests do; never the
 * machine's shared server), loads `admin`, 20 groups and 1,000 users through the core, then times, alternating in each
 * run: `Groups.get` and a page of 50 of `Users.list` with its total, as a signed-in session runs them, once over the
 * primary alone (the check and the read in one transaction) and once over the replicated store (the check on the
 * primary, then the read on the replica: two transactions). It prints the median of the per-run medians and p95s.
 */
import { Actor, Directory, Groups, Sessions, UserManager, Users } from "@user-manager/core"
import type { StorageError } from "@user-manager/core/Errors"
import { KyselyDirectory, Migrations, PostgresDirectory, ReadReplica } from "@user-manager/kysely"
import { startStreamingReplica } from "@user-manager/test-stores/streamingReplica"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import { intSetting, log, median, ms, type Plan, ratio, type Stats, timeEach } from "./stats.js"

const RUNS = intSetting("BENCH_RUNS", 5, 1)
const READS = intSetting("BENCH_READS", 500, 10)
const plan: Plan = { iterations: READS, budgetMs: 60_000, minimum: 10 }

const cluster = await startStreamingReplica()
try {
  const primaryDb = PostgresDirectory.open({ url: cluster.primaryUrl })
  const replicaDb = PostgresDirectory.open({ url: cluster.replicaUrl })
  await Effect.runPromise(Migrations.migrateToLatest({ db: primaryDb, engine: "postgres", prefix: "" }))
  let store: ReadReplica.ReplicatedDirectory | undefined
  const services = (directory: Layer.Layer<Directory.Directory, StorageError>) =>
    UserManager.layer({ directory, hasher: TestHasher })
  const primaryOnly = services(KyselyDirectory.layer({ db: primaryDb, engine: "postgres" }))
  const replicated = services(
    Layer.scoped(
      Directory.Directory,
      Effect.gen(function* () {
        store = yield* ReadReplica.make({
          primary: yield* KyselyDirectory.make({ db: primaryDb, engine: "postgres" }),
          primaryDb,
          replica: yield* KyselyDirectory.make({ db: replicaDb, engine: "postgres", check: false }),
          replicaDb
        })
        return store.directory
      })
    )
  )

  const load = Effect.gen(function* () {
    const users = yield* Users.Users
    const groups = yield* Groups.Groups
    yield* users.bootstrap({ username: "admin", firstName: "Ada", password: "admin's long secret" })
    const admin = Actor.user("admin")
    for (let index = 1; index <= 20; index++) yield* groups.create(admin, { name: `team-${index}` })
    for (let index = 1; index <= 1000; index++) {
      yield* users.create(admin, { username: `user${index}`, groups: [`team-${(index % 20) + 1}`] })
    }
  })
  await Effect.runPromise(Effect.provide(load, primaryOnly))

  /** The session actor of a fresh sign-in, as the server runs every request. */
  const signedIn = Effect.gen(function* () {
    const sessions = yield* Sessions.Sessions
    const session = yield* sessions.login("admin", "admin's long secret", { address: "127.0.0.1" })
    return Sessions.actor(session.token)
  })
  const CASES = ["Groups.get", "Users.list, 50 with the total"] as const
  const results = new Map<string, Array<Stats>>()
  const measure = (label: string, layer: typeof primaryOnly) =>
    Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const actor = yield* signedIn
          const groups = yield* Groups.Groups
          const users = yield* Users.Users
          const reads = {
            "Groups.get": () => groups.get(actor, "team-1"),
            "Users.list, 50 with the total": () => users.list(actor, { limit: 50 })
          }
          for (const [name, read] of Object.entries(reads)) {
            yield* timeEach({ ...plan, iterations: 20 }, read)
            const key = `${name} — ${label}`
            results.set(key, [...(results.get(key) ?? []), yield* timeEach(plan, read)])
          }
        }),
        layer
      )
    )
  for (let run = 0; run < RUNS; run++) {
    await measure("primary only", primaryOnly)
    await measure("replica (check on the primary)", replicated)
  }
  log("| read | median | p95 |")
  log("|---|---|---|")
  const medians = new Map<string, number>()
  for (const [key, runs] of results) {
    const value = median(runs.map((run) => run.median))
    medians.set(key, value)
    log(`| ${key} | ${ms(value)} | ${ms(median(runs.map((run) => run.p95)))} |`)
  }
  for (const name of CASES) {
    const alone = medians.get(`${name} — primary only`) ?? Number.NaN
    const routed = medians.get(`${name} — replica (check on the primary)`) ?? Number.NaN
    log(`${name}: replica-served ${ratio(routed, alone)} the primary-only read`)
  }
  const served = store?.reads()
  log(
    `reads of the replicated store answered by the replica: ${served?.replica} of ${(served?.replica ?? 0) + (served?.primary ?? 0)}`
  )
  await primaryDb.destroy()
  await replicaDb.destroy()
} finally {
  await cluster.stop()
}
