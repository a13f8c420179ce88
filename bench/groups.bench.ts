/**
 * Flat costs in huge groups (issue 20, item 4), run by hand (not in CI): through the core services (`UserManager.layer`
 * over `KyselyDirectory`, actor `admin`), on the directory of bench/groups.ts (1,000,000 users, `everyone` of 500,000,
 * 20 teams of 50,000, 2,000 clubs of 10), the same operations on `everyone` and on `club-0001` (10 members),
 * alternating in the same runs:
 *
 * - create a user in the group (`Users.create`, no password);
 * - add a user to it, remove that user from it (`Users.addToGroup`, `Users.removeFromGroup`; the user stays in a team);
 * - the same through `Groups.addMembers` / `Groups.removeMembers` (fewer samples), which answer the group's count and
 *   first 10 members;
 * - reads: the group (`Groups.get`), a page of 50 members, a page searched within the group ('quartz', 5% of users;
 *   'ma', 12%, its first match past the 300,000th username; 'maria', a first name: 2.5%, all together half-way), and
 *   a page after the group's middle member (keyset `after`);
 * - then the first page of 50 groups, largest first (`Groups.list`), and the size of its JSON body;
 * - then a users search page of 50 with its total (`Users.list`, the total counted up to 10,000) in both orders, for a
 *   last name's fragment ('quartz', 5% of the users, spread over the usernames) and three first names (2.5% each,
 *   'maria', 'kenji', 'ann': usernames are `first.last…`, so their matches sit together in username order), and two
 *   terms of two characters ('ma', 12% of the users, most of them late in username order; 'zz', which none holds);
 * - a yardstick of the machine's state: reading the created user (`Users.get`, 0.13 ms on a quiet machine).
 *
 * The median of the per-run medians, wall and CPU time of this process (the PostgreSQL server's CPU is not in it).
 *
 *   npm run bench:groups                          # SQLite and PostgreSQL
 *   BENCH_STORES=sqlite BENCH_RUNS=3 npm run bench:groups
 *   tsx --conditions=@user-manager/source bench/groups.bench.ts seed sqlite /tmp/groups.db   # only the data set
 *
 * Settings: BENCH_GROUPS_USERS (1,000,000), BENCH_RUNS (3), BENCH_ITERATIONS (30 a run), BENCH_WARMUP (50 iterations
 * before the runs, not measured), BENCH_WHOLE_GROUP (3 samples a run of the whole-group answers; 0: skip), BENCH_SQLITE_FILE (/tmp/dt-groups-bench-N.db: seeded when
 * missing, then kept), BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test: the server; the data set goes into
 * a database of its own, `bench_groups` or BENCH_POSTGRES_DATABASE, seeded when missing and dropped at the end unless BENCH_KEEP_POSTGRES=1).
 */
import { existsSync } from "node:fs"
import os from "node:os"
import { Actor, Group, Groups, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import { checkInvariants, club, EVERYONE, seedGroups } from "./groups.js"
import type { Engine } from "./load.js"
import { collectGarbage, intSetting, log, median, ms, now, ratio, seconds, thousands } from "./stats.js"

const SIZE = intSetting("BENCH_GROUPS_USERS", 1_000_000, 20)
const RUNS = intSetting("BENCH_RUNS", 3, 1)
const ITERATIONS = intSetting("BENCH_ITERATIONS", 30, 1)
const WHOLE_GROUP = intSetting("BENCH_WHOLE_GROUP", 3, 0)
const WARMUP = intSetting("BENCH_WARMUP", 50, 1)
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",").map((store) => store.trim()) as Array<Engine>
const SQLITE_FILE = process.env.BENCH_SQLITE_FILE ?? `/tmp/dt-groups-bench-${SIZE}.db`
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const POSTGRES_DATABASE = process.env.BENCH_POSTGRES_DATABASE ?? "bench_groups"
const KEEP_POSTGRES = process.env.BENCH_KEEP_POSTGRES === "1"

const admin = Actor.user("admin")
const SMALL = club(0)

// biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
const layerOf = (db: Kysely<any>, engine: Engine) =>
  UserManager.layer({ directory: KyselyDirectory.layer({ db, engine, migrate: true }), hasher: Argon2Hasher.layer })

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** The store with the data set, seeded when it has none; `close` drops the PostgreSQL database unless kept. */
const openStore = async (engine: Engine, target?: string) => {
  if (engine === "sqlite") {
    const filename = target ?? SQLITE_FILE
    const fresh = !existsSync(filename)
    const db = await Effect.runPromise(SqliteDirectory.open(filename))
    // A large page cache for the load: the secondary indexes take keys in random order.
    await sql`pragma cache_size = -1000000`.execute(db)
    return { db, fresh, describe: `SQLite file ${filename} (WAL)`, close: () => db.destroy() }
  }
  const server = PostgresDirectory.open({ url: POSTGRES_URL, poolSize: 1 })
  const exists = await sql`select 1 from pg_database where datname = ${POSTGRES_DATABASE}`.execute(server)
  if (exists.rows.length === 0) await sql`create database ${sql.id(POSTGRES_DATABASE)}`.execute(server)
  const db = PostgresDirectory.open({ url: withDatabase(target ?? POSTGRES_URL, POSTGRES_DATABASE) })
  return {
    db,
    fresh: exists.rows.length === 0,
    describe: `PostgreSQL database ${POSTGRES_DATABASE} on ${new URL(POSTGRES_URL).host} (pool of 10)`,
    close: async () => {
      await db.destroy()
      if (!KEEP_POSTGRES) await sql`drop database if exists ${sql.id(POSTGRES_DATABASE)} with (force)`.execute(server)
      await server.destroy()
    }
  }
}

interface Sample {
  readonly wall: number
  readonly cpu: number
}

/** Runs an operation once, timed: wall and CPU (user + system) milliseconds of this process. */
const timed = <A, E>(operation: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const cpu0 = process.cpuUsage()
    const t0 = now()
    yield* Effect.orDie(operation)
    const wall = now() - t0
    const cpu = process.cpuUsage(cpu0)
    return { wall, cpu: (cpu.user + cpu.system) / 1000 } satisfies Sample
  })

type Operation =
  | "get"
  | "create"
  | "add"
  | "remove"
  | "Groups.addMembers"
  | "Groups.removeMembers"
  | "Groups.get"
  | "members"
  | "members search"
  | "members short search"
  | "members name search"
  | "members deep"
const OPERATIONS: ReadonlyArray<readonly [Operation, string]> = [
  ["get", "yardstick: read that user (`Users.get`)"],
  ["create", "create a user in the group (`Users.create`)"],
  ["add", "add a user (`Users.addToGroup`)"],
  ["remove", "remove that user (`Users.removeFromGroup`)"],
  ["Groups.addMembers", "`Groups.addMembers` (answers the count and first 10)"],
  ["Groups.removeMembers", "`Groups.removeMembers` (answers the count and first 10)"],
  ["Groups.get", "read the group (`Groups.get`: count and first 10 members)"],
  ["members", "a page of 50 members (`Groups.members`)"],
  ["members search", "a page of 50 members matching 'quartz' (`Groups.members`, search)"],
  ["members short search", "a page of 50 members matching 'ma' (`Groups.members`, a short term)"],
  ["members name search", "a page of 50 members matching 'maria' (`Groups.members`, a first name)"],
  ["members deep", "a page of 50 members after the middle one (`Groups.members`, `after`)"]
]

/** A group's middle member by username, where the deep page starts (none for a group of fewer than 2,000). */
const middleMember = (groups: Groups.Groups["Type"], group: string) =>
  Effect.gen(function* () {
    const { memberCount } = yield* groups.get(admin, group)
    let after: string | undefined
    for (let read = 0; read + 1000 <= memberCount / 2; read += 1000) {
      after = (yield* groups.members(admin, group, {
        limit: 1000,
        ...(after === undefined ? {} : { after })
      })).items.at(-1)
    }
    return after
  })

/**
 * The first page of 50 groups as the API answers it, largest groups first (`everyone` and the 20 teams in it): the
 * median time of `Groups.list` over `runs` × 10 reads, and the size of its JSON body.
 */
