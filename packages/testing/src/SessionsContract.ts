/**
 * The sessions contract: signing in, signing out, expiry and revocation, proved through the services on a given
 * store. Every store runs it beside the directory contract.
 */
import { createHash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Directory } from "@user-manager/core/Directory"
import type { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { actor, Sessions } from "@user-manager/core/Sessions"
import { Users } from "@user-manager/core/Users"
import { Effect, Option, Redacted } from "effect"
import { admin, john, type StoreLayer, seed, services } from "./fixture.js"

/** Runs the sessions contract against a store. */
export const sessionsContract = (name: string, store: StoreLayer, hasher: Parameters<typeof services>[1]) => {
  const seeded = <A, E>(effect: Effect.Effect<A, E, Users | Sessions | Directory | PasswordHasher>) =>
    Effect.zipRight(seed, effect).pipe(Effect.provide(services(store, hasher)))

  /** The SHA-256 of a token, computed here independently of the code under test. */
  const hashOf = (token: Redacted.Redacted<string>) => createHash("sha256").update(Redacted.value(token)).digest("hex")

  const stored = (token: Redacted.Redacted<string>) =>
    Effect.flatMap(Directory, (directory) => directory.read((tx) => tx.findSession(hashOf(token))))

  /** The session is refused both by `resolve` and by an operation run as its actor. */
  const signedOut = (token: Redacted.Redacted<string>) =>
    Effect.gen(function* () {
      const sessions = yield* Sessions
      const users = yield* Users
      expect((yield* Effect.flip(sessions.resolve(token)))._tag).toBe("Unauthenticated")
      const refused = yield* Effect.flip(users.whoAmI(actor(token)))
      expect(refused).toMatchObject({ _tag: "Unauthenticated", reason: expect.stringContaining("session") })
    })

  describe(`${name} — sessions`, () => {
    it.effect("a login opens a session for the user and stores only the SHA-256 hash of its 256-bit token", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const session = yield* sessions.login("john", "john's secret")
          expect(session.user.username).toBe("john")
          expect(Buffer.from(Redacted.value(session.token), "base64url")).toHaveLength(32)
          const resolved = yield* sessions.resolve(session.token)
          expect(resolved.actor).toEqual(john)
          const users = yield* Users
          expect((yield* users.whoAmI(actor(session.token))).user.username).toBe("john")
          const row = yield* stored(session.token)
          expect(Option.getOrThrow(row).tokenHash).toMatch(/^[0-9a-f]{64}$/)
          const directory = yield* Directory
          const byToken = yield* directory.read((tx) => tx.findSession(Redacted.value(session.token)))
          expect(Option.isNone(byToken)).toBe(true)
        })
      )
    )

    it.effect(
      "a session is read together with its user and all of the user's groups; an unknown hash reads nothing",
      () =>
        seeded(
          Effect.gen(function* () {
            const sessions = yield* Sessions
            const users = yield* Users
            const directory = yield* Directory
            yield* users.addToGroup(admin, "john", "analysts")
            const session = yield* sessions.login("john", "john's secret")
            const hash = hashOf(session.token)
            const found = Option.getOrThrow(yield* directory.read((tx) => tx.findSessionUser(hash)))
            expect(found.session).toEqual({
              tokenHash: hash,
              username: "john",
              createdAt: expect.any(Date),
              expiresAt: session.expiresAt
            })
            expect(found.user).toMatchObject({ username: "john", enabled: true, groups: ["analysts", "developers"] })
            expect(Option.isNone(yield* directory.read((tx) => tx.findSessionUser("0".repeat(64))))).toBe(true)
          })
        )
    )

    it.effect("a wrong password, an unknown user and a disabled user open no session", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          expect((yield* Effect.flip(sessions.login("john", "not the secret")))._tag).toBe("Unauthenticated")
          expect((yield* Effect.flip(sessions.login("nobody", "john's secret")))._tag).toBe("Unauthenticated")
          yield* users.disable(admin, "john")
          expect((yield* Effect.flip(sessions.login("john", "john's secret")))._tag).toBe("Unauthenticated")
        })
      )
    )

    it.effect("logging out ends the session", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const session = yield* sessions.login("john", "john's secret")
          yield* sessions.logout(session.token)
          yield* signedOut(session.token)
          expect(Option.isNone(yield* stored(session.token))).toBe(true)
        })
      )
    )

    it.effect("an expired session is refused and removed", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const session = yield* sessions.login("john", "john's secret", { ttl: 0 })
          yield* signedOut(session.token)
          expect(Option.isNone(yield* stored(session.token))).toBe(true)
        })
      )
    )

    it.effect("an operation run by a session's actor refuses an expired session in its own transaction", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          const session = yield* sessions.login("admin", "correct horse", { ttl: 0 })
          const refused = yield* Effect.flip(users.list(actor(session.token)))
          expect(refused).toMatchObject({ _tag: "Unauthenticated", reason: expect.stringContaining("expired") })
          // A read refuses it without removing it; the next sign-in (or `resolve`) clears it.
          expect(Option.isSome(yield* stored(session.token))).toBe(true)
        })
      )
    )

    it.effect("disabling a user revokes its sessions; a dry run does not", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          const session = yield* sessions.login("john", "john's secret")
          yield* users.disable(admin, "john", { dryRun: true })
          expect((yield* sessions.resolve(session.token)).actor).toEqual(john)
          yield* users.disable(admin, "john")
          yield* signedOut(session.token)
        })
      )
    )

    it.effect("deleting a user revokes its sessions", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          const session = yield* sessions.login("john", "john's secret")
          yield* users.remove(admin, "john")
          yield* signedOut(session.token)
        })
      )
    )

    it.effect("an administrator's password reset revokes the user's sessions, not other users' sessions", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          const johns = yield* sessions.login("john", "john's secret")
          const admins = yield* sessions.login("admin", "correct horse")
          yield* users.modify(admin, "john", { password: "a brand new secret" })
          yield* signedOut(johns.token)
          expect((yield* sessions.resolve(admins.token)).actor).toEqual(admin)
          expect((yield* users.list(actor(admins.token))).total).toBeGreaterThan(0)
          yield* sessions.login("john", "a brand new secret")
        })
      )
    )

    it.effect("changing one's own password revokes every session of the user", () =>
      seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const users = yield* Users
          const first = yield* sessions.login("john", "john's secret")
          const second = yield* sessions.login("john", "john's secret")
          yield* users.changePassword(john, { current: "john's secret", next: "another long secret" })
          yield* signedOut(first.token)
          yield* signedOut(second.token)
        })
      )
    )
  })
}
