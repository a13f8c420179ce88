/**
 * The sign-in throttle under attack: guesses sent at once, usernames as large as a body, strangers failing for someone
 * else's username, a disabled account, and the password change of a signed-in user; the counts shared by two servers on
 * one database and kept across a restart; the locks an administrator lists and clears. Each over real HTTP against a
 * server of its own, on SQLite and PostgreSQL.
 */

import { request as httpRequest } from "node:http"
import { PasswordHasher } from "@user-manager/core"
import type { TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Answer, bearer, PASSWORDS, type Running, start, stores } from "./support/harness.js"

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

/** The same database as another server opens it: its own connections where it can, and nothing dropped on close. */
const sameDatabase = (database: TestDatabase) => async (): Promise<TestDatabase> => {
  let db = database.db
  try {
    db = database.reopen()
  } catch {}
  return { ...database, db, drop: async () => (db === database.db ? undefined : db.destroy()) }
}

/** The throttle's counters as the store holds them. */
const counters = (server: Running) => server.database.db.selectFrom("sign_in_attempts").selectAll().execute()

describe.each(stores)("the sign-in throttle on %s", (_name, open) => {
  let server: Running | undefined
  const others: Array<Running> = []
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close()
    await server?.close()
    server = undefined
  })

  // All wrong: a right password among them, checked early, would rightly clear the pair's failures and let 5 more in.
  it("100 wrong sign-ins sent at once for one user get 5 password checks; the rest, and the right password after them, are 429 in the one error shape", async () => {
    const { counter, layer } = countingHasher()
    server = await start(open, { hasher: layer })
    await server.reseed()
    const running = server
    counter.checks = 0
    const guesses = Array.from({ length: 100 }, (_, i) => `wrong guess ${i}`)
    const answers = await Promise.all(guesses.map((password) => login(running, "john", password)))
    expect(counter.checks).toBe(5)
    const refused = answers.filter((answer) => answer.status === 429)
    expect(refused.length).toBe(95)
    for (const answer of refused) expectTooMany(answer)
    for (const answer of answers.filter((answer) => answer.status !== 429)) expect(answer.status).toBe(401)
    expectTooMany(await login(running, "john", PASSWORDS.john))
    expect(counter.checks).toBe(5)
  })

  it("a username longer than the username rule allows is refused (400, one short sentence) before the throttle keeps anything, from any number of addresses", async () => {
    server = await start(open)
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
    expect(await counters(running)).toEqual([])
    expect((await login(running, "john", "wrong password")).status).toBe(401)
    expect((await counters(running)).length).toBe(3)
  })

  it("strangers' failures for john from other addresses do not stop john's right password from a clean address", async () => {
    server = await start(open)
    await server.reseed()
    const running = server
    for (let address = 2; address < 8; address++) {
      for (let i = 0; i < 8; i++) {
        expect([401, 429]).toContain((await loginFrom(running, `127.0.0.${address}`, "john", `guess ${i}`)).status)
      }
    }
    expectTooMany(await loginFrom(running, "127.0.0.2", "john", PASSWORDS.john))
    expect((await loginFrom(running, "127.0.0.50", "john", PASSWORDS.john)).status).toBe(200)
  })

  it("two servers on one database share the counts, and a server started again still refuses", async () => {
    server = await start(open)
    await server.reseed()
    const first = server
    const database = first.database
    const second = await start(sameDatabase(database))
    others.push(second)
    for (let i = 0; i < 5; i++) expect((await login(first, "john", `guess ${i}`)).status).toBe(401)
    expectTooMany(await login(second, "john", PASSWORDS.john))
    await second.close()
    others.splice(0)
    const restarted = await start(sameDatabase(database))
    others.push(restarted)
    expectTooMany(await login(restarted, "john", PASSWORDS.john))
    expect((await login(restarted, "carol", PASSWORDS.carol)).status).toBe(200)
  })

  it("an administrator lists the locks (GET /sign-in-locks) and clears one (DELETE /users/{username}/sign-in-lock, answering how many counters it cleared, audited); nobody else may", async () => {
    server = await start(open)
    await server.reseed()
    const running = server
    const admin = await bearer(running, "admin", PASSWORDS.admin)
    const carol = await bearer(running, "carol", PASSWORDS.carol)
    for (let i = 0; i < 5; i++) expect((await login(running, "john", `guess ${i}`)).status).toBe(401)
    expectTooMany(await login(running, "john", PASSWORDS.john))
    const locks = await running.request("GET", "/api/v1/sign-in-locks", { as: admin })
    expect(locks.status).toBe(200)
    expect(locks.body.items).toEqual([
      { kind: "user-address", username: "john", address: "127.0.0.1", failures: 5, until: expect.any(String) }
    ])
    expect((await running.request("GET", "/api/v1/sign-in-locks", { as: carol })).status).toBe(403)
    expect((await running.request("DELETE", "/api/v1/users/john/sign-in-lock", { as: carol })).status).toBe(403)
    expect((await running.request("DELETE", "/api/v1/users/john/sign-in-lock")).status).toBe(401)
    expectTooMany(await login(running, "john", PASSWORDS.john))
    const cleared = await running.request("DELETE", "/api/v1/users/john/sign-in-lock", { as: admin })
    expect(cleared.status).toBe(200)
    expect(cleared.body).toEqual({ cleared: 2 })
    expect((await running.request("GET", "/api/v1/sign-in-locks", { as: admin })).body.items).toEqual([])
    expect((await login(running, "john", PASSWORDS.john)).status).toBe(200)
    const audit = await running.request("GET", "/api/v1/audit?action=user.unlock", { as: admin })
    expect(audit.body.items.map((entry: { actor: string; target: string }) => [entry.actor, entry.target])).toEqual([
      ["admin", "john"]
    ])
  })

  it("a disabled account with the right password is answered exactly as a wrong password is", async () => {
    server = await start(open)
    await server.reseed()
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    expect((await server.request("POST", "/api/v1/users/john/disable", { as: admin })).status).toBe(200)
    const disabled = await login(server, "john", PASSWORDS.john)
    const wrong = await login(server, "carol", "not carol's password")
    expect(disabled.status).toBe(401)
    expect(disabled.body).toEqual(wrong.body)
    expect(disabled.text).not.toContain("disabled")
  })

  it("lists the locks by the limits the host set for this API: with 2 failures for a username from an address, the pair is listed after 2", async () => {
    server = await start(open, { config: { throttle: { maxFailuresPerUsername: 2 } } })
    await server.reseed()
    const running = server
    const admin = await bearer(running, "admin", PASSWORDS.admin)
    for (let i = 0; i < 2; i++) expect((await login(running, "john", `guess ${i}`)).status).toBe(401)
    expectTooMany(await login(running, "john", PASSWORDS.john))
    const locks = await running.request("GET", "/api/v1/sign-in-locks", { as: admin })
    expect(locks.body.items).toEqual([
      { kind: "user-address", username: "john", address: "127.0.0.1", failures: 2, until: expect.any(String) }
    ])
  })

  it("changing one's own password is throttled as sign-in is: after 5 wrong current passwords, 429 even with the right one", async () => {
    const { counter, layer } = countingHasher()
    server = await start(open, { hasher: layer })
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
