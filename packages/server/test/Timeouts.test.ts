/**
 * Slow clients cannot hold a connection: a request whose headers or body arrive too slowly is answered 408 in the error
 * shape (with the security headers) and its connection closed, so that neither a slow client nor a stalled upload keeps
 * a socket, or holds up a shutdown, for longer than the server's timeouts.
 */
import { sqliteFile } from "@user-manager/test-stores/stores"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_TIMEOUTS } from "../src/Server.js"
import { type Running, start } from "./support/harness.js"
import { raw } from "./support/rawHttp.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

describe("client timeouts", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile, { timeouts: { headersMs: 300, requestMs: 600 } })
  })
  afterAll(() => server?.close())

  it("answers headers that never finish with 408 in the error shape and closes the connection", async () => {
    const answer = await raw(server.url, "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    expect(answer.status).toBe(408)
    expectSecurityHeaders(answer.headers, "a 408")
    expect(JSON.parse(answer.body)).toMatchObject({ _tag: "RequestTimeout", status: 408 })
    expect(answer.openMs).toBeLessThan(5_000)
  })

  it("answers a body that stops arriving with 408 and closes the connection", async () => {
    const answer = await raw(
      server.url,
      'POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":'
    )
    expect(answer.status).toBe(408)
    expect(answer.openMs).toBeLessThan(5_000)
  })

  it("gives clients 10 s for their headers and 30 s for a whole request by default, not Node's 60 s and 5 minutes, and requests in flight 10 s once stopping", () => {
    expect(DEFAULT_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, graceMs: 10_000 })
  })
})
