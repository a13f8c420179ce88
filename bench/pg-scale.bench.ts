/**
 * PostgreSQL at fleet scale (issue 23), run by hand (not in CI):
 *
 *   npm run bench:pg-scale                                   # 1,000,000 and 10,000,000 users, 5 runs
 *   BENCH_SIZES=100000,1000000 BENCH_RUNS=3 npm run bench:pg-scale
 *   BENCH_KEEP=1 npm run bench:pg-scale                      # keep the databases; a later run reuses them
 *
 * Settings: BENCH_POSTGRES_URL (the server, default postgres://postgres@127.0.0.1:5432/postgres: a database
 * `bench1m`, `bench10m`, … (BENCH_DATABASE_PREFIX, `bench`, then the size) is created there per size and dropped at the end unless BENCH_KEEP=1; one left by a kept run
 * with the right number of users, its load complete and checked, is reused, not reloaded), BENCH_RUNS (5), BENCH_HTTP (1: measure `dt serve`; 0: don't),
 * BENCH_REQUESTS (requests per HTTP measurement; default 500,000,000 / size, between 50 and 2,000), BENCH_CONNECTIONS
 * (autocannon's connections, 4), BENCH_PLANS (1: print EXPLAIN ANALYZE of the search's statements).
 *
 * Load: the migrations, `admin` through `Users.bootstrap` and 20 teams through `Groups.create` (as bench/load.ts
 * seeds), then the users in SQL on the server (`INSERT … SELECT … FROM generate_series`, a million a statement), with
 * every column the store keeps filled as the store fills it (the email key, the search text and the three sort keys of
 * the core's `UserKeys`, the group list), their memberships derived from that group list (each user in one team, a
 * quarter in two), the teams' member counts; `user_search` filled by its trigger on the users (one statement a million
 * users); the users', memberships' and user_search's indexes and constraints are dropped for the load and made again
 * from their own definitions (foreign keys checked when re-added), then VACUUM ANALYZE. The names
 * are bench/load.ts's (about 5% of last names contain "quartz"), drawn by hashing the row number, so every load of a
 * size is the same directory. Afterwards the invariants are checked (every user in a group, the member counts, the
 * derived columns of a sample against `UserKeys`).
 *
 * Core: each operation through the real services (`UserManager.layer` on `KyselyDirectory`, actor `admin`), the sizes
 * alternated within each run, so that the comparison is taken in one run; the median of the per-run medians and p95s.
 *
 * `dt serve`: for each size, the built CLI on the database (`npm run build -w @user-manager/cli` first), signed in with
 * a bearer session, `GET /api/v1/users?limit=50` driven by autocannon for a fixed number of requests after a warm-up;
 * the CPU time (user + system, /proc/PID/stat) of the `dt serve` process and of the PostgreSQL backends connected to
 * the database, before and after, divided by the requests. Parallel query is off for this measurement
 * (`max_parallel_workers_per_gather = 0` on the database): a parallel worker's CPU would land in the postmaster's
 * children, shared with every other user of the server.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Actor, Groups, User, UserKeys, UserManager, Users } from "@user-manager/core"
import { DEFAULT_EXACT_TOTAL_LIMIT, ExactTotalLimit } from "@user-manager/core/Page"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory } from "@user-manager/kysely"
import autocannon from "autocannon"
import { Effect, ManagedRuntime } from "effect"
import { type Kysely, type RawBuilder, sql } from "kysely"
import { FIRST_NAMES, LAST_NAMES, PASSWORD, QUARTZ_NAMES, SELECTIVE_SHARE, TEAMS } from "./load.js"
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
  seconds,
  thousands,
  timeEach
} from "./stats.js"

// ---------------------------------------------------------------------------------------------------------------
// Settings

const SIZES = (process.env.BENCH_SIZES ?? "1000000,10000000")
  .split(",")
  .map((size) => Number(size.trim().replaceAll("_", "")))
  .filter((size) => Number.isInteger(size) && size > 0)
const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const RUNS = intSetting("BENCH_RUNS", 5, 1)
const KEEP = process.env.BENCH_KEEP === "1"
const HTTP = process.env.BENCH_HTTP !== "0"
const PLANS = process.env.BENCH_PLANS !== "0"
const CONNECTIONS = intSetting("BENCH_CONNECTIONS", 4, 1)
const requestsFor = (size: number) =>
  intSetting("BENCH_REQUESTS", Math.min(2000, Math.max(50, Math.round(500_000_000 / size))), 1)

const PAGE = 50
/** A LIKE pattern for a substring, as the store writes it (`containsPattern` in the adapter's listing planner). */
const containsPattern = (term: string) => `%${term.replace(/[!%_]/g, "!$&")}%`
const SELECTIVE_TERM = "quartz"
const MISSING_TERM = "zzqxj"
/** Users a load statement inserts. */
const CHUNK = 1_000_000
const SEARCH_TARGET_MS = 50
const root = fileURLToPath(new URL("..", import.meta.url))

// biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
type Db = Kysely<any>

const label = (size: number) =>
  size % 1_000_000 === 0 ? `${size / 1_000_000}m` : size % 1000 === 0 ? `${size / 1000}k` : String(size)
const DATABASE_PREFIX = process.env.BENCH_DATABASE_PREFIX ?? "bench"
const databaseName = (size: number) => `${DATABASE_PREFIX}${label(size)}`
const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

// ---------------------------------------------------------------------------------------------------------------
// The load, in SQL on the server

// The SQL below lower-cases names where the core takes their sort key (NFKD, marks removed, lower-cased): the same for
// these ASCII names, which this checks before anything is loaded.
for (const name of [...FIRST_NAMES, ...LAST_NAMES, ...QUARTZ_NAMES]) {
  if (UserKeys.sortKey(name) !== name.toLowerCase()) throw new Error(`'${name}' has a sort key other than lower()`)
}

const textArray = (values: ReadonlyArray<string>) => sql.raw(`array[${values.map((v) => `'${v}'`).join(",")}]`)
/** A number in [0, modulo) drawn from row `i` and a stream number: the same every load. */
const draw = (stream: number, modulo: number) => sql.raw(`((hashint8extended(i, ${stream}) & 2147483647) % ${modulo})`)
const team = (n: RawBuilder<unknown>) => sql`('team-' || lpad((${n})::text, 2, '0'))`

/** Users `from`…`to` (row numbers), with every column the adapter writes for a user (see `fromUserRow`). */
const insertUsers = (from: number, to: number, at: string) => sql`
  insert into users (username, first_name, last_name, email, email_key, enabled, system, password_hash, search_text,
    first_name_key, last_name_key, full_name_key, group_list, created_at, updated_at, version)
  select username, f, l, username || '@example.com', username || '@example.com', 1, 0, null,
    username || chr(10) || lower(f || ' ' || l) || chr(10) || username || '@example.com', lower(f), lower(l), lower(f || ' ' || l),
    case when s = p then ${team(sql`p`)} when s < p then ${team(sql`s`)} || ',' || ${team(sql`p`)}
      else ${team(sql`p`)} || ',' || ${team(sql`s`)} end,
    ${at}, ${at}, 1
  from (
    select lower(f || '.' || l || (i - 1)) as username, f, l, p, coalesce(s, p) as s
    from (
      select i,
        (${textArray(FIRST_NAMES)})[1 + ${draw(1, FIRST_NAMES.length)}] as f,
        case when ${draw(2, 10_000)} < ${sql.raw(String(Math.round(SELECTIVE_SHARE * 10_000)))}
          then (${textArray(QUARTZ_NAMES)})[1 + ${draw(3, QUARTZ_NAMES.length)}]
          else (${textArray(LAST_NAMES)})[1 + ${draw(3, LAST_NAMES.length)}] end as l,
        1 + ${draw(4, TEAMS.length)} as p,
        case when ${draw(5, 100)} < 25 then 1 + ${draw(6, TEAMS.length)} end as s
      from generate_series(${sql.raw(String(from))}::bigint, ${sql.raw(String(to))}::bigint) as i
    ) drawn
  ) named`

interface Definition {
  readonly name: string
  readonly table: string
  readonly sql: string
}

/** The users', memberships' and user_search's constraints (primary keys, unique, foreign keys in or out) and plain indexes. */
const definitions = async (conn: Db) => {
  const constraints = (
    await sql<{ name: string; table: string; def: string; kind: string }>`
      select conname as name, conrelid::regclass::text as table, pg_get_constraintdef(oid) as def, contype as kind
      from pg_constraint where contype in ('p', 'u', 'f')
        and (conrelid in ('users'::regclass, 'memberships'::regclass, 'user_search'::regclass)
          or confrelid in ('users'::regclass, 'memberships'::regclass))`.execute(conn)
  ).rows
  const indexes = (
    await sql<{ name: string; table: string; def: string }>`
      select indexname as name, tablename as table, indexdef as def from pg_indexes
      where schemaname = current_schema() and tablename in ('users', 'memberships', 'user_search')
        and indexname not in (select conname from pg_constraint)`.execute(conn)
  ).rows
  // A partitioned table's index is defined ON ONLY the parent; made again on the parent, it is made on each partition.
  const of = (rows: ReadonlyArray<{ name: string; table: string; def: string }>) =>
    rows.map((row) => ({ name: row.name, table: row.table, sql: row.def.replace(" ON ONLY ", " ON ") }))
  return {
    foreign: of(constraints.filter((c) => c.kind === "f")),
    keys: of(constraints.filter((c) => c.kind !== "f")),
    indexes: of(indexes)
  }
}

