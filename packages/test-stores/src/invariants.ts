/**
 * What must hold of a directory after any workload, however its operations raced: the invariants, and an audit trail
 * that replays, entry by entry from an empty directory, to exactly the users and groups stored.
 */
import * as Actor from "@user-manager/core/Actor"
import { Audit } from "@user-manager/core/Audit"
import type { AuditEntry } from "@user-manager/core/AuditEntry"
import type { Directory } from "@user-manager/core/Directory"
import { Groups } from "@user-manager/core/Groups"
import { MAX_PAGE_SIZE } from "@user-manager/core/Page"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import * as Argon2Hasher from "@user-manager/kysely/Argon2Hasher"
import { Effect, type Layer } from "effect"

const services = (directory: Layer.Layer<Directory, unknown>) =>
  UserManager.layer({ directory, hasher: Argon2Hasher.layer, config: { gidMin: 1000, gidMax: 1000000 } })

/** The first of `candidates` that is an enabled administrator now, to read the directory as. */
const findReader = (candidates: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const users = yield* Users
    for (const name of candidates) {
      const me = yield* Effect.either(users.whoAmI(Actor.user(name)))
      if (me._tag === "Right" && me.right.admin) return name
    }
    return undefined
  })

/** Every item of a listing, a page of the largest size at a time. */
const everything = <A>(page: (offset: number) => Effect.Effect<{ readonly items: ReadonlyArray<A> }, unknown>) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    while (true) {
      const { items: more } = yield* page(items.length)
      items.push(...more)
      if (more.length < MAX_PAGE_SIZE) return items
    }
  })

/**
 * Checks invariants 1, 3 (GIDs), 4 and 5 on the final state, reading as the first of `admins` still an administrator;
 * `handedOut` is every GID a creation returned. Returns the problems found.
 */
export const checkInvariants = (
  directory: Layer.Layer<Directory, unknown>,
  handedOut: ReadonlyArray<number>,
  admins: ReadonlyArray<string>
) =>
  Effect.gen(function* () {
    const users = yield* Users
    const groups = yield* Groups
    const problems: Array<string> = []
    // Some enabled admin must remain to read the directory at all (invariant 5).
    const reader = yield* findReader(admins)
    if (reader === undefined) return ["no enabled member is left in the admin group"]
    const actor = Actor.user(reader)
    const allUsers = yield* users.list(actor, { limit: 1000 })
    for (const user of allUsers.items) if (user.groups.length === 0) problems.push(`${user.username} has no group`)
    const allGroups = yield* groups.list(actor, { limit: 1000 })
    const gids = allGroups.items.map((group) => group.gid)
    if (new Set(gids).size !== gids.length) problems.push("two groups share a GID")
    if (new Set(handedOut).size !== handedOut.length) problems.push("a GID was handed out twice")
    const enabledAdmins = allUsers.items.filter((user) => user.enabled && user.groups.includes("admins" as never))
    if (enabledAdmins.length === 0) problems.push("the admin group has no enabled member")
    return problems
  }).pipe(Effect.provide(services(directory)))

/** A user as the audit trail can tell it: every field but the password and the store's bookkeeping. */
interface ReplayedUser {
  firstName: string
  lastName: string
  email: string | null
  enabled: boolean
  system: boolean
  groups: Set<string>
}

const strings = (value: unknown): ReadonlyArray<string> => (Array.isArray(value) ? value.map(String) : [])

