// A host that opens a PostgreSQL store without having installed its driver (`pg`). Prints the rejection as JSON.
import { Actor, UserManager } from "@user-manager/core"
import { Argon2Hasher, PostgresDirectory } from "@user-manager/kysely"

const manager = UserManager.make({
  directory: PostgresDirectory.layer({ url: "postgres://nobody@127.0.0.1:5432/nothing" }),
  hasher: Argon2Hasher.layer
})
try {
  await manager.users.list(Actor.user("admin"))
  console.log(JSON.stringify({ opened: true }))
} catch (error) {
  console.log(JSON.stringify({ isError: error instanceof Error, _tag: error._tag, message: error.message }))
} finally {
  await manager.dispose()
}
