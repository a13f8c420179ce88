/**
 * Benchmarks of the core services over the in-memory store, run by hand (not in CI):
 *
 *   npm run bench                       # 100,000 users, 5 runs
 *   BENCH_USERS=10000 npm run bench     # another directory size
 *   BENCH_RUNS=3 npm run bench          # fewer runs
 *
 * It bootstraps `admin`, creates 20 groups, loads the users through `Users.create` (the bulk path of the memory store),
 * then times each operation in several runs and prints a Markdown table: the median of the run medians and of the run
 * p95s, next to a baseline doing the same work on a plain `Map`/array of the same objects (the ceiling of an in-memory
 * store). Results are recorded in docs/benchmarks.md.
 */
import os from "node:os"
import { Actor, Groups, MemoryDirectory, UserManager, Users } from "@user-manager/core"
import { ExactTotalLimit } from "@user-manager/core/Page"
import { Argon2Hasher } from "@user-manager/kysely"
import { Effect } from "effect"
import { FIRST_NAMES, LAST_NAMES, type Person, prng } from "./load.js"
import {
  collectGarbage,
  intSetting,
  log,
  median,
  ms,
  now,
  type Plan,
  ratio,
  type Stats,
  stats,
  thousands,
  timeEach,
  timeSync,
  used
} from "./stats.js"

// ---------------------------------------------------------------------------------------------------------------
// Settings

const USER_COUNT = intSetting("BENCH_USERS", 100_000, 1)
const RUNS = intSetting("BENCH_RUNS", 5, 1)
const GROUP_COUNT = 20
const PAGE = 50
const DEEP_OFFSET = Math.floor(USER_COUNT / 2)
/** About 5% of users get this last name; no other first name, last name or username contains the search term. */
const SELECTIVE_LAST_NAME = "Quillfeather"
const SELECTIVE_SHARE = 0.05
const SELECTIVE_TERM = "quill"
const MISSING_TERM = "zzqxj"

// ---------------------------------------------------------------------------------------------------------------
// Deterministic data

const random = prng(20_240_601)
const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)] as A

const GROUPS = Array.from({ length: GROUP_COUNT }, (_, index) => `team-${String(index + 1).padStart(2, "0")}`)

/** Users in random order relative to their usernames, each in one team and a quarter of them in a second one. */
const people: Array<Person> = Array.from({ length: USER_COUNT }, (_, index) => {
  const firstName = pick(FIRST_NAMES)
  const lastName = random() < SELECTIVE_SHARE ? SELECTIVE_LAST_NAME : pick(LAST_NAMES)
  const username = `${firstName}.${lastName}${index}`.toLowerCase()
  const primary = pick(GROUPS)
  const secondary = random() < 0.25 ? pick(GROUPS) : primary
  return {
    username,
    firstName,
    lastName,
    email: `${username}@example.com`,
    groups: primary === secondary ? [primary] : [primary, secondary].sort()
  }
})

// ---------------------------------------------------------------------------------------------------------------
// The baseline: the same objects in a plain Map, looked up and sorted by hand

