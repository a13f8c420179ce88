/**
 * PostgreSQL's prepared lookups (`PostgresDirectory.Options.preparedStatements`), run by hand (not in CI): the same
 * operations through the core on two pools of one process, one preparing its lookups (the default) and one planning
 * every statement, alternated in blocks so that both sides see the same machine:
 *
 *   BENCH_STORES=postgres BENCH_KEEP_POSTGRES=1 npm run bench:groups    # once: bench/groups.ts's 1,000,000 users
 *   npm run bench:pg-prepared
 *
 * Settings: BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/bench_groups: a database bench:groups kept),
 * BENCH_BLOCKS (20 blocks of each side), BENCH_BLOCK (10 operations a block), BENCH_WARMUP (30 of each side first).
 */
import { Actor, Groups, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory } from "@user-manager/kysely"
import { Effect, ManagedRuntime } from "effect"
import { intSetting, median, now } from "./stats.js"

const URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/bench_groups"
const BLOCKS = intSetting("BENCH_BLOCKS", 20, 1)
const BLOCK = intSetting("BENCH_BLOCK", 10, 1)
const WARMUP = intSetting("BENCH_WARMUP", 30, 0)

const services = (preparedStatements: boolean) =>
  ManagedRuntime.make(
    UserManager.layer({
      directory: KyselyDirectory.layer({
        db: PostgresDirectory.open({ url: URL, preparedStatements }),
        engine: "postgres",
        migrate: false
      }),
      hasher: Argon2Hasher.layer
    })
  )

const admin = Actor.user("admin")
/** A new user each time: the run's own, so that a run never depends on an earlier one. */
const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`
let created = 0
const fresh = () => `prepared.${tag}.${created++}`
/** A first name not given before: each change writes. */
let changes = 0
const operations: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Users.Users | Groups.Groups>]> = [
  ["read a user (`Users.get`)", Effect.flatMap(Users.Users, (users) => users.get(admin, "admin"))],
  ["read `everyone` (`Groups.get`)", Effect.flatMap(Groups.Groups, (groups) => groups.get(admin, "everyone"))],
  [
    "a page of 50 of `everyone`'s members",
    Effect.flatMap(Groups.Groups, (groups) => groups.members(admin, "everyone", { limit: 50 }))
  ],
  [
    "… matching 'quartz'",
    Effect.flatMap(Groups.Groups, (groups) => groups.members(admin, "everyone", { limit: 50, search: "quartz" }))
  ],
  [
    "the first page of 50 groups (`Groups.list`)",
    Effect.flatMap(Groups.Groups, (groups) => groups.list(admin, { limit: 50 }))
  ],
  [
    "create a user in `everyone` (`Users.create`)",
    Effect.suspend(() =>
      Effect.flatMap(Users.Users, (users) => users.create(admin, { username: fresh(), groups: ["everyone"] }))
    )
  ],
  [
    "change that user's first name (`Users.modify`)",
    Effect.suspend(() =>
      Effect.flatMap(Users.Users, (users) =>
        users.modify(admin, `prepared.${tag}.${created - 1}`, { firstName: `Changed${changes++}` })
      )
    )
  ],
  [
    "a page of 50 users matching 'quartz' (`Users.list`)",
    Effect.flatMap(Users.Users, (users) => users.list(admin, { search: "quartz", limit: 50 }))
  ]
]

const prepared = services(true)
const planned = services(false)
console.log(`| median ms, PostgreSQL, ${URL.replace(/^.*\//, "")} | prepared | planned each time | ratio |`)
console.log("|---|--:|--:|--:|")
for (const [name, operation] of operations) {
  const times = { prepared: [] as Array<number>, planned: [] as Array<number> }
  for (const runtime of [prepared, planned]) for (let i = 0; i < WARMUP; i++) await runtime.runPromise(operation)
  for (let block = 0; block < BLOCKS; block++) {
    for (const [side, runtime] of [
      ["prepared", prepared],
      ["planned", planned]
    ] as const) {
      for (let i = 0; i < BLOCK; i++) {
        const start = now()
        await runtime.runPromise(operation)
        times[side].push(now() - start)
      }
    }
  }
  const [a, b] = [median(times.prepared), median(times.planned)]
  console.log(`| ${name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)} |`)
}
await Promise.all([prepared.dispose(), planned.dispose()])
