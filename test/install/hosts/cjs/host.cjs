// A CommonJS host: require() of the ES module packages (Node >= 20.19), creating and listing over SQLite in memory.
const { Actor, UserManager } = require("@user-manager/core")
const { Argon2Hasher, SqliteDirectory } = require("@user-manager/kysely")

const main = async () => {
  const manager = UserManager.make({
    directory: SqliteDirectory.layer({ filename: ":memory:" }),
    hasher: Argon2Hasher.layer
  })
  const admin = Actor.user("admin")
  try {
    await manager.users.bootstrap({ username: "admin", password: "correct horse" })
    await manager.groups.create(admin, { name: "analysts" })
    await manager.users.create(admin, { username: "bob", firstName: "Bob", groups: ["analysts"] })
    const groups = await manager.groups.list(admin)
    const users = await manager.users.list(admin)
    console.log(
      JSON.stringify({
        users: users.items.map((user) => [user.username, user.groups.join(",")]),
        groups: groups.items.map((group) => [group.name, group.members.join(",")])
      })
    )
  } finally {
    await manager.dispose()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
