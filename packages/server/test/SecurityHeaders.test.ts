/**
 * Every answer carries the security headers: the page, the API's answers and refusals, and the answers Node writes
 * itself to a request it cannot parse (431 for headers too large, 400 for malformed HTTP).
 */
import { sqliteFile } from "@user-manager/test-stores/stores"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bearer, PASSWORDS, type Running, start } from "./support/harness.js"
import { raw } from "./support/rawHttp.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

describe("security headers", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile)
    await server.reseed()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("every answer of the API and the page carries them, refusals included", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    const answers = {
      page: await server.request("GET", "/"),
      "a list (200)": await server.request("GET", "/api/v1/users", { as: admin }),
      "bad input (400)": await server.request("GET", "/api/v1/users?limit=0", { as: admin }),
      "anonymous (401)": await server.request("GET", "/api/v1/users"),
      "an unknown route (404)": await server.request("GET", "/nowhere"),
      "a body too large (413)": await server.request("POST", "/api/v1/groups", {
        as: admin,
        raw: JSON.stringify({ name: "x".repeat(300 * 1024) })
      }),
      "a wrong sign-in (401)": await server.request("POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "not the password" }
      })
    }
    for (const [what, answer] of Object.entries(answers)) expectSecurityHeaders(answer.headers, what)
  })

  it("Node's own 431 (request headers too large) carries them, with a body in the error shape", async () => {
    const answer = await raw(
      server.url,
      `GET /api/v1/users HTTP/1.1\r\nhost: localhost\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`
    )
    expect(answer.status).toBe(431)
    expectSecurityHeaders(answer.headers, "a 431")
    expect(JSON.parse(answer.body)).toEqual({
      _tag: "HeadersTooLarge",
      message: "The request's headers are larger than the server accepts.",
      status: 431
    })
  })

  it("Node's own 400 (malformed HTTP) carries them, with a body in the error shape", async () => {
    const answer = await raw(server.url, "GET /api/v1/users HTTP/1.1\r\nhost: localhost\r\nno colon here\r\n\r\n")
    expect(answer.status).toBe(400)
    expectSecurityHeaders(answer.headers, "a malformed request")
    expect(JSON.parse(answer.body)).toMatchObject({ _tag: "BadRequest", status: 400 })
  })
})
