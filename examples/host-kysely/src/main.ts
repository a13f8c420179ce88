/**
 * A host application that already owns a Kysely database embeds the manager: its tables live beside the host's own,
 * under the `um_` prefix, in the same database file.
 */

import { Actor, UserManager } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { CamelCasePlugin, sql } from "kysely"

// The host's own database, opened as the host always does (here through the adapter's helper for brevity).
const hostDb = (await Effect.runPromise(SqliteDirectory.open(":memory:"))).withPlugin(new CamelCasePlugin())
await hostDb.schema
  .createTable("projects")
  .addColumn("id", "integer", (c) => c.primaryKey())
  .addColumn("projectName", "text", (c) => c.notNull())
  .addColumn("ownerGroup", "text", (c) => c.notNull())
  .execute()

const manager = UserManager.make({
  directory: KyselyDirectory.layer({ db: hostDb, engine: "sqlite", prefix: "um_", migrate: true }),
  hasher: Argon2Hasher.layer
})
const admin = Actor.user("admin")

try {
  await manager.users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin" })
  const analysts = await manager.groups.create(admin, { name: "analysts" })
  await manager.users.create(admin, { username: "alice", firstName: "Alice", groups: ["analysts"] })
  await hostDb.insertInto("projects").values({ id: 1, projectName: "Forecasts", ownerGroup: analysts.name }).execute()

  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(
    hostDb
  )
  console.log("Tables in the host's database:", tables.rows.map((row) => row.name).join(", "))
  const projects = await hostDb.selectFrom("projects").selectAll().execute()
  for (const project of projects) {
    const group = await manager.groups.get(admin, project.ownerGroup as string)
    console.log(
      `Project ${project.projectName}: group ${group.name} (GID ${group.gid}), members ${group.members.join(", ")}`
    )
  }
} finally {
  await manager.dispose()
  await hostDb.destroy()
}