/** Loads `size` users into a migrated store holding `admin` and the teams; returns the time of each step. */
const loadUsers = (db: Db, size: number) =>
  db.connection().execute(async (conn) => {
    const steps: Array<[string, number]> = []
    const step = async (name: string, body: () => Promise<unknown>) => {
      const started = now()
      await body()
      steps.push([name, now() - started])
      log(`    ${name}: ${seconds(now() - started)}`)
    }
    await sql`set maintenance_work_mem = '1GB'`.execute(conn)
    await sql`set max_parallel_maintenance_workers = 2`.execute(conn)
    await sql`set synchronous_commit = off`.execute(conn)
    const { foreign, keys, indexes } = await definitions(conn)
    const constraint = (d: Definition) =>
      sql`alter table ${sql.id(d.table)} add constraint ${sql.id(d.name)} ${sql.raw(d.sql)}`
    await step("drop indexes and constraints", async () => {
      for (const d of foreign) await sql`alter table ${sql.id(d.table)} drop constraint ${sql.id(d.name)}`.execute(conn)
      for (const d of keys) await sql`alter table ${sql.id(d.table)} drop constraint ${sql.id(d.name)}`.execute(conn)
      for (const d of indexes) await sql`drop index ${sql.id(d.name)}`.execute(conn)
    })
    const at = new Date().toISOString()
    await step(`insert ${thousands(size)} users`, async () => {
      for (let from = 1; from <= size; from += CHUNK) {
        await insertUsers(from, Math.min(size, from + CHUNK - 1), at).execute(conn)
        if (size > CHUNK) log(`      ${thousands(Math.min(size, from + CHUNK - 1))} users`)
      }
    })
    await step("insert their memberships (from each user's group list)", () =>
      sql`insert into memberships (username, group_name)
        select u.username, g from users u cross join unnest(string_to_array(u.group_list, ',')) as g
        where u.username <> 'admin' and u.group_list like 'team-%'`.execute(conn)
    )
    await step("the teams' member counts", () =>
      sql`update groups set member_count = (select count(*) from memberships m where m.group_name = groups.name)`.execute(
        conn
      )
    )
    await step(`primary keys and unique constraints (${keys.length})`, async () => {
      for (const d of keys) await constraint(d).execute(conn)
    })
    await step(`indexes (${indexes.length}, the trigram index among them)`, async () => {
      for (const d of indexes) {
        const started = now()
        await sql.raw(d.sql).execute(conn)
        log(`      ${d.name}: ${seconds(now() - started)}`)
      }
    })
    await step(`foreign keys (${foreign.length}), checked`, async () => {
      for (const d of foreign) await constraint(d).execute(conn)
    })
    await step("vacuum analyze", async () => {
      for (const table of ["users", "memberships", "groups", "user_search"]) {
        await sql`vacuum analyze ${sql.id(table)}`.execute(conn)
      }
    })
    return steps
  })

/** The schema's invariants after a load; throws on the first one broken. */
const check = async (db: Db, size: number) => {
  const one = async (query: RawBuilder<unknown>) =>
    Number(((await query.execute(db)).rows[0] as { n: number | string }).n)
  const users = await one(sql`select count(*) as n from users`)
  if (users !== size + 1) throw new Error(`expected ${size + 1} users, found ${users}`)
  const alone = await one(
    sql`select count(*) as n from users u where not exists (select 1 from memberships m where m.username = u.username)`
  )
  if (alone !== 0) throw new Error(`${alone} users are in no group`)
  const wrongCounts = await one(
    sql`select count(*) as n from groups g where member_count <> (select count(*) from memberships m where m.group_name = g.name)`
  )
  if (wrongCounts !== 0) throw new Error(`${wrongCounts} groups have a wrong member count`)
  const sample = (
    await sql<{
      username: string
      first_name: string
      last_name: string
      email: string
      email_key: string
      search_text: string
      first_name_key: string
      last_name_key: string
      full_name_key: string
      group_list: string
      groups: string
    }>`select u.*, (select string_agg(group_name, ',' order by group_name) from memberships m
        where m.username = u.username) as groups
      from users u tablesample system (1) repeatable (7) where username <> 'admin' limit 2000`.execute(db)
  ).rows
  for (const row of sample) {
    const person = { username: row.username, firstName: row.first_name, lastName: row.last_name, email: row.email }
    const keys = UserKeys.nameSortKeys(person)
    const expected = {
      email_key: row.email.toLowerCase(),
      search_text: UserKeys.searchText(person),
      first_name_key: keys.firstName,
      last_name_key: keys.lastName,
      full_name_key: UserKeys.sortKey(User.fullName(person)),
      group_list: row.groups
    }
    for (const [column, value] of Object.entries(expected)) {
      if (row[column as keyof typeof row] !== value) {
        throw new Error(`user '${row.username}': ${column} is '${row[column as keyof typeof row]}', not '${value}'`)
      }
    }
  }
  // user_search (kept by triggers on users) holds each user's username and search text, and nothing else.
  const copies = await one(sql`select count(*) as n from user_search`)
  if (copies !== size + 1) throw new Error(`user_search holds ${copies} rows for ${size + 1} users`)
  const strays = await one(sql`select count(*) as n from users u tablesample system (1) repeatable (7)
    where not exists (select 1 from user_search s where s.username = u.username and s.search_text = u.search_text)`)
  if (strays !== 0) throw new Error(`${strays} sampled users have no row of their search text in user_search`)
  const matches = await one(sql`select count(*) as n from users where search_text like ${`%${SELECTIVE_TERM}%`}`)
  return { sampled: sample.length, matches }
}

