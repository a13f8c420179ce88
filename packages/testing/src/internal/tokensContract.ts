/**
 * The storage contract's suite on API tokens: made and revoked by administrators signed in as themselves, their value
 * shown once and stored only as a hash, acting with their scope's rights and audited under their own name, refused
 * once revoked or expired.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Groups } from "@user-manager/core/Groups"
import { hashToken } from "@user-manager/core/Sessions"
import * as Tokens from "@user-manager/core/Tokens"
import { Users } from "@user-manager/core/Users"
import { Duration, Effect, Redacted, TestClock } from "effect"
import { admin, john } from "../fixture.js"
import type { Harness } from "./harness.js"

/** The storage contract's suite on API tokens. */
export const tokensContract = (name: string, { seeded, refuses }: Harness) => {
  describe(`${name} — API tokens`, () => {
    it.effect("a new token's value is shown once, carries the dtk_ prefix, and is listed without it", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const made = yield* tokens.create(admin, { name: "scim-entra", scope: "scim" })
          const value = Redacted.value(made.token)
          expect(value).toMatch(/^dtk_[A-Za-z0-9_-]{43}$/)
          expect(String(made.token)).not.toContain(value)
          expect(made.apiToken).toMatchObject({
            name: "scim-entra",
            scope: "scim",
            createdBy: "admin",
            lastUsedAt: null
          })
          const listed = yield* tokens.list(admin)
          expect(listed.map((token) => token.name)).toEqual(["scim-entra"])
          expect(JSON.stringify(listed)).not.toContain(value)
          expect(JSON.stringify(listed)).not.toContain(hashToken(made.token))
        })
      )
    )

    it.effect("a token expires in 90 days unless told otherwise, never when asked, and not in the past", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const now = Date.now()
          yield* TestClock.setTime(now)
          const standard = yield* tokens.create(admin, { name: "backup", scope: "read" })
          expect(standard.apiToken.expiresAt?.getTime()).toBe(now + Duration.toMillis(Duration.days(90)))
          const forever = yield* tokens.create(admin, { name: "forever", scope: "api", expiresAt: null })
          expect(forever.apiToken.expiresAt).toBeNull()
          const past = yield* Effect.flip(
            tokens.create(admin, { name: "late", scope: "api", expiresAt: new Date(now) })
          )
          expect(past).toMatchObject({ _tag: "InvalidInput", field: "expiresAt" })
          const far = new Date(now + Duration.toMillis(Duration.days(6 * 365)))
          const tooLong = yield* Effect.flip(tokens.create(admin, { name: "late", scope: "api", expiresAt: far }))
          expect(tooLong).toMatchObject({ _tag: "InvalidInput", field: "expiresAt" })
        })
      )
    )

    it.effect("a token's name follows the username rule and is unique", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          yield* tokens.create(admin, { name: "ci", scope: "api" })
          const taken = yield* Effect.flip(tokens.create(admin, { name: "ci", scope: "read" }))
          expect(taken).toMatchObject({ _tag: "TokenNameTaken", name: "ci" })
          const bad = yield* Effect.flip(tokens.create(admin, { name: "Sales Team", scope: "read" }))
          expect(bad).toMatchObject({ _tag: "InvalidInput", field: "name" })
          const scope = yield* Effect.flip(tokens.create(admin, { name: "x", scope: "root" as "api" }))
          expect(scope).toMatchObject({ _tag: "InvalidInput", field: "scope" })
          expect((yield* tokens.list(admin)).map((token) => token.scope)).toEqual(["api"])
        })
      )
    )

    it.effect("only administrators make, list and revoke tokens", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          yield* refuses(tokens.create(john, { name: "mine", scope: "api" }), "Forbidden")
          expect(yield* Effect.flip(tokens.list(john))).toMatchObject({ _tag: "Forbidden" })
          yield* tokens.create(admin, { name: "ci", scope: "api" })
          yield* refuses(tokens.revoke(john, "ci"), "Forbidden")
          expect((yield* tokens.list(admin)).length).toBe(1)
        })
      )
    )

    it.effect("an api token acts as an administrator, audited as token:NAME", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const made = yield* tokens.create(admin, { name: "provisioner", scope: "api" })
          const actor = Tokens.actor(made.token)
          const group = yield* (yield* Groups).create(actor, { name: "sales" })
          yield* (yield* Users).create(actor, { username: "sam", groups: ["sales"] })
          yield* (yield* Users).disable(actor, "john")
          expect(group.name).toBe("sales")
          const trail = yield* (yield* Audit).list(admin, { actor: "token:provisioner" })
          expect(trail.items.map((entry) => entry.action).sort()).toEqual([
            "group.create",
            "user.create",
            "user.disable"
          ])
          const made2 = yield* (yield* Audit).list(admin, { action: "token.create" })
          expect(made2.items).toMatchObject([{ actor: "admin", targetType: "token", target: "provisioner" }])
        })
      )
    )

    it.effect("a token still meets every rule: the last administrator is not disabled by one", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const users = yield* Users
          const actor = Tokens.actor((yield* tokens.create(admin, { name: "ops", scope: "api" })).token)
          yield* users.disable(admin, "root")
          yield* refuses(users.disable(actor, "admin"), "LastAdmin")
          yield* refuses(users.remove(actor, "svc"), "SystemUserImmutable")
        })
      )
    )

    it.effect("a read token reads users, groups and the audit trail, and every change is refused", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const actor = Tokens.actor((yield* tokens.create(admin, { name: "reporting", scope: "read" })).token)
          const users = yield* Users
          const groups = yield* Groups
          expect((yield* users.list(actor)).total).toBe(6)
          expect((yield* users.get(actor, "john")).username).toBe("john")
          expect((yield* groups.get(actor, "developers")).name).toBe("developers")
          expect((yield* (yield* Audit).list(actor)).total).toBeGreaterThan(0)
          const refused = yield* refuses(users.disable(actor, "john"), "Forbidden")
          expect(refused.message).toBe("'token:reporting' may not disable user 'john': the token's scope is read-only.")
          yield* refuses(groups.create(actor, { name: "sales" }), "Forbidden")
          yield* refuses(tokens.create(actor, { name: "another", scope: "read" }), "Forbidden")
        })
      )
    )

    it.effect("a token never manages tokens, has no record of its own and no password", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const actor = Tokens.actor((yield* tokens.create(admin, { name: "ops", scope: "api" })).token)
          const successor = yield* refuses(tokens.create(actor, { name: "successor", scope: "api" }), "Forbidden")
          expect(successor.reason).toEqual({ _tag: "TokensByUsersOnly" })
          expect(successor.message).toBe(
            "'token:ops' may not create API token 'successor': API tokens are managed by administrators only."
          )
          yield* refuses(tokens.revoke(actor, "ops"), "Forbidden")
          expect(yield* Effect.flip((yield* Users).whoAmI(actor))).toMatchObject({ _tag: "Forbidden" })
          expect((yield* tokens.list(admin)).map((token) => token.name)).toEqual(["ops"])
        })
      )
    )

    it.effect("a revoked token is refused by the next operation; revoking an unknown one says so", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const made = yield* tokens.create(admin, { name: "ops", scope: "api" })
          const actor = Tokens.actor(made.token)
          yield* (yield* Users).list(actor)
          yield* tokens.revoke(admin, "ops")
          const refused = yield* Effect.flip((yield* Users).list(actor))
          expect(refused).toMatchObject({ _tag: "Unauthenticated" })
          expect(yield* Effect.flip(tokens.revoke(admin, "ops"))).toMatchObject({ _tag: "TokenNotFound", name: "ops" })
          const revoked = yield* (yield* Audit).list(admin, { action: "token.revoke" })
          expect(revoked.items).toMatchObject([{ actor: "admin", target: "ops" }])
        })
      )
    )

    it.effect("an expired token is refused, and an unknown value is refused like it", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const now = Date.now()
          yield* TestClock.setTime(now)
          const made = yield* tokens.create(admin, {
            name: "short",
            scope: "api",
            expiresAt: new Date(now + 60_000)
          })
          yield* (yield* Users).list(Tokens.actor(made.token))
          yield* TestClock.adjust(Duration.minutes(1))
          const expired = yield* Effect.flip((yield* Users).list(Tokens.actor(made.token)))
          const unknown = yield* Effect.flip((yield* Users).list(Tokens.actor(Redacted.make("dtk_nothing"))))
          expect(expired).toMatchObject({ _tag: "Unauthenticated" })
          expect(unknown).toEqual(expired)
        })
      )
    )

    it.effect("a token's last use is recorded, at most once a minute", () =>
      seeded(
        Effect.gen(function* () {
          const tokens = yield* Tokens.Tokens
          const now = Date.now()
          yield* TestClock.setTime(now)
          const made = yield* tokens.create(admin, { name: "ops", scope: "api" })
          yield* tokens.noteUse(made.token)
          expect((yield* tokens.list(admin))[0]?.lastUsedAt?.getTime()).toBe(now)
          yield* TestClock.adjust(Duration.seconds(30))
          yield* tokens.noteUse(made.token)
          expect((yield* tokens.list(admin))[0]?.lastUsedAt?.getTime()).toBe(now)
          yield* TestClock.adjust(Duration.seconds(31))
          yield* tokens.noteUse(made.token)
          expect((yield* tokens.list(admin))[0]?.lastUsedAt?.getTime()).toBe(now + 61_000)
        })
      )
    )
  })
}
