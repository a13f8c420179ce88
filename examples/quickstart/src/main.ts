/**
 * Quick start: a host application that does not use Effect embeds the manager through its Promise facade, bootstraps
 * an empty directory, creates groups and users, shows a refusal, and prints everything.
 */

import { Actor, MemoryDirectory, UserManager } from "@user-manager/core"
import { Argon2Hasher } from "@user-manager/kysely"

const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: Argon2Hasher.layer })
const admin = Actor.user("admin")

try {
  await manager.users.bootstrap({
    username: "admin",
    firstName: "Ada",
    lastName: "Admin",
    password: "correct horse battery"
  })
  await manager.groups.create(admin, { name: "developers" })
  await manager.groups.create(admin, { name: "analysts" })
  await manager.users.create(admin, {
    username: "john",
    firstName: "John",
    lastName: "Doe",
    email: "john@example.com",
    groups: ["developers"]
  })
  await manager.users.create(admin, { username: "alice", firstName: "Alice", groups: ["developers"] })
  await manager.users.create(admin, { username: "bob", firstName: "Bob", groups: ["developers"] })
  await manager.users.modify(admin, "john", { groups: ["developers", "admins"] })
  await manager.groups.addMembers(admin, "analysts", ["alice", "bob"])
  await manager.groups.removeMembers(admin, "analysts", ["bob"])
  await manager.users.disable(admin, "john")

  // Refusals reject with tagged errors that carry their data and a sentence for people.
  await manager.users.removeFromGroup(admin, "bob", "developers").catch((error) => {
    console.log(`refused (${error._tag}): ${error.message}`)
  })

  console.log("\nUsers (User Name, Full Name, Groups, Email, Enabled):")
  for (const user of (await manager.users.list(admin)).items) {
    console.log([user.username, user.fullName, user.groups.join(","), user.email ?? "", user.enabled].join("\t"))
  }
  console.log("\nGroups (Name, GID, Users):")
  for (const group of (await manager.groups.list(admin)).items) {
    console.log([group.name, group.gid, group.members.join(",")].join("\t"))
  }
  console.log("\nAudit trail, newest first:")
  for (const entry of (await manager.audit.list(admin, { limit: 5 })).items) {
    console.log(
      [entry.at.toISOString(), entry.actor, entry.action, entry.target, JSON.stringify(entry.changes)].join("\t")
    )
  }
} finally {
  await manager.dispose()
}
