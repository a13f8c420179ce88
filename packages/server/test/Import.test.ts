/**
 * Bulk import over HTTP (`POST /api/v1/import`) against a real server over SQLite and PostgreSQL: a CSV or JSON Lines
 * body streamed into the core's import, its own size limit, the core deciding who may, every refusal in the API's
 * shape and nothing written by a refused request.
 */
import { Actor, Users } from "@user-manager/core"
import { sqliteFile } from "@user-manager/test-stores/stores"
import { Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  type Answer,
  bearer,
  type Credentials,
  cookie,
  leaks,
  PASSWORDS,
  type Running,
  snapshot,
  start,
  stores
} from "./support/harness.js"
import { raw } from "./support/rawHttp.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

/** The import limit of the suite's server: small, so that a body over it is cheap to send. */
const LIMIT = 600 * 1024

const ndjson = (records: ReadonlyArray<unknown>) => records.map((record) => `${JSON.stringify(record)}\n`).join("")

/** `count` new users of the group developers, named `<prefix>000000`, `<prefix>000001`, …. */
const people = (count: number, prefix = "user") =>
  Array.from({ length: count }, (_, index) => ({
    username: `${prefix}${String(index).padStart(6, "0")}`,
    firstName: "Bulk",
    lastName: `Number ${index}`,
    groups: ["developers"]
  }))

const refusal = (answer: Answer, status: number, tag: string) => {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.body).toMatchObject({ _tag: tag, status })
  expect(typeof answer.body.message).toBe("string")
  expectSecurityHeaders(answer.headers, `${status} ${tag}`)
}

