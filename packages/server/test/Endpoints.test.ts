/**
 * Every endpoint against a real server on 127.0.0.1, over SQLite (with the real argon2id hasher) and PostgreSQL: what
 * each answers, with which status, and that no answer or log line ever holds a password or a hash.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { bearer, leaks, PASSWORDS, type Running, snapshot, start, stores } from "./support/harness.js"

const NEW_PASSWORDS = ["bob's brand new secret", "john's next long secret", "dave's first secret"]
const USER_FIELDS = [
  "username",
  "firstName",
  "lastName",
  "email",
  "externalId",
  "externalName",
  "enabled",
  "system",
  "groups",
  "createdAt",
  "updatedAt",
  "version",
  "refused"
]
const GROUP_FIELDS = [
  "name",
  "gid",
  "memberCount",
  "members",
  "membersTruncated",
  "externalId",
  "externalName",
  "createdAt",
  "updatedAt",
  "version",
  "refused"
]

for (const [name, open] of stores) {
  describe(`${name}: every endpoint`, () => {
    let server: Running
    let admin: { bearer: string }
    beforeAll(async () => {
      server = await start(open, { hasher: name === "SQLite" ? "argon2" : "test" })
    })
    beforeEach(async () => {
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
    })
    afterAll(async () => {
      await server?.close()
    })

    const refusal = (answer: { status: number; body: Record<string, unknown> }, status: number, tag: string) => {
      expect(answer.status).toBe(status)
      expect(answer.body._tag).toBe(tag)
      expect(typeof answer.body.message).toBe("string")
    }

    it("lists users with search, sort, order, limit and offset, and the exact total", async () => {
      const all = await server.request("GET", "/api/v1/users", { as: admin })
      expect(all.status).toBe(200)
      expect(all.body.total).toBe(7)
      expect(Object.keys(all.body.items[0])).toEqual(USER_FIELDS)
      const page = await server.request("GET", "/api/v1/users?sort=username&order=desc&limit=2&offset=1", { as: admin })
      expect(page.body.items.map((user: { username: string }) => user.username)).toEqual(["root", "john"])
      expect(page.body).toMatchObject({ total: 7, limit: 2, offset: 1 })
      const found = await server.request("GET", "/api/v1/users?search=JO", { as: admin })
      expect(found.body.items.map((user: { username: string }) => user.username)).toEqual(["john"])
      expect(found.body.total).toBe(1)
    })

    it("filters users by enabled, system and group, with a search by email; a bad filter value is one sentence", async () => {
      const names = async (query: string) => {
        const answer = await server.request("GET", `/api/v1/users?${query}`, { as: admin })
        expect(answer.status).toBe(200)
        return [answer.body.total, answer.body.items.map((user: { username: string }) => user.username)]
      }
      const disabled = await server.request("POST", "/api/v1/users/bob/disable", { as: admin })
      expect(disabled.status).toBe(200)
      expect(await names("enabled=false")).toEqual([1, ["bob"]])
      expect(await names("system=true")).toEqual([1, ["svc"]])
      expect(await names("enabled=true&system=false&group=developers")).toEqual([3, ["alice", "carol", "john"]])
      expect(await names("group=analysts&enabled=false")).toEqual([1, ["bob"]])
      expect(await names("group=nowhere")).toEqual([0, []])
      expect(await names("search=EXAMPLE.COM")).toEqual([1, ["john"]])
      for (const [query, message] of [
        ["enabled=maybe", 'Invalid enabled: expected one of "true", "false".'],
        ["system=1", 'Invalid system: expected one of "true", "false".']
      ] as const) {
        const answer = await server.request("GET", `/api/v1/users?${query}`, { as: admin })
        refusal(answer, 400, "InvalidInput")
        expect(answer.body.message).toBe(message)
      }
      const badGroup = await server.request("GET", "/api/v1/users?group=Not%20A%20Group", { as: admin })
      refusal(badGroup, 400, "InvalidInput")
    })

    it("refuses a page larger than the core's largest (1,000) and an unknown sort column with 400", async () => {
      refusal(await server.request("GET", "/api/v1/users?limit=1001", { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", "/api/v1/groups?limit=1001", { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", "/api/v1/audit?limit=1001", { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", "/api/v1/users?sort=password", { as: admin }), 400, "InvalidInput")
      expect((await server.request("GET", "/api/v1/users?limit=1000", { as: admin })).status).toBe(200)
    })

    it("says in one sentence, naming no schema, that a body must be an object and a list of names a list", async () => {
      for (const [method, path, raw, message] of [
        ["POST", "/api/v1/users", "[]", "Invalid input: the body must be a JSON object."],
        ["POST", "/api/v1/users", "null", "Invalid input: the body must be a JSON object."],
        ["DELETE", "/api/v1/groups/analysts/members", "7", "Invalid input: the body must be a JSON object."],
        [
          "POST",
          "/api/v1/users",
          '{"username":"x","groups":"developers"}',
          "Invalid groups: expected a list of group names."
        ],
        ["PATCH", "/api/v1/users/bob", '{"groups":null}', "Invalid groups: expected a list of group names."],
        [
          "POST",
          "/api/v1/groups/analysts/members",
          '{"usernames":"bob"}',
          "Invalid usernames: expected a list of usernames."
        ]
      ] as const) {
        const answer = await server.request(method, path, { as: admin, raw })
        refusal(answer, 400, "InvalidInput")
        expect(answer.body.message, `${method} ${path} ${raw}`).toBe(message)
      }
    })

    it("takes a limit and an offset in decimal digits only, and refuses any other number in one sentence", async () => {
      for (const value of ["0x10", "1e2", "%2010", "10.0", "-1", "", "0", "1001", "9".repeat(16)]) {
        for (const path of ["/api/v1/users", "/api/v1/groups", "/api/v1/audit", "/api/v1/groups/developers/members"]) {
          const answer = await server.request("GET", `${path}?limit=${value}`, { as: admin })
          refusal(answer, 400, "InvalidInput")
          expect(answer.body.message, `${path} ${value}`).toBe(
            "Invalid limit: it must be a whole number from 1 to 1000."
          )
        }
      }
      for (const value of ["0x10", "1e2", "-1", "1.5", "%2B1"]) {
        const answer = await server.request("GET", `/api/v1/users?offset=${value}`, { as: admin })
        refusal(answer, 400, "InvalidInput")
        expect(answer.body.message, value).toBe("Invalid offset: it must be a whole number, 0 or more.")
      }
      const page = await server.request("GET", "/api/v1/users?limit=007&offset=0", { as: admin })
      expect([page.status, page.body.limit, page.body.offset]).toEqual([200, 7, 0])
    })

    it("refuses a query parameter its route does not take, or one given twice, in one sentence, and changes nothing", async () => {
      const before = await snapshot(server)
      for (const [method, path, body, message] of [
        [
          "POST",
          "/api/v1/groups?dryRun=true",
          { name: "drytest" },
          "Invalid dryRun: POST /api/v1/groups takes no query parameters."
        ],
        [
          "PATCH",
          "/api/v1/users/john?dryRun=true",
          { firstName: "Changed" },
          "Invalid dryRun: PATCH /api/v1/users/{username} takes no query parameters."
        ],
        [
          "GET",
          "/api/v1/groups/developers/members?limit=5&offset=5",
          undefined,
          "Invalid offset: GET /api/v1/groups/{name}/members takes only search, limit and after."
        ],
        ["GET", "/api/v1/users?limit=10&limit=20", undefined, "Invalid limit: it is given more than once."],
        [
          "DELETE",
          `/api/v1/users/bob?${"x".repeat(500)}=1`,
          undefined,
          "Invalid query: DELETE /api/v1/users/{username} takes only dryRun."
        ]
      ] as const) {
        const answer = await server.request(method, path, { as: admin, body })
        refusal(answer, 400, "InvalidInput")
        expect(answer.body.message).toBe(message)
      }
      expect(await snapshot(server)).toEqual(before)
    })

    it("names every sort column the list takes when it is given another", async () => {
      const answer = await server.request("GET", "/api/v1/users?sort=password", { as: admin })
      refusal(answer, 400, "InvalidInput")
      expect(answer.body.message).toBe(
        'Invalid sort: expected one of "username", "fullName", "firstName", "lastName", "groups", "email", "enabled", "system", "createdAt", "updatedAt".'
      )
    })

    it("says with each listed and read user and group what the actor may not do with it, by the core's rules", async () => {
      const users = await server.request("GET", "/api/v1/users?sort=username", { as: admin })
      const refused = Object.fromEntries(
        users.body.items.map((user: { username: string; refused: unknown }) => [user.username, user.refused])
      )
      expect(refused.john).toEqual({})
      // A system user is read-only; nobody disables or deletes itself. Each refusal: its tag, sentence and data.
      const system = (action: string) => ({
        _tag: "SystemUserImmutable",
        message: `'svc' is a system user and cannot be changed (refused: ${action}).`,
        username: "svc",
        action
      })
      expect(refused.svc).toEqual({
        update: system("modify"),
        enable: system("enable"),
        disable: system("disable"),
        delete: system("delete"),
        changeGroups: system("modify"),
        resetPassword: system("set a password for")
      })
      const self = (action: string) => ({
        _tag: "SelfLockout",
        message: `You cannot ${action} yourself ('admin'): ask another administrator.`,
        username: "admin",
        action
      })
      expect(refused.admin).toEqual({ disable: self("disable"), delete: self("delete") })
      const svc = await server.request("GET", "/api/v1/users/svc", { as: admin })
      expect(svc.body.refused).toEqual(refused.svc)
      // What the answer refuses, the write refuses with the same error: its tag, data and sentence.
      const deleted = await server.request("DELETE", "/api/v1/users/svc", { as: admin })
      const { status: _, ...writeRefusal } = deleted.body
      expect(writeRefusal).toEqual(refused.svc.delete)
      // A user reading its own record may change nothing through these endpoints: not an administrator.
      const john = await bearer(server, "john", PASSWORDS.john)
      const own = await server.request("GET", "/api/v1/users/john", { as: john })
      expect(own.status).toBe(200)
      expect(own.body.refused.update).toMatchObject({
        _tag: "Forbidden",
        actor: "john",
        reason: { _tag: "NotAdministrator", adminGroup: "admins" }
      })
      expect(own.body.refused.update.message).toMatch(
        /^'john' may not .*: only enabled members of the admin group 'admins' may\.$/
      )
      const groups = await server.request("GET", "/api/v1/groups?sort=name", { as: admin })
      const groupRefused = Object.fromEntries(
        groups.body.items.map((group: { name: string; refused: unknown }) => [group.name, group.refused])
      )
      const protectedGroup = (action: string) => ({
        _tag: "ProtectedGroup",
        message: `'admins' is the admin group and cannot be ${action}.`,
        name: "admins",
        action
      })
      expect(groupRefused.admins).toEqual({ rename: protectedGroup("renamed"), delete: protectedGroup("deleted") })
      expect(groupRefused.analysts).toEqual({})
      const admins = await server.request("GET", "/api/v1/groups/admins", { as: admin })
      expect(admins.body.refused).toEqual(groupRefused.admins)
    })

    it("reads a user with its version as ETag, and answers 404 for an unknown one", async () => {
      const john = await server.request("GET", "/api/v1/users/john", { as: admin })
      expect(john.status).toBe(200)
      expect(john.body).toMatchObject({ username: "john", email: "john@example.com", groups: ["developers"] })
      expect(john.headers.get("etag")).toBe(`"${john.body.version}"`)
      refusal(await server.request("GET", "/api/v1/users/nobody", { as: admin }), 404, "UserNotFound")
      refusal(await server.request("GET", "/api/v1/users/John", { as: admin }), 400, "InvalidInput")
    })

    it("refuses to create a system user with a password (400, naming the password field), and creates nothing", async () => {
      const answer = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: { username: "robot", password: NEW_PASSWORDS[2], groups: ["admins"], system: true }
      })
      refusal(answer, 400, "InvalidInput")
      expect(answer.body.field).toBe("password")
      expect(answer.body.message).toBe("Invalid password: a system user holds none, since system users never sign in.")
      refusal(await server.request("GET", "/api/v1/users/robot", { as: admin }), 404, "UserNotFound")
    })

    it("keeps an identity provider's external id and name on a user and a group, clears them with null, and refuses a bad one (400)", async () => {
      const created = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: { username: "jdoe", externalId: "00u1A", externalName: "John.Doe@Contoso.com", groups: ["analysts"] }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ externalId: "00u1A", externalName: "John.Doe@Contoso.com" })
      const cleared = await server.request("PATCH", "/api/v1/users/jdoe", { as: admin, body: { externalId: null } })
      expect(cleared.body).toMatchObject({ externalId: null, externalName: "John.Doe@Contoso.com" })
      refusal(
        await server.request("PATCH", "/api/v1/users/jdoe", { as: admin, body: { externalId: "x".repeat(1025) } }),
        400,
        "InvalidInput"
      )
      const group = await server.request("POST", "/api/v1/groups", {
        as: admin,
        body: { name: "sales", externalId: "g-1", externalName: "Sales Team" }
      })
      expect(group.body).toMatchObject({ name: "sales", externalId: "g-1", externalName: "Sales Team" })
      const renamed = await server.request("PATCH", "/api/v1/groups/sales", {
        as: admin,
        body: { externalName: null }
      })
      expect(renamed.body).toMatchObject({ externalId: "g-1", externalName: null })
    })

    it("creates a user (201, with its Location and ETag) and refuses a taken username or email, and a missing group (409, 404)", async () => {
      const created = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: {
          username: "dave",
          firstName: "Dave",
          email: "dave@example.com",
          password: NEW_PASSWORDS[2],
          groups: ["analysts"]
        }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ username: "dave", groups: ["analysts"], enabled: true, system: false })
      expect([created.headers.get("location"), created.headers.get("etag")]).toEqual([
        "/api/v1/users/dave",
        `"${created.body.version}"`
      ])
      expect(created.body).not.toHaveProperty("password")
      refusal(
        await server.request("POST", "/api/v1/users", { as: admin, body: { username: "dave", groups: ["analysts"] } }),
        409,
        "UsernameTaken"
      )
      const email = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: { username: "eve", email: "JOHN@example.com", groups: ["analysts"] }
      })
      refusal(email, 409, "EmailTaken")
      expect(email.body.username).toBe("john")
      refusal(
        await server.request("POST", "/api/v1/users", { as: admin, body: { username: "eve", groups: ["nowhere"] } }),
        404,
        "GroupNotFound"
      )
      refusal(
        await server.request("POST", "/api/v1/users", { as: admin, body: { username: "eve", groups: [] } }),
        409,
        "GroupMembershipRequired"
      )
    })

    it("creates a user without names or with empty ones alike, and clears a name given empty (names are optional)", async () => {
      const names = (body: Record<string, unknown>) => [body.firstName, body.lastName]
      const left = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: { username: "dave", groups: ["analysts"] }
      })
      const empty = await server.request("POST", "/api/v1/users", {
        as: admin,
        body: { username: "eve", firstName: "", lastName: "  ", groups: ["analysts"] }
      })
      expect([left.status, names(left.body), empty.status, names(empty.body)]).toEqual([201, ["", ""], 201, ["", ""]])
      const cleared = await server.request("PATCH", "/api/v1/users/bob", {
        as: admin,
        body: { firstName: "", lastName: null }
      })
      expect([cleared.status, names(cleared.body)]).toEqual([200, ["", ""]])
    })

    it("makes, lists and revokes API tokens (administrators signed in as themselves); a token acts with its scope's rights until revoked", async () => {
      const made = await server.request("POST", "/api/v1/tokens", { as: admin, body: { name: "ci", scope: "api" } })
      expect(made.status).toBe(201)
      const value = made.body.token as string
      expect(value).toMatch(/^dtk_[A-Za-z0-9_-]{43}$/)
      expect(Object.keys(made.body.apiToken)).toEqual([
        "name",
        "scope",
        "createdBy",
        "createdAt",
        "expiresAt",
        "lastUsedAt"
      ])
      const ci = { bearer: value }
      expect((await server.request("GET", "/api/v1/users", { as: ci })).status).toBe(200)
      const group = await server.request("POST", "/api/v1/groups", { as: ci, body: { name: "sales" } })
      expect(group.status).toBe(201)
      const listed = await server.request("GET", "/api/v1/tokens", { as: admin })
      expect(listed.body.items).toMatchObject([{ name: "ci", scope: "api", createdBy: "admin" }])
      expect(listed.body.items[0].lastUsedAt).not.toBeNull()
      expect(listed.text).not.toContain(value)
      const audit = await server.request("GET", "/api/v1/audit?actor=token:ci", { as: admin })
      expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(["group.create"])
      // A token never makes a successor; nor does a user who is no administrator.
      refusal(
        await server.request("POST", "/api/v1/tokens", { as: ci, body: { name: "next", scope: "api" } }),
        403,
        "Forbidden"
      )
      const john = await bearer(server, "john", PASSWORDS.john)
      refusal(
        await server.request("POST", "/api/v1/tokens", { as: john, body: { name: "mine", scope: "api" } }),
        403,
        "Forbidden"
      )
      refusal(await server.request("GET", "/api/v1/tokens", { as: john }), 403, "Forbidden")
      refusal(
        await server.request("POST", "/api/v1/tokens", { as: admin, body: { name: "ci", scope: "read" } }),
        409,
        "TokenNameTaken"
      )
      const badName = await server.request("POST", "/api/v1/tokens", {
        as: admin,
        body: { name: "CI Bot", scope: "api" }
      })
      refusal(badName, 400, "InvalidInput")
      refusal(
        await server.request("POST", "/api/v1/tokens", { as: admin, body: { name: "x", scope: "root" } }),
        400,
        "InvalidInput"
      )
      // A read token reads and changes nothing; a SCIM token is for the SCIM endpoints only.
      const reader = await server.request("POST", "/api/v1/tokens", {
        as: admin,
        body: { name: "reports", scope: "read" }
      })
      const reports = { bearer: reader.body.token as string }
      expect((await server.request("GET", "/api/v1/groups", { as: reports })).status).toBe(200)
      refusal(await server.request("DELETE", "/api/v1/groups/sales", { as: reports }), 403, "Forbidden")
      const scim = await server.request("POST", "/api/v1/tokens", { as: admin, body: { name: "entra", scope: "scim" } })
      const onApi = await server.request("GET", "/api/v1/users", { as: { bearer: scim.body.token as string } })
      refusal(onApi, 403, "Forbidden")
      expect(onApi.body.message).toContain("it works at the SCIM endpoints only")
      // Revoked: the next request is refused as a session that ended is.
      expect((await server.request("DELETE", "/api/v1/tokens/ci", { as: admin })).status).toBe(204)
      refusal(await server.request("GET", "/api/v1/users", { as: ci }), 401, "Unauthenticated")
      refusal(await server.request("DELETE", "/api/v1/tokens/ci", { as: admin }), 404, "TokenNotFound")
      refusal(
        await server.request("GET", "/api/v1/users", { as: { bearer: "dtk_madeUpByAStranger000000" } }),
        401,
        "Unauthenticated"
      )
    })

    it("reads and changes the directory's settings (administrators only), refusing a value out of bounds or not a whole number with 400 in the core's sentence", async () => {
      const read = await server.request("GET", "/api/v1/config", { as: admin })
      expect(read.status).toBe(200)
      expect(read.body).toEqual({ adminGroup: "admins", gidMin: 1000, gidMax: 60000, minPasswordLength: 8 })
      const john = await bearer(server, "john", PASSWORDS.john)
      refusal(await server.request("GET", "/api/v1/config", { as: john }), 403, "Forbidden")
      refusal(await server.request("PUT", "/api/v1/config", { as: john, body: { gidMin: 2000 } }), 403, "Forbidden")
      const bad = await server.request("PUT", "/api/v1/config", { as: admin, body: { minPasswordLength: 4 } })
      refusal(bad, 400, "InvalidInput")
      expect(bad.body.message).toContain("minPasswordLength is a whole number from 8 to 256, not 4")
      for (const [body, message] of [
        [{ gidMin: "abc" }, "Invalid gidMin: gidMin is a whole number from 1 to 2147483646, not 'abc'."],
        [
          { minPasswordLength: 9.5 },
          "Invalid minPasswordLength: minPasswordLength is a whole number from 8 to 256, not 9.5."
        ]
      ] as const) {
        const notWhole = await server.request("PUT", "/api/v1/config", { as: admin, body })
        refusal(notWhole, 400, "InvalidInput")
        expect(notWhole.body.message).toBe(message)
      }
      const dry = await server.request("PUT", "/api/v1/config?dryRun=true", { as: admin, body: { gidMin: 3000 } })
      expect([dry.status, dry.body.gidMin]).toEqual([200, 3000])
      const changed = await server.request("PUT", "/api/v1/config", { as: admin, body: { minPasswordLength: 30 } })
      expect(changed.body).toEqual({ adminGroup: "admins", gidMin: 1000, gidMax: 60000, minPasswordLength: 30 })
      const short = await server.request("PUT", "/api/v1/users/bob/password", {
        as: admin,
        body: { password: "twenty-nine characters long!" }
      })
      refusal(short, 400, "InvalidInput")
    })

    it("modifies a user's details and enabled flag in one PATCH: all of it, or nothing when the user may not be disabled", async () => {
      const changed = await server.request("PATCH", "/api/v1/users/bob", {
        as: admin,
        body: { firstName: "Robert", enabled: false }
      })
      expect(changed.status).toBe(200)
      expect(changed.body).toMatchObject({ firstName: "Robert", enabled: false })
      const own = await server.request("GET", "/api/v1/users/admin", { as: admin })
      refusal(
        await server.request("PATCH", "/api/v1/users/admin", { as: admin, body: { firstName: "X", enabled: false } }),
        409,
        "SelfLockout"
      )
      expect((await server.request("GET", "/api/v1/users/admin", { as: admin })).body).toEqual(own.body)
    })

    it("deletes a user or a group only at the version If-Match names: a stale one answers 412 and deletes nothing", async () => {
      const user = await server.request("GET", "/api/v1/users/bob", { as: admin })
      const group = await server.request("GET", "/api/v1/groups/empty", { as: admin })
      await server.request("PATCH", "/api/v1/users/bob", { as: admin, body: { firstName: "Robert" } })
      await server.request("PATCH", "/api/v1/groups/empty", { as: admin, body: { name: "vacant" } })
      await server.request("PATCH", "/api/v1/groups/vacant", { as: admin, body: { name: "empty" } })
      const before = await snapshot(server)
      for (const [path, etag] of [
        ["/api/v1/users/bob", user.headers.get("etag")],
        ["/api/v1/groups/empty", group.headers.get("etag")]
      ] as const) {
        const stale = await server.request("DELETE", path, { as: admin, headers: { "if-match": etag ?? "" } })
        refusal(stale, 412, "ConcurrentModification")
        expect(stale.body.message).toMatch(/was changed by someone else \(version \d+, you had \d+\): reload it/)
      }
      expect(await snapshot(server)).toEqual(before)
      for (const path of ["/api/v1/users/bob", "/api/v1/groups/empty"]) {
        const current = (await server.request("GET", path, { as: admin })).headers.get("etag") ?? ""
        const deleted = await server.request("DELETE", path, { as: admin, headers: { "if-match": current } })
        expect(deleted.status, path).toBe(200)
        refusal(
          await server.request("GET", path, { as: admin }),
          404,
          path.includes("users") ? "UserNotFound" : "GroupNotFound"
        )
      }
    })

    it("If-Match takes a list of ETags and lets a change through when one names the current version, by the strong comparison: a weak ETag never matches (412)", async () => {
      const etagOf = async (path: string) =>
        (await server.request("GET", path, { as: admin })).headers.get("etag") ?? ""
      const versionOf = (etag: string) => Number(etag.replaceAll('"', ""))
      for (const path of ["/api/v1/users/bob", "/api/v1/groups/empty"]) {
        const body = path.includes("users") ? { firstName: "Robert" } : { externalName: "Vacant" }
        const current = await etagOf(path)
        const before = await snapshot(server)
        for (const stale of [`W/${current}`, `"0", W/${current}`, '"0", "999"', '"tomorrow"']) {
          const refused = await server.request("PATCH", path, { as: admin, body, headers: { "if-match": stale } })
          refusal(refused, 412, "ConcurrentModification")
          expect(refused.body.actualVersion, stale).toBe(versionOf(current))
          // A header that names no strong ETag says why nothing can match it.
          if (!stale.includes('"0"')) {
            expect(refused.body.message, stale).toContain(`a weak ETag, W/${current}, never matches`)
          }
          refusal(
            await server.request("DELETE", path, { as: admin, headers: { "if-match": stale } }),
            412,
            "ConcurrentModification"
          )
        }
        expect(await snapshot(server)).toEqual(before)
        const listed = await server.request("PATCH", path, {
          as: admin,
          body,
          headers: { "if-match": `"999", W/"998", ${current}` }
        })
        expect(listed.status, path).toBe(200)
        const next = listed.headers.get("etag") ?? ""
        expect(versionOf(next)).toBeGreaterThan(versionOf(current))
        // A bare version, which earlier releases took, is read as its ETag.
        const bare = await server.request("PATCH", path, {
          as: admin,
          body,
          headers: { "if-match": String(versionOf(next)) }
        })
        expect(bare.status, path).toBe(200)
        expect((await server.request("PATCH", path, { as: admin, body, headers: { "if-match": "*" } })).status).toBe(
          200
        )
        const deleted = await server.request("DELETE", path, {
          as: admin,
          headers: { "if-match": `"0", ${await etagOf(path)}` }
        })
        expect(deleted.status, path).toBe(200)
        // Without a current record the condition is not evaluated: the answer is the one without it.
        refusal(
          await server.request("DELETE", path, { as: admin, headers: { "if-match": "*" } }),
          404,
          path.includes("users") ? "UserNotFound" : "GroupNotFound"
        )
      }
    })

    it("a malformed If-Match is refused with 400 in one sentence, and changes nothing", async () => {
      const before = await snapshot(server)
      for (const header of ['"3" "4"', "W/3", "yesterday", '*, "3"', ""]) {
        const refused = await server.request("PATCH", "/api/v1/users/bob", {
          as: admin,
          body: { firstName: "Robert" },
          headers: { "if-match": header }
        })
        refusal(refused, 400, "InvalidInput")
        expect(refused.body.message, header).toBe(
          'Invalid If-Match: it must be * or ETags separated by commas, such as "3" or "3", "4".'
        )
      }
      expect(await snapshot(server)).toEqual(before)
    })

    it("an If-Match naming a version past the safe integers, or more than 16 ETags, changes nothing", async () => {
      const before = await snapshot(server)
      for (const header of ["99999999999999999999", '"99999999999999999999"']) {
        const stale = await server.request("PATCH", "/api/v1/users/bob", {
          as: admin,
          body: { firstName: "Robert" },
          headers: { "if-match": header }
        })
        refusal(stale, 412, "ConcurrentModification")
      }
      const many = await server.request("PATCH", "/api/v1/users/bob", {
        as: admin,
        body: { firstName: "Robert" },
        headers: { "if-match": Array.from({ length: 17 }, (_, index) => `"${index}"`).join(", ") }
      })
      refusal(many, 400, "InvalidInput")
      expect(many.body.message).toBe("Invalid If-Match: it names more than 16 ETags.")
      expect(await snapshot(server)).toEqual(before)
    })

    it("modifies a user; a stale If-Match answers 412 and changes nothing", async () => {
      const before = await server.request("GET", "/api/v1/users/bob", { as: admin })
      const etag = before.headers.get("etag") as string
      const changed = await server.request("PATCH", "/api/v1/users/bob", {
        as: admin,
        body: { firstName: "Robert", lastName: "Builder", groups: ["analysts", "developers"] },
        headers: { "if-match": etag }
      })
      expect(changed.status).toBe(200)
      expect(changed.body).toMatchObject({ firstName: "Robert", groups: ["analysts", "developers"] })
      expect(changed.headers.get("etag")).toBe(`"${changed.body.version}"`)
      const stale = await server.request("PATCH", "/api/v1/users/bob", {
        as: admin,
        body: { firstName: "Bobby" },
        headers: { "if-match": etag }
      })
      refusal(stale, 412, "ConcurrentModification")
      expect(stale.body).toMatchObject({ expectedVersion: before.body.version, actualVersion: changed.body.version })
      expect((await server.request("GET", "/api/v1/users/bob", { as: admin })).body.firstName).toBe("Robert")
      refusal(
        await server.request("PATCH", "/api/v1/users/bob", {
          as: admin,
          body: { firstName: "X" },
          headers: { "if-match": "yesterday" }
        }),
        400,
        "InvalidInput"
      )
      refusal(
        await server.request("PATCH", "/api/v1/users/svc", { as: admin, body: { firstName: "X" } }),
        409,
        "SystemUserImmutable"
      )
      refusal(
        await server.request("PATCH", "/api/v1/users/bob", { as: admin, body: { password: "sneaky password" } }),
        400,
        "InvalidInput"
      )
    })

    it("deletes a user (a dry run changes nothing) and refuses to delete a system user or oneself", async () => {
      const before = await snapshot(server)
      const dry = await server.request("DELETE", "/api/v1/users/bob?dryRun=true", { as: admin })
      expect(dry.status).toBe(200)
      expect(await snapshot(server)).toEqual(before)
      expect((await server.request("DELETE", "/api/v1/users/bob", { as: admin })).status).toBe(200)
      refusal(await server.request("GET", "/api/v1/users/bob", { as: admin }), 404, "UserNotFound")
      refusal(await server.request("DELETE", "/api/v1/users/svc", { as: admin }), 409, "SystemUserImmutable")
      refusal(await server.request("DELETE", "/api/v1/users/admin", { as: admin }), 409, "SelfLockout")
    })

    it("answers each change with dryRun=true as it would be and changes nothing: enable, disable, memberships, members, a group's delete", async () => {
      expect((await server.request("POST", "/api/v1/users/bob/disable", { as: admin })).status).toBe(200)
      const before = await snapshot(server)
      const dry = async (method: string, path: string, body?: unknown) => {
        const answer = await server.request(method, `${path}?dryRun=true`, { as: admin, body })
        expect(answer.status, `${method} ${path}`).toBe(200)
        return answer.body
      }
      expect((await dry("POST", "/api/v1/users/bob/enable")).enabled).toBe(true)
      expect((await dry("POST", "/api/v1/users/john/disable")).enabled).toBe(false)
      expect((await dry("PUT", "/api/v1/users/bob/groups/developers")).groups).toEqual(["analysts", "developers"])
      expect((await dry("DELETE", "/api/v1/users/alice/groups/analysts")).groups).toEqual(["developers"])
      expect((await dry("POST", "/api/v1/groups/empty/members", { usernames: ["john", "bob"] })).memberCount).toBe(2)
      expect((await dry("DELETE", "/api/v1/groups/analysts/members", { usernames: ["alice"] })).memberCount).toBe(1)
      expect((await dry("DELETE", "/api/v1/groups/empty")).name).toBe("empty")
      expect(await snapshot(server)).toEqual(before)
    })

    it("disables and enables a user; a disabled user cannot sign in", async () => {
      const disabled = await server.request("POST", "/api/v1/users/john/disable", { as: admin })
      expect(disabled.body.enabled).toBe(false)
      refusal(
        await server.request("POST", "/api/v1/auth/login", { body: { username: "john", password: PASSWORDS.john } }),
        401,
        "Unauthenticated"
      )
      const enabled = await server.request("POST", "/api/v1/users/john/enable", { as: admin })
      expect(enabled.body.enabled).toBe(true)
      await bearer(server, "john", PASSWORDS.john)
      refusal(await server.request("POST", "/api/v1/users/admin/disable", { as: admin }), 409, "SelfLockout")
    })

    it("resets a password (204): the new one signs in, the old one no longer does", async () => {
      const reset = await server.request("PUT", "/api/v1/users/john/password", {
        as: admin,
        body: { password: NEW_PASSWORDS[1] }
      })
      expect(reset.status).toBe(204)
      refusal(
        await server.request("POST", "/api/v1/auth/login", { body: { username: "john", password: PASSWORDS.john } }),
        401,
        "Unauthenticated"
      )
      await bearer(server, "john", NEW_PASSWORDS[1] as string)
      refusal(
        await server.request("PUT", "/api/v1/users/john/password", { as: admin, body: { password: "short" } }),
        400,
        "InvalidInput"
      )
    })

    it("adds a user to a group and removes it, never from its last group", async () => {
      const added = await server.request("PUT", "/api/v1/users/bob/groups/developers", { as: admin })
      expect(added.body.groups).toEqual(["analysts", "developers"])
      const removed = await server.request("DELETE", "/api/v1/users/bob/groups/analysts", { as: admin })
      expect(removed.body.groups).toEqual(["developers"])
      const last = await server.request("DELETE", "/api/v1/users/bob/groups/developers", { as: admin })
      refusal(last, 409, "GroupMembershipRequired")
      expect(last.body.usernames).toEqual(["bob"])
    })

    it("applies one action to many users in one request (POST /users/bulk), reporting each; a dry run changes nothing", async () => {
      const body = { action: "delete", usernames: ["bob", "svc", "admin", "alice"] }
      const before = await snapshot(server)
      const dry = await server.request("POST", "/api/v1/users/bulk", { as: admin, body: { ...body, dryRun: true } })
      expect(dry.status).toBe(200)
      expect(await snapshot(server)).toEqual(before)
      const outcomes = (answer: { body: Record<string, unknown> }) =>
        (answer.body.results as ReadonlyArray<{ username: string; outcome: string; error?: { _tag: string } }>).map(
          (item) => `${item.username}:${item.outcome}${item.error ? `:${item.error._tag}` : ""}`
        )
      const expected = ["bob:applied", "svc:refused:SystemUserImmutable", "admin:refused:SelfLockout", "alice:applied"]
      expect(outcomes(dry)).toEqual(expected)
      expect(dry.body).toMatchObject({ action: "delete", dryRun: true, applied: 2, refused: 2 })
      const applied = await server.request("POST", "/api/v1/users/bulk", { as: admin, body })
      expect(applied.status).toBe(200)
      expect(outcomes(applied)).toEqual(expected)
      expect(applied.body).toMatchObject({ dryRun: false, applied: 2, refused: 2 })
      refusal(await server.request("GET", "/api/v1/users/bob", { as: admin }), 404, "UserNotFound")
      const added = await server.request("POST", "/api/v1/users/bulk", {
        as: admin,
        body: { action: "addToGroup", group: "analysts", usernames: ["john", "carol"] }
      })
      expect(outcomes(added)).toEqual(["john:applied", "carol:applied"])
    })

    it("reports each refused user of a bulk action with its refusal's data, as the single request's refusal body has it", async () => {
      const single = (method: "DELETE" | "PUT", path: string) => server.request(method, path, { as: admin })
      // The refusal as a request's body, less the HTTP status it answered with.
      const data = ({ body: { status: _, ...refusal } }: { body: Record<string, unknown> }) => refusal
      const stranded = await single("DELETE", "/api/v1/users/john/groups/developers")
      const notMember = await single("DELETE", "/api/v1/users/bob/groups/developers")
      const unknown = await single("DELETE", "/api/v1/users/ghost/groups/developers")
      refusal(stranded, 409, "GroupMembershipRequired")
      expect(stranded.body).toMatchObject({ usernames: ["john"], group: "developers" })
      expect(notMember.body).toMatchObject({ _tag: "NotAMember", usernames: ["bob"], group: "developers" })
      refusal(unknown, 404, "UserNotFound")
      const bulk = await server.request("POST", "/api/v1/users/bulk", {
        as: admin,
        body: { action: "removeFromGroup", group: "developers", usernames: ["john", "bob", "ghost"], dryRun: true }
      })
      expect(bulk.status).toBe(200)
      expect(bulk.body.results).toEqual([
        { username: "john", outcome: "refused", error: data(stranded) },
        { username: "bob", outcome: "refused", error: data(notMember) },
        { username: "ghost", outcome: "refused", error: data(unknown) }
      ])
      const noGroup = await single("PUT", "/api/v1/users/john/groups/nowhere")
      refusal(noGroup, 404, "GroupNotFound")
      const added = await server.request("POST", "/api/v1/users/bulk", {
        as: admin,
        body: { action: "addToGroup", group: "nowhere", usernames: ["john"], dryRun: true }
      })
      expect(added.body.results).toEqual([{ username: "john", outcome: "refused", error: data(noGroup) }])
    })

    it("refuses a malformed bulk action with 400 and changes nothing: an unknown action or field, over 1,000 users, a group missing", async () => {
      const before = await snapshot(server)
      const bulk = (body: unknown) => server.request("POST", "/api/v1/users/bulk", { as: admin, body })
      refusal(await bulk({ action: "promote", usernames: ["bob"] }), 400, "InvalidInput")
      refusal(await bulk({ action: "disable", usernames: ["bob"], force: true }), 400, "InvalidInput")
      refusal(await bulk({ action: "disable", usernames: "bob" }), 400, "InvalidInput")
      const tooMany = await bulk({ action: "disable", usernames: Array.from({ length: 1_001 }, (_, i) => `u${i}`) })
      refusal(tooMany, 400, "InvalidInput")
      expect(tooMany.body.message).toBe(
        "Invalid usernames: a bulk action takes at most 1,000 users and this one names 1,001: split it into smaller ones."
      )
      refusal(await bulk({ action: "removeFromGroup", usernames: ["bob"] }), 400, "InvalidInput")
      expect(await snapshot(server)).toEqual(before)
    })

    it("lists, reads and creates groups", async () => {
      const list = await server.request("GET", "/api/v1/groups?sort=gid&order=asc", { as: admin })
      expect(list.body.items.map((group: { name: string }) => group.name)).toEqual([
        "admins",
        "developers",
        "analysts",
        "empty"
      ])
      expect(Object.keys(list.body.items[0])).toEqual(GROUP_FIELDS)
      const search = await server.request("GET", "/api/v1/groups?search=LYS", { as: admin })
      expect(search.body).toMatchObject({ total: 1, items: [{ name: "analysts" }] })
      const developers = await server.request("GET", "/api/v1/groups/developers", { as: admin })
      expect(developers.body.members).toEqual(["alice", "carol", "john", "svc"])
      expect(developers.headers.get("etag")).toBe(`"${developers.body.version}"`)
      const created = await server.request("POST", "/api/v1/groups", {
        as: admin,
        body: { name: "ops", gid: 5000, members: ["bob"] }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ name: "ops", gid: 5000, members: ["bob"] })
      expect([created.headers.get("location"), created.headers.get("etag")]).toEqual([
        "/api/v1/groups/ops",
        `"${created.body.version}"`
      ])
      refusal(
        await server.request("POST", "/api/v1/groups", { as: admin, body: { name: "ops" } }),
        409,
        "GroupNameTaken"
      )
      refusal(
        await server.request("POST", "/api/v1/groups", { as: admin, body: { name: "web", gid: 65534 } }),
        409,
        "GidOutOfRange"
      )
      refusal(await server.request("GET", "/api/v1/groups/nowhere", { as: admin }), 404, "GroupNotFound")
    })

    it("lists a group's members page by page with `next`, searched within the group; refusals map to 400, 403, 404", async () => {
      const path = "/api/v1/groups/developers/members"
      const all = await server.request("GET", path, { as: admin })
      expect(all.status).toBe(200)
      expect(all.body).toEqual({ items: ["alice", "carol", "john", "svc"] })
      const first = await server.request("GET", `${path}?limit=2`, { as: admin })
      expect(first.body).toEqual({ items: ["alice", "carol"], next: "carol" })
      const second = await server.request("GET", `${path}?limit=2&after=${first.body.next}`, { as: admin })
      expect(second.body).toEqual({ items: ["john", "svc"] })
      const found = await server.request("GET", `${path}?search=${encodeURIComponent("JOHN D")}`, { as: admin })
      expect(found.body).toEqual({ items: ["john"] })
      const outside = await server.request("GET", `${path}?search=bob`, { as: admin })
      expect(outside.body).toEqual({ items: [] })
      refusal(await server.request("GET", `${path}?limit=1001`, { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", `${path}?limit=0`, { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", `${path}?after=NotAName`, { as: admin }), 400, "InvalidInput")
      const john = await bearer(server, "john", PASSWORDS.john)
      refusal(await server.request("GET", path, { as: john }), 403, "Forbidden")
      refusal(await server.request("GET", "/api/v1/groups/nowhere/members", { as: admin }), 404, "GroupNotFound")
    })

    it("renames a group and replaces its members; a stale If-Match answers 412", async () => {
      const empty = await server.request("GET", "/api/v1/groups/empty", { as: admin })
      const renamed = await server.request("PATCH", "/api/v1/groups/empty", {
        as: admin,
        body: { name: "vacant", members: ["bob", "alice"] },
        headers: { "if-match": empty.headers.get("etag") as string }
      })
      expect(renamed.status).toBe(200)
      expect(renamed.body).toMatchObject({ name: "vacant", members: ["alice", "bob"] })
      refusal(
        await server.request("PATCH", "/api/v1/groups/vacant", {
          as: admin,
          body: { members: [] },
          headers: { "if-match": empty.headers.get("etag") as string }
        }),
        412,
        "ConcurrentModification"
      )
      refusal(
        await server.request("PATCH", "/api/v1/groups/admins", { as: admin, body: { name: "wheel" } }),
        409,
        "ProtectedGroup"
      )
      // A refused rename leaves the members alone too.
      const before = await snapshot(server)
      refusal(
        await server.request("PATCH", "/api/v1/groups/vacant", { as: admin, body: { name: "analysts", members: [] } }),
        409,
        "GroupNameTaken"
      )
      expect(await snapshot(server)).toEqual(before)
    })

    it("renames a group and adds and removes members in one PATCH, all or nothing", async () => {
      const analysts = await server.request("GET", "/api/v1/groups/analysts", { as: admin })
      const before = await snapshot(server)
      // bob's only group is analysts: the whole change is refused, the rename too.
      const refused = await server.request("PATCH", "/api/v1/groups/analysts", {
        as: admin,
        body: { name: "analytics", addMembers: ["john"], removeMembers: ["bob"] },
        headers: { "if-match": analysts.headers.get("etag") as string }
      })
      refusal(refused, 409, "GroupMembershipRequired")
      expect(refused.body).toMatchObject({ usernames: ["bob"], count: 1 })
      expect(await snapshot(server)).toEqual(before)
      const changed = await server.request("PATCH", "/api/v1/groups/analysts", {
        as: admin,
        body: { name: "analytics", addMembers: ["john"], removeMembers: ["alice"] },
        headers: { "if-match": analysts.headers.get("etag") as string }
      })
      expect(changed.status).toBe(200)
      expect(changed.body).toMatchObject({ name: "analytics", memberCount: 2, members: ["bob", "john"] })
      refusal(
        await server.request("PATCH", "/api/v1/groups/analytics", {
          as: admin,
          body: { members: ["bob"], removeMembers: ["john"] }
        }),
        400,
        "InvalidInput"
      )
    })

    it("deletes a group, and refuses with 409 listing the users it would leave without a group", async () => {
      const refused = await server.request("DELETE", "/api/v1/groups/analysts", { as: admin })
      refusal(refused, 409, "GroupMembershipRequired")
      expect(refused.body.usernames).toEqual(["bob"])
      expect(refused.body.group).toBe("analysts")
      expect((await server.request("DELETE", "/api/v1/groups/empty", { as: admin })).status).toBe(200)
      refusal(await server.request("DELETE", "/api/v1/groups/admins", { as: admin }), 409, "ProtectedGroup")
    })

    it("adds and removes several members at once, all or none", async () => {
      const added = await server.request("POST", "/api/v1/groups/empty/members", {
        as: admin,
        body: { usernames: ["bob", "john"] }
      })
      expect(added.body.members).toEqual(["bob", "john"])
      const before = await snapshot(server)
      refusal(
        await server.request("POST", "/api/v1/groups/analysts/members", {
          as: admin,
          body: { usernames: ["john", "nobody"] }
        }),
        404,
        "UserNotFound"
      )
      expect(await snapshot(server)).toEqual(before)
      const removed = await server.request("DELETE", "/api/v1/groups/empty/members", {
        as: admin,
        body: { usernames: ["bob", "john"] }
      })
      expect(removed.body.members).toEqual([])
      refusal(
        await server.request("DELETE", "/api/v1/groups/analysts/members", { as: admin, body: { usernames: ["bob"] } }),
        409,
        "GroupMembershipRequired"
      )
    })

    it("answers who am I, and changes one's own password only with the current one", async () => {
      const john = await bearer(server, "john", PASSWORDS.john)
      const me = await server.request("GET", "/api/v1/me", { as: john })
      expect(me.body).toMatchObject({ admin: false, user: { username: "john" } })
      expect((await server.request("GET", "/api/v1/me", { as: admin })).body.admin).toBe(true)
      refusal(
        await server.request("PUT", "/api/v1/me/password", {
          as: john,
          body: { current: "not my password", next: NEW_PASSWORDS[1] }
        }),
        403,
        "Forbidden"
      )
      const changed = await server.request("PUT", "/api/v1/me/password", {
        as: john,
        body: { current: PASSWORDS.john, next: NEW_PASSWORDS[1] }
      })
      expect(changed.status).toBe(204)
      await bearer(server, "john", NEW_PASSWORDS[1] as string)
    })

    it("lists the audit trail, newest first, filtered by actor, target and action", async () => {
      await server.request("POST", "/api/v1/users/bob/disable", { as: admin })
      await server.request("PUT", "/api/v1/users/bob/password", { as: admin, body: { password: NEW_PASSWORDS[0] } })
      const trail = await server.request("GET", "/api/v1/audit?target=bob&limit=10", { as: admin })
      expect(trail.status).toBe(200)
      expect(trail.body.items.map((entry: { action: string }) => entry.action)).toEqual([
        "user.modify",
        "user.disable",
        "user.create"
      ])
      expect(trail.body.items[0].changes).toEqual({ password: "changed" })
      const disables = await server.request("GET", "/api/v1/audit?action=user.disable&actor=admin", { as: admin })
      expect(disables.body.total).toBe(1)
      refusal(await server.request("GET", "/api/v1/audit?action=user.fly", { as: admin }), 400, "InvalidInput")
    })

    it("windows the audit trail by since and until within the years 0000–9999, and refuses a later year in one sentence", async () => {
      const count = async (query: string) =>
        (await server.request("GET", `/api/v1/audit?${query}`, { as: admin })).body.total as number
      const all = await count("")
      expect(all).toBeGreaterThan(0)
      expect([
        await count("since=9999-12-31"),
        await count("until=9999-12-31"),
        await count("until=2000-01-01")
      ]).toEqual([0, all, 0])
      for (const query of ["since=10000-01-01", "until=%2B010000-01-01T00:00:00Z", "since=99999-01-01"]) {
        const answer = await server.request("GET", `/api/v1/audit?${query}`, { as: admin })
        refusal(answer, 400, "InvalidInput")
        expect(answer.body.message).toBe(`Invalid ${query.split("=")[0]}: it must be a date in the years 0000 to 9999.`)
      }
    })

    it("takes the bearer scheme in any case, tells a header of another scheme from a token of the wrong form, and names the scheme in a 401 (WWW-Authenticate) and when to retry in a 429 (Retry-After)", async () => {
      const token = admin.bearer
      for (const scheme of ["bearer", "BEARER", "Bearer"]) {
        const answer = await server.request("GET", "/api/v1/me", { headers: { authorization: `${scheme} ${token}` } })
        expect(answer.status, scheme).toBe(200)
      }
      for (const [authorization, message] of [
        ["Basic YWRtaW46c2VjcmV0", "Sign in first: the Authorization header is not a bearer token."],
        ["Bearer garbage", "Sign in first: the bearer token is not one this server gives out."],
        ["Bearer", "Sign in first: the Authorization header is not a bearer token."]
      ] as const) {
        const answer = await server.request("GET", "/api/v1/me", { headers: { authorization } })
        refusal(answer, 401, "Unauthenticated")
        expect(answer.body.message).toBe(message)
        expect(answer.headers.get("www-authenticate")).toBe("Bearer")
      }
      let answer = await server.request("POST", "/api/v1/auth/login", { body: { username: "john", password: "wrong" } })
      for (let attempt = 0; attempt < 20 && answer.status !== 429; attempt++) {
        answer = await server.request("POST", "/api/v1/auth/login", { body: { username: "john", password: "wrong" } })
      }
      refusal(answer, 429, "TooManyAttempts")
      expect(answer.headers.get("retry-after")).toBe(String(Math.max(1, Math.ceil(answer.body.retryAfterSeconds))))
    })

    it("signs out: the token no longer works", async () => {
      const john = await bearer(server, "john", PASSWORDS.john)
      expect((await server.request("POST", "/api/v1/auth/logout", { as: john })).status).toBe(204)
      refusal(await server.request("GET", "/api/v1/me", { as: john }), 401, "Unauthenticated")
    })

    it("serves the generated OpenAPI document and the sign-in page", async () => {
      const document = await server.request("GET", "/api/openapi.json")
      expect(document.status).toBe(200)
      expect(document.body.info.title).toBe("User Manager API")
      expect(Object.keys(document.body.paths)).toEqual(
        expect.arrayContaining([
          "/api/v1/users",
          "/api/v1/users/{username}",
          "/api/v1/users/{username}/password",
          "/api/v1/groups/{name}/members",
          "/api/v1/me/password",
          "/api/v1/auth/login",
          "/api/v1/audit",
          "/api/v1/sign-in-locks",
          "/api/v1/users/{username}/sign-in-lock"
        ])
      )
      const page = await server.request("GET", "/")
      expect(page.headers.get("content-type")).toMatch(/text\/html/)
      expect(page.text).toContain('<form id="signin-form"')
      expect((await server.request("GET", "/app.js")).text).toContain("/api/v1/auth/login")
    })

    it("answers an unknown route with 404 in the error shape", async () => {
      const missing = await server.request("GET", "/api/v1/nothing", { as: admin })
      refusal(missing, 404, "RouteNotFound")
      expect(missing.headers.get("x-content-type-options")).toBe("nosniff")
      expect(missing.headers.get("cache-control")).toBe("no-store")
      refusal(await server.request("PUT", "/api/v1/nothing", { as: admin, body: {} }), 404, "RouteNotFound")
      // A path the API has, with a method it does not take: 405 (test/Routing.test.ts).
      refusal(await server.request("PUT", "/api/v1/users", { as: admin, body: {} }), 405, "MethodNotAllowed")
    })

    it("never puts a password or a password hash in an answer or a log line", () => {
      expect(server.captured.length).toBeGreaterThan(50)
      expect(leaks(server, NEW_PASSWORDS)).toEqual([])
    })
  })
}
