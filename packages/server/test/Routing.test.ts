/**
 * How the API answers a request its router has no route for: a method its path does not take is 405 with `Allow`
 * (OPTIONS 204 with `Allow`), and a path it does not have at all 404; the page, health and SCIM routes keep their own
 * answers. A path parameter of any length reaches its handler, where the core decides; a path that is not valid
 * percent-encoding is bad input (400).
 */
import { sqliteFile } from "@user-manager/test-stores/stores"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bearer, PASSWORDS, type Running, start } from "./support/harness.js"
import { makeToken } from "./support/scim.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

describe("routing", () => {
  let server: Running
  let admin: { bearer: string }
  beforeAll(async () => {
    server = await start(sqliteFile)
    await server.reseed()
    admin = await bearer(server, "admin", PASSWORDS.admin)
  })
  afterAll(async () => {
    await server?.close()
  })

  it("a method its path does not take is answered 405 in the error shape, with Allow naming the methods the path takes", async () => {
    const answers = [
      [
        "PUT",
        "/api/v1/users/alice",
        "/api/v1/users/{username}",
        ["GET", "PATCH", "DELETE"],
        "GET, HEAD, PATCH, DELETE, OPTIONS"
      ],
      [
        "POST",
        "/api/v1/users/alice",
        "/api/v1/users/{username}",
        ["GET", "PATCH", "DELETE"],
        "GET, HEAD, PATCH, DELETE, OPTIONS"
      ],
      ["DELETE", "/api/v1/groups", "/api/v1/groups", ["GET", "POST"], "GET, HEAD, POST, OPTIONS"],
      ["GET", "/api/v1/auth/login", "/api/v1/auth/login", ["POST"], "POST, OPTIONS"],
      // The bulk routes beside the HttpApi, too.
      ["GET", "/api/v1/import", "/api/v1/import", ["POST"], "POST, OPTIONS"],
      ["PUT", "/api/v1/export?format=csv", "/api/v1/export", ["GET"], "GET, HEAD, OPTIONS"]
    ] as const
    for (const [method, url, path, allowed, allow] of answers) {
      const answer = await server.request(method, url, { as: admin })
      expect(answer.status, `${method} ${url}`).toBe(405)
      expect(answer.headers.get("allow"), `${method} ${url}`).toBe(allow)
      expect(answer.body).toEqual({
        _tag: "MethodNotAllowed",
        method,
        path,
        allowed,
        message: `${method} is not allowed on ${path}; it takes ${
          allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(", ")} and ${allowed.at(-1)}`
        }.`,
        status: 405
      })
      expectSecurityHeaders(answer.headers, `${method} ${url}`)
    }
    expect((await server.request("PUT", "/api/v1/users/alice", { as: admin })).body.message).toBe(
      "PUT is not allowed on /api/v1/users/{username}; it takes GET, PATCH and DELETE."
    )
  })

  it("a 405 is answered before authentication, and names the path as the API documents it, never the request's text", async () => {
    const answer = await server.request("PUT", "/API/v1/Users/<script>/")
    expect(answer.status).toBe(405)
    expect(answer.body.path).toBe("/api/v1/users/{username}")
    expect(answer.text).not.toContain("script")
    // Where the path is one route's for some methods and another's for others, the methods of both.
    const bulk = await server.request("PUT", "/api/v1/users/bulk", { as: admin })
    expect([bulk.status, bulk.body.path, bulk.body.allowed]).toEqual([
      405,
      "/api/v1/users/bulk",
      ["GET", "POST", "PATCH", "DELETE"]
    ])
  })

  it("OPTIONS on a path of the API answers 204 with Allow, and 404 on a path the API does not have", async () => {
    const options = await server.request("OPTIONS", "/api/v1/users/alice")
    expect(options.status).toBe(204)
    expect(options.text).toBe("")
    expect(options.headers.get("allow")).toBe("GET, HEAD, PATCH, DELETE, OPTIONS")
    expectSecurityHeaders(options.headers, "OPTIONS")
    const missing = await server.request("OPTIONS", "/api/v1/nothing")
    expect([missing.status, missing.body._tag, missing.headers.get("allow")]).toEqual([404, "RouteNotFound", null])
  })

  it("a path no route has is 404 RouteNotFound whatever the method, and the page, health and SCIM routes keep their own answers", async () => {
    for (const [method, path] of [
      ["PUT", "/api/v1/nothing"],
      ["GET", "/api/v1/users/alice/nothing"],
      ["POST", "/"],
      ["POST", "/healthz"],
      ["DELETE", "/api/openapi.json"]
    ] as const) {
      const answer = await server.request(method, path, { as: admin })
      expect([answer.status, answer.body._tag, answer.headers.get("allow")], `${method} ${path}`).toEqual([
        404,
        "RouteNotFound",
        null
      ])
    }
    // SCIM answers in its own shape (here: no SCIM token, 401), never a 405 of the API's.
    const scim = await server.request("PUT", "/scim/v2/Users")
    expect([scim.status, scim.body.schemas, scim.headers.get("allow")]).toEqual([
      401,
      ["urn:ietf:params:scim:api:messages:2.0:Error"],
      null
    ])
  })

  it("a path parameter longer than the router's default 100 characters reaches its handler: the core refuses the name in its own sentence", async () => {
    for (const [method, path, field, kind] of [
      ["GET", `/api/v1/users/${"a".repeat(150)}`, "username", "a username"],
      ["DELETE", `/api/v1/users/${"b".repeat(101)}`, "username", "a username"],
      ["GET", `/api/v1/users/${"c".repeat(5_000)}`, "username", "a username"],
      ["GET", `/api/v1/groups/${"d".repeat(150)}/members`, "group name", "a group name"]
    ] as const) {
      const answer = await server.request(method, path, { as: admin })
      expect([answer.status, answer.body._tag, answer.body.field], `${method} ${path.slice(0, 40)}`).toEqual([
        400,
        "InvalidInput",
        field
      ])
      expect(answer.body.message).toMatch(new RegExp(`^Invalid ${field}: ${kind} has at most 32 characters, '`))
      expect(answer.text.length).toBeLessThan(600)
    }
    // SCIM's routes share the router: its own rule answers, in its own shape, as for an id that is no username.
    const token = await makeToken(server, "idp", "scim")
    const scim = await server.request("GET", `/scim/v2/Users/${"a".repeat(150)}`, { as: { bearer: token } })
    expect([scim.status, scim.body.scimType]).toEqual([400, "invalidValue"])
    // And a method the long path does not take is 405, as for a short one.
    const put = await server.request("PUT", `/api/v1/users/${"a".repeat(150)}`, { as: admin })
    expect([put.status, put.body.path]).toEqual([405, "/api/v1/users/{username}"])
  })

  it("a path that is not valid percent-encoding is refused with 400 in one sentence, whatever its method, never 404 or 405", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/users/%E0%A4%A"],
      ["GET", "/api/v1/users/%E0%A4"],
      ["GET", "/api/v1/users/%ZZ"],
      ["GET", "/api/v1/users/admin%"],
      ["GET", "/api/v1/groups/%C0%80/members"],
      ["PUT", "/api/v1/users/%E0%A4%A"],
      ["GET", "/api/v1/nothing/%E0?limit=1"]
    ] as const) {
      const answer = await server.request(method, path, { as: admin })
      expect(answer.status, `${method} ${path}`).toBe(400)
      expect(answer.body).toEqual({
        _tag: "InvalidInput",
        field: "path",
        reason: "it is not valid percent-encoding",
        message: "Invalid path: it is not valid percent-encoding.",
        status: 400
      })
      expectSecurityHeaders(answer.headers, `${method} ${path}`)
    }
    // Valid percent-encoding is decoded as ever: %61 is "a".
    const admin61 = await server.request("GET", "/api/v1/users/%61dmin", { as: admin })
    expect([admin61.status, admin61.body.username]).toEqual([200, "admin"])
  })
})
