/**
 * The sign-in throttle under attack: guesses sent at once, usernames as large as a body, a disabled account, and the
 * password change of a signed-in user. Each over real HTTP against a server of its own.
 */

import { request as httpRequest } from "node:http"
import { PasswordHasher } from "@user-manager/core"
import { sqliteFile } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defaultThrottle, makeThrottle, type ThrottleOptions, tableSizeForTests } from "../src/internal/throttle.js"
import { type Answer, bearer, PASSWORDS, type Running, start } from "./support/harness.js"

/** The test hasher, counting the passwords it checks; each check takes 50 ms, as argon2 takes time. */
const countingHasher = () => {
  const counter = { checks: 0 }
  const layer = Layer.effect(
    PasswordHasher.PasswordHasher,
    Effect.map(PasswordHasher.PasswordHasher, (hasher) => ({
      ...hasher,
      verify: (...args: Parameters<typeof hasher.verify>) =>
        Effect.suspend(() => {
          counter.checks++
          return Effect.zipRight(Effect.sleep("50 millis"), hasher.verify(...args))
        })
    }))
  ).pipe(Layer.provide(TestHasher))
  return { counter, layer }
}

const login = (server: Running, username: string, password: string) =>
  server.request("POST", "/api/v1/auth/login", { body: { username, password, session: "bearer" } })

/** A sign-in sent from a local address of its own (127.0.0.0/8 all reaches the loopback server). */
const loginFrom = (server: Running, localAddress: string, username: string, password: string) =>
  new Promise<Answer>((resolve, reject) => {
    const body = JSON.stringify({ username, password, session: "bearer" })
    const request = httpRequest(
      `${server.url}/api/v1/auth/login`,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
      },
      (response) => {
        let text = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => {
          text += chunk
        })
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: new Headers(),
            text,
            body: text === "" ? undefined : JSON.parse(text)
          })
        )
      }
    )
    request.on("error", reject)
    request.end(body)
  })

/** A 429 in the one error shape. */
const expectTooMany = (answer: Answer) => {
  expect(answer.status).toBe(429)
  expect(answer.body).toEqual({
    _tag: "TooManyAttempts",
    status: 429,
    message: expect.stringMatching(/^Too many failed sign-ins: try again in \d+ seconds\.$/),
    retryAfterSeconds: expect.any(Number)
  })
}

