/**
 * Benchmarks of the core services over the SQL stores, run by hand (not in CI):
 *
 *   npm run bench:sql                                   # SQLite (WAL file) and PostgreSQL, 100,000 and 1,000,000 users
 *   BENCH_SIZES=10000 npm run bench:sql                 # a quick run
 *   BENCH_STORES=sqlite BENCH_RUNS=2 npm run bench:sql  # one store, fewer runs
 *
 * Other settings: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test; a database `dt_bench_<random>`
 * is created there and dropped at the end), BENCH_PASSWORD_CREATES (10000), BENCH_PASSWORD_CONCURRENCY (16),
 * BENCH_SERIAL_CREATES (200), BENCH_PLANS (1: print the query plans; 0: don't).
 *
 * For each store and size it runs the migrations, bootstraps `admin` through `Users.bootstrap`, creates 20 teams
 * through `Groups.create`, then loads the users and their memberships in bulk (multi-row INSERTs in big transactions
 * on the store's Kysely, with the sort columns the store keeps: each user's group list, each group's member count; on SQLite the FTS5 index is kept by its triggers, on PostgreSQL the tables are vacuumed and
 * analyzed afterwards). Then it times each operation through the core services (`UserManager.layer` with the store
 * and the real argon2 hasher, actor `admin`) in several runs, next to the same work issued as raw SQL on the same
 * Kysely (the ceiling), and prints a Markdown table per store and size: the median of the per-run medians and p95s.
 * Results are recorded in docs/benchmarks.md.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { Actor, Groups, type Password, PasswordHasher, UserManager, Users } from "@user-manager/core"
import { ExactTotalLimit } from "@user-manager/core/Page"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory, SqliteDirectory } from "@user-manager/kysely"
import { pairTokens } from "@user-manager/kysely/migrations/20261213000000_sqlite_short_term_index"
import { pairsRowid } from "@user-manager/kysely/migrations/20261214000000_sqlite_short_terms_by_username"
import { Effect, Redacted } from "effect"
import { type Kysely, type RawBuilder, sql } from "kysely"
import {
  type Engine,
  PASSWORD,
  type Person,
  prng,
  ROWS_PER_INSERT,
  ROWS_PER_TRANSACTION,
  seed,
  TEAM_COUNT,
  TEAMS,
  userRow
} from "./load.js"
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
  stats,
  thousands,
  timeEach
} from "./stats.js"

// ---------------------------------------------------------------------------------------------------------------
// Settings

const SIZES = (process.env.BENCH_SIZES ?? "100000,1000000")
  .split(",")
  .map((size) => Number(size.trim().replaceAll("_", "")))
  .filter((size) => Number.isInteger(size) && size > 0)
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",").map((store) => store.trim()) as Array<
  "sqlite" | "postgres"
>
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const RUNS = Math.max(1, intSetting("BENCH_RUNS", 3))
const PASSWORD_CREATES = intSetting("BENCH_PASSWORD_CREATES", 10_000)
const PASSWORD_CONCURRENCY = Math.max(1, intSetting("BENCH_PASSWORD_CONCURRENCY", 16))
const SERIAL_CREATES = intSetting("BENCH_SERIAL_CREATES", 200)
const PLANS = process.env.BENCH_PLANS !== "0"

const PAGE = 50
const SELECTIVE_TERM = "quartz"
const MISSING_TERM = "zzqxj"

const SORTS = [
  "username",
  "fullName",
  "firstName",
  "lastName",
  "groups",
  "email",
  "enabled",
  "system",
  "createdAt",
  "updatedAt"
] as const
type Sort = (typeof SORTS)[number]

// ---------------------------------------------------------------------------------------------------------------
// The stores

interface Store {
  readonly engine: Engine
  // biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
  readonly db: Kysely<any>
  readonly describe: string
  readonly drop: () => Promise<void>
}

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

const openStore = async (engine: Engine): Promise<Store> => {
  if (engine === "sqlite") {
    const folder = mkdtempSync(join(os.tmpdir(), "dt-bench-"))
    const filename = join(folder, "dt.db")
    const db = await Effect.runPromise(SqliteDirectory.open(filename))
    return {
      engine,
      db,
      describe: `SQLite file in WAL mode (${filename}, synchronous = NORMAL)`,
      drop: async () => {
        await db.destroy()
        rmSync(folder, { recursive: true, force: true })
      }
    }
  }
  const name = `dt_bench_${randomBytes(4).toString("hex")}`
  const admin = PostgresDirectory.open({ url: POSTGRES_URL, poolSize: 1 })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const db = PostgresDirectory.open({ url: withDatabase(POSTGRES_URL, name) })
  return {
    engine,
    db,
    describe: `PostgreSQL database ${name} on ${new URL(POSTGRES_URL).host} (pool of 10)`,
    drop: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    }
  }
}

/** Which users a list covers: the WHERE clause of its page, and the query that counts them. */
interface Filter {
  readonly where: RawBuilder<unknown>
  readonly count: RawBuilder<unknown>
  /**
   * The first page by username as the adapter reads it for a term many users match (SQLite): walking the
   * username/search-text index and testing each entry's search text, then reading the page's rows.
   */
  readonly walk?: RawBuilder<unknown>
  /** The same page through the set of every match, the plan before the username/search-text index (for comparison). */
  readonly walkMatches?: RawBuilder<unknown>
}

