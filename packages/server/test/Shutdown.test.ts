/**
 * Stopping gracefully (`Server.node`'s layer released, as `dt serve` does at SIGTERM): no new connections, the idle
 * kept-alive ones closed at once, the requests in flight answered within the grace period, then everything closed.
 * A request is made slow for real: john's password hash is an argon2id hash with 300 passes (t=300, where the
 * server's own take 2), so that his sign-in is still being checked when the server is told to stop.
 */
import { Agent, request as httpRequest } from "node:http"
import { sqliteFile } from "@user-manager/test-stores/stores"
import { afterEach, describe, expect, it } from "vitest"
import { PASSWORDS, type Running, start } from "./support/harness.js"

/** john's password, hashed with argon2id m=19456 KiB, t=300, p=1 (made once with @node-rs/argon2). */
const SLOW_HASH = "$argon2id$v=19$m=19456,t=300,p=1$eBhmFqnL0w/D5v1uEgYlGg$4c2gapoZiwSn/7lKHbQPZnpMOFXNudKsVNXEW3Cpwao"

/** A server over real argon2 whose user john takes seconds to sign in. */
const slowSignIn = async (timeouts: Partial<{ keepAliveMs: number; graceMs: number }>) => {
  const server = await start(sqliteFile, { hasher: "argon2", timeouts })
  await server.reseed()
  await server.database.db
    .updateTable("users")
    .set({ password_hash: SLOW_HASH })
    .where("username", "=", "john")
    .execute()
  return server
}

const signIn = (server: Running) =>
  server.request("POST", "/api/v1/auth/login", {
    body: { username: "john", password: PASSWORDS.john, session: "bearer" }
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** How long `promise` took to settle. */
const timed = async (promise: Promise<unknown>) => {
  const started = Date.now()
  await promise
  return Date.now() - started
}

describe("stopping gracefully", () => {
  let server: Running | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("a request in flight when the server stops is answered, and its kept-alive connection then closes at once", async () => {
    // A kept-alive connection left idle would hold the stop up for 30 s: the answer must close it.
    server = await slowSignIn({ keepAliveMs: 30_000, graceMs: 20_000 })
    const answer = signIn(server)
    await sleep(300)
    const stopped = server.stop()
    expect((await answer).status).toBe(200)
    const answeredAt = Date.now()
    await stopped
    expect(Date.now() - answeredAt).toBeLessThan(1_000)
  })

  it("a request slower than the grace period is cut, and the server stops within the grace period and a little", async () => {
    server = await slowSignIn({ graceMs: 300 })
    const answer = signIn(server).then(
      () => "answered",
      () => "cut"
    )
    await sleep(300)
    const took = await timed(server.stop())
    expect(await answer).toBe("cut")
    expect(took).toBeGreaterThanOrEqual(250)
    expect(took).toBeLessThan(1_300)
    expect(server.captured.some((line) => /"level":"WARN".*1 request\(s\) still unanswered/.test(line))).toBe(true)
  })

  it("idle kept-alive connections do not hold the stop up", async () => {
    server = await start(sqliteFile, { timeouts: { keepAliveMs: 30_000 } })
    const agent = new Agent({ keepAlive: true })
    const url = `${server.url}/api/openapi.json`
    const status = await new Promise<number | undefined>((resolve, reject) =>
      httpRequest(url, { agent }, (response) => {
        response.resume()
        response.on("end", () => resolve(response.statusCode))
      })
        .on("error", reject)
        .end()
    )
    expect(status).toBe(200)
    // The connection is still open, idle, in the agent's pool.
    expect(Object.values(agent.freeSockets).flat().length).toBe(1)
    expect(await timed(server.stop())).toBeLessThan(1_000)
    agent.destroy()
  })
})