// ---------------------------------------------------------------------------------------------------------------
// One database per size

interface Sized {
  readonly size: number
  readonly name: string
  readonly url: string
  readonly db: Db
  readonly runtime: ReturnType<typeof services>
  readonly loadSteps: ReadonlyArray<[string, number]> | null
  readonly matches: number
  readonly usernames: ReadonlyArray<string>
}

const server = PostgresDirectory.open({ url: SERVER_URL, poolSize: 1 })
/** The databases this run created or reused, dropped at the end unless BENCH_KEEP=1. */
const databases = new Set<string>()

const services = (db: Db) =>
  ManagedRuntime.make(
    UserManager.layer({
      directory: KyselyDirectory.layer({ db, engine: "postgres", migrate: true }),
      hasher: Argon2Hasher.layer
    })
  )

const open = async (size: number): Promise<Sized> => {
  const name = databaseName(size)
  const url = withDatabase(SERVER_URL, name)
  const found = (
    await sql<{ note: string | null }>`select shobj_description(oid, 'pg_database') as note from pg_database
      where datname = ${name}`.execute(server)
  ).rows[0]
  const exists = found !== undefined
  if (!exists) await sql`create database ${sql.id(name)}`.execute(server)
  databases.add(name)
  const db = PostgresDirectory.open({ url })
  // The load and its checks run statements of minutes: on their own pool, without the store's 30-second bound.
  const loader = PostgresDirectory.open({ url, poolSize: 1, timeouts: { statementMs: 3_600_000 } })
  const runtime = services(db)
  let loadSteps: Array<[string, number]> | null = null
  try {
    if (found?.note === loadedNote(size)) {
      log(`${name}: reusing its ${thousands(size)} users`)
    } else {
      if (exists) throw new Error(`database ${name} exists but was not loaded with ${thousands(size)} users: drop it`)
      log(`${name}: loading ${thousands(size)} users …`)
      const started = now()
      await runtime.runPromise(
        Effect.gen(function* () {
          const users = yield* Users.Users
          const groups = yield* Groups.Groups
          yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: PASSWORD })
          for (const team of TEAMS) yield* groups.create(Actor.user("admin"), { name: team })
        })
      )
      loadSteps = [["migrations, admin, 20 teams (core)", now() - started], ...(await loadUsers(loader, size))]
      log(`  loaded in ${seconds(now() - started)}`)
    }
    const checked = await check(loader, size)
    log(`  invariants hold (derived columns of ${checked.sampled} sampled users match UserKeys)`)
    // Marks a complete, checked load, which a later run with BENCH_KEEP=1 may reuse.
    await sql`comment on database ${sql.id(name)} is ${sql.lit(loadedNote(size))}`.execute(server)
    const usernames = (
      await sql<{
        username: string
      }>`select username from users tablesample system (${sql.raw(String(Math.min(100, 2_000_000 / size)))}) repeatable (3) where username <> 'admin' limit 5000`.execute(
        db
      )
    ).rows.map((row) => row.username)
    return { size, name, url, db, runtime, loadSteps, matches: checked.matches, usernames }
  } finally {
    await loader.destroy()
  }
}

const loadedNote = (size: number) => `dt bench: ${size} users`

// ---------------------------------------------------------------------------------------------------------------
// The core at each size, sizes alternated in each run