for (const [name, open] of stores) {
  describe(`${name}: bulk import`, () => {
    let server: Running
    let admin: { bearer: string }
    beforeAll(async () => {
      server = await start(open, { config: { maxImportBytes: LIMIT } })
    })
    beforeEach(async () => {
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
    })
    afterAll(async () => {
      await server?.close()
    })

    const post = (body: string, type: string, query = "", as: Credentials = admin) =>
      server.request("POST", `/api/v1/import${query}`, { as, raw: body, headers: { "content-type": type } })

    const usernames = () =>
      server.run(
        Effect.flatMap(Users.Users, (users) => users.list(Actor.user("admin"), { limit: 1000, sort: "username" }))
      )

    it("imports users from a JSON Lines body and answers the result: each user with its fields and groups", async () => {
      const answer = await post(
        ndjson([
          { username: "dave", firstName: "Dave", lastName: "Jones", email: "dave@example.com", groups: ["developers"] },
          { username: "erin", firstName: "Erin", groups: ["analysts", "developers"] }
        ]),
        "application/x-ndjson"
      )
      expect(answer.status, answer.text).toBe(200)
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/)
      expectSecurityHeaders(answer.headers, "an import")
      expect(answer.body).toMatchObject({ dryRun: false, users: { created: 2, refused: 0 }, refused: [] })
      const dave = await server.request("GET", "/api/v1/users/dave", { as: admin })
      expect(dave.body).toMatchObject({ firstName: "Dave", lastName: "Jones", email: "dave@example.com" })
      const erin = await server.request("GET", "/api/v1/users/erin", { as: admin })
      expect([...erin.body.groups].sort()).toEqual(["analysts", "developers"])
    })

    it("imports users from a CSV body, a user's groups being one comma-separated field", async () => {
      const answer = await post(
        'username,firstName,lastName,groups\ndave,Dave,"Jones, Jr.","developers,analysts"\nerin,Erin,,developers\n',
        "text/csv"
      )
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.users.created).toBe(2)
      const dave = await server.request("GET", "/api/v1/users/dave", { as: admin })
      expect(dave.body.lastName).toBe("Jones, Jr.")
      expect([...dave.body.groups].sort()).toEqual(["analysts", "developers"])
    })

    it("imports groups, keeping their GIDs", async () => {
      const answer = await post("name,gid\nops,5123\n", "text/csv", "?kind=groups")
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.groups.created).toBe(1)
      expect((await server.request("GET", "/api/v1/groups/ops", { as: admin })).body.gid).toBe(5123)
    })

    it("reports a malformed line with its line number and reason, and imports the rest", async () => {
      const body = `${JSON.stringify({ username: "dave", groups: ["developers"] })}\n{not json\n${JSON.stringify({
        username: "erin",
        groups: ["developers"]
      })}\n`
      const answer = await post(body, "application/x-ndjson")
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.users.created).toBe(2)
      expect(answer.body.refused).toHaveLength(1)
      expect(answer.body.refused[0].location).toBe("line 2")
      expect(answer.body.refused[0].kind).toBe("malformed")
      expect(answer.body.refused[0].reason).toMatch(/\S/)
    })

    it("lists a record the core refuses with its location and reason, never the record itself (it may hold a password)", async () => {
      const secret = "a refused record's long secret"
      const answer = await post(
        ndjson([
          { username: "dave", password: secret, groups: ["nonexistent"] },
          { username: "erin", groups: ["developers"] }
        ]),
        "application/x-ndjson"
      )
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.users).toMatchObject({ created: 1, refused: 1 })
      expect(answer.body.refused).toEqual([
        expect.objectContaining({ location: "line 1", kind: "user", name: "dave", reason: expect.any(String) })
      ])
      expect(answer.text).not.toContain(secret)
      expect(leaks(server, [secret])).toEqual([])
    })

    it("imports a whole-directory document (application/json): groups with their GIDs, the GID ledger, users with their groups", async () => {
      const document = {
        format: "user-manager/directory",
        version: 1,
        groups: [{ name: "ops", gid: 7000 }],
        gids: { used: [7000, 7100] },
        users: [{ username: "dave", firstName: "Dave", groups: ["ops", "developers"] }]
      }
      const answer = await post(JSON.stringify(document), "application/json")
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body).toMatchObject({ users: { created: 1 }, groups: { created: 1 }, refused: [] })
      expect((await server.request("GET", "/api/v1/groups/ops", { as: admin })).body.gid).toBe(7000)
      const dave = await server.request("GET", "/api/v1/users/dave", { as: admin })
      expect([...dave.body.groups].sort()).toEqual(["developers", "ops"])
      const exported = await server.request("GET", "/api/v1/export?kind=directory", { as: admin })
      expect(exported.body.gids.used).toEqual(expect.arrayContaining([7000, 7100]))

      const before = await snapshot(server)
      refusal(await post(JSON.stringify(document), "application/json", "?kind=users"), 400, "InvalidInput")
      refusal(await post('{"format": "something else"}', "application/json"), 400, "InvalidInput")
      expect(await snapshot(server)).toEqual(before)
    })

    it("lists each change with its fields when asked, and with prune plans the deletion of what the body does not name", async () => {
      const document = {
        format: "user-manager/directory",
        version: 1,
        groups: [{ name: "developers" }],
        users: [{ username: "john", firstName: "Johnny", groups: ["developers"] }]
      }
      const before = await snapshot(server)
      const plan = await post(
        JSON.stringify(document),
        "application/json",
        "?dryRun=true&onConflict=update&prune=true&listChanges=true"
      )
      expect(plan.status, plan.text).toBe(200)
      expect(plan.body.changes).toContainEqual({
        action: "update",
        kind: "user",
        name: "john",
        fields: { firstName: { from: "John", to: "Johnny" } }
      })
      expect(plan.body.changes).toContainEqual(expect.objectContaining({ action: "delete", kind: "user", name: "bob" }))
      expect(plan.body.deleted.users).toBeGreaterThan(0)
      expect(await snapshot(server)).toEqual(before)
      const without = await post(JSON.stringify(document), "application/json", "?dryRun=true&onConflict=update")
      expect(without.body).toMatchObject({ changes: [], deleted: { users: 0, groups: 0 } })
    })

    it("writes nothing on a dry run, and answers the plan", async () => {
      const before = await snapshot(server)
      const answer = await post(ndjson(people(3)), "application/x-ndjson", "?dryRun=true")
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body).toMatchObject({ dryRun: true, users: { created: 3 } })
      expect(await snapshot(server)).toEqual(before)
    })

    it("takes onConflict, atomic and batchSize from the query, and refuses an unknown or malformed option with 400", async () => {
      const first = await post(ndjson(people(5)), "application/x-ndjson", "?batchSize=2")
      expect(first.body.users.created).toBe(5)
      const changed = people(6).map((person) => ({ ...person, firstName: "Changed" }))
      const again = await post(ndjson(changed), "application/x-ndjson", "?onConflict=skip&atomic=true")
      expect(again.body.users).toMatchObject({ created: 1, skipped: 5 })
      const updated = await post(ndjson(changed.slice(0, 2)), "application/x-ndjson", "?onConflict=update")
      expect(updated.body.users).toMatchObject({ updated: 2 })
      expect((await server.request("GET", "/api/v1/users/user000000", { as: admin })).body.firstName).toBe("Changed")
      const before = await snapshot(server)
      refusal(await post(ndjson(people(1)), "application/x-ndjson", "?onConflict=maybe"), 400, "InvalidInput")
      refusal(await post(ndjson(people(1)), "application/x-ndjson", "?atomic=yes"), 400, "InvalidInput")
      refusal(await post(ndjson(people(1)), "application/x-ndjson", "?batchSize=0"), 400, "InvalidInput")
      refusal(await post(ndjson(people(1)), "application/x-ndjson", "?colour=blue"), 400, "InvalidInput")
      refusal(await post(ndjson(people(1)), "application/json"), 400, "InvalidInput")
      refusal(await post("username\nx\n", "text/csv", "?kind=mixed"), 400, "InvalidInput")
      expect(await snapshot(server)).toEqual(before)
    })

    it("refuses an import by a non-administrator (403) and by an anonymous request (401), writing nothing", async () => {
      const john = await bearer(server, "john", PASSWORDS.john)
      const before = await snapshot(server)
      refusal(await post(ndjson(people(2)), "application/x-ndjson", "", john), 403, "Forbidden")
      refusal(await post(ndjson(people(2)), "application/x-ndjson", "", {}), 401, "Unauthenticated")
      expect(await snapshot(server)).toEqual(before)
    })

    it("takes a body larger than the API's 256 KiB, and refuses one over the import limit with 413, writing nothing", async () => {
      // Records padded with blanks, which JSON allows between fields: big bodies of few records.
      const padded = (count: number) =>
        people(count)
          .map(
            (person) =>
              `{"username": ${JSON.stringify(person.username)},${" ".repeat(8 * 1024)}"groups": ["developers"]}\n`
          )
          .join("")
      const big = padded(40)
      expect(big.length).toBeGreaterThan(256 * 1024)
      expect(big.length).toBeLessThan(LIMIT)
      const taken = await post(big, "application/x-ndjson")
      expect(taken.status, taken.text).toBe(200)
      expect(taken.body.users.created).toBe(40)
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
      const before = await snapshot(server)
      const tooBig = padded(80)
      expect(tooBig.length).toBeGreaterThan(LIMIT)
      const answer = await post(tooBig, "application/x-ndjson")
      refusal(answer, 413, "PayloadTooLarge")
      expect(answer.body.max).toBe(LIMIT)
      expect(await snapshot(server)).toEqual(before)
    })

    /** Sends an import in chunks, without a declared length, below the client libraries. */
    const chunked = (body: string) =>
      raw(
        server.url,
        [
          "POST /api/v1/import HTTP/1.1",
          "host: localhost",
          `authorization: Bearer ${admin.bearer}`,
          "content-type: application/x-ndjson",
          "transfer-encoding: chunked",
          "connection: close",
          "",
          `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
        ].join("\r\n")
      )

    it("takes a body sent in chunks without a length, and refuses one that grows past the limit with 413, writing nothing", async () => {
      const taken = await chunked(ndjson(people(3)))
      expect(taken.status, taken.body).toBe(200)
      expect(JSON.parse(taken.body).users.created).toBe(3)
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
      const before = await snapshot(server)
      // Many records, so that batches would have been written had the body been applied as it arrived.
      const tooBig = ndjson(people(9000))
      expect(tooBig.length).toBeGreaterThan(LIMIT)
      const answer = await chunked(tooBig)
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.body)).toMatchObject({ _tag: "PayloadTooLarge", max: LIMIT })
      expect(await snapshot(server)).toEqual(before)
    })

    it("applies the CSRF rule of every change to a cookie import: refused (403) without the token, imported with it", async () => {
      const session = await cookie(server, "admin", PASSWORDS.admin)
      const before = await snapshot(server)
      refusal(
        await post(ndjson(people(2)), "application/x-ndjson", "", { cookie: session.cookie }),
        403,
        "CsrfTokenInvalid"
      )
      expect(await snapshot(server)).toEqual(before)
      const answer = await post(ndjson(people(2)), "application/x-ndjson", "", session)
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.users.created).toBe(2)
    })

    it("leaves each user once when the same file is imported twice at the same time with onConflict=skip", async () => {
      const body = ndjson(people(300))
      const answers = await Promise.all([
        post(body, "application/x-ndjson", "?onConflict=skip&batchSize=50"),
        post(body, "application/x-ndjson", "?onConflict=skip&batchSize=50")
      ])
      for (const answer of answers) expect(answer.status, answer.text).toBe(200)
      const sum = (field: string) => answers.reduce((total, answer) => total + (answer.body.users[field] as number), 0)
      // Each user created by one import, found already there, and the same, by the other.
      expect(sum("created")).toBe(300)
      expect(sum("unchanged") + sum("skipped")).toBe(300)
      expect(sum("refused")).toBe(0)
      const page = await usernames()
      const bulk = page.items.filter((user) => user.username.startsWith("user"))
      expect(bulk).toHaveLength(300)
      expect(new Set(bulk.map((user) => user.username)).size).toBe(300)
    })
  })
}

describe("SQLite: a bulk import slower than the request timeout", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile, { timeouts: { headersMs: 500, requestMs: 500 } })
    await server.reseed()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("is applied to its end: the body is taken at the client's speed, not the store's, so the timeout does not cut it", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    const started = Date.now()
    const answer = await server.request("POST", "/api/v1/import?batchSize=100", {
      as: admin,
      raw: ndjson(people(20_000)),
      headers: { "content-type": "application/x-ndjson" }
    })
    // Only an import that takes longer than the request timeout proves the rule.
    expect(Date.now() - started).toBeGreaterThan(1000)
    expect(answer.status, answer.text).toBe(200)
    expect(answer.body.users.created).toBe(20_000)
  }, 120_000)
})
