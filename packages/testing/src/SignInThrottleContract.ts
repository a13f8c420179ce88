/**
 * The sign-in throttle contract: the limits per username from an address and per address, the progressive delay per
 * username that never holds back a clean address, the cap on the store's counters, the counters shared by every
 * directory on one database, and the locks an administrator lists and clears. Proved through the services on a given
 * store; every store runs it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Audit } from "@user-manager/core/Audit"
import { Directory } from "@user-manager/core/Directory"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Sessions } from "@user-manager/core/Sessions"
import { SignInThrottle, type ThrottleOptions } from "@user-manager/core/SignInThrottle"
import * as UserManager from "@user-manager/core/UserManager"
import { Users } from "@user-manager/core/Users"
import { Deferred, Duration, Effect, Fiber, FiberId, Layer, TestClock } from "effect"
import { admin, john, type StoreLayer, seed } from "./fixture.js"

type Services = Layer.Layer.Success<ReturnType<typeof UserManager.layer>>

const JOHN = "john's secret"

/** A sign-in's outcome: signed in, a wrong password, or refused by the throttle (with its wait in seconds). */
const attempt = (username: string, password: string, address?: string) =>
  Effect.flatMap(Sessions, (sessions) =>
    sessions.login(username, password, address === undefined ? {} : { address }).pipe(
      Effect.as("signed in" as const),
      Effect.catchTags({
        Unauthenticated: () => Effect.succeed("wrong" as const),
        TooManyAttempts: (error) => Effect.succeed(`wait ${error.retryAfterSeconds}s` as const)
      })
    )
  )

/** Every counter the store holds. */
const counters = Effect.flatMap(Directory, (directory) =>
  directory.read((tx) => tx.listSignInCounters({ since: 0, minFailures: 0, limit: 1_000_000 }))
)

/**
 * Runs the sign-in throttle contract against a store. `another`, when given, opens another directory on the same
 * database (another server, or the same one restarted) without emptying it.
 */