interface Row {
  readonly name: string
  readonly target: number | null
  readonly bySize: Map<number, Array<Stats>>
}

const measureCore = async (sized: ReadonlyArray<Sized>) => {
  const rows = new Map<string, Row>()
  const random = (() => {
    let seed = 11
    return () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }
  })()
  const admin = Actor.user("admin")
  const quick: Plan = { iterations: 300, budgetMs: 3000, minimum: 30 }
  const searches: Plan = { iterations: 30, budgetMs: 6000, minimum: 5 }
  const writes: Plan = { iterations: 100, budgetMs: 3000, minimum: 20 }
  let renamed = 0

  const run = (at: Sized, warmUp: boolean) =>
    Effect.gen(function* () {
      const users = yield* Users.Users
      const scale = (plan: Plan): Plan =>
        warmUp ? { iterations: Math.min(5, plan.iterations), budgetMs: plan.budgetMs / 4, minimum: 2 } : plan
      const keep = (name: string, target: number | null, result: Stats) => {
        if (warmUp) return
        const row = rows.get(name) ?? { name, target, bySize: new Map() }
        row.bySize.set(at.size, [...(row.bySize.get(at.size) ?? []), result])
        rows.set(name, row)
      }
      const pick = () => at.usernames[Math.floor(random() * at.usernames.length)] as string

      keep("get by username (random user)", null, yield* timeEach(scale(quick), () => users.get(admin, pick())))
      // The same user each run (one row of the table per size), found by its whole username.
      const someone = at.usernames[0] as string
      keep(
        `search a whole username (1 match), page of ${PAGE} + total`,
        SEARCH_TARGET_MS,
        yield* timeEach(scale(searches), () => users.list(admin, { search: someone, limit: PAGE }))
      )
      keep(
        `search '${SELECTIVE_TERM}' (5%), page of ${PAGE} + total`,
        SEARCH_TARGET_MS,
        yield* timeEach(scale(searches), () =>
          users
            .list(admin, { search: SELECTIVE_TERM, limit: PAGE })
            .pipe(
              Effect.tap((page) =>
                page.total === Math.min(at.matches, DEFAULT_EXACT_TOTAL_LIMIT)
                  ? Effect.void
                  : Effect.die(`found ${page.total}, expected ${at.matches}`)
              )
            )
        )
      )
      keep(
        `  the same, every match counted (ExactTotalLimit 0)`,
        null,
        yield* timeEach(scale(searches), () =>
          users.list(admin, { search: SELECTIVE_TERM, limit: PAGE }).pipe(Effect.provideService(ExactTotalLimit, 0))
        )
      )
      // What a smaller cap would cost (a core decision, the same on every store): the count stops 10× sooner.
      keep(
        `  the same, counted up to 1,000 (ExactTotalLimit 1000)`,
        null,
        yield* timeEach(scale(searches), () =>
          users.list(admin, { search: SELECTIVE_TERM, limit: PAGE }).pipe(Effect.provideService(ExactTotalLimit, 1000))
        )
      )
      keep(
        `search '${MISSING_TERM}' (no match), page of ${PAGE} + total`,
        SEARCH_TARGET_MS,
        yield* timeEach(scale(searches), () => users.list(admin, { search: MISSING_TERM, limit: PAGE }))
      )
      keep(
        `list page of ${PAGE} by username + total (no search)`,
        null,
        yield* timeEach(scale(searches), () => users.list(admin, { limit: PAGE }))
      )
      keep(
        `  the same, every user counted (ExactTotalLimit 0)`,
        null,
        yield* timeEach(scale(searches), () =>
          users.list(admin, { limit: PAGE }).pipe(Effect.provideService(ExactTotalLimit, 0))
        )
      )
      keep(
        "change a user's full name (Users.modify)",
        null,
        yield* timeEach(scale(writes), () => {
          renamed++
          return users.modify(admin, pick(), { firstName: renamed % 2 === 0 ? "Renata" : "Renato", lastName: "Moved" })
        })
      )
    })

  for (const at of sized) {
    log(`  warm-up ${at.name} …`)
    await at.runtime.runPromise(run(at, true))
  }
  const loadBefore = os.loadavg()[0] ?? 0
  const started = now()
  for (let index = 1; index <= RUNS; index++) {
    for (const at of sized) {
      log(`  run ${index}/${RUNS}, ${at.name} …`)
      collectGarbage()
      await at.runtime.runPromise(run(at, false))
    }
  }
  return { rows, runsMs: now() - started, load: [loadBefore, os.loadavg()[0] ?? 0] as const }
}