// ---------------------------------------------------------------------------------------------------------------
// Raw SQL: the queries the adapter runs (see packages/kysely/src/internal/listingPlanner.ts), issued by hand on the same Kysely

/** The columns the adapter's listing reads (never the password hash). */
const LISTING = sql.raw("username, first_name, last_name, email, enabled, system, created_at, updated_at, version")

const rawSql = (store: Store) => {
  const { db, engine } = store
  const filter = (where: RawBuilder<unknown>): Filter => ({
    where,
    count: sql`select count(*) as n from users ${where}`
  })
  const containsPattern = (term: string) => `%${term.replace(/[!%_]/g, "!$&")}%`
  const ftsPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`

  /**
   * A search's filter and its count. On SQLite a term of three characters or more goes through the FTS5 trigram
   * index: the matches are counted in the index, the page reads their usernames through the key table.
   */
  const search = (term: string): Filter =>
    engine === "sqlite" && [...term].length >= 3
      ? {
          where: sql`where username in (select username from users_fts_key where id in (select rowid from users_fts where search_text match ${ftsPhrase(term)}))`,
          count: sql`select count(*) as n from users_fts where search_text match ${ftsPhrase(term)}`,
          walk: sql`select ${LISTING} from users where username in (select username from users
            where search_text like ${containsPattern(term)} escape '!' order by username limit ${PAGE} offset ${0})
            order by username`,
          walkMatches: sql`select ${LISTING} from users where username in (select username from users_fts_key
            where +id in (select rowid from users_fts where search_text match ${ftsPhrase(term)})
            order by username limit ${PAGE} offset ${0}) order by username`
        }
      : filter(sql`where search_text like ${containsPattern(term)} escape '!'`)

  const orderBy = (sort: Sort): RawBuilder<unknown> => {
    switch (sort) {
      case "username":
        return sql`username asc`
      case "fullName":
        return sql`full_name_key asc, username asc`
      case "firstName":
        return sql`first_name_key asc, username asc`
      case "lastName":
        return sql`last_name_key asc, username asc`
      case "groups":
        return sql`group_list asc, username asc`
      case "email":
        return engine === "sqlite" ? sql`email asc, username asc` : sql`email asc nulls first, username asc`
      case "enabled":
        return sql`enabled asc, username asc`
      case "system":
        return sql`system asc, username asc`
      case "createdAt":
        return sql`created_at asc, username asc`
      case "updatedAt":
        return sql`updated_at asc, username asc`
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: raw rows
  type Row = Record<string, any>
  const groupsOf = async (usernames: ReadonlyArray<string>) =>
    usernames.length === 0
      ? []
      : (
          await sql<Row>`select username, group_name from memberships where username in (${sql.join([...usernames])}) order by group_name`.execute(
            db
          )
        ).rows

  const scalar = async (query: RawBuilder<unknown>) =>
    Number((await (query as RawBuilder<{ n: number | string }>).execute(db)).rows[0]?.n)
  const count = (on: Filter) => scalar(on.count)
  /** A page as the adapter reads it: through the index walk for a dense term sorted by username (`dense`). */
  const page = async (on: Filter, order: RawBuilder<unknown>, dense = false, plan = on.walk) =>
    (
      await (dense && plan !== undefined
        ? sql<Row>`${plan}`
        : sql<Row>`select ${LISTING} from users ${on.where} order by ${order} limit ${PAGE} offset ${0}`
      ).execute(db)
    ).rows

  const begin = engine === "sqlite" ? sql`begin immediate` : sql`begin isolation level read committed`
  const forUpdate = engine === "sqlite" ? sql`` : sql`for update`
  /** One write transaction on one connection, as the adapter runs them. */
  // biome-ignore lint/suspicious/noExplicitAny: the connection's view of the database
  const writeTransaction = (body: (conn: Kysely<any>) => Promise<void>) =>
    db.connection().execute(async (conn) => {
      await begin.execute(conn)
      try {
        await body(conn)
        await sql`commit`.execute(conn)
      } catch (error) {
        await sql`rollback`.execute(conn)
        throw error
      }
    })
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const audit = (conn: Kysely<any>, at: string, action: string, target: string, changes: unknown) =>
    sql`insert into audit (at, actor, action, target_type, target, changes) values (${at}, ${"admin"}, ${action}, ${"user"}, ${target}, ${JSON.stringify(changes)})`.execute(
      conn
    )

  return {
    search,
    all: filter(sql``),
    scalar,
    orderBy,
    count,
    page,
    /** `select *` of one user and its memberships. */
    get: async (username: string) => {
      const user = (await sql<Row>`select * from users where username = ${username}`.execute(db)).rows[0]
      return { user, groups: await groupsOf([username]) }
    },
    /** The count and the page the adapter runs for a list, and the page's memberships. */
    list: async (on: Filter, order: RawBuilder<unknown>, dense = false) => {
      const total = await count(on)
      const rows = total === 0 ? [] : await page(on, order, dense)
      return { total, rows, groups: await groupsOf(rows.map((row) => String(row.username))) }
    },
    /** Hand-written: lock the row, set `enabled`, `updated_at` and the version, append the audit entry. */
    setEnabled: (username: string, enabled: boolean) =>
      writeTransaction(async (conn) => {
        const at = new Date().toISOString()
        await sql`select * from users where username = ${username} ${forUpdate}`.execute(conn)
        await sql`update users set enabled = ${enabled ? 1 : 0}, updated_at = ${at}, version = version + 1 where username = ${username}`.execute(
          conn
        )
        await audit(conn, at, enabled ? "user.enable" : "user.disable", username, { enabled })
      }),
    /**
     * Hand-written: insert the user (on SQLite its FTS5 index rows too) and its membership, bump the group's version,
     * append the audit entry.
     */
    create: (person: Omit<Person, "groups">, group: string) =>
      writeTransaction(async (conn) => {
        const at = new Date().toISOString()
        await conn
          .insertInto("users")
          .values({ ...userRow(person, at), group_list: group })
          .execute()
        if (engine === "sqlite") {
          await sql`insert into users_fts_key (username) values (${person.username})`.execute(conn)
          await sql`insert into users_fts (rowid, search_text, first_name, last_name)
            select id, ${userRow(person, at).search_text}, lower(${person.firstName}), lower(${person.lastName})
            from users_fts_key where username = ${person.username}`.execute(conn)
          await sql`insert into users_fts_pairs (rowid, tokens)
            select ${pairsRowid(sql.ref("k.username"), sql.ref("k.id"))}, ${pairTokens(sql.ref("u.search_text"))}
            from users_fts_key as k
            join users as u on u.username = k.username where k.username = ${person.username}`.execute(conn)
        }
        await conn.insertInto("memberships").values({ username: person.username, group_name: group }).execute()
        await sql`update groups set updated_at = ${at}, version = version + 1, member_count = member_count + 1
          where name = ${group}`.execute(conn)
        await audit(conn, at, "user.create", person.username, { groups: [group] })
      })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Plans

const explain = async (store: Store, label: string, query: RawBuilder<unknown>) => {
  const prefix = store.engine === "sqlite" ? sql`explain query plan` : sql`explain (analyze, buffers, costs off)`
  const result = await sql<Record<string, unknown>>`${prefix} ${query}`.execute(store.db)
  const lines =
    store.engine === "sqlite"
      ? sqlitePlan(result.rows as unknown as ReadonlyArray<{ id: number; parent: number; detail: string }>)
      : result.rows.map((row) => String(row["QUERY PLAN"]))
  return [`-- ${label}`, ...lines].join("\n")
}

const sqlitePlan = (rows: ReadonlyArray<{ id: number; parent: number; detail: string }>) => {
  const depth = new Map<number, number>([[0, -1]])
  return rows.map((row) => {
    const level = (depth.get(row.parent) ?? -1) + 1
    depth.set(row.id, level)
    return `${"  ".repeat(level)}${row.detail}`
  })
}

// ---------------------------------------------------------------------------------------------------------------
// One store at one size

interface Row {
  readonly name: string
  readonly core: Array<Stats>
  readonly raw: Array<Stats>
  readonly target: number | null
}

interface Result {
  readonly store: Store
  readonly size: number
  readonly insertMs: number
  readonly analyzeMs: number
  readonly expectedMatches: number
  readonly teamSizes: ReadonlyArray<number>
  readonly rows: ReadonlyMap<string, Row>
  readonly runsMs: number
  readonly loadAverage: readonly [number, number]
  readonly passwords: ReadonlyArray<string>
  readonly plans: ReadonlyArray<string>
  readonly finalUsers: number
}

const benchmark = (store: Store, size: number) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const groups = yield* Groups.Groups
    const hasher = yield* PasswordHasher.PasswordHasher
    const admin = Actor.user("admin")
    const raw = rawSql(store)
    const { db, engine } = store
    const random = prng(7)
    let serial = 0

    const usernames: Array<string> = []
    const { insertMs, analyzeMs } = yield* seed(db, engine, size, (person) => usernames.push(person.username))

    const all = yield* Effect.orDie(users.list(admin, { limit: 1 }).pipe(Effect.provideService(ExactTotalLimit, 0)))
    if (all.total !== size + 1) throw new Error(`expected ${size + 1} users, found ${all.total}`)
    const expectedMatches = yield* Effect.promise(() =>
      raw.scalar(sql`select count(*) as n from users where search_text like ${`%${SELECTIVE_TERM}%`}`)
    )
    const teams = yield* Effect.orDie(groups.list(admin, { search: "team-", limit: TEAM_COUNT }))

    // The raw queries must be the adapter's: same total and same page.
    for (const term of [SELECTIVE_TERM, MISSING_TERM]) {
      const core = yield* Effect.orDie(
        users.list(admin, { search: term, limit: PAGE }).pipe(Effect.provideService(ExactTotalLimit, 0))
      )
      const direct = yield* Effect.promise(() =>
        raw.list(raw.search(term), raw.orderBy("username"), term === SELECTIVE_TERM)
      )
      if (core.total !== direct.total || core.items[0]?.username !== direct.rows[0]?.username) {
        throw new Error(`raw search '${term}' disagrees with the core: ${core.total} vs ${direct.total}`)
      }
    }

    const randomUsername = () => usernames[Math.floor(random() * usernames.length)] as string
    const rows = new Map<string, Row>()

    const quick: Plan = { iterations: 2000, budgetMs: 3000, minimum: 200 }
    const searches: Plan = { iterations: 300, budgetMs: 3000, minimum: 10 }
    const sorts: Plan = { iterations: 100, budgetMs: 2000, minimum: 5 }
    const writes: Plan = { iterations: 300, budgetMs: 3000, minimum: 50 }

    const run = (warmUp: boolean) =>
      Effect.gen(function* () {
        const scale = (plan: Plan): Plan =>
          warmUp ? { iterations: Math.max(3, Math.ceil(plan.iterations / 20)), budgetMs: 300, minimum: 3 } : plan
        const keep = (name: string, target: number | null, core: Stats | null, direct: Stats | null) => {
          if (warmUp) return
          const row = rows.get(name) ?? { name, core: [], raw: [], target }
          if (core !== null) row.core.push(core)
          if (direct !== null) row.raw.push(direct)
          rows.set(name, row)
        }
        const targetFor = (what: "search" | "get" | "change") => {
          if (what === "get") return 0.2
          if (what === "change") return 1
          return size <= 100_000 ? 3 : size <= 1_000_000 ? 15 : null
        }

        // get by username
        const names = Array.from({ length: quick.iterations }, randomUsername)
        keep(
          "get by username",
          targetFor("get"),
          yield* timeEach(scale(quick), (i) => users.get(admin, names[i] as string)),
          yield* timeEach(scale(quick), (i) => Effect.promise(() => raw.get(names[i] as string)))
        )

        // search pages with their totals: exact up to the default limit (the raw SQL counts every match)
        for (const [term, label] of [
          [
            SELECTIVE_TERM,
            `search '${SELECTIVE_TERM}' (${thousands(expectedMatches)} matches), page of ${PAGE} + total`
          ],
          [MISSING_TERM, `search '${MISSING_TERM}' (no match), page of ${PAGE} + total`]
        ] as const) {
          const where = raw.search(term)
          keep(
            label,
            targetFor("search"),
            yield* timeEach(scale(searches), () => users.list(admin, { search: term, limit: PAGE })),
            yield* timeEach(scale(searches), () =>
              Effect.promise(() => raw.list(where, raw.orderBy("username"), term === SELECTIVE_TERM))
            )
          )
          keep(
            `  the same, every match counted (ExactTotalLimit 0)`,
            null,
            yield* timeEach(scale(searches), () =>
              users.list(admin, { search: term, limit: PAGE }).pipe(Effect.provideService(ExactTotalLimit, 0))
            ),
            null
          )
          keep(
            `  raw part: count(*) of '${term}' alone`,
            null,
            null,
            yield* timeEach(scale(searches), () => Effect.promise(() => raw.count(where)))
          )
          keep(
            `  raw part: page of '${term}' alone`,
            null,
            null,
            yield* timeEach(scale(searches), () =>
              Effect.promise(() => raw.page(where, raw.orderBy("username"), term === SELECTIVE_TERM))
            )
          )
          if (term === SELECTIVE_TERM && where.walkMatches !== undefined) {
            keep(
              `  raw part: page of '${term}' through the set of matches (a plan before 20261129000000_search_walk_index)`,
              null,
              null,
              yield* timeEach(scale(searches), () =>
                Effect.promise(() => raw.page(where, raw.orderBy("username"), true, where.walkMatches))
              )
            )
          }
          if (term === SELECTIVE_TERM && where.walk !== undefined) {
            keep(
              `  raw part: page of '${term}' by sorting every match (the plan before the index walk)`,
              null,
              null,
              yield* timeEach(scale(searches), () => Effect.promise(() => raw.page(where, raw.orderBy("username"))))
            )
          }
        }

        // list pages sorted by each column (no search): the count of all users, then the page
        for (const sort of SORTS) {
          keep(
            `list page of ${PAGE} sorted by ${sort}`,
            null,
            yield* timeEach(scale(sorts), () => users.list(admin, { sort, limit: PAGE })),
            yield* timeEach(scale(sorts), () => Effect.promise(() => raw.list(raw.all, raw.orderBy(sort))))
          )
        }
        keep(
          "  raw part: count(*) of all users (in every list above)",
          null,
          null,
          yield* timeEach(scale(sorts), () => Effect.promise(() => raw.count(raw.all)))
        )

        // disable, then enable the same random user; each call timed on its own
        for (const [label, viaCore] of [
          ["core", true],
          ["raw", false]
        ] as const) {
          const plan = scale(writes)
          const disable: Array<number> = []
          const enable: Array<number> = []
          collectGarbage()
          const started = now()
          for (let i = 0; i < plan.iterations; i++) {
            const username = randomUsername()
            const t0 = now()
            if (viaCore) yield* Effect.orDie(users.disable(admin, username))
            else yield* Effect.promise(() => raw.setEnabled(username, false))
            const t1 = now()
            if (viaCore) yield* Effect.orDie(users.enable(admin, username))
            else yield* Effect.promise(() => raw.setEnabled(username, true))
            const t2 = now()
            disable.push(t1 - t0)
            enable.push(t2 - t1)
            if (disable.length >= plan.minimum && now() - started > plan.budgetMs) break
          }
          keep(
            "disable (random user)",
            targetFor("change"),
            viaCore ? stats(disable) : null,
            viaCore ? null : stats(disable)
          )
          keep(
            "enable (the same user)",
            targetFor("change"),
            viaCore ? stats(enable) : null,
            viaCore ? null : stats(enable)
          )
          void label
        }

        // create without password: into a team (the core reads the group's members), and into a new group
        const fresh = `bench-${serial++}`
        yield* Effect.orDie(groups.create(admin, { name: fresh }))
        for (const [group, label] of [
          [
            TEAMS[0] as string,
            `create (no password) in a team of ~${thousands(Math.round((teams.items[0]?.memberCount ?? 0) / 100) * 100)}`
          ],
          [fresh, `create (no password) in a new group (≤ ${writes.iterations * 2} members)`]
        ] as const) {
          const person = (prefix: string) => {
            const username = `${prefix}${serial++}`
            return { username, firstName: "New", lastName: "Person", email: `${username}@example.com` }
          }
          keep(
            label,
            targetFor("change"),
            yield* timeEach(scale(writes), () => users.create(admin, { ...person("bench.core"), groups: [group] })),
            yield* timeEach(scale(writes), () => Effect.promise(() => raw.create(person("bench.raw"), group)))
          )
        }
      })

    log("  warm-up …")
    yield* run(true)
    const loadBefore = os.loadavg()[0] ?? 0
    const runsStarted = now()
    for (let index = 1; index <= RUNS; index++) {
      log(`  run ${index}/${RUNS} …`)
      yield* run(false)
    }
    const runsMs = now() - runsStarted
    const loadAfter = os.loadavg()[0] ?? 0

    // Creates with passwords: argon2id on libuv's pool, then one write transaction each
    const passwords: Array<string> = []
    if (PASSWORD_CREATES > 0 || SERIAL_CREATES > 0) {
      const pwGroups = Array.from({ length: 16 }, (_, index) => `pw-${String(index + 1).padStart(2, "0")}`)
      for (const name of pwGroups) yield* Effect.orDie(groups.create(admin, { name }))
      const createWithPassword = (index: number) =>
        users.create(admin, {
          username: `bench.pw${serial++}`,
          firstName: "Pass",
          lastName: "Word",
          password: PASSWORD,
          groups: [pwGroups[index % pwGroups.length] as string]
        })
      const measure = (count: number, concurrency: number) =>
        Effect.gen(function* () {
          collectGarbage()
          const cpu = process.cpuUsage()
          const t0 = now()
          yield* Effect.forEach(
            Array.from({ length: count }, (_, index) => index),
            (index) => Effect.orDie(createWithPassword(index)),
            { concurrency, discard: true }
          )
          const wall = now() - t0
          const used = process.cpuUsage(cpu)
          return { wall, cpu: (used.user + used.system) / 1000 }
        })
      const hashes = (count: number, concurrency: number) =>
        Effect.gen(function* () {
          const t0 = now()
          yield* Effect.forEach(
            Array.from({ length: count }, () => Redacted.make(PASSWORD) as Password.Password),
            (password) => hasher.hash(password),
            { concurrency, discard: true }
          )
          return now() - t0
        })
      const describeRun = (label: string, count: number, concurrency: number, wall: number, cpu: number) =>
        `${label}: ${thousands(count)} at concurrency ${concurrency} in ${seconds(wall)} — ${(count / (wall / 1000)).toFixed(1)} creates/s, ${(wall / count).toFixed(1)} ms each, process CPU ${(cpu / wall).toFixed(2)} cores busy`
      const hashOne = yield* hashes(32, 1)
      const hashMany = yield* hashes(32, PASSWORD_CONCURRENCY)
      passwords.push(
        `argon2id alone (32 hashes): ${(hashOne / 32).toFixed(1)} ms each at concurrency 1, ${(hashMany / 32).toFixed(1)} ms each (wall / count) at concurrency ${PASSWORD_CONCURRENCY}: ${(hashOne / hashMany).toFixed(2)}× the throughput`
      )
      if (SERIAL_CREATES > 0) {
        log(`  ${SERIAL_CREATES} creates with password, one at a time …`)
        const one = yield* measure(SERIAL_CREATES, 1)
        passwords.push(describeRun("creates with password", SERIAL_CREATES, 1, one.wall, one.cpu))
        if (PASSWORD_CREATES > 0) {
          log(`  ${PASSWORD_CREATES} creates with password, ${PASSWORD_CONCURRENCY} at a time …`)
          const many = yield* measure(PASSWORD_CREATES, PASSWORD_CONCURRENCY)
          passwords.push(
            describeRun("creates with password", PASSWORD_CREATES, PASSWORD_CONCURRENCY, many.wall, many.cpu)
          )
          passwords.push(
            `speed-up of concurrency ${PASSWORD_CONCURRENCY} over 1: ${(one.wall / SERIAL_CREATES / (many.wall / PASSWORD_CREATES)).toFixed(2)}× (${os.cpus().length} cores, libuv pool of ${process.env.UV_THREADPOOL_SIZE ?? 4} threads)`
          )
        }
      }
    }

    // Query plans of the adapter's own queries
    const plans: Array<string> = []
    if (PLANS) {
      const someone = randomUsername()
      const selective = raw.search(SELECTIVE_TERM)
      const missing = raw.search(MISSING_TERM)
      const queries: ReadonlyArray<readonly [string, RawBuilder<unknown>]> = [
        ["get: select * from users where username = ?", sql`select * from users where username = ${someone}`],
        [`search '${SELECTIVE_TERM}': count`, selective.count],
        [
          `search '${SELECTIVE_TERM}': page`,
          sql`select ${LISTING} from users ${selective.where} order by username asc limit ${PAGE} offset ${0}`
        ],
        [`search '${MISSING_TERM}': count`, missing.count],
        [
          `search '${MISSING_TERM}': page`,
          sql`select ${LISTING} from users ${missing.where} order by username asc limit ${PAGE} offset ${0}`
        ],
        ["list: count of all users", sql`select count(*) as n from users`],
        ...SORTS.filter((sort) => sort !== "username").map(
          (sort) =>
            [
              `list sorted by ${sort}: page`,
              sql`select ${LISTING} from users order by ${raw.orderBy(sort)} limit ${PAGE} offset ${0}`
            ] as const
        ),
        [
          "members of a team (read by Users.create through findGroup)",
          sql`select username, group_name from memberships where group_name in (${TEAMS[0] as string}) order by username`
        ]
      ]
      for (const [label, query] of queries) plans.push(yield* Effect.promise(() => explain(store, label, query)))
      if (engine === "sqlite") {
        plans.push(
          yield* Effect.promise(() =>
            explain(
              store,
              "the FTS update trigger's statement (runs when a user's username or search text changes)",
              sql`update users_fts set search_text = ${"x"} where rowid = (select id from users_fts_key where username = ${someone})`
            )
          )
        )
      }
    }

    const finalUsers = Number(
      (yield* Effect.promise(() => sql<{ n: number }>`select count(*) as n from users`.execute(db))).rows[0]?.n
    )

    return {
      store,
      size,
      insertMs,
      analyzeMs,
      expectedMatches,
      teamSizes: teams.items.map((team) => team.memberCount),
      rows,
      runsMs,
      loadAverage: [loadBefore, loadAfter],
      passwords,
      plans,
      finalUsers
    } satisfies Result
  })

// ---------------------------------------------------------------------------------------------------------------
// Report

const report = (result: Result, versions: Record<Engine, string>) => {
  const { store, size } = result
  const lines = [
    `### ${store.engine === "sqlite" ? "SQLite (WAL file)" : "PostgreSQL"} — ${thousands(size)} users`,
    "",
    `- Store: ${store.describe}; ${versions[store.engine]}`,
    `- Directory: ${thousands(size)} users + admin, ${TEAM_COUNT} teams of ${Math.min(...result.teamSizes)}–${Math.max(...result.teamSizes)} members (a quarter of the users in two); ${thousands(result.finalUsers)} users at the end (the creates below add users)`,
    `- Bulk load (multi-row INSERTs of ${ROWS_PER_INSERT} rows, ${thousands(ROWS_PER_TRANSACTION)} users a transaction): ${seconds(result.insertMs)}, ${thousands(Math.round(size / (result.insertMs / 1000)))} users/s${store.engine === "postgres" ? `; then VACUUM ANALYZE ${seconds(result.analyzeMs)}` : ""}`,
    `- ${RUNS} runs after a warm-up (${seconds(result.runsMs)}); medians of the per-run medians and p95s; 1-minute load average ${result.loadAverage[0].toFixed(2)} before, ${result.loadAverage[1].toFixed(2)} after`,
    "",
    "| operation | core median (ms) | core p95 (ms) | raw SQL median (ms) | raw p95 (ms) | core / raw | target (ms) | met? |",
    "|---|--:|--:|--:|--:|--:|--:|---|"
  ]
  for (const row of result.rows.values()) {
    const core = median(row.core.map((s) => s.median))
    const coreP95 = median(row.core.map((s) => s.p95))
    const raw = median(row.raw.map((s) => s.median))
    const rawP95 = median(row.raw.map((s) => s.p95))
    const target = row.target === null ? "" : `≤ ${row.target}`
    const met = row.target === null || !Number.isFinite(core) ? "" : core <= row.target ? "yes" : "**no**"
    lines.push(
      `| ${row.name} | ${ms(core)} | ${ms(coreP95)} | ${ms(raw)} | ${ms(rawP95)} | ${ratio(core, raw)} | ${target} | ${met} |`
    )
  }
  if (result.passwords.length > 0) lines.push("", ...result.passwords.map((line) => `- ${line}`))
  if (result.plans.length > 0) lines.push("", "```text", ...result.plans.flatMap((plan) => [plan, ""]), "```")
  return lines.join("\n")
}

