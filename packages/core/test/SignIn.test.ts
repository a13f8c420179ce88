/**
 * The rules of a sign-in's password check (`internal/users/signIn.ts`): a hash the hasher would not make today (an
 * imported one) is replaced once its password is known, in the transaction that opens the session; a failed sign-in
 * lasts at least the hasher's slowest check, whoever failed and why.
 */
import { describe, expect, it } from "@effect/vitest"
import { Directory, type DirectoryTransaction } from "@user-manager/core/Directory"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { hashToken, Sessions } from "@user-manager/core/Sessions"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { legacyHash, TestHasher } from "@user-manager/testing/TestHasher"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import fc from "fast-check"

/** The memory store, counting its write transactions. */
const counting = () => {
  const writes = { count: 0 }
  const layer = Layer.effect(
    Directory,
    Effect.map(Directory, (directory) => ({
      ...directory,
      write: ((body, completion) =>
        Effect.suspend(() => {
          writes.count++
          return directory.write(body, completion)
        })) as typeof directory.write
    }))
  ).pipe(Layer.provide(MemoryDirectory.layer))
  return { writes, layer }
}

const seeded = <A, E>(
  effect: Effect.Effect<A, E, Users | Sessions | Directory>,
  store: Layer.Layer<Directory> = MemoryDirectory.layer,
  hasher: Layer.Layer<PasswordHasher> = TestHasher
) => Effect.zipRight(seed, effect).pipe(Effect.provide(services(store, hasher)))

/** Puts a hash in a user's record as an import would, through the store's port. */
const putHash = (tx: DirectoryTransaction, username: string, hash: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const { groups: _groups, ...row } = Option.getOrThrow(yield* tx.findUser(username, { forUpdate: true }))
    yield* tx.updateUser({ ...row, passwordHash: hash })
  })

const storeHash = (username: string, hash: Redacted.Redacted<string>) =>
  Effect.flatMap(Directory, (directory) => directory.write((tx) => putHash(tx, username, hash)))

const stored = (username: string) =>
  Effect.flatMap(Directory, (directory) =>
    directory.read((tx) => Effect.map(tx.findUser(username), (found) => Option.getOrThrow(found)))
  )

const hashText = (record: { readonly passwordHash: Redacted.Redacted<string> | null }) =>
  record.passwordHash === null ? null : Redacted.value(record.passwordHash)

/** The same store and rules, with a hasher whose slowest check takes `millis`. */
const slowest = (millis: number) =>
  Layer.effect(
    PasswordHasher,
    Effect.map(PasswordHasher, (hasher) => ({ ...hasher, slowestCheck: Effect.succeed(Duration.millis(millis)) }))
  ).pipe(Layer.provide(TestHasher))

/** How long an effect takes on the wall clock, in milliseconds, failing or not. */
const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = performance.now()
    yield* Effect.either(effect)
    return performance.now() - started
  })