interface PlainUser {
  readonly username: string
  readonly firstName: string
  readonly lastName: string
  readonly email: string | null
  readonly enabled: boolean
  readonly system: boolean
  readonly groups: ReadonlyArray<string>
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/**
 * Built as object literals of one shape (like the store's rows), not by spreading: spread-built objects keep some
 * fields out of line and scatter over the heap, which made the baseline's scans several times slower.
 */
const plainUser = (
  person: Pick<PlainUser, "username" | "firstName" | "lastName" | "email" | "groups">,
  enabled: boolean,
  createdAt: Date,
  updatedAt: Date,
  version: number
): PlainUser => ({
  username: person.username,
  firstName: person.firstName,
  lastName: person.lastName,
  email: person.email,
  enabled,
  system: false,
  groups: person.groups,
  createdAt,
  updatedAt,
  version
})
const loadedAt = new Date()
const plain = new Map<string, PlainUser>(
  people.map((person) => [person.username, plainUser(person, true, loadedAt, loadedAt, 1)])
)
const byUsername = (a: PlainUser, b: PlainUser) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)
const plainPage = (term: string, offset: number) => {
  const matches =
    term === ""
      ? [...plain.values()]
      : [...plain.values()].filter(
          (user) =>
            user.username.includes(term) ||
            user.firstName.toLowerCase().includes(term) ||
            user.lastName.toLowerCase().includes(term)
        )
  matches.sort(byUsername)
  return { items: matches.slice(offset, offset + PAGE), total: matches.length }
}
const plainSetEnabled = (username: string, enabled: boolean) => {
  const user = plain.get(username) as PlainUser
  plain.set(username, plainUser(user, enabled, user.createdAt, new Date(), user.version + 1))
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark

interface Row {
  readonly name: string
  readonly core: Array<Stats>
  readonly baseline: Array<Stats>
  readonly baselineNote: string
}

const program = Effect.gen(function* () {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const admin = Actor.user("admin")

  yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: "correct horse battery" })
  for (const name of GROUPS) yield* groups.create(admin, { name })
  yield* groups.create(admin, { name: "bench-empty" })

  log(`loading ${thousands(USER_COUNT)} users through Users.create …`)
  const loadStarted = now()
  let lastReport = loadStarted
  for (let index = 0; index < people.length; index++) {
    const person = people[index] as Person
    yield* Effect.orDie(users.create(admin, person))
    if (now() - lastReport > 10_000) {
      lastReport = now()
      log(`  ${thousands(index + 1)} users after ${((lastReport - loadStarted) / 1000).toFixed(1)} s`)
    }
  }
  const loadMs = now() - loadStarted
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20
  log(`loaded in ${(loadMs / 1000).toFixed(1)} s`)

  const total = yield* Effect.orDie(users.list(admin, { limit: 1 }).pipe(Effect.provideService(ExactTotalLimit, 0)))
  if (total.total !== USER_COUNT + 1) throw new Error(`expected ${USER_COUNT + 1} users, found ${total.total}`)
  const expectedMatches = plainPage(SELECTIVE_TERM, 0).total
  const teamSizes = yield* Effect.orDie(groups.list(admin, { search: "team-", limit: GROUP_COUNT }))

  const randomUsername = () => (people[Math.floor(random() * people.length)] as Person).username
  const randomUsernames = (count: number) => Array.from({ length: count }, randomUsername)
  let created = 0

  const rows = new Map<string, Row>()
  const record = (name: string, core: Stats, baseline: Stats | null, baselineNote: string) => {
    const row = rows.get(name) ?? { name, core: [], baseline: [], baselineNote }
    row.core.push(core)
    if (baseline !== null) row.baseline.push(baseline)
    rows.set(name, row)
  }

  const quick: Plan = { iterations: 2000, budgetMs: 4000, minimum: 200 }
  const writes: Plan = { iterations: 500, budgetMs: 4000, minimum: 100 }
  const scans: Plan = { iterations: 30, budgetMs: 4000, minimum: 5 }
  const searches: Plan = { iterations: 200, budgetMs: 4000, minimum: 10 }
  const batched: Plan = { iterations: 200, budgetMs: 1000, minimum: 50 }

  /** One run of every operation; with `warmUp` nothing is recorded. */
  const run = (warmUp: boolean) =>
    Effect.gen(function* () {
      const scale = (plan: Plan): Plan =>
        warmUp
          ? {
              iterations: Math.max(3, Math.ceil(plan.iterations / 10)),
              budgetMs: plan.budgetMs / 4,
              minimum: Math.min(3, plan.minimum)
            }
          : plan
      const keep = (name: string, core: Stats, baseline: Stats | null, note = "") => {
        if (!warmUp) record(name, core, baseline, note)
      }

      // get by username
      const getNames = randomUsernames(quick.iterations)
      keep(
        "get by username (random existing user)",
        yield* timeEach(scale(quick), (i) => users.get(admin, getNames[i] as string)),
        timeSync(scale(batched), 1000, (i) => plain.get(getNames[i % getNames.length] as string)),
        "`Map.get`"
      )

      // list pages, no search
      keep(
        `list page of ${PAGE} sorted by username, offset 0`,
        yield* timeEach(scale(scans), () => users.list(admin, { sort: "username", limit: PAGE })),
        timeSync(scale(scans), 1, () => plainPage("", 0)),
        "copy + sort + slice"
      )
      keep(
        `list page of ${PAGE} sorted by username, offset ${thousands(DEEP_OFFSET)}`,
        yield* timeEach(scale(scans), () => users.list(admin, { sort: "username", limit: PAGE, offset: DEEP_OFFSET })),
        timeSync(scale(scans), 1, () => plainPage("", DEEP_OFFSET)),
        "copy + sort + slice"
      )

      // search pages
      keep(
        `search '${SELECTIVE_TERM}' (${thousands(expectedMatches)} matches), page of ${PAGE} + exact total`,
        yield* timeEach(scale(searches), () =>
          users
            .list(admin, { search: SELECTIVE_TERM, limit: PAGE })
            .pipe(
              Effect.tap((page) =>
                page.total === expectedMatches
                  ? Effect.void
                  : Effect.die(`search found ${page.total}, expected ${expectedMatches}`)
              )
            )
        ),
        timeSync(scale(searches), 1, () => plainPage(SELECTIVE_TERM, 0)),
        "filter + sort + slice"
      )
      keep(
        `search '${MISSING_TERM}' (no match), page of ${PAGE} + exact total`,
        yield* timeEach(scale(searches), () => users.list(admin, { search: MISSING_TERM, limit: PAGE })),
        timeSync(scale(searches), 1, () => plainPage(MISSING_TERM, 0)),
        "filter + sort + slice"
      )

      // disable, then enable the same user; each call timed on its own
      const toggled = randomUsernames(writes.iterations)
      const disable: Array<number> = []
      const enable: Array<number> = []
      const togglePlan = scale(writes)
      collectGarbage()
      const toggleStarted = now()
      for (let i = 0; i < togglePlan.iterations; i++) {
        const username = toggled[i] as string
        const t0 = now()
        yield* Effect.orDie(users.disable(admin, username))
        const t1 = now()
        yield* Effect.orDie(users.enable(admin, username))
        const t2 = now()
        disable.push(t1 - t0)
        enable.push(t2 - t1)
        if (disable.length >= togglePlan.minimum && now() - toggleStarted > togglePlan.budgetMs) break
      }
      const plainToggled = randomUsernames(100)
      keep(
        "disable (random enabled user)",
        stats(disable),
        timeSync(scale(batched), 100, (i) => plainSetEnabled(plainToggled[i % 100] as string, false)),
        "`Map.set` of a copy"
      )
      keep(
        "enable (the user just disabled)",
        stats(enable),
        timeSync(scale(batched), 100, (i) => plainSetEnabled(plainToggled[i % 100] as string, true)),
        "`Map.set` of a copy"
      )

      // create one user without password in an existing group; removed again (untimed) so the size stays put
      const createInto = (label: string, group: string, note: string) =>
        Effect.gen(function* () {
          const names: Array<string> = []
          const result = yield* timeEach(scale(writes), () => {
            const username = `bench.new${created++}`
            names.push(username)
            return users.create(admin, {
              username,
              firstName: "New",
              lastName: "Person",
              email: `${username}@example.com`,
              groups: [group]
            })
          })
          const plainNames = names.slice(0, 100)
          const baseline = timeSync(scale(batched), plainNames.length, (i) => {
            const username = plainNames[i % plainNames.length] as string
            const at = new Date()
            const person = {
              username,
              firstName: "New",
              lastName: "Person",
              email: `${username}@example.com`,
              groups: [group]
            }
            plain.set(username, plainUser(person, true, at, at, 1))
          })
          for (const username of names) {
            yield* Effect.orDie(users.remove(admin, username))
            plain.delete(username)
          }
          keep(label, result, baseline, note)
        })
      yield* createInto(
        `create (no password) in a team of ~${thousands(Math.round((teamSizes.items[0]?.memberCount ?? 0) / 100) * 100)} members`,
        GROUPS[0] as string,
        "`Map.set`"
      )
      yield* createInto("create (no password) in an empty group", "bench-empty", "`Map.set`")
    })

  log("warm-up …")
  yield* run(true)
  const loadBefore = os.loadavg()[0] ?? 0
  const runsStarted = now()
  for (let index = 1; index <= RUNS; index++) {
    log(`run ${index}/${RUNS} …`)
    yield* run(false)
  }
  const runsMs = now() - runsStarted
  const loadAfter = os.loadavg()[0] ?? 0

  return {
    loadMs,
    heapMb,
    runsMs,
    loadBefore,
    loadAfter,
    expectedMatches,
    teamSizes: teamSizes.items.map((group) => group.memberCount),
    rows
  }
})

