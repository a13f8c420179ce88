/**
 * The authorization matrix: anonymous, a disabled user, a non-administrator, an administrator and a system user, each
 * against every endpoint, over SQLite and PostgreSQL. A refused request changes nothing.
 */
import { randomBytes } from "node:crypto"
import { Sessions } from "@user-manager/core"
import { Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bearer, PASSWORDS, type Running, snapshot, start, stores } from "./support/harness.js"

interface Endpoint {
  readonly method: string
  readonly path: string
  readonly body?: (password: string) => unknown
  /** Whether a signed-in, enabled non-administrator may call it (its own record and password). */
  readonly self?: boolean
}

const NEXT_PASSWORD = "a new long secret"

const endpoints: ReadonlyArray<Endpoint> = [
  { method: "GET", path: "/api/v1/users" },
  { method: "GET", path: "/api/v1/users/bob" },
  { method: "POST", path: "/api/v1/users", body: () => ({ username: "dave", groups: ["developers"] }) },
  { method: "PATCH", path: "/api/v1/users/bob", body: () => ({ firstName: "Robert" }) },
  { method: "DELETE", path: "/api/v1/users/bob" },
  { method: "POST", path: "/api/v1/users/bob/disable" },
  { method: "POST", path: "/api/v1/users/bob/enable" },
  { method: "PUT", path: "/api/v1/users/bob/password", body: () => ({ password: "bob's new long secret" }) },
  { method: "PUT", path: "/api/v1/users/bob/groups/developers" },
  { method: "DELETE", path: "/api/v1/users/alice/groups/analysts" },
  { method: "POST", path: "/api/v1/users/bulk", body: () => ({ action: "disable", usernames: ["bob", "alice"] }) },
  { method: "GET", path: "/api/v1/groups" },
  { method: "GET", path: "/api/v1/groups/developers" },
  { method: "GET", path: "/api/v1/groups/developers/members" },
  { method: "POST", path: "/api/v1/groups", body: () => ({ name: "ops" }) },
  { method: "PATCH", path: "/api/v1/groups/empty", body: () => ({ name: "vacant" }) },
  { method: "DELETE", path: "/api/v1/groups/empty" },
  { method: "POST", path: "/api/v1/groups/empty/members", body: () => ({ usernames: ["bob", "alice"] }) },
  { method: "DELETE", path: "/api/v1/groups/analysts/members", body: () => ({ usernames: ["alice"] }) },
  { method: "GET", path: "/api/v1/audit" },
  { method: "GET", path: "/api/v1/me", self: true },
  {
    method: "PUT",
    path: "/api/v1/me/password",
    body: (password) => ({ current: password, next: NEXT_PASSWORD }),
    self: true
  }
]

const successStatus = (endpoint: Endpoint) =>
  endpoint.method === "POST" && (endpoint.path === "/api/v1/users" || endpoint.path === "/api/v1/groups")
    ? 201
    : endpoint.path.endsWith("password")
      ? 204
      : 200

for (const [name, open] of stores) {
  describe(`${name}: authorization matrix`, () => {
    let server: Running
    beforeAll(async () => {
      server = await start(open)
    })
    afterAll(async () => {
      await server?.close()
    })

    /** Calls every endpoint as `who`; each success is undone by seeding again. */
    const matrix = async (
      who: () => Promise<{ readonly as: { bearer: string } | Record<string, never>; readonly password: string }>,
      expected: (endpoint: Endpoint) => readonly [number, string | undefined]
    ) => {
      await server.reseed()
      let actor = await who()
      // Refusals change nothing: the directory is compared once all of them were sent (successes reseed it).
      let before = await snapshot(server)
      for (const endpoint of endpoints) {
        const [status, tag] = expected(endpoint)
        const body = endpoint.body?.(actor.password)
        const answer = await server.request(endpoint.method, endpoint.path, {
          as: actor.as,
          ...(body === undefined ? {} : { body })
        })
        expect([endpoint.method, endpoint.path, answer.status, answer.body?._tag]).toEqual([
          endpoint.method,
          endpoint.path,
          status,
          tag
        ])
        if (status < 400) {
          await server.reseed()
          actor = await who()
          before = await snapshot(server)
        }
      }
      expect(await snapshot(server)).toEqual(before)
    }

    it("anonymous requests are refused with 401 everywhere", () =>
      matrix(
        async () => ({ as: {}, password: "some long password" }),
        () => [401, "Unauthenticated"]
      ))

    it("a disabled user's session is gone: 401 everywhere", () =>
      matrix(
        async () => {
          const carol = await bearer(server, "carol", PASSWORDS.carol)
          const admin = await bearer(server, "admin", PASSWORDS.admin)
          await server.request("POST", "/api/v1/users/carol/disable", { as: admin })
          return { as: carol, password: PASSWORDS.carol }
        },
        () => [401, "Unauthenticated"]
      ))

    it("a non-administrator may only read itself and change its own password: 403 elsewhere", () =>
      matrix(
        async () => ({ as: await bearer(server, "john", PASSWORDS.john), password: PASSWORDS.john }),
        (endpoint) => (endpoint.self === true ? [successStatus(endpoint), undefined] : [403, "Forbidden"])
      ))

    it("a non-administrator reads its own record but not another's", async () => {
      await server.reseed()
      const john = await bearer(server, "john", PASSWORDS.john)
      expect((await server.request("GET", "/api/v1/users/john", { as: john })).status).toBe(200)
      expect((await server.request("GET", "/api/v1/users/alice", { as: john })).status).toBe(403)
    })

    it("an administrator may call every endpoint", () =>
      matrix(
        async () => ({ as: await bearer(server, "admin", PASSWORDS.admin), password: PASSWORDS.admin }),
        (endpoint) => [successStatus(endpoint), undefined]
      ))

    /**
     * What a directory made before system users lost their passwords and admin access can hold: the system user 'svc' in
     * the admin group, with a stored password hash (john's) and an open session; returns the session's token.
     */
    const legacySystemAdmin = async () => {
      const token = randomBytes(32).toString("base64url")
      const now = new Date().toISOString()
      const db = server.database.db
      await db
        .updateTable("users")
        .set({
          password_hash: db.selectFrom("users as john").select("john.password_hash").where("john.username", "=", "john")
        })
        .where("username", "=", "svc")
        .execute()
      await db.insertInto("memberships").values({ username: "svc", group_name: "admins" }).execute()
      await db
        .insertInto("sessions")
        .values({
          token_hash: Sessions.hashToken(Redacted.make(token)),
          username: "svc",
          created_at: now,
          expires_at: "2999-01-01T00:00:00.000Z"
        })
        .execute()
      return { bearer: token }
    }

    it("a system user in the admin group, with a session from before the rule, is no administrator: 403 but on itself, and its password never changes", () =>
      matrix(
        async () => ({ as: await legacySystemAdmin(), password: PASSWORDS.john }),
        (endpoint) =>
          endpoint.path === "/api/v1/me/password"
            ? [409, "SystemUserImmutable"]
            : endpoint.self === true
              ? [successStatus(endpoint), undefined]
              : [403, "Forbidden"]
      ))

    it("a system user never signs in, even with a password hash from before the rule: 401 as a wrong password", async () => {
      await server.reseed()
      await legacySystemAdmin()
      const login = (username: string, password: string) =>
        server.request("POST", "/api/v1/auth/login", { body: { username, password, session: "bearer" } })
      const system = await login("svc", PASSWORDS.john)
      const wrong = await login("carol", PASSWORDS.john)
      expect(system.status).toBe(401)
      expect(system.body).toEqual(wrong.body)
    })
  })
}