const explain = async (db: Db, query: RawBuilder<unknown>) =>
  (await sql<{ "QUERY PLAN": string }>`explain (analyze, buffers, costs off) ${query}`.execute(db)).rows.map(
    (row) => `  ${row["QUERY PLAN"]}`
  )

const LISTING = sql.raw("username, first_name, last_name, email, enabled, system, created_at, updated_at, version")
/** The statements of a search page sorted by username, as the PostgreSQL store runs them, and the page as before. */
const searchStatements = (term: string) => {
  const pattern = containsPattern(term)
  return {
    count: sql`select count(*) as n from (select 1 from user_search where search_text like ${pattern} escape '!'
      limit ${DEFAULT_EXACT_TOTAL_LIMIT + 1}) as matches`,
    // Before 20261209030000_postgres_user_search: counted in the users' trigram index and rows.
    countBefore: sql`select count(*) as n from (select 1 from users where search_text like ${pattern} escape '!'
      limit ${DEFAULT_EXACT_TOTAL_LIMIT + 1}) as matches`,
    page: sql`select ${LISTING} from users where username in (select username from users
      where search_text like ${pattern} escape '!' order by username asc limit ${PAGE} offset 0) order by username asc`,
    // Before 20261205010000_postgres_search_walk_index: one statement, which reads every row it tests.
    pageBefore: sql`select ${LISTING} from users where search_text like ${pattern} escape '!'
      order by username asc limit ${PAGE} offset 0`
  }
}

const plans = async (at: Sized) => {
  const statements = searchStatements(SELECTIVE_TERM)
  return [
    `-- ${at.name}: search '${SELECTIVE_TERM}', the count (bounded), in user_search`,
    ...(await explain(at.db, statements.count)),
    `-- ${at.name}: search '${SELECTIVE_TERM}', the count (bounded), in users (before)`,
    ...(await explain(at.db, statements.countBefore)),
    `-- ${at.name}: search '${SELECTIVE_TERM}', the page (its usernames, then their rows)`,
    ...(await explain(at.db, statements.page)),
    `-- ${at.name}: search '${SELECTIVE_TERM}', the page as one statement (before)`,
    ...(await explain(at.db, statements.pageBefore)),
    `-- ${at.name}: list, the count`,
    ...(await explain(at.db, sql`select count(*) as n from users`))
  ]
}

/**
 * The statements of the dense search timed on their own, in turn, so that the page as it is read now and
 * as it was are compared in one run: the median of each, in ms.
 */
const timeStatements = async (at: Sized, rounds: number) => {
  const statements = searchStatements(SELECTIVE_TERM)
  const kinds = ["count", "countBefore", "page", "pageBefore"] as const
  const samples = Object.fromEntries(kinds.map((kind) => [kind, [] as Array<number>])) as Record<
    (typeof kinds)[number],
    Array<number>
  >
  for (let round = -2; round < rounds; round++) {
    for (const kind of kinds) {
      const started = now()
      await statements[kind].execute(at.db)
      if (round >= 0) samples[kind].push(now() - started)
    }
  }
  return {
    count: median(samples.count),
    countBefore: median(samples.countBefore),
    page: median(samples.page),
    pageBefore: median(samples.pageBefore)
  }
}

/**
 * The store's answers against a sequential scan's (every index off, each match tested and sorted): the same users in
 * the same order and the same total, for searches many, one and no users match, in both orders, first and deeper pages.
 */
const compareAnswers = async (at: Sized) => {
  const admin = Actor.user("admin")
  const someone = at.usernames[0] as string
  let compared = 0
  for (const term of [SELECTIVE_TERM, `${SELECTIVE_TERM}1`, someone, MISSING_TERM, "a"]) {
    for (const order of ["asc", "desc"] as const) {
      for (const offset of [0, 500]) {
        const page = await at.runtime.runPromise(
          Users.Users.pipe(Effect.flatMap((users) => users.list(admin, { search: term, order, offset, limit: PAGE })))
        )
        const expected = await at.db.transaction().execute(async (trx) => {
          await sql`set local enable_indexscan = off`.execute(trx)
          await sql`set local enable_indexonlyscan = off`.execute(trx)
          await sql`set local enable_bitmapscan = off`.execute(trx)
          const pattern = containsPattern(term)
          const rows = await sql<{ username: string }>`select username from users
            where search_text like ${pattern} escape '!'
            order by username ${sql.raw(order)} limit ${PAGE} offset ${offset}`.execute(trx)
          const counted = await sql<{ n: string }>`select count(*) as n from users
            where search_text like ${pattern} escape '!'`.execute(trx)
          const n = Number(counted.rows[0]?.n)
          return {
            usernames: rows.rows.map((row) => row.username),
            total: Math.min(n, DEFAULT_EXACT_TOTAL_LIMIT),
            totalExact: n <= DEFAULT_EXACT_TOTAL_LIMIT
          }
        })
        const found = {
          usernames: page.items.map((user) => user.username),
          total: page.total,
          totalExact: page.totalExact
        }
        // A page past the matches holds no users, whatever a scan finds there.
        if (JSON.stringify(found) !== JSON.stringify(expected)) {
          throw new Error(
            `${at.name}: '${term}' ${order} offset ${offset}: the store answered ${JSON.stringify(found)}, a scan ${JSON.stringify(expected)}`
          )
        }
        compared++
      }
    }
  }
  return compared
}

