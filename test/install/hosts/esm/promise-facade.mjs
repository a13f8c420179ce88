// A plain ESM JavaScript host: the Promise facade over an SQLite file. Prints what it saw as JSON for the test.
import { Actor, UserManager } from "@user-manager/core"
import { Argon2Hasher, SqliteDirectory } from "@user-manager/kysely"

const filename = process.argv[2]
const manager = UserManager.make({ directory: SqliteDirectory.layer({ filename }), hasher: Argon2Hasher.layer })
const admin = Actor.user("admin")
try {
  await manager.users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: "correct horse" })
  const developers = await manager.groups.create(admin, { name: "developers" })
  await manager.users.create(admin, {
    username: "john",
    firstName: "John",
    lastName: "Doe",
    email: "john@example.com",
    groups: ["developers"]
  })
  await manager.users.create(admin, { username: "alice", firstName: "Alice", groups: ["developers"] })
  const page = await manager.users.list(admin, { sort: "username" })
  const refusal = await manager.users.removeFromGroup(admin, "alice", "developers").then(
    () => undefined,
    (error) => ({
      isError: error instanceof Error,
      _tag: error._tag,
      usernames: error.usernames,
      message: error.message
    })
  )
  console.log(
    JSON.stringify({
      gid: developers.gid,
      total: page.total,
      users: page.items.map((user) => [user.username, user.fullName, user.groups.join(","), user.email ?? ""]),
      refusal
    })
  )
} finally {
  await manager.dispose()
}
