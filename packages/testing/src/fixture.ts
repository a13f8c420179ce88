import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import type { Directory } from "@user-manager/core/Directory"
import type { DirectoryConfigShape } from "@user-manager/core/DirectoryConfig"
import { Groups } from "@user-manager/core/Groups"
import type { PasswordHasher } from "@user-manager/core/PasswordHasher"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import type { Layer } from "effect"
import { Effect } from "effect"

/** A store under test: a layer that yields a fresh, empty directory each time it is built. */
export type StoreLayer = Layer.Layer<Directory, unknown>

/** The services over a store, a hasher and optional settings. */
export const services = (
  store: StoreLayer,
  hasher: Layer.Layer<PasswordHasher>,
  config: Partial<DirectoryConfigShape> = {}
) => UserManager.layer({ directory: store, hasher, config })

/** The first administrator of every fixture. */
export const admin = Actor.user("admin")
export const john = Actor.user("john")
export const alice = Actor.user("alice")

/**
 * The directory most rules are tested on: `admin` (admins), `root` (admins), `john` (developers), `alice` (developers,
 * analysts), `bob` (analysts), `svc` (system user in developers); groups admins 1000, developers 1001, analysts 1002.
 */
export const seed = Effect.gen(function* () {
  const users = yield* Users
  const groups = yield* Groups
  yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: "correct horse" })
  yield* groups.create(admin, { name: "developers" })
  yield* groups.create(admin, { name: "analysts" })
  yield* users.create(admin, { username: "root", firstName: "Rita", lastName: "Root", groups: ["admins"] })
  yield* users.create(admin, {
    username: "john",
    firstName: "John",
    lastName: "Doe",
    email: "john@example.com",
    password: "john's secret",
    groups: ["developers"]
  })
  yield* users.create(admin, {
    username: "alice",
    firstName: "Alice",
    lastName: "Liddell",
    email: "alice@example.com",
    groups: ["developers", "analysts"]
  })
  yield* users.create(admin, { username: "bob", firstName: "Bob", lastName: "Builder", groups: ["analysts"] })
  yield* users.create(admin, { username: "svc", firstName: "Service", groups: ["developers"], system: true })
})

/** Everything a snapshot compares: every user and group as listed, and the audit trail's length. */
export const snapshot = Effect.gen(function* () {
  const users = yield* Users
  const groups = yield* Groups
  const audit = yield* Audit
  const allUsers = yield* users.list(admin, { limit: 1000 })
  const allGroups = yield* groups.list(admin, { limit: 1000 })
  const trail = yield* audit.list(admin, { limit: 1 })
  return {
    users: allUsers.items.map((user) => JSON.stringify(user)),
    groups: allGroups.items.map((group) => JSON.stringify(group)),
    audit: trail.total
  }
})
