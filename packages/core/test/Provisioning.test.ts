import { describe, expect, it } from "@effect/vitest"
import { admin, seed } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect } from "effect"
import { Groups } from "../src/Groups.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import { Username } from "../src/Names.js"
import { deriveName, Provisioning, type ProvisioningOptions } from "../src/Provisioning.js"
import * as UserManager from "../src/UserManager.js"
import { Users } from "../src/Users.js"

const seeded = <A, E>(
  effect: Effect.Effect<A, E, Provisioning | Users | Groups>,
  config: Partial<ProvisioningOptions> = {}
) =>
  Effect.zipRight(seed, effect).pipe(
    Effect.provide(UserManager.layer({ directory: MemoryDirectory.layer, hasher: TestHasher, provisioning: config }))
  )

describe("deriveName", () => {
  it("takes an email address's mailbox, lowercased, with other characters replaced by one '-'", () => {
    expect(deriveName("John.Doe@contoso.com")).toBe("john.doe")
    expect(deriveName("Sales Team")).toBe("sales-team")
    expect(deriveName("R&D  /  Lab")).toBe("r-d-lab")
  })

  it("drops accents, trims '-' and '.', and puts '_' before a leading digit", () => {
    expect(deriveName("Zoë Ångström")).toBe("zoe-angstrom")
    expect(deriveName("--.Team.--")).toBe("team")
    expect(deriveName("2nd Floor")).toBe("_2nd-floor")
  })

  it("cuts to the length rule, leaving room for the collision suffix", () => {
    const long = "A very long group name that goes on and on"
    expect(deriveName(long)).toHaveLength(32)
    expect(deriveName(long, { suffix: 12 })).toMatch(/^a-very-long-group-name-that-g-12$/)
    expect(deriveName(long, { maxLength: 10 })).toBe("a-very-lon")
  })

  it("falls back to a name when nothing valid is left", () => {
    expect(deriveName("東京", { fallback: "group" })).toBe("group")
    expect(deriveName("@example.com")).toBe("example.com")
  })

  it("every derived name is a valid username", () => {
    const inputs = ["John.Doe@contoso.com", "Ünïcode Ñame", "...", "-x-", "9", "a".repeat(80), "x y z", "_ok"]
    for (const input of inputs) {
      for (const suffix of [1, 2, 100]) {
        expect(Username.pipe((schema) => schema.make(deriveName(input, { suffix })))).toBeTruthy()
      }
    }
  })
})