const layer = UserManager.layer({ directory: MemoryDirectory.layer, hasher: Argon2Hasher.layer })
const result = await Effect.runPromise(program.pipe(Effect.provide(layer)))

// ---------------------------------------------------------------------------------------------------------------
// Report

const cpus = os.cpus()
const lines = [
  `# Core over the in-memory store — ${thousands(USER_COUNT)} users`,
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}`,
  `- Node ${process.version}; ${RUNS} run${RUNS === 1 ? "" : "s"} after a warm-up (${(result.runsMs / 1000).toFixed(0)} s); medians of the per-run medians and p95s; 1-minute load average ${result.loadBefore.toFixed(2)} before the runs, ${result.loadAfter.toFixed(2)} after`,
  `- Directory: ${thousands(USER_COUNT)} users + admin, ${GROUP_COUNT} teams of ${Math.min(...result.teamSizes)}–${Math.max(...result.teamSizes)} members (a quarter of the users are in two), admin group with 1 member`,
  `- Loaded through \`Users.create\` (no passwords) in ${(result.loadMs / 1000).toFixed(1)} s: ${thousands(Math.round(USER_COUNT / (result.loadMs / 1000)))} users/s, ${((result.loadMs / USER_COUNT) * 1000).toFixed(0)} µs per user; heap after loading ${result.heapMb.toFixed(0)} MiB`,
  "",
  "| operation | samples/run | core median (ms) | core p95 (ms) | run medians (ms) | baseline | baseline median (ms) | core / baseline |",
  "|---|--:|--:|--:|--:|---|--:|--:|"
]
for (const row of result.rows.values()) {
  const coreMedian = median(row.core.map((s) => s.median))
  const coreP95 = median(row.core.map((s) => s.p95))
  const runMedians = row.core.map((s) => s.median)
  const baselineMedian = row.baseline.length === 0 ? Number.NaN : median(row.baseline.map((s) => s.median))
  lines.push(
    `| ${row.name} | ${median(row.core.map((s) => s.samples))} | ${ms(coreMedian)} | ${ms(coreP95)} | ${ms(Math.min(...runMedians))}–${ms(Math.max(...runMedians))} | ${row.baselineNote} | ${ms(baselineMedian)} | ${ratio(coreMedian, baselineMedian)} |`
  )
}
lines.push(
  "",
  "Core: each call timed on its own inside one Effect program (service call, input decoding, authorization, one store",
  "transaction, audit entry for writes). Disable and enable are timed separately, each on the same random user.",
  "Baseline: the same objects in a plain `Map`; sub-microsecond operations are timed in batches (the sample is the mean)."
)
console.log(lines.join("\n"))
log(`(baseline checksum ${used()})`)
