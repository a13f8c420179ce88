/**
 * The probes of a load balancer: `/healthz` while the process serves, `/readyz` as the host's readiness check says,
 * both without authentication, with the security headers, never cached, and saying nothing of the directory.
 */
import { sqliteFile } from "@user-manager/test-stores/stores"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Running, start } from "./support/harness.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

let ready: "yes" | "no" | "hangs" = "yes"
const readiness = Effect.suspend(() =>
  ready === "yes"
    ? Effect.void
    : ready === "no"
      ? Effect.fail("the database schema is newer than this version of the user manager")
      : Effect.never
)

describe("health and readiness probes", () => {
  let server: Running
  let plain: Running
  beforeAll(async () => {
    server = await start(sqliteFile, { readiness })
    plain = await start(sqliteFile)
  })
  afterAll(async () => {
    await server?.close()
    await plain?.close()
  })

  it("GET /healthz answers 200 to anyone, never cached, with the security headers", async () => {
    const answer = await server.request("GET", "/healthz")
    expect([answer.status, answer.body]).toEqual([200, { status: "alive" }])
    expect(answer.headers.get("cache-control")).toBe("no-store")
    expectSecurityHeaders(answer.headers, "/healthz")
  })

  it("GET /readyz answers 200 while the readiness check passes, 503 with its sentence when it fails", async () => {
    ready = "yes"
    expect((await server.request("GET", "/readyz")).status).toBe(200)
    ready = "no"
    const refused = await server.request("GET", "/readyz")
    expect([refused.status, refused.body]).toEqual([
      503,
      { status: "not ready", reason: "the database schema is newer than this version of the user manager" }
    ])
    expectSecurityHeaders(refused.headers, "/readyz 503")
    ready = "yes"
    expect((await server.request("GET", "/readyz")).status).toBe(200)
  })

  it("GET /readyz answers 503 within about 2 s when the readiness check does not end", async () => {
    ready = "hangs"
    const started = performance.now()
    const answer = await server.request("GET", "/readyz")
    expect(performance.now() - started).toBeLessThan(4_000)
    expect([answer.status, answer.body]).toEqual([
      503,
      { status: "not ready", reason: "the store did not answer within 2 s" }
    ])
    ready = "yes"
  })

  it("without a readiness check of the host's, the server is ready whenever it answers", async () => {
    expect((await plain.request("GET", "/readyz")).status).toBe(200)
    expect((await plain.request("GET", "/healthz")).status).toBe(200)
  })
})
