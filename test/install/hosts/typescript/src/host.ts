/**
 * A strict TypeScript host with its own Kysely database on PostgreSQL (a `projects` table of its own): it hands that
 * Kysely instance to the manager, whose tables live beside the host's under the `um_` prefix, and uses the Effect API.
 * Prints what it saw as JSON for the test.
 */
import { Actor, Groups, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { type Generated, Kysely, PostgresDialect } from "kysely"
import pg from "pg"

interface HostDatabase {
  readonly projects: {
    readonly id: Generated<number>
    readonly name: string
    readonly owner_group: string
  }
}

const url = process.argv[2]
if (url === undefined) throw new Error("usage: node dist/host.js POSTGRES_URL")
const db = new Kysely<HostDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) })

const program = Effect.gen(function* () {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  yield* users.bootstrap({ username: "admin", firstName: "Ada", password: "correct horse battery" })
  const admin = Actor.user("admin")
  const analysts = yield* groups.create(admin, { name: "analysts" })
  yield* users.create(admin, { username: "alice", firstName: "Alice", lastName: "Liddell", groups: ["analysts"] })
  const refusal = yield* users.removeFromGroup(admin, "alice", "analysts").pipe(
    Effect.as("allowed"),
    Effect.catchTag("GroupMembershipRequired", (error) => Effect.succeed(`${error._tag}: ${error.usernames.join(",")}`))
  )
  const page = yield* users.list(admin, { sort: "username", order: "asc" })
  yield* Effect.promise(() =>
    db.insertInto("projects").values({ name: "Forecasts", owner_group: analysts.name }).execute()
  )
  return {
    users: page.items.map((user) => [user.username, user.fullName, user.groups.join(",")]),
    gid: analysts.gid,
    refusal
  }
})

const manager = UserManager.layer({
  directory: KyselyDirectory.layer({ db, engine: "postgres", prefix: "um_", migrate: true }),
  hasher: Argon2Hasher.layer
})

try {
  console.log(JSON.stringify(await Effect.runPromise(Effect.provide(program, manager))))
} finally {
  await db.destroy()
}
