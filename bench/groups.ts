/**
 * The directory of huge groups (issue 20): N users (1,000,000 by default) each in one of 20 teams of N/20, every other
 * user in `everyone` (N/2), and 2,000 clubs of 10 (the first 20,000 users). The groups are made through the core
 * (`Groups.create`: GIDs, the ledger and its high-water mark as the product keeps them); the users and memberships are
 * loaded in bulk by `bulkLoad` (bench/load.ts), with every column the store keeps (sort and search keys from the core's
 * `UserKeys`, each user's group list, each group's member count). `checkInvariants` proves the result consistent.
 */
import { Actor, Groups, Users } from "@user-manager/core"
import { Effect } from "effect"
import { type Kysely, sql } from "kysely"
import {
  bulkLoad,
  type Engine,
  FIRST_NAMES,
  LAST_NAMES,
  PASSWORD,
  type Person,
  prng,
  QUARTZ_NAMES,
  SELECTIVE_SHARE,
  TEAMS
} from "./load.js"
import { log, now, seconds, thousands } from "./stats.js"

/** The group of half the users. */
export const EVERYONE = "everyone"
/** How many small groups, and their size. */
export const CLUB_COUNT = 2000
export const CLUB_SIZE = 10
/** `club-0001` … `club-2000`. */
export const club = (index: number) => `club-${String(index + 1).padStart(4, "0")}`

/** How many clubs a directory of `size` has: 2,000, fewer when there are not 10 users for each. */
export const clubCount = (size: number) => Math.min(CLUB_COUNT, Math.floor(size / CLUB_SIZE))

/**
 * The users of the directory, always the same: user `i` is in team `i mod 20`, in `everyone` when `i` is even, and in
 * club `⌊i / 10⌋` when that is below the club count; 5% have a last name containing `quartz` (as in `people`). They
 * come in username order, so that every index of the users and memberships takes its keys in order (a load in random
 * order spends most of its time on index pages once they outgrow the cache).
 */
export const groupPeople = (size: number): ReadonlyArray<Person> => {
  const random = prng(20_261_204)
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)] as A
  const clubs = clubCount(size)
  const all: Array<Person> = []
  for (let index = 0; index < size; index++) {
    const firstName = pick(FIRST_NAMES)
    const lastName = random() < SELECTIVE_SHARE ? pick(QUARTZ_NAMES) : pick(LAST_NAMES)
    const username = `${firstName}.${lastName}${index}`.toLowerCase()
    const groups = [TEAMS[index % TEAMS.length] as string]
    if (index % 2 === 0) groups.push(EVERYONE)
    const clubIndex = Math.floor(index / CLUB_SIZE)
    if (clubIndex < clubs) groups.push(club(clubIndex))
    all.push({ username, firstName, lastName, email: `${username}@example.com`, groups: groups.sort() })
  }
  return all.sort((a, b) => (a.username < b.username ? -1 : 1))
}

/**
 * The directory of huge groups on a migrated, empty store: `admin` (alone in `admins`, with `PASSWORD`) through
 * `Users.bootstrap`, every group through `Groups.create`, then the users in bulk.
 */
export const seedGroups = (
  // biome-ignore lint/suspicious/noExplicitAny: the manager's tables, untyped outside the adapter
  db: Kysely<any>,
  engine: Engine,
  size: number
) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const groups = yield* Groups.Groups
    const admin = Actor.user("admin")
    const started = now()
    yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: PASSWORD })
    const names = [...TEAMS, EVERYONE, ...Array.from({ length: clubCount(size) }, (_, index) => club(index))]
    for (const name of names) yield* groups.create(admin, { name })
    log(`${engine}: ${thousands(names.length)} groups in ${seconds(now() - started)}; ${thousands(size)} users …`)
    const loaded = yield* Effect.promise(() => bulkLoad(db, engine, size, undefined, groupPeople(size)))
    log(
      `  loaded in ${seconds(loaded.insertMs)}${engine === "postgres" ? ` + vacuum analyze ${seconds(loaded.analyzeMs)}` : ""}`
    )
    return loaded
  })

/**
 * Fails unless the store's derived data is true: every user in a group, every member count and group list what the
 * memberships say, the GID high-water mark at the highest GID, every GID in the ledger.
 */
// biome-ignore lint/suspicious/noExplicitAny: as above
export const checkInvariants = async (db: Kysely<any>, engine: Engine) => {
  const count = async (query: ReturnType<typeof sql>) =>
    Number(((await query.execute(db)).rows[0] as { n: number | string }).n)
  const groupList =
    engine === "postgres"
      ? sql`coalesce((select string_agg(group_name, ',' order by group_name) from memberships m where m.username = u.username), '')`
      : sql`coalesce((select group_concat(group_name, ',' order by group_name) from memberships m where m.username = u.username), '')`
  const failures = {
    "users without a group": await count(
      sql`select count(*) as n from users u where not exists (select 1 from memberships m where m.username = u.username)`
    ),
    "groups whose member_count is wrong": await count(
      sql`select count(*) as n from groups g where member_count <> (select count(*) from memberships m where m.group_name = g.name)`
    ),
    "users whose group_list is wrong (of the first 100,000 by name)": await count(
      sql`select count(*) as n from (select username, group_list from users order by username limit 100000) u where group_list <> substr(${groupList}, 1, 1000)`
    ),
    "GIDs above the high-water mark": await count(
      sql`select count(*) as n from groups where gid > (select value from meta where key = 'gid_high_water')`
    ),
    "GIDs missing from the ledger": await count(
      sql`select count(*) as n from groups g where not exists (select 1 from gid_ledger l where l.gid = g.gid)`
    )
  }
  const broken = Object.entries(failures).filter(([, n]) => n > 0)
  if (broken.length > 0)
    throw new Error(`the data set breaks invariants: ${JSON.stringify(Object.fromEntries(broken))}`)
}
