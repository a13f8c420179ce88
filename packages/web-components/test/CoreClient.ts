import { Actor, MemoryDirectory, PasswordHasher, Permissions, UserManager } from "@user-manager/core"
import { Csv, JsonLines } from "@user-manager/formats"
import { Duration, Effect, Either, Layer, Redacted, Stream } from "effect"
import { ClientError, type UserManagerClient } from "../src/Client.js"

/** A hasher for the browser (the core's `TestHasher` needs `node:crypto`); these tests never sign in. */
const PlainHasher = Layer.succeed(PasswordHasher.PasswordHasher, {
  hash: (password) => Effect.succeed(Redacted.make(`plain$${Redacted.value(password)}`)),
  verify: (password, hash) => Effect.succeed(Redacted.value(hash) === `plain$${Redacted.value(password)}`),
  needsRehash: () => Effect.succeed(false),
  slowestCheck: Effect.succeed(Duration.zero)
})

/** The records as they cross the wire: dates become ISO strings, as in the API's JSON and the CLI's `-j`. */
const wire = <A>(value: A) => JSON.parse(JSON.stringify(value))

/** Runs a core call, turning its tagged refusal into the `ClientError` the HTTP client would raise. */
const call = async <A>(run: () => Promise<A>) => {
  try {
    return wire(await run())
  } catch (error) {
    throw ClientError.from(error)
  }
}

/**
 * The CSV file a writer of `@user-manager/formats` makes of an export read from the core (as the server's export
 * does), or the core's refusal as the `ClientError` the HTTP client would raise.
 */
const csvOf = async <A>(
  records: AsyncIterable<A>,
  write: (records: Stream.Stream<A, unknown>) => Stream.Stream<string, unknown>
) => {
  const text = await Effect.runPromise(
    Effect.either(Stream.mkString(write(Stream.fromAsyncIterable(records, (error) => error))))
  )
  if (Either.isLeft(text)) throw ClientError.from(text.left)
  return new Blob([text.right], { type: "text/csv" })
}

/**
 * The same client answering records without `refused`, as a host's own client may: the element then offers every action
 * and shows the refusal of what the core refuses.
 */
export const withoutPermissions = (client: UserManagerClient): UserManagerClient => {
  const strip = <A extends { readonly refused?: unknown }>({ refused: _refused, ...record }: A) => record
  return {
    ...client,
    listUsers: async (query) => {
      const page = await client.listUsers(query)
      return { ...page, items: page.items.map(strip) }
    },
    getUser: async (name) => strip(await client.getUser(name)),
    listGroups: async (query) => {
      const page = await client.listGroups(query)
      return { ...page, items: page.items.map(strip) }
    },
    getGroup: async (name) => strip(await client.getGroup(name))
  }
}

/**
 * The client double: the real core (`UserManager.make` over the in-memory store) acting as `actor`, so every rule
 * the element shows is decided by the same code as in production, never by the test.
 */
