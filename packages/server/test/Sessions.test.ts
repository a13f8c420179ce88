/**
 * Sessions over HTTP: cookies and bearer tokens, expiry, revocation, the CSRF check of cookie requests, the sign-in
 * throttle, and a host application's own authentication in place of the built-in login.
 */

import { Actor } from "@user-manager/core"
import { sqliteFile } from "@user-manager/test-stores/stores"
import { Duration, Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import * as Auth from "../src/Auth.js"
import { bearer, cookie, leaks, PASSWORDS, type Running, snapshot, start } from "./support/harness.js"

const login = (server: Running, username: string, password: string, headers: Record<string, string> = {}) =>
  server.request("POST", "/api/v1/auth/login", { body: { username, password, session: "bearer" }, headers })

describe("sessions", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile, {
      config: {
        // Short enough for the expiry test to wait it out, long enough that no other test's session expires on a
        // loaded machine (at 400 ms, requests slowed by other work were refused as expired).
        sessionTtl: Duration.seconds(3),
        throttle: { maxFailuresPerUsername: 3, maxFailuresPerAddress: 6, windowMillis: 60_000 }
      }
    })
  })
  beforeEach(() => server.reseed())
  afterAll(async () => {
    await server?.close()
  })

  it("a cookie sign-in sets an HttpOnly, SameSite=Strict session cookie and answers a CSRF token, not the token", async () => {
    const answer = await server.request("POST", "/api/v1/auth/login", {
      body: { username: "john", password: PASSWORDS.john }
    })
    expect(answer.status).toBe(200)
    const setCookie = answer.headers.get("set-cookie") ?? ""
    expect(setCookie).toMatch(/^dt_session=[A-Za-z0-9_-]{43};/)
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    expect(setCookie).toMatch(/Path=\//)
    expect(answer.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The page's scripts read the CSRF token from a second cookie, readable (not HttpOnly) and SameSite=Strict.
    const csrfCookie = setCookie.split(/, (?=dt_)/).find((cookie) => cookie.startsWith("dt_csrf=")) ?? ""
    expect(csrfCookie).toContain(`dt_csrf=${answer.body.csrfToken};`)
    expect(csrfCookie).toMatch(/SameSite=Strict/)
    expect(csrfCookie).not.toMatch(/HttpOnly/)
    expect(answer.body).not.toHaveProperty("token")
    expect(answer.body.user.username).toBe("john")
  })

  it("a bearer sign-in answers the token and sets no cookie", async () => {
    const answer = await login(server, "john", PASSWORDS.john)
    expect(answer.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(answer.headers.get("set-cookie")).toBeNull()
    expect((await server.request("GET", "/api/v1/me", { as: { bearer: answer.body.token } })).status).toBe(200)
  })

  it("stores only the SHA-256 hash of a session token", async () => {
    const { bearer: token } = await bearer(server, "john", PASSWORDS.john)
    const rows = await server.database.db.selectFrom("sessions").selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain(token)
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it("an expired session is refused with 401", async () => {
    const john = await bearer(server, "john", PASSWORDS.john)
    expect((await server.request("GET", "/api/v1/me", { as: john })).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 3_100))
    const answer = await server.request("GET", "/api/v1/me", { as: john })
    expect(answer.status).toBe(401)
    expect(answer.body._tag).toBe("Unauthenticated")
  })

  it("disabling, deleting or resetting the password of a user ends its sessions at once", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    for (const [method, path, body] of [
      ["POST", "/api/v1/users/john/disable", undefined],
      ["PUT", "/api/v1/users/john/password", { password: "john's reset password" }],
      ["DELETE", "/api/v1/users/john", undefined]
    ] as const) {
      await server.reseed()
      const fresh = await bearer(server, "admin", PASSWORDS.admin)
      const john = await bearer(server, "john", PASSWORDS.john)
      const other = await bearer(server, "carol", PASSWORDS.carol)
      const answer = await server.request(method, path, { as: fresh, ...(body === undefined ? {} : { body }) })
      expect(answer.status).toBeLessThan(300)
      expect((await server.request("GET", "/api/v1/me", { as: john })).status).toBe(401)
      expect((await server.request("GET", "/api/v1/me", { as: other })).status).toBe(200)
    }
    expect(admin.bearer).not.toBe("")
  })

  it("changing one's own password ends every session of the user and clears the cookie", async () => {
    const first = await cookie(server, "john", PASSWORDS.john)
    const second = await bearer(server, "john", PASSWORDS.john)
    const answer = await server.request("PUT", "/api/v1/me/password", {
      as: first,
      body: { current: PASSWORDS.john, next: "john's changed password" }
    })
    expect(answer.status).toBe(204)
    expect(answer.headers.get("set-cookie")).toMatch(/^dt_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/)
    expect((await server.request("GET", "/api/v1/me", { as: first })).status).toBe(401)
    expect((await server.request("GET", "/api/v1/me", { as: second })).status).toBe(401)
  })

  it("a cookie request that changes something needs the session's CSRF token (403 without it); a read does not", async () => {
    const admin = await cookie(server, "admin", PASSWORDS.admin)
    const before = await snapshot(server)
    for (const csrf of [undefined, "", "not-the-token", admin.csrf.slice(1)]) {
      const answer = await server.request("POST", "/api/v1/users/bob/disable", {
        as: csrf === undefined ? { cookie: admin.cookie } : { cookie: admin.cookie, csrf }
      })
      expect(answer.status).toBe(403)
      expect(answer.body._tag).toBe("CsrfTokenInvalid")
    }
    expect(await snapshot(server)).toEqual(before)
    expect((await server.request("GET", "/api/v1/users", { as: { cookie: admin.cookie } })).status).toBe(200)
    const allowed = await server.request("POST", "/api/v1/users/bob/disable", { as: admin })
    expect(allowed.status).toBe(200)
  })

  it("another user's CSRF token does not pass", async () => {
    const admin = await cookie(server, "admin", PASSWORDS.admin)
    const john = await cookie(server, "john", PASSWORDS.john)
    const answer = await server.request("POST", "/api/v1/users/bob/disable", {
      as: { cookie: admin.cookie, csrf: john.csrf }
    })
    expect(answer.status).toBe(403)
  })

  it("a bearer request needs no CSRF token, and a malformed Authorization header is 401", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    expect((await server.request("POST", "/api/v1/users/bob/disable", { as: admin })).status).toBe(200)
    for (const authorization of ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer short", `Bearer ${admin.bearer}x!`]) {
      const answer = await server.request("GET", "/api/v1/me", { headers: { authorization } })
      expect(answer.status).toBe(401)
      expect(answer.body._tag).toBe("Unauthenticated")
    }
  })

  it("a sign-in form posted from another site (not JSON) is refused and sets no cookie", async () => {
    const answer = await server.request("POST", "/api/v1/auth/login", {
      raw: `username=admin&password=${encodeURIComponent(PASSWORDS.admin)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" }
    })
    expect(answer.status).toBe(400)
    expect(answer.headers.get("set-cookie")).toBeNull()
  })

  it("logging out ends the cookie session, clears the cookie, and needs the CSRF token", async () => {
    const john = await cookie(server, "john", PASSWORDS.john)
    expect((await server.request("POST", "/api/v1/auth/logout", { as: { cookie: john.cookie } })).status).toBe(403)
    const answer = await server.request("POST", "/api/v1/auth/logout", { as: john })
    expect(answer.status).toBe(204)
    expect(answer.headers.get("set-cookie")).toMatch(/dt_session=;/)
    expect((await server.request("GET", "/api/v1/me", { as: john })).status).toBe(401)
  })

  it("failed sign-ins are throttled per username (429), even with the right password, without touching the others", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await login(server, "john", "wrong password", { "x-test": "1" })).status).toBe(401)
    }
    const blocked = await login(server, "john", PASSWORDS.john)
    expect(blocked.status).toBe(429)
    expect(blocked.body._tag).toBe("TooManyAttempts")
    expect(blocked.body.retryAfterSeconds).toBeGreaterThan(0)
    expect((await login(server, "carol", PASSWORDS.carol)).status).toBe(200)
  })
})

describe("throttle per address", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile, {
      config: { throttle: { maxFailuresPerUsername: 100, maxFailuresPerAddress: 4, windowMillis: 60_000 } }
    })
    await server.reseed()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("failed sign-ins for many usernames from one address are throttled (429)", async () => {
    for (const username of ["a1", "a2", "a3", "a4"]) {
      expect((await login(server, username, "wrong password")).status).toBe(401)
    }
    const blocked = await login(server, "john", PASSWORDS.john)
    expect(blocked.status).toBe(429)
    expect(blocked.body._tag).toBe("TooManyAttempts")
  })
})

describe("a host application's own authentication", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile, {
      authentication: Auth.fromRequest((request) =>
        Effect.succeed(
          request.headers["x-host-user"] === undefined
            ? Actor.anonymous
            : Actor.user(request.headers["x-host-user"] as string)
        )
      )
    })
    await server.reseed()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("runs each request as the actor the host names, and the core decides what it may do", async () => {
    const admin = await server.request("GET", "/api/v1/users", { headers: { "x-host-user": "admin" } })
    expect(admin.status).toBe(200)
    const john = await server.request("GET", "/api/v1/users", { headers: { "x-host-user": "john" } })
    expect(john.status).toBe(403)
    expect((await server.request("GET", "/api/v1/users")).status).toBe(401)
    const unknown = await server.request("GET", "/api/v1/me", { headers: { "x-host-user": "nobody" } })
    expect(unknown.status).toBe(401)
    await server.request("POST", "/api/v1/users/carol/disable", { headers: { "x-host-user": "admin" } })
    const disabled = await server.request("GET", "/api/v1/me", { headers: { "x-host-user": "carol" } })
    expect(disabled.status).toBe(403)
    expect(disabled.body.reason).toEqual({ _tag: "AccountDisabled" })
    expect(disabled.body.message).toBe("'carol' may not read its own record: the account is disabled.")
  })

  it("never leaks a password or a hash in these answers and logs", () => {
    expect(leaks(server)).toEqual([])
  })
})
