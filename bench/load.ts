/**
 * The directory the SQL benchmarks load: deterministic users in 20 teams, bulk-loaded past the core so that a million
 * users take minutes, not hours. Used by bench/sql.bench.ts and bench/cli.bench.ts; its loader by bench/groups.ts.
 */
import { Actor, Groups, User, UserKeys, Users } from "@user-manager/core"
import { pairTokens } from "@user-manager/kysely/migrations/20261213000000_sqlite_short_term_index"
import { pairsRowid } from "@user-manager/kysely/migrations/20261214000000_sqlite_short_terms_by_username"
import { Effect } from "effect"
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from "kysely"
import { log, now, seconds, thousands } from "./stats.js"

/** The SQL engines the bulk loader knows. */
export type Engine = "sqlite" | "postgres" | "mysql"

export const TEAM_COUNT = 20
/** `team-01` … `team-20`. */
export const TEAMS = Array.from({ length: TEAM_COUNT }, (_, index) => `team-${String(index + 1).padStart(2, "0")}`)
/** About 5% of users get one of these last names; no other name contains the term. */
export const QUARTZ_NAMES = ["Quartz", "Rosequartz", "Quartzfield", "Smokyquartz"] as const
export const SELECTIVE_SHARE = 0.05
/** `admin`'s password. */
export const PASSWORD = "correct horse battery staple"
/** Users per INSERT statement, and per transaction, of the bulk load. */
export const ROWS_PER_INSERT = 1000
export const ROWS_PER_TRANSACTION = 50_000

/** mulberry32: a small seeded PRNG, so that every run builds the same directory. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Alice",
  "Amir",
  "Anna",
  "Ben",
  "Carla",
  "Chen",
  "Dara",
  "David",
  "Elena",
  "Emil",
  "Fatima",
  "Felix",
  "Grace",
  "Hana",
  "Ivan",
  "Jonas",
  "Julia",
  "Kenji",
  "Lara",
  "Leo",
  "Maria",
  "Mateo",
  "Nadia",
  "Noah",
  "Olga",
  "Omar",
  "Paula",
  "Priya",
  "Rosa",
  "Sam",
  "Sara",
  "Tariq",
  "Tom",
  "Uma",
  "Vera",
  "Wei",
  "Yusuf",
  "Zoe"
] as const
export const LAST_NAMES = [
  "Abbott",
  "Berg",
  "Costa",
  "Dubois",
  "Evans",
  "Fischer",
  "Garcia",
  "Hansen",
  "Ito",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Meyer",
  "Novak",
  "Okafor",
  "Petrov",
  "Rossi",
  "Silva",
  "Tanaka",
  "Weber"
] as const

export interface Person {
  readonly username: string
  readonly firstName: string
  readonly lastName: string
  readonly email: string
  readonly groups: ReadonlyArray<string>
}

/**
 * The users of a directory of `size`, always the same: in random order relative to their usernames, each in one of
 * the 20 teams and a quarter also in a second one; about 5% have a last name containing `quartz`. Produced one at a
 * time (a million objects at once would only cost memory).
 */
export function* people(size: number): Generator<Person> {
  const random = prng(20_261_128)
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)] as A
  for (let index = 0; index < size; index++) {
    const firstName = pick(FIRST_NAMES)
    const lastName = random() < SELECTIVE_SHARE ? pick(QUARTZ_NAMES) : pick(LAST_NAMES)
    const username = `${firstName}.${lastName}${index}`.toLowerCase()
    const primary = pick(TEAMS)
    const secondary = random() < 0.25 ? pick(TEAMS) : primary
    yield {
      username,
      firstName,
      lastName,
      email: `${username}@example.com`,
      groups: primary === secondary ? [primary] : [primary, secondary].sort()
    }
  }
}

/** The columns the adapter writes for a user (see `fromUserRow` in packages/kysely/src/internal/rowMappers.ts). */
export const userRow = (person: Omit<Person, "groups">, at: string, passwordHash: string | null = null) => ({
  username: person.username,
  first_name: person.firstName,
  last_name: person.lastName,
  email: person.email,
  email_key: person.email.toLowerCase(),
  // What an identity provider would call each user: an opaque id and its sign-in name, in mixed case.
  external_id: `00u${person.username}`,
  external_name: `${person.firstName}.${person.username}@Contoso.com`,
  external_name_key: `${person.firstName}.${person.username}@Contoso.com`.toLowerCase(),
  enabled: 1,
  system: 0,
  password_hash: passwordHash,
  search_text: UserKeys.searchText(person),
  first_name_key: UserKeys.sortKey(person.firstName),
  last_name_key: UserKeys.sortKey(person.lastName),
  full_name_key: UserKeys.sortKey(User.fullName(person)),
  created_at: at,
  updated_at: at,
  version: 1
})

/** SQL text without parameters, as SQLite's Kysely writes it. */
const sqliteText = (expression: ReturnType<typeof sql>) =>
  expression.compile(
    new Kysely<unknown>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler()
      }
    })
  ).sql