describe("signing in with a hash the hasher would replace", () => {
  it.effect(
    "signs in with its password and is replaced in the transaction that opens the session, nothing else",
    () => {
      const { writes, layer } = counting()
      return seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          const directory = yield* Directory
          yield* sessions.login("john", "john's secret")
          const before = writes.count
          yield* sessions.login("john", "john's secret")
          const usual = writes.count - before

          yield* storeHash("john", legacyHash("john's secret"))
          const imported = yield* stored("john")
          const counted = writes.count
          const session = yield* sessions.login("john", "john's secret")
          // No transaction more than any sign-in's: the new hash is written in the one that opened the session.
          expect(writes.count - counted).toBe(usual)
          expect(Option.isSome(yield* directory.read((tx) => tx.findSession(hashToken(session.token))))).toBe(true)
          const after = yield* stored("john")
          expect(hashText(after)).toMatch(/^\$test\$/)
          // The same user in another form: neither its version nor its updatedAt moves, and no audit entry is written.
          expect([after.version, after.updatedAt]).toEqual([imported.version, imported.updatedAt])
          expect((yield* sessions.login("john", "john's secret")).user.username).toBe("john")
        }),
        layer
      )
    }
  )

  it.effect("a wrong password against it is refused and keeps the hash", () =>
    seeded(
      Effect.gen(function* () {
        const sessions = yield* Sessions
        const hash = legacyHash("john's secret")
        yield* storeHash("john", hash)
        const refused = yield* Effect.flip(sessions.login("john", "john's Secret"))
        expect(refused._tag).toBe("Unauthenticated")
        expect(hashText(yield* stored("john"))).toBe(Redacted.value(hash))
      })
    )
  )

  it.effect("Users.authenticate replaces it too, in a transaction of its own", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        yield* storeHash("john", legacyHash("john's secret"))
        expect((yield* users.authenticate("john", "john's secret")).username).toBe("john")
        expect(hashText(yield* stored("john"))).toMatch(/^\$test\$/)
      })
    )
  )

  it.effect(
    "a hash changed while its password was being checked is kept: only the hash that was checked is replaced",
    () => {
      // An administrator resets the password in the moment between the check and the session's transaction: while the new
      // hash is computed, outside any transaction.
      const reset = legacyHash("a reset by the admin")
      const during: { directory?: Directory["Type"] } = {}
      const resetting = Layer.effect(
        PasswordHasher,
        Effect.map(PasswordHasher, (hasher) => ({
          ...hasher,
          hash: (password: Parameters<typeof hasher.hash>[0]) =>
            Effect.zipRight(
              during.directory === undefined
                ? Effect.void
                : Effect.orDie(during.directory.write((tx) => putHash(tx, "john", reset))),
              hasher.hash(password)
            )
        }))
      ).pipe(Layer.provide(TestHasher))
      return seeded(
        Effect.gen(function* () {
          const sessions = yield* Sessions
          yield* storeHash("john", legacyHash("john's secret"))
          during.directory = yield* Directory
          yield* sessions.login("john", "john's secret")
          expect(hashText(yield* stored("john"))).toBe(Redacted.value(reset))
        }),
        MemoryDirectory.layer,
        resetting
      )
    }
  )

  it.effect(
    "whatever the password, its hash signs in once replaced and a different password never does",
    () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(
            fc
              .string({ minLength: 8, maxLength: 40 })
              .filter((text) => !/\p{Cc}/u.test(text) && text.normalize("NFKC") === text),
            fc.string({ minLength: 1, maxLength: 40 }),
            (password, other) =>
              Effect.runPromise(
                seeded(
                  Effect.gen(function* () {
                    const sessions = yield* Sessions
                    const hash = legacyHash(password)
                    yield* storeHash("john", hash)
                    if (other !== password) {
                      expect((yield* Effect.flip(sessions.login("john", other)))._tag).toMatch(
                        /Unauthenticated|InvalidInput/
                      )
                      expect(hashText(yield* stored("john"))).toBe(Redacted.value(hash))
                    }
                    yield* sessions.login("john", password)
                    expect(hashText(yield* stored("john"))).toMatch(/^\$test\$/)
                    yield* sessions.login("john", password)
                  })
                )
              )
          ),
          // Each run seeds a fresh directory: 25 runs, and room for a busy machine.
          { numRuns: 25 }
        )
      ),
    30_000
  )
})

describe("the time of a failed sign-in", () => {
  it.live("lasts at least the hasher's slowest check, for a missing user, a wrong password or a disabled user", () =>
    seeded(
      Effect.gen(function* () {
        const sessions = yield* Sessions
        const users = yield* Users
        yield* users.disable(admin, "alice")
        yield* users.modify(admin, "alice", { password: "alice's secret" })
        for (const [username, password] of [
          ["nobody", "john's secret"],
          ["john", "a wrong guess"],
          ["john", ""],
          ["alice", "alice's secret"],
          ["svc", "anything at all"]
        ] as const) {
          expect(yield* timed(sessions.login(username, password))).toBeGreaterThanOrEqual(120)
        }
        // A right password is not held back.
        expect(yield* timed(sessions.login("john", "john's secret"))).toBeLessThan(120)
      }),
      MemoryDirectory.layer,
      slowest(120)
    )
  )
})