/** Applies one entry to the replayed directory; returns why it cannot be applied, if it cannot. */
const apply = (
  users: Map<string, ReplayedUser>,
  groups: Map<string, number>,
  { action, target, changes }: AuditEntry
): string | undefined => {
  const user = users.get(target)
  const membership = (username: string, group: string, member: boolean) => {
    const holder = users.get(username)
    if (holder === undefined) return `entry ${action} of ${target} names an unknown user ${username}`
    if (member) holder.groups.add(group)
    else holder.groups.delete(group)
    return undefined
  }
  switch (action) {
    case "directory.bootstrap": {
      const admin = String(changes.admin)
      if (typeof changes.gid === "number") groups.set(String(changes.adminGroup), changes.gid)
      users.set(admin, {
        firstName: String(changes.firstName ?? ""),
        lastName: String(changes.lastName ?? ""),
        email: (changes.email ?? null) as string | null,
        enabled: true,
        system: false,
        groups: new Set([String(changes.adminGroup)])
      })
      return undefined
    }
    case "user.create":
      users.set(target, {
        firstName: String(changes.firstName),
        lastName: String(changes.lastName),
        email: (changes.email ?? null) as string | null,
        enabled: changes.enabled !== false,
        system: changes.system === true,
        groups: new Set(strings(changes.groups))
      })
      return undefined
    case "user.modify": {
      if (user === undefined) return `user.modify of unknown user ${target}`
      if ("firstName" in changes) user.firstName = String(changes.firstName)
      if ("lastName" in changes) user.lastName = String(changes.lastName)
      if ("email" in changes) user.email = (changes.email ?? null) as string | null
      const moved = changes.groups as { added?: unknown; removed?: unknown } | undefined
      for (const group of strings(moved?.added)) user.groups.add(group)
      for (const group of strings(moved?.removed)) user.groups.delete(group)
      return undefined
    }
    case "user.enable":
    case "user.disable":
      if (user === undefined) return `${action} of unknown user ${target}`
      user.enabled = action === "user.enable"
      return undefined
    case "user.delete":
      users.delete(target)
      return undefined
    case "group.create":
      groups.set(target, Number(changes.gid))
      return undefined
    case "group.rename": {
      const { from } = changes.name as { from: string }
      const gid = groups.get(from)
      if (gid === undefined) return `group.rename of unknown group ${from}`
      groups.delete(from)
      groups.set(target, gid)
      for (const member of users.values()) {
        if (member.groups.delete(from)) member.groups.add(target)
      }
      return undefined
    }
    case "group.delete":
      groups.delete(target)
      for (const member of users.values()) member.groups.delete(target)
      return undefined
    case "group.members":
      for (const username of strings(changes.added)) {
        const problem = membership(username, target, true)
        if (problem !== undefined) return problem
      }
      for (const username of strings(changes.removed)) {
        const problem = membership(username, target, false)
        if (problem !== undefined) return problem
      }
      return undefined
    default:
      // Passwords, unlocks, imports and exports: nothing the replay compares (an import writes its own entries too).
      return undefined
  }
}

/**
 * Replays the whole audit trail, oldest entry first, from an empty directory, and compares the result with the users
 * (names, email, enabled, system, groups) and groups (name, GID, members) stored, reading as the first of `admins`
 * still an administrator. Returns the differences found.
 */
export const replayAudit = (directory: Layer.Layer<Directory, unknown>, admins: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const reader = yield* findReader(admins)
    if (reader === undefined) return ["no enabled member is left in the admin group"]
    const actor = Actor.user(reader)
    const audit = yield* Audit
    const trail = yield* everything((offset) => audit.list(actor, { limit: MAX_PAGE_SIZE, offset }))
    const replayedUsers = new Map<string, ReplayedUser>()
    const replayedGroups = new Map<string, number>()
    const problems: Array<string> = []
    for (const entry of [...trail].sort((a, b) => a.id - b.id)) {
      const problem = apply(replayedUsers, replayedGroups, entry)
      if (problem !== undefined) problems.push(problem)
    }
    const users = yield* Users
    const groups = yield* Groups
    const storedUsers = yield* everything((offset) => users.list(actor, { limit: MAX_PAGE_SIZE, offset }))
    const storedGroups = yield* everything((offset) => groups.list(actor, { limit: MAX_PAGE_SIZE, offset }))
    const shownUsers = (entries: Iterable<[string, ReplayedUser]>) =>
      [...entries].map(([name, user]) => JSON.stringify([name, { ...user, groups: [...user.groups].sort() }])).sort()
    const expected = shownUsers(
      storedUsers.map((user) => [
        user.username,
        {
          firstName: user.firstName,
          lastName: user.lastName,
          email: user.email ?? null,
          enabled: user.enabled,
          system: user.system,
          groups: new Set<string>(user.groups)
        }
      ])
    )
    const replayed = shownUsers(replayedUsers)
    for (const line of expected) if (!replayed.includes(line)) problems.push(`stored, not replayed: ${line}`)
    for (const line of replayed) if (!expected.includes(line)) problems.push(`replayed, not stored: ${line}`)
    const storedGids = storedGroups.map((group) => `${group.name}:${group.gid}`).sort()
    const replayedGids = [...replayedGroups].map(([name, gid]) => `${name}:${gid}`).sort()
    if (JSON.stringify(storedGids) !== JSON.stringify(replayedGids)) {
      problems.push(`groups stored ${storedGids.join(" ")}, replayed ${replayedGids.join(" ")}`)
    }
    return problems
  }).pipe(Effect.provide(services(directory)))