describe("the sign-in throttle", () => {
  let server: Running | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("100 sign-ins sent at once for one user get at most 5 password checks; the rest are 429 in the one error shape", async () => {
    const { counter, layer } = countingHasher()
    server = await start(sqliteFile, { hasher: layer, config: { throttle: { ...defaultThrottle } } })
    await server.reseed()
    const running = server
    counter.checks = 0
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? PASSWORDS.john : `wrong guess ${i}`))
    const answers = await Promise.all(guesses.map((password) => login(running, "john", password)))
    expect(counter.checks).toBeLessThanOrEqual(5)
    const refused = answers.filter((answer) => answer.status === 429)
    expect(refused.length).toBe(100 - counter.checks)
    for (const answer of refused) expectTooMany(answer)
    for (const answer of answers.filter((answer) => answer.status !== 429)) expect([200, 401]).toContain(answer.status)
  })

  it("a username longer than the username rule allows is refused (400, one short sentence) before the throttle keeps anything, from any number of addresses", async () => {
    const throttle: ThrottleOptions = { ...defaultThrottle }
    server = await start(sqliteFile, { config: { throttle } })
    await server.reseed()
    const running = server
    const huge = "a".repeat(250 * 1024)
    for (let address = 2; address < 22; address++) {
      const answers = await Promise.all(
        [0, 1, 2].map((i) => loginFrom(running, `127.0.0.${address}`, `${huge}${i}`, "wrong password"))
      )
      for (const answer of answers) {
        expect(answer.status).toBe(400)
        expect(answer.body._tag).toBe("InvalidInput")
        expect(answer.body.message).toBe("Invalid username: a username has at most 32 characters.")
        expect(answer.text.length).toBeLessThan(300)
      }
    }
    expect(tableSizeForTests(throttle)).toBe(0)
    expect((await login(running, "john", "wrong password")).status).toBe(401)
    expect(tableSizeForTests(throttle)).toBe(2)
  })

  it("a disabled account with the right password is answered exactly as a wrong password is", async () => {
    server = await start(sqliteFile)
    await server.reseed()
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    expect((await server.request("POST", "/api/v1/users/john/disable", { as: admin })).status).toBe(200)
    const disabled = await login(server, "john", PASSWORDS.john)
    const wrong = await login(server, "carol", "not carol's password")
    expect(disabled.status).toBe(401)
    expect(disabled.body).toEqual(wrong.body)
    expect(disabled.text).not.toContain("disabled")
  })

  it("changing one's own password is throttled as sign-in is: after 5 wrong current passwords, 429 even with the right one", async () => {
    const { counter, layer } = countingHasher()
    server = await start(sqliteFile, { hasher: layer })
    await server.reseed()
    const running = server
    const john = await bearer(running, "john", PASSWORDS.john)
    counter.checks = 0
    const change = (current: string) =>
      running.request("PUT", "/api/v1/me/password", { as: john, body: { current, next: "john's brand new secret" } })
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => change(`wrong current ${i}`)))
    expect(counter.checks).toBeLessThanOrEqual(5)
    for (const answer of answers.filter((answer) => answer.status !== 429)) expect(answer.status).toBe(403)
    for (const answer of answers.filter((answer) => answer.status === 429)) expectTooMany(answer)
    expect(answers.filter((answer) => answer.status === 429).length).toBe(20 - counter.checks)
    expectTooMany(await change(PASSWORDS.john))
    expect((await running.request("GET", "/api/v1/me", { as: john })).status).toBe(200)
  })
})

describe("the throttle's table", () => {
  const options = (overrides: Partial<ThrottleOptions> = {}): ThrottleOptions => ({
    maxFailuresPerUsername: 1,
    maxFailuresPerAddress: 1,
    windowMillis: 60_000,
    ...overrides
  })

  it("attempts being checked count against the limit until they are settled", () => {
    const throttle = makeThrottle(options({ maxFailuresPerUsername: 3, maxFailuresPerAddress: 100 }))
    const held = [1, 2, 3].map(() => throttle.reserve("john", "10.0.0.1"))
    expect(throttle.reserve("john", "10.0.0.1").retryAfter).toBeGreaterThan(0)
    const [first] = held
    if (first === undefined || !("reservation" in first)) throw new Error("not reserved")
    first.reservation.released()
    expect(throttle.reserve("john", "10.0.0.1").retryAfter).toBe(0)
  })

  it("holds at most maxKeys keys, the oldest going first", () => {
    const settings = options({ maxKeys: 10 })
    let now = 0
    const throttle = makeThrottle(settings, () => now)
    const fail = (username: string, address: string) => {
      const attempt = throttle.reserve(username, address)
      if ("reservation" in attempt) attempt.reservation.failed()
      return attempt.retryAfter
    }
    expect(fail("victim", "10.0.0.1")).toBe(0)
    expect(fail("victim", "10.0.0.1")).toBeGreaterThan(0)
    for (let i = 0; i < 1000; i++) {
      now++
      fail(`user${i}`, `10.1.${i >> 8}.${i & 255}`)
      expect(tableSizeForTests(settings)).toBeLessThanOrEqual(10)
    }
    expect(fail("user999", "10.1.3.231")).toBeGreaterThan(0)
    expect(fail("victim", "10.0.0.1")).toBe(0)
  })

  it("keys a username by at most the username rule's length", () => {
    const settings = options({ maxFailuresPerUsername: 1, maxFailuresPerAddress: 100 })
    const throttle = makeThrottle(settings)
    const attempt = throttle.reserve("x".repeat(100_000), "10.0.0.1")
    if ("reservation" in attempt) attempt.reservation.failed()
    expect(throttle.reserve(`${"x".repeat(32)}y`, "10.0.0.2").retryAfter).toBeGreaterThan(0)
  })
})