export const signInThrottleContract = (
  name: string,
  store: StoreLayer,
  hasher: Layer.Layer<PasswordHasher>,
  another?: StoreLayer
) => {
  const over = (directory: StoreLayer, throttle: Partial<ThrottleOptions> = {}, verifier = hasher) =>
    UserManager.layer({ directory, hasher: verifier, throttle })
  const seeded = <A, E>(effect: Effect.Effect<A, E, Services>, throttle: Partial<ThrottleOptions> = {}) =>
    Effect.zipRight(seed, effect).pipe(Effect.provide(over(store, throttle)))

  describe(`${name} — sign-in throttle`, () => {
    it.effect(
      "a stranger's failures for a username from other addresses do not stop its right password from a clean address",
      () =>
        seeded(
          Effect.gen(function* () {
            // 60 guesses from 6 addresses: 5 per address are checked, the rest refused.
            const outcomes: Array<string> = []
            for (let address = 1; address <= 6; address++) {
              for (let i = 0; i < 10; i++) outcomes.push(yield* attempt("john", `guess ${i}`, `10.0.0.${address}`))
            }
            expect(outcomes.filter((outcome) => outcome === "wrong").length).toBeGreaterThanOrEqual(10)
            expect(outcomes.every((outcome) => outcome === "wrong" || outcome.startsWith("wait "))).toBe(true)
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toMatch(/^wait /)
            expect(yield* attempt("john", JOHN, "192.168.1.7")).toBe("signed in")
          })
        )
    )

    it.effect(
      "5 failures for a username from one address refuse that pair until the window ends, not another address",
      () =>
        seeded(
          Effect.gen(function* () {
            for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("wait 900s")
            expect(yield* attempt("alice", "a guess", "10.0.0.1")).toBe("wrong")
            expect(yield* attempt("john", JOHN, "10.0.0.2")).toBe("signed in")
            yield* TestClock.adjust(Duration.minutes(15))
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("signed in")
          })
        )
    )

    it.effect("20 failures from one address refuse that address for anyone, and no other address", () =>
      seeded(
        Effect.gen(function* () {
          for (let i = 0; i < 20; i++) expect(yield* attempt(`user${i}`, "a guess", "10.0.0.9")).toBe("wrong")
          expect(yield* attempt("john", JOHN, "10.0.0.9")).toBe("wait 900s")
          expect(yield* attempt("john", JOHN, "10.0.0.10")).toBe("signed in")
        })
      )
    )

    it.effect(
      "past 10 failures for a username, failing addresses wait 1 s after its last failure, doubling to at most 5 minutes; clean addresses never wait",
      () =>
        seeded(
          Effect.gen(function* () {
            // Every failure from an address of its own: no pair and no address reaches its limit.
            const fresh = (n: number) => attempt("john", `guess ${n}`, `10.1.0.${n}`)
            for (let n = 1; n <= 9; n++) expect(yield* fresh(n)).toBe("wrong")
            expect(yield* attempt("john", "again", "10.1.0.1")).toBe("wrong")
            expect(yield* attempt("john", "again", "10.1.0.1")).toBe("wait 1s")
            expect(yield* fresh(11)).toBe("wrong")
            expect(yield* attempt("john", "again", "10.1.0.1")).toBe("wait 2s")
            expect(yield* fresh(12)).toBe("wrong")
            expect(yield* attempt("john", "again", "10.1.0.2")).toBe("wait 4s")
            yield* TestClock.adjust(Duration.seconds(4))
            expect(yield* attempt("john", "again", "10.1.0.2")).toBe("wrong")
            for (let n = 13; n <= 40; n++) expect(yield* fresh(n)).toBe("wrong")
            expect(yield* attempt("john", "again", "10.1.0.3")).toBe("wait 300s")
            expect(yield* attempt("john", JOHN, "10.2.0.1")).toBe("signed in")
            yield* TestClock.adjust(Duration.seconds(300))
            expect(yield* attempt("john", JOHN, "10.1.0.3")).toBe("signed in")
          })
        )
    )

    it.effect("a caller that gives no address is still limited per username: 5 failures refuse the sixth attempt", () =>
      seeded(
        Effect.gen(function* () {
          for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`)).toBe("wrong")
          expect(yield* attempt("john", JOHN)).toBe("wait 900s")
          expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("signed in")
        })
      )
    )

    it.effect("a right password clears the failures of its username from its address", () =>
      seeded(
        Effect.gen(function* () {
          for (let i = 0; i < 4; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
          expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("signed in")
          for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
          expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("wait 900s")
        })
      )
    )

    it.effect(
      "changing one's own password counts its wrong current passwords with the sign-ins of the same address",
      () =>
        seeded(
          Effect.gen(function* () {
            const users = yield* Users
            for (let i = 0; i < 5; i++) {
              const refused = yield* Effect.flip(
                users.changePassword(
                  john,
                  { current: `guess ${i}`, next: "a new long secret" },
                  { address: "10.0.0.1" }
                )
              )
              expect(refused._tag).toBe("Forbidden")
            }
            const refused = yield* Effect.flip(
              users.changePassword(john, { current: JOHN, next: "a new long secret" }, { address: "10.0.0.1" })
            )
            expect(refused._tag).toBe("TooManyAttempts")
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("wait 900s")
          })
        )
    )

    // All wrong: a right password among them, checked early, would rightly clear the pair's failures and let 5 more in.
    it.live(
      "100 wrong sign-ins at once for one user from one address get 5 password checks; the right one then waits",
      () => {
        const checks = { count: 0 }
        const slow = Layer.effect(
          PasswordHasher,
          Effect.map(PasswordHasher, (inner) => ({
            ...inner,
            verify: (...args: Parameters<typeof inner.verify>) =>
              Effect.suspend(() => {
                checks.count++
                return Effect.zipRight(Effect.sleep("20 millis"), inner.verify(...args))
              })
          }))
        ).pipe(Layer.provide(hasher))
        return Effect.gen(function* () {
          yield* seed
          const outcomes = yield* Effect.all(
            Array.from({ length: 100 }, (_, i) => attempt("john", `guess ${i}`, "10.0.0.1")),
            { concurrency: "unbounded" }
          )
          expect(checks.count).toBe(5)
          expect(outcomes.filter((outcome) => outcome === "wrong").length).toBe(5)
          expect(outcomes.filter((outcome) => outcome.startsWith("wait")).length).toBe(95)
          expect(yield* attempt("john", JOHN, "10.0.0.1")).toMatch(/^wait /)
          expect(checks.count).toBe(5)
        }).pipe(Effect.provide(over(store, {}, slow)))
      }
    )

    // A request that read the clock, then waited for the store while later ones counted their failures, once took
    // their window for one from the future, started it again and got a check more (MariaDB under CI's load).
    it.live(
      "a sign-in held up before the store while 5 later ones fail from its address is refused by their failures",
      () => {
        const reached = Deferred.unsafeMake<void>(FiberId.none)
        const release = Deferred.unsafeMake<void>(FiberId.none)
        let holding = true
        const held: StoreLayer = Layer.effect(
          Directory,
          Effect.map(Directory, (inner) => ({
            ...inner,
            write: <A, E>(...args: Parameters<typeof inner.write<A, E>>) =>
              Effect.suspend(() => {
                if (!holding) return inner.write(...args)
                holding = false
                return Deferred.succeed(reached, undefined).pipe(
                  Effect.zipRight(Deferred.await(release)),
                  Effect.zipRight(inner.write(...args))
                )
              })
          }))
        ).pipe(Layer.provide(store))
        return Effect.gen(function* () {
          holding = false
          yield* seed
          holding = true
          const first = yield* Effect.fork(attempt("john", "the first guess", "10.0.0.1"))
          yield* Deferred.await(reached)
          yield* Effect.sleep("20 millis")
          for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
          yield* Deferred.succeed(release, undefined)
          expect(yield* Fiber.join(first)).toMatch(/^wait /)
        }).pipe(Effect.provide(over(held)))
      }
    )

    it.effect("the store keeps at most maxKeys counters, those whose window started first going first", () =>
      seeded(
        Effect.gen(function* () {
          for (let i = 0; i < 30; i++) {
            yield* TestClock.adjust(Duration.millis(10))
            expect(yield* attempt(`user${i}`, "a guess", `10.3.0.${i}`)).toBe("wrong")
            expect((yield* counters).length).toBeLessThanOrEqual(10)
          }
          const kept = yield* counters
          expect(kept.some((counter) => counter.username === "user29")).toBe(true)
          expect(kept.some((counter) => counter.username === "user0")).toBe(false)
        }),
        { maxKeys: 10, sweepEvery: 1 }
      )
    )

    it.effect("expired counters are deleted as sign-ins happen", () =>
      seeded(
        Effect.gen(function* () {
          expect(yield* attempt("john", "a guess", "10.0.0.1")).toBe("wrong")
          expect((yield* counters).length).toBe(3)
          yield* TestClock.adjust(Duration.minutes(16))
          expect(yield* attempt("alice", "a guess", "10.0.0.2")).toBe("wrong")
          expect((yield* counters).map((counter) => counter.username).sort()).toEqual(["", "alice", "alice"])
        }),
        { sweepEvery: 1 }
      )
    )

    it.effect(
      "an administrator lists the locks and clears a user's, told how many counters were cleared (0: there was no lock; audited as user.unlock); nobody else may",
      () =>
        seeded(
          Effect.gen(function* () {
            const throttle = yield* SignInThrottle
            for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
            const locks = yield* throttle.locks(admin)
            expect(locks).toEqual([
              { kind: "user-address", username: "john", address: "10.0.0.1", failures: 5, until: new Date(900_000) }
            ])
            expect((yield* Effect.flip(throttle.locks(john)))._tag).toBe("Forbidden")
            expect((yield* Effect.flip(throttle.unlock(john, "john")))._tag).toBe("Forbidden")
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("wait 900s")
            expect(yield* throttle.unlock(admin, "john")).toBe(2)
            expect((yield* counters).filter((counter) => counter.username === "john")).toEqual([])
            expect(yield* throttle.locks(admin)).toEqual([])
            expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("signed in")
            const audit = yield* Audit
            const entries = yield* audit.list(admin, { action: "user.unlock" })
            expect(entries.items.map((entry) => [entry.actor, entry.target, entry.changes])).toEqual([
              ["admin", "john", { counters: 2 }]
            ])
            expect(yield* throttle.unlock(admin, "nosuch")).toBe(0)
          })
        )
    )

    it.effect("clearing the locks of a user whose sign-ins all succeeded clears no failure: the count is 0", () =>
      seeded(
        Effect.gen(function* () {
          const throttle = yield* SignInThrottle
          expect(yield* attempt("john", JOHN, "10.0.0.1")).toBe("signed in")
          expect(yield* attempt("john", JOHN, "10.0.0.2")).toBe("signed in")
          // The right passwords settled their counters, which remain with no failure: nothing was locked.
          expect((yield* counters).some((counter) => counter.username === "john")).toBe(true)
          expect(yield* throttle.unlock(admin, "john")).toBe(0)
          expect((yield* counters).filter((counter) => counter.username === "john")).toEqual([])
        })
      )
    )

    if (another !== undefined) {
      it.effect(
        "two directories on one database (two servers) share the counters; one opened again still refuses",
        () =>
          seeded(
            Effect.gen(function* () {
              for (let i = 0; i < 5; i++) expect(yield* attempt("john", `guess ${i}`, "10.0.0.1")).toBe("wrong")
              const elsewhere = yield* attempt("john", JOHN, "10.0.0.1").pipe(Effect.provide(over(another)))
              expect(elsewhere).toBe("wait 900s")
            })
          )
      )
    }
  })
}