export const coreClient = (manager: UserManager.UserManager, username: string): UserManagerClient => {
  const actor = Actor.user(username)
  const { users, groups } = manager
  return {
    me: () => call(() => users.whoAmI(actor)),
    // As the server answers them: each listed and read record with what the actor may do with it, by the core.
    listUsers: (query) =>
      call(async () => {
        const [page, context] = await Promise.all([users.list(actor, query), users.permissionContext(actor)])
        return {
          ...page,
          items: page.items.map((user) => ({
            ...user,
            refused: Permissions.refusals(Permissions.forUser(context, user))
          }))
        }
      }),
    getUser: (name) =>
      call(async () => {
        const [user, context] = await Promise.all([users.get(actor, name), users.permissionContext(actor)])
        return { ...user, refused: Permissions.refusals(Permissions.forUser(context, user)) }
      }),
    createUser: (input) => call(() => users.create(actor, input)),
    modifyUser: (name, changes, expectedVersion) =>
      call(() => users.modify(actor, name, { ...changes, expectedVersion })),
    deleteUser: (name, options) => call(() => users.remove(actor, name, options)).then(() => undefined),
    enableUser: (name) => call(() => users.enable(actor, name)),
    disableUser: (name) => call(() => users.disable(actor, name)),
    bulkUsers: (action) => call(() => users.bulk(actor, action)),
    listGroups: (query) =>
      call(async () => {
        const [page, context] = await Promise.all([groups.list(actor, query), users.permissionContext(actor)])
        return {
          ...page,
          items: page.items.map((group) => ({
            ...group,
            refused: Permissions.refusals(Permissions.forGroup(context, group))
          }))
        }
      }),
    getGroup: (name) =>
      call(async () => {
        const [group, context] = await Promise.all([groups.get(actor, name), users.permissionContext(actor)])
        return { ...group, refused: Permissions.refusals(Permissions.forGroup(context, group)) }
      }),
    createGroup: (input) => call(() => groups.create(actor, input)),
    renameGroup: (name, newName, expectedVersion) =>
      call(() => groups.rename(actor, name, newName, { expectedVersion })),
    modifyGroup: (name, changes, expectedVersion) =>
      call(() => groups.modify(actor, name, changes, { expectedVersion })),
    setMembers: (name, usernames, expectedVersion) =>
      call(() => groups.setMembers(actor, name, usernames, { expectedVersion })),
    listMembers: (name, query) => call(() => groups.members(actor, name, query)),
    deleteGroup: (name, options) => call(() => groups.remove(actor, name, options)).then(() => undefined),
    settings: () => call(() => manager.settings.get(actor)),
    listSignInLocks: () => call(() => manager.signInThrottle.locks(actor)),
    unlockUser: (name) => call(() => manager.signInThrottle.unlock(actor, name).then(() => null)).then(() => undefined),
    importRecords: async (file, { kind, format, onUploadProgress, ...options }) => {
      // In process there is no upload: the whole file is at hand at once.
      const text = await file.text()
      onUploadProgress?.(file.size, file.size)
      const contents = kind === "users" ? "user" : "group"
      const entries =
        format === "csv" ? Csv.read(Stream.make(text), contents) : JsonLines.read(Stream.make(text), contents)
      return call(async () => {
        const result = await manager.imports.run(actor, entries, options)
        // As the API answers: each refused record without the entry itself (it may hold a password).
        return {
          ...result,
          refused: result.refused.map(({ location, kind, name, reason }) => ({ location, kind, name, reason }))
        }
      })
    },
    listTokens: () => call(() => manager.tokens.list(actor)),
    createToken: ({ expiresAt, ...input }) =>
      call(async () => {
        // As the server decodes the body: the expiry's ISO text a Date; the value sent as it would be, once.
        const created = await manager.tokens.create(actor, {
          ...input,
          ...(expiresAt === undefined ? {} : { expiresAt: expiresAt === null ? null : new Date(expiresAt) })
        })
        return { token: Redacted.value(created.token), apiToken: created.apiToken }
      }),
    revokeToken: (name) => call(() => manager.tokens.revoke(actor, name).then(() => null)).then(() => undefined),
    exportCsv: (kind) =>
      kind === "users"
        ? csvOf(manager.exports.users(actor), (users) => Csv.writeUsers(users))
        : csvOf(manager.exports.groups(actor), (groups) => Csv.writeGroups(groups))
  }
}

/**
 * A fresh directory seeded as the walkthroughs start: the admin `admin` (signed in), groups `developers` and
 * `analysts`, users `john` (developers), `alice` (developers, analysts), `bob` (analysts only) and the system user
 * `daemon` (developers).
 */
export const seeded = async () => {
  const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: PlainHasher })
  const admin = Actor.user("admin")
  await manager.users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin" })
  await manager.groups.create(admin, { name: "developers" })
  await manager.groups.create(admin, { name: "analysts" })
  await manager.users.create(admin, {
    username: "john",
    firstName: "John",
    lastName: "Doe",
    email: "john@example.com",
    groups: ["developers"]
  })
  await manager.users.create(admin, {
    username: "alice",
    firstName: "Alice",
    lastName: "Liddell",
    email: "alice@example.com",
    groups: ["developers", "analysts"]
  })
  await manager.users.create(admin, { username: "bob", firstName: "Bob", lastName: "Stone", groups: ["analysts"] })
  await manager.users.create(admin, {
    username: "daemon",
    firstName: "System",
    lastName: "Daemon",
    groups: ["developers"],
    system: true
  })
  return { manager, admin, client: coreClient(manager, "admin") }
}