const listPage = (runs: number) =>
  Effect.gen(function* () {
    const groups = yield* Groups.Groups
    const query = { limit: 50, sort: "members", order: "desc" } as const
    const times: Array<number> = []
    for (let index = 0; index < runs * 10 + 3; index++) {
      const sample = yield* timed(groups.list(admin, query))
      if (index >= 3) times.push(sample.wall)
    }
    const page = yield* Effect.orDie(groups.list(admin, query))
    const body = JSON.stringify({ ...page, items: page.items.map(Group.toJson) })
    return { ms: median(times), bytes: Buffer.byteLength(body) }
  })

const benchmark = (engine: Engine) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const groups = yield* Groups.Groups
    // Each sample's users are new, so that a run of the benchmark never depends on an earlier one.
    const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`
    let counter = 0
    const fresh = () => `bench.${tag}.${counter++}`
    const samples = new Map<string, Array<Array<Sample>>>()
    const record = (operation: Operation, group: string, run: number, sample: Sample) => {
      const key = `${operation}\u0000${group}`
      const runs = samples.get(key) ?? []
      const samplesOfRun = runs[run] ?? []
      samplesOfRun.push(sample)
      runs[run] = samplesOfRun
      samples.set(key, runs)
    }
    const middles = new Map<string, string | undefined>()
    for (const group of [EVERYONE, SMALL]) middles.set(group, yield* Effect.orDie(middleMember(groups, group)))
    const reads = (run: number, group: string) =>
      Effect.gen(function* () {
        const middle = middles.get(group)
        record("Groups.get", group, run, yield* timed(groups.get(admin, group)))
        record("members", group, run, yield* timed(groups.members(admin, group, { limit: 50 })))
        record(
          "members search",
          group,
          run,
          yield* timed(groups.members(admin, group, { limit: 50, search: "quartz" }))
        )
        record(
          "members short search",
          group,
          run,
          yield* timed(groups.members(admin, group, { limit: 50, search: "ma" }))
        )
        record(
          "members name search",
          group,
          run,
          yield* timed(groups.members(admin, group, { limit: 50, search: "maria" }))
        )
        record(
          "members deep",
          group,
          run,
          yield* timed(groups.members(admin, group, { limit: 50, ...(middle === undefined ? {} : { after: middle }) }))
        )
      })
    const iteration = (run: number, group: string, wholeGroup: boolean) =>
      Effect.gen(function* () {
        yield* reads(run, group)
        const created = fresh()
        record("create", group, run, yield* timed(users.create(admin, { username: created, groups: [group] })))
        record("get", group, run, yield* timed(users.get(admin, created)))
        const mover = fresh()
        yield* users.create(admin, { username: mover, groups: ["team-01"] })
        record("add", group, run, yield* timed(users.addToGroup(admin, mover, group)))
        record("remove", group, run, yield* timed(users.removeFromGroup(admin, mover, group)))
        if (wholeGroup) {
          record("Groups.addMembers", group, run, yield* timed(groups.addMembers(admin, group, [mover])))
          record("Groups.removeMembers", group, run, yield* timed(groups.removeMembers(admin, group, [mover])))
        }
        yield* users.remove(admin, created)
        yield* users.remove(admin, mover)
      })
    // Warm-up: compiled statements, the pages of both groups in the cache, and the code optimized by V8 as it is in a
    // server that has been answering for a while (after 5 iterations instead of 50, the same operations took 10–40%
    // longer in alternating runs).
    for (let index = 0; index < WARMUP; index++) {
      for (const group of [EVERYONE, SMALL]) yield* Effect.orDie(iteration(-1, group, index === 0 && WHOLE_GROUP > 0))
    }
    samples.clear()
    for (let run = 0; run < RUNS; run++) {
      const started = now()
      collectGarbage()
      for (let index = 0; index < ITERATIONS; index++) {
        // The two groups alternate, so that both see the same load.
        for (const group of index % 2 === 0 ? [EVERYONE, SMALL] : [SMALL, EVERYONE]) {
          yield* Effect.orDie(iteration(run, group, index < WHOLE_GROUP))
        }
      }
      log(`  ${engine} run ${run + 1}/${RUNS}: ${seconds(now() - started)}`)
    }
    const medianOf = (operation: Operation, group: string, field: keyof Sample) =>
      median((samples.get(`${operation}\u0000${group}`) ?? []).map((run) => median(run.map((s) => s[field]))))
    return OPERATIONS.filter(([operation]) => samples.has(`${operation}\u0000${EVERYONE}`)).map(
      ([operation, label]) => ({
        label,
        huge: { wall: medianOf(operation, EVERYONE, "wall"), cpu: medianOf(operation, EVERYONE, "cpu") },
        small: { wall: medianOf(operation, SMALL, "wall"), cpu: medianOf(operation, SMALL, "cpu") }
      })
    )
  })

/**
 * The searches of `searchPages`: a last name's fragment, spread over the usernames, three first names, and two terms
 * too short for a trigram.
 */
const SEARCHES = ["quartz", "maria", "kenji", "ann", "ma", "zz"] as const

/** The median time of a users search page of 50 with its total, each search in each order, over `runs` × 5 reads. */
const searchPages = (runs: number) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const rows: Array<{ search: string; asc: number; desc: number }> = []
    for (const search of SEARCHES) {
      const times = { asc: [] as Array<number>, desc: [] as Array<number> }
      for (let index = 0; index < runs * 5 + 2; index++) {
        for (const order of ["asc", "desc"] as const) {
          const sample = yield* timed(users.list(admin, { search, limit: 50, order }))
          if (index >= 2) times[order].push(sample.wall)
        }
      }
      rows.push({ search, asc: median(times.asc), desc: median(times.desc) })
    }
    return rows
  })

const members = (db: Kysely<unknown>, group: string) =>
  sql<{ n: number | string }>`select member_count as n from groups where name = ${group}`
    .execute(db)
    .then((result) => Number(result.rows[0]?.n))

const run = async (engine: Engine) => {
  const store = await openStore(engine)
  try {
    if (store.fresh) {
      const started = now()
      await Effect.runPromise(seedGroups(store.db, engine, SIZE).pipe(Effect.provide(layerOf(store.db, engine))))
      log(`  ${engine}: data set of ${thousands(SIZE)} users ready in ${seconds(now() - started)}`)
    }
    await checkInvariants(store.db, engine)
    const rows = await Effect.runPromise(benchmark(engine).pipe(Effect.provide(layerOf(store.db, engine))))
    const list = await Effect.runPromise(listPage(RUNS).pipe(Effect.provide(layerOf(store.db, engine))))
    const searches = await Effect.runPromise(searchPages(RUNS).pipe(Effect.provide(layerOf(store.db, engine))))
    const huge = await members(store.db, EVERYONE)
    const small = await members(store.db, SMALL)
    console.log(`\n### ${store.describe}\n`)
    console.log(
      `| median ms, wall (CPU) | \`${EVERYONE}\` (${thousands(huge)} members) | \`${SMALL}\` (${small}) | ratio (CPU) |`
    )
    console.log("|---|--:|--:|--:|")
    for (const row of rows) {
      console.log(
        `| ${row.label} | ${ms(row.huge.wall)} (${ms(row.huge.cpu)}) | ${ms(row.small.wall)} (${ms(row.small.cpu)}) | ${ratio(row.huge.wall, row.small.wall)} (${ratio(row.huge.cpu, row.small.cpu)}) |`
      )
    }
    console.log(
      `\nFirst page of 50 groups, largest first (\`Groups.list\`): ${ms(list.ms)} ms median, ${thousands(list.bytes)} bytes of JSON`
    )
    console.log("\n| median ms, users search page of 50 + total (`Users.list`) | ascending | descending |")
    console.log("|---|--:|--:|")
    for (const row of searches) console.log(`| '${row.search}' | ${ms(row.asc)} | ${ms(row.desc)} |`)
  } finally {
    await store.close()
  }
}

const [mode, engineArgument, target] = process.argv.slice(2)
if (mode === "seed") {
  const engine = (engineArgument ?? "sqlite") as Engine
  const store = await openStore(engine, target)
  if (!store.fresh) throw new Error(`${store.describe} exists already: remove it first`)
  await Effect.runPromise(seedGroups(store.db, engine, SIZE).pipe(Effect.provide(layerOf(store.db, engine))))
  await checkInvariants(store.db, engine)
  if (engine === "sqlite") await store.close()
  else await store.db.destroy()
} else {
  for (const engine of STORES) await run(engine)
  console.log(
    `\n(${thousands(SIZE)} users, ${RUNS} runs of ${ITERATIONS}; node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`
  )
}