const versionOf = async (engine: Engine): Promise<string> => {
  const store = await openStore(engine)
  try {
    const query =
      engine === "sqlite" ? sql<{ v: string }>`select sqlite_version() as v` : sql<{ v: string }>`select version() as v`
    const version = String((await query.execute(store.db)).rows[0]?.v)
    return engine === "sqlite" ? `SQLite ${version} (better-sqlite3)` : version.replace(/ on .*/, "")
  } finally {
    await store.drop()
  }
}

const main = async () => {
  const versions = {} as Record<Engine, string>
  for (const engine of STORES) versions[engine] = await versionOf(engine)
  const cpus = os.cpus()
  console.log(
    [
      `## SQL stores benchmark — ${new Date().toISOString()}`,
      "",
      `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}`,
      `- Node ${process.version}; ${Object.values(versions).join("; ")}`,
      `- Sizes ${SIZES.map(thousands).join(", ")}; stores ${STORES.join(", ")}; ${RUNS} runs`,
      ""
    ].join("\n")
  )
  for (const size of SIZES) {
    for (const engine of STORES) {
      const store = await openStore(engine)
      try {
        const directory = KyselyDirectory.layer({ db: store.db, engine, migrate: true })
        const layer = UserManager.layer({ directory, hasher: Argon2Hasher.layer })
        const result = await Effect.runPromise(benchmark(store, size).pipe(Effect.provide(layer)))
        console.log(`${report(result, versions)}\n`)
      } finally {
        await store.drop()
      }
    }
  }
}

await main()