/**
 * SQLite: the statements that add the users its FTS5 index lacks, as the store does with each user it adds (a bulk
 * load past the store runs them once, at the end).
 */
export const INDEX_FOR_SEARCH = [
  `insert into users_fts_key (username)
    select username from users where username not in (select username from users_fts_key) order by username`,
  // The characters and pairs first: the new keys are those `users_fts` does not hold yet.
  `insert into users_fts_pairs (rowid, tokens)
    select ${sqliteText(pairsRowid(sql.ref("k.username"), sql.ref("k.id")))} as pairs_id,
      ${sqliteText(pairTokens(sql.ref("u.search_text")))}
    from users_fts_key as k join users as u on u.username = k.username where k.id not in (select rowid from users_fts)
    order by pairs_id`,
  // As the migration that made the table leaves it: one segment.
  `insert into users_fts_pairs (users_fts_pairs) values ('optimize')`,
  `insert into users_fts (rowid, search_text, first_name, last_name)
    select k.id, u.search_text, lower(u.first_name), lower(u.last_name)
    from users_fts_key as k join users as u on u.username = k.username where k.id not in (select rowid from users_fts)`
]

/**
 * Loads the users of `source` (by default `people(size)`) and their memberships in bulk, past the core: multi-row
 * INSERTs in big transactions on the store's Kysely (on SQLite the FTS5 index is written at the end; a PostgreSQL
 * store's search table is kept by its triggers, and the store is vacuumed and analyzed afterwards), then every group's
 * member count. The schema, the groups the people are
 * in and `admin` must exist (see `seed`). `onPerson` sees each user.
 */
export const bulkLoad = async (
  // biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
  db: Kysely<any>,
  engine: Engine,
  size: number,
  onPerson: (person: Person) => void = () => {},
  source: Iterable<Person> = people(size)
) => {
  const at = new Date().toISOString()
  const started = now()
  let lastReport = started
  let users: Array<ReturnType<typeof userRow> & { group_list: string }> = []
  let memberships: Array<{ username: string; group_name: string }> = []
  let pending: Array<Person> = []
  const flush = async () => {
    if (pending.length === 0) return
    const batch = pending
    pending = []
    await db.transaction().execute(async (trx) => {
      for (let offset = 0; offset < batch.length; offset += ROWS_PER_INSERT) {
        users = []
        memberships = []
        for (const person of batch.slice(offset, offset + ROWS_PER_INSERT)) {
          users.push({ ...userRow(person, at), group_list: [...person.groups].sort().join(",") })
          for (const group of person.groups) memberships.push({ username: person.username, group_name: group })
        }
        await trx.insertInto("users").values(users).execute()
        await trx.insertInto("memberships").values(memberships).execute()
      }
    })
  }
  let loaded = 0
  for (const person of source) {
    onPerson(person)
    pending.push(person)
    if (pending.length >= ROWS_PER_TRANSACTION) {
      await flush()
      loaded += ROWS_PER_TRANSACTION
      if (now() - lastReport > 15_000) {
        lastReport = now()
        log(`  ${thousands(loaded)} users after ${seconds(lastReport - started)}`)
      }
    }
  }
  await flush()
  if (engine === "sqlite") for (const statement of INDEX_FOR_SEARCH) await sql.raw(statement).execute(db)
  // The member counts the store keeps for sorting groups by members (each user's group list went in with the user).
  await sql`update groups set member_count = (select count(*) from memberships where group_name = groups.name)`.execute(
    db
  )
  const insertMs = now() - started
  const analyzeStarted = now()
  if (engine === "postgres") {
    // user_search too (its partitions): the test servers run without autovacuum, which on a real server would analyze
    // them soon after the load; without it their statistics are those of the empty tables, and the planner reads
    // them by sequential scans.
    for (const table of ["users", "user_search", "memberships", "groups"]) {
      await sql`vacuum analyze ${sql.id(table)}`.execute(db)
    }
  }
  if (engine === "mysql") {
    for (const table of ["users", "memberships", "groups"]) await sql`analyze table ${sql.id(table)}`.execute(db)
  }
  const analyzeMs = now() - analyzeStarted
  return { insertMs, analyzeMs }
}

/**
 * A directory of `size` users on a migrated, empty store: `admin` (alone in the admin group, with `PASSWORD`) through
 * `Users.bootstrap`, the 20 teams through `Groups.create`, then the users in bulk.
 */
export const seed = (
  // biome-ignore lint/suspicious/noExplicitAny: as above
  db: Kysely<any>,
  engine: Engine,
  size: number,
  onPerson?: (person: Person) => void
) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const groups = yield* Groups.Groups
    const admin = Actor.user("admin")
    yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: PASSWORD })
    for (const name of TEAMS) yield* groups.create(admin, { name })
    log(`${engine}, ${thousands(size)} users: loading in bulk …`)
    const loaded = yield* Effect.promise(() => bulkLoad(db, engine, size, onPerson))
    log(
      `  loaded in ${seconds(loaded.insertMs)}${engine === "postgres" ? ` + vacuum analyze ${seconds(loaded.analyzeMs)}` : ""}`
    )
    return loaded
  })