describe("Provisioning", () => {
  it.effect("creates a user under the derived name, then the next free suffix on a collision", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        const first = yield* provisioning.createUser(admin, { externalName: "John@contoso.com", groups: ["analysts"] })
        // `john` is taken by the seed: the first free suffix is used.
        expect(first.username).toBe("john-2")
        const second = yield* provisioning.createUser(admin, {
          externalName: "JOHN@fabrikam.com",
          groups: ["analysts"]
        })
        expect(second.username).toBe("john-3")
      })
    )
  )

  it.effect("a provider's name already in use, as a provider's name or as a username, is refused (UsernameTaken)", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        yield* provisioning.createUser(admin, { externalName: "Pat.Lee@contoso.com", groups: ["analysts"] })
        const again = yield* Effect.flip(
          provisioning.createUser(admin, { externalName: "PAT.LEE@contoso.com", groups: ["analysts"] })
        )
        expect(again).toMatchObject({ _tag: "UsernameTaken", username: "PAT.LEE@contoso.com" })
        const local = yield* Effect.flip(provisioning.createUser(admin, { externalName: "John", groups: ["analysts"] }))
        expect(local._tag).toBe("UsernameTaken")
      })
    )
  )

  it.effect("concurrent creations of one name each get their own (retried on UsernameTaken)", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        const created = yield* Effect.all(
          ["contoso.com", "fabrikam.com", "example.org", "example.net", "example.com"].map((domain) =>
            provisioning.createUser(admin, { externalName: `Pat.Lee@${domain}`, groups: ["analysts"] })
          ),
          { concurrency: "unbounded" }
        )
        expect(created.map((user) => user.username).sort()).toEqual([
          "pat.lee",
          "pat.lee-2",
          "pat.lee-3",
          "pat.lee-4",
          "pat.lee-5"
        ])
      })
    )
  )

  it.effect("a user created with no group is put in the default group, created when missing", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        const user = yield* provisioning.createUser(admin, { externalName: "new.person@contoso.com" })
        expect(user.groups).toEqual(["users"])
        const again = yield* provisioning.createUser(admin, { externalName: "other.person@contoso.com" })
        expect(again.groups).toEqual(["users"])
        expect((yield* (yield* Groups).get(admin, "users")).memberCount).toBe(2)
      })
    )
  )

  it.effect("a configured default group is used, and with none a user without a group is refused", () =>
    Effect.gen(function* () {
      const inAnalysts = yield* seeded(
        Effect.flatMap(Provisioning, (p) => p.createUser(admin, { externalName: "a@b.example" })),
        { defaultGroup: "analysts" }
      )
      expect(inAnalysts.groups).toEqual(["analysts"])
      const refused = yield* seeded(
        Effect.flip(Effect.flatMap(Provisioning, (p) => p.createUser(admin, { externalName: "a@b.example" }))),
        { defaultGroup: null }
      )
      expect(refused._tag).toBe("GroupMembershipRequired")
      const missing = yield* seeded(
        Effect.flip(Effect.flatMap(Provisioning, (p) => p.createUser(admin, { externalName: "a@b.example" }))),
        { defaultGroup: "nowhere", createDefaultGroup: false }
      )
      expect(missing._tag).toBe("GroupNotFound")
    })
  )

  it.effect("a user created disabled is disabled", () =>
    seeded(
      Effect.gen(function* () {
        const user = yield* (yield* Provisioning).createUser(admin, { externalName: "off@contoso.com", enabled: false })
        expect(user.enabled).toBe(false)
      })
    )
  )

  it.effect("removing a user deletes it, or disables it when configured", () =>
    Effect.gen(function* () {
      const removed = yield* seeded(
        Effect.gen(function* () {
          const done = yield* (yield* Provisioning).removeUser(admin, "bob")
          return { done, error: (yield* Effect.flip((yield* Users).get(admin, "bob")))._tag }
        })
      )
      expect(removed).toEqual({ done: "removed", error: "UserNotFound" })
      const disabled = yield* seeded(
        Effect.gen(function* () {
          const done = yield* (yield* Provisioning).removeUser(admin, "bob")
          return { done, enabled: (yield* (yield* Users).get(admin, "bob")).enabled }
        }),
        { onDelete: "disable" }
      )
      expect(disabled).toEqual({ done: "disabled", enabled: false })
    })
  )

  it.effect("the core's rules still hold: a system user is not removed", () =>
    seeded(
      Effect.gen(function* () {
        const error = yield* Effect.flip((yield* Provisioning).removeUser(admin, "svc"))
        expect(error._tag).toBe("SystemUserImmutable")
      })
    )
  )

  it.effect("a page of users comes with the stored rows of exactly the groups its users are in", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        const users = yield* Users
        const groups = yield* Groups
        const sales = yield* provisioning.createGroup(admin, { externalName: "Sales Team", members: ["bob"] })
        const { page, groups: rows } = yield* users.listWithGroups(admin, { search: "bob" })
        expect(page.items.map((user) => user.username)).toEqual(["bob"])
        const bob = page.items[0]
        expect([...rows.keys()].sort()).toEqual([...(bob?.groups ?? [])].sort())
        expect(rows.get(sales.name)).toMatchObject({ gid: sales.gid, externalName: "Sales Team" })
        for (const name of bob?.groups ?? []) {
          const group = yield* groups.get(admin, name)
          expect(rows.get(name)).toMatchObject({ name, gid: group.gid, externalName: group.externalName })
        }
        const all = yield* users.listWithGroups(admin, {})
        const named = new Set(all.page.items.flatMap((user) => user.groups))
        expect([...all.groups.keys()].sort()).toEqual([...named].sort())
      })
    )
  )

  it.effect("creates a group under the derived name, with a suffix on a collision", () =>
    seeded(
      Effect.gen(function* () {
        const provisioning = yield* Provisioning
        const sales = yield* provisioning.createGroup(admin, { externalName: "Sales Team", members: ["bob"] })
        expect(sales).toMatchObject({ name: "sales-team", members: ["bob"] })
        const clash = yield* provisioning.createGroup(admin, { externalName: "Developers" })
        expect(clash.name).toBe("developers-2")
      })
    )
  )
})