// ---------------------------------------------------------------------------------------------------------------
// `dt serve`: CPU per list request, its own and PostgreSQL's

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim())

/** A process's user + system CPU time in ms (all its threads), or null once it is gone. */
const cpuOf = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return null
  }
}

/** The PostgreSQL backends connected to `database` (their process title names it), with their CPU time. */
const backends = (database: string) => {
  const found = new Map<number, number>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    let title: string
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, "utf8")
    } catch {
      continue
    }
    if (!title.startsWith("postgres: ") || !title.split(" ").includes(database)) continue
    const cpu = cpuOf(Number(entry))
    if (cpu !== null) found.set(Number(entry), cpu)
  }
  return found
}

const launch = (args: ReadonlyArray<string>) =>
  new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: process.env, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      const port = /Serving the User Manager at http:\/\/[^:]+:(\d+)\//.exec(out)?.[1]
      if (port !== undefined) resolve({ child, port: Number(port) })
    })
    child.once("exit", (code) => reject(new Error(`dt ${args.join(" ")} exited with ${code}`)))
  })

const measureServe = async (at: Sized) => {
  await sql`alter database ${sql.id(at.name)} set max_parallel_workers_per_gather = 0`.execute(server)
  const api = await launch([join(root, "packages/cli/bin/dt.js"), "serve", "--port", "0", "--database", at.url])
  try {
    const signIn = await fetch(`http://127.0.0.1:${api.port}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD, session: "bearer" })
    })
    const { token } = (await signIn.json()) as { token: string }
    const drive = async (amount: number) => {
      const result = await autocannon({
        url: `http://127.0.0.1:${api.port}/api/v1/users?limit=${PAGE}`,
        connections: CONNECTIONS,
        amount,
        headers: { authorization: `Bearer ${token}` }
      })
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${at.name}: ${result.non2xx} answers other than 2xx, ${result.errors} errors`)
      }
      return result
    }
    const requests = requestsFor(at.size)
    const measured = []
    for (let round = 0; round < 3; round++) {
      await drive(Math.max(CONNECTIONS * 5, Math.round(requests / 10)))
      const pid = api.child.pid as number
      const serveBefore = cpuOf(pid) as number
      const pgBefore = backends(at.name)
      const started = now()
      const result = await drive(requests)
      const wall = now() - started
      const serveAfter = cpuOf(pid) as number
      const pgAfter = backends(at.name)
      let pg = 0
      for (const [backend, cpu] of pgAfter) pg += cpu - (pgBefore.get(backend) ?? 0)
      const gone = [...pgBefore.keys()].filter((backend) => !pgAfter.has(backend)).length
      const done = result.requests.total
      measured.push({
        serve: (serveAfter - serveBefore) / done,
        pg: pg / done,
        rps: done / (wall / 1000),
        p50: result.latency.p50,
        backends: pgAfter.size,
        gone
      })
      log(
        `  ${at.name}: ${done} requests, dt serve ${((serveAfter - serveBefore) / done).toFixed(2)} ms CPU each, PostgreSQL ${(pg / done).toFixed(2)} ms (${pgAfter.size} backends${gone > 0 ? `, ${gone} ended` : ""})`
      )
    }
    return { requests, measured }
  } finally {
    api.child.kill("SIGTERM")
    await new Promise((resolve) => api.child.once("exit", resolve))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

const main = async () => {
  const sized: Array<Sized> = []
  const version = String(
    (await sql<{ v: string }>`select version() as v`.execute(server)).rows[0]?.v ?? "PostgreSQL"
  ).replace(/ on .*/, "")
  try {
    for (const size of SIZES) sized.push(await open(size))
    const cpus = os.cpus()
    const out: Array<string> = [
      `## PostgreSQL at ${SIZES.map(thousands).join(" / ")} users — ${new Date().toISOString()}`,
      "",
      `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; Node ${process.version}; ${version}`
    ]
    for (const at of sized) {
      if (at.loadSteps === null) {
        out.push(`- ${at.name}: reused (loaded by an earlier run)`)
        continue
      }
      const total = at.loadSteps.reduce((sum, [, millis]) => sum + millis, 0)
      out.push(
        `- ${at.name} loaded in ${seconds(total)}: ${at.loadSteps.map(([name, millis]) => `${name} ${seconds(millis)}`).join("; ")}`
      )
    }
    log("core …")
    const core = await measureCore(sized)
    out.push(
      `- Core: ${RUNS} runs after a warm-up (${seconds(core.runsMs)}), sizes alternated in each run; median of the run medians (p95); 1-minute load ${core.load[0].toFixed(2)} before, ${core.load[1].toFixed(2)} after`,
      "",
      `| operation | ${sized.map((at) => `${thousands(at.size)} ms (p95)`).join(" | ")} | ${sized.length > 1 ? `${label(SIZES[SIZES.length - 1] as number)} / ${label(SIZES[SIZES.length - 2] as number)} |` : ""} target |`,
      `|---|${sized.map(() => "--:|").join("")}${sized.length > 1 ? "--:|" : ""}--:|`
    )
    for (const row of core.rows.values()) {
      const medians = sized.map((at) => median((row.bySize.get(at.size) ?? []).map((s) => s.median)))
      const p95s = sized.map((at) => median((row.bySize.get(at.size) ?? []).map((s) => s.p95)))
      out.push(
        `| ${row.name} | ${medians.map((m, i) => `${ms(m)} (${ms(p95s[i] as number)})`).join(" | ")} | ${sized.length > 1 ? `${ratio(medians[medians.length - 1] as number, medians[medians.length - 2] as number)} |` : ""} ${row.target === null ? "" : `≤ ${row.target}`} |`
      )
    }
    log("the store's answers against a sequential scan's …")
    const compared = await Promise.all(sized.map(compareAnswers))
    out.push(
      "",
      `Answers: the store's pages and totals equal a sequential scan's (indexes off) for ${sized.map((at, i) => `${compared[i]} searches at ${thousands(at.size)}`).join(", ")} (five terms, both orders, offsets 0 and 500).`
    )
    log("statements …")
    const timed = []
    for (const at of sized) timed.push(await timeStatements(at, Math.max(9, RUNS * 3)))
    out.push(
      "",
      `Search '${SELECTIVE_TERM}' (5%), its statements on their own, in turn, median ms of ${Math.max(9, RUNS * 3)} rounds:`,
      "",
      `| statement | ${sized.map((at) => `${thousands(at.size)} ms`).join(" | ")} |`,
      `|---|${sized.map(() => "--:|").join("")}`,
      `| the count, bounded at ${thousands(DEFAULT_EXACT_TOTAL_LIMIT + 1)}, in user_search | ${timed.map((t) => ms(t.count)).join(" | ")} |`,
      `| the same in users (before 20261209030000) | ${timed.map((t) => ms(t.countBefore)).join(" | ")} |`,
      `| the page: its usernames (walk of dt_users_search_walk), then their rows | ${timed.map((t) => ms(t.page)).join(" | ")} |`,
      `| the page as one statement (before) | ${timed.map((t) => ms(t.pageBefore)).join(" | ")} |`
    )
    if (PLANS) {
      out.push("", "```text")
      for (const at of sized) out.push(...(await plans(at)))
      out.push("```")
    }
    if (HTTP) {
      log("dt serve …")
      out.push(
        "",
        `\`GET /api/v1/users?limit=${PAGE}\` signed in, ${CONNECTIONS} connections, 3 rounds after a warm-up each; CPU ms per request (parallel query off):`,
        "",
        "| users | requests a round | dt serve ms CPU / request (rounds) | PostgreSQL ms CPU / request (rounds) | req/s | p50 ms |",
        "|--:|--:|--:|--:|--:|--:|"
      )
      for (const at of sized) {
        const result = await measureServe(at)
        const m = result.measured
        const list = (values: ReadonlyArray<number>) => values.map((v) => v.toFixed(2)).join(", ")
        out.push(
          `| ${thousands(at.size)} | ${result.requests} | ${median(m.map((r) => r.serve)).toFixed(2)} (${list(m.map((r) => r.serve))}) | ${median(m.map((r) => r.pg)).toFixed(2)} (${list(m.map((r) => r.pg))}) | ${Math.round(median(m.map((r) => r.rps)))} | ${median(m.map((r) => r.p50))} |`
        )
      }
    }
    console.log(out.join("\n"))
  } finally {
    for (const at of sized) {
      await at.runtime.dispose()
      await at.db.destroy()
    }
    for (const name of KEEP ? [] : databases) {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server)
      log(`dropped ${name}`)
    }
    await server.destroy()
  }
}

await main()
