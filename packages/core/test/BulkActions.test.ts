/**
 * `Users.bulk` as a whole, before any user is touched: the number of users it names is bounded, a membership action
 * names its group and no other action does, and each refusal changes nothing. The rules applied to each user are
 * proved on every store by the storage contract (`bulkActionsContract`).
 */
import { describe, expect, it } from "@effect/vitest"
import type { Audit } from "@user-manager/core/Audit"
import type { Groups } from "@user-manager/core/Groups"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import * as Tokens from "@user-manager/core/Tokens"
import { BULK_MAX_USERS, type BulkAction, BulkRefusal, Users } from "@user-manager/core/Users"
import { admin, seed, services, snapshot } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Schema } from "effect"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users | Groups | Audit | Tokens.Tokens>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

/** The refusal of `input`, proving that the directory is as it was. */
const refusal = (input: BulkAction) =>
  Effect.gen(function* () {
    const users = yield* Users
    const before = yield* snapshot
    const error = yield* Effect.flip(users.bulk(admin, input))
    expect(yield* snapshot).toEqual(before)
    return error
  })

describe("Users.bulk", () => {
  it.effect(`refuses more than ${BULK_MAX_USERS} users with one sentence, and none at all`, () =>
    seeded(
      Effect.gen(function* () {
        const many = Array.from({ length: BULK_MAX_USERS + 1 }, (_, index) => `user${index}`)
        const tooMany = yield* refusal({ action: "disable", usernames: many })
        expect(tooMany).toMatchObject({ _tag: "InvalidInput", field: "usernames" })
        expect(tooMany.message).toBe(
          "Invalid usernames: a bulk action takes at most 1,000 users and this one names 1,001: split it into smaller ones."
        )
        expect(yield* refusal({ action: "disable", usernames: [] })).toMatchObject({
          _tag: "InvalidInput",
          field: "usernames"
        })
      })
    )
  )

  it.effect("a membership action needs its group, and no other action takes one", () =>
    seeded(
      Effect.gen(function* () {
        expect(yield* refusal({ action: "addToGroup", usernames: ["john"] })).toMatchObject({
          _tag: "InvalidInput",
          field: "group"
        })
        expect(yield* refusal({ action: "delete", group: "developers", usernames: ["john"] })).toMatchObject({
          _tag: "InvalidInput",
          field: "group"
        })
      })
    )
  )

  it.effect("refuses an unknown action and an unknown field, naming them", () =>
    seeded(
      Effect.gen(function* () {
        const unknownAction = yield* refusal({ action: "promote", usernames: ["john"] } as never)
        expect(unknownAction).toMatchObject({ _tag: "InvalidInput", field: "action" })
        const unknownField = yield* refusal({ action: "enable", usernames: ["john"], force: true } as never)
        expect(unknownField).toMatchObject({ _tag: "InvalidInput", field: "force" })
      })
    )
  )

  it.effect(
    `applies ${BULK_MAX_USERS} users, each reported`,
    () =>
      seeded(
        Effect.gen(function* () {
          const users = yield* Users
          const names = Array.from({ length: BULK_MAX_USERS }, (_, index) =>
            index % 2 === 0 ? "john" : `ghost${index}`
          )
          const result = yield* users.bulk(admin, { action: "enable", usernames: names })
          // "john" named 500 times is applied once; each of the 500 unknown users is refused by itself.
          expect(result).toMatchObject({ applied: 1, refused: BULK_MAX_USERS / 2 })
          expect(result.results[1]).toEqual({
            username: "ghost1",
            outcome: "refused",
            error: { _tag: "UserNotFound", message: "There is no user named 'ghost1'.", username: "ghost1" }
          })
        })
      ),
    // A thousand transactions: 2.2 s at load 6, past Vitest's 5 s default under CI's load.
    30_000
  )

  it.effect("a refused user's refusal is the single write's error as data: its tag, its sentence and every field", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const dry = { dryRun: true }
        // A token acts as nobody, so that no rule about oneself hides the last administrator's.
        const token = Tokens.actor((yield* (yield* Tokens.Tokens).create(admin, { name: "ops", scope: "api" })).token)
        yield* users.disable(admin, "root")
        const cases = [
          [{ action: "disable", usernames: ["svc"] }, users.disable(admin, "svc", dry)],
          [{ action: "delete", usernames: ["admin"] }, users.remove(admin, "admin", dry)],
          [
            { action: "removeFromGroup", group: "developers", usernames: ["john"] },
            users.removeFromGroup(admin, "john", "developers", dry)
          ],
          [
            { action: "removeFromGroup", group: "developers", usernames: ["bob"] },
            users.removeFromGroup(admin, "bob", "developers", dry)
          ],
          [{ action: "enable", usernames: ["ghost"] }, users.enable(admin, "ghost", dry)],
          [
            { action: "addToGroup", group: "nobody", usernames: ["john"] },
            users.addToGroup(admin, "john", "nobody", dry)
          ],
          [{ action: "enable", usernames: ["Not A Name!"] }, users.enable(admin, "Not A Name!", dry)]
        ] as const
        const tags: Array<string> = []
        for (const [input, single] of cases) {
          const error = yield* Effect.flip(single as Effect.Effect<unknown, { readonly _tag: string; message: string }>)
          const result = yield* users.bulk(admin, { ...input, dryRun: true })
          expect(result.results).toEqual([
            { username: input.usernames[0], outcome: "refused", error: { ...error, message: error.message } }
          ])
          tags.push(error._tag)
        }
        const lastAdmin = yield* Effect.flip(users.disable(token, "admin", dry))
        const byToken = yield* users.bulk(token, { action: "disable", usernames: ["admin"], dryRun: true })
        expect(byToken.results[0]?.error).toEqual({ ...lastAdmin, message: lastAdmin.message })
        tags.push(lastAdmin._tag)
        expect(tags).toEqual([
          "SystemUserImmutable",
          "SelfLockout",
          "GroupMembershipRequired",
          "NotAMember",
          "UserNotFound",
          "GroupNotFound",
          "InvalidInput",
          "LastAdmin"
        ])
        // Each of them is what the answer's schema says a refusal is, field for field.
        for (const item of [...byToken.results]) expect(Schema.is(BulkRefusal)(item.error)).toBe(true)
      })
    )
  )
})
