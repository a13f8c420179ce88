/**
 * Bulk export over HTTP (`GET /api/v1/export`) against a real server over SQLite and PostgreSQL: every user or group
 * as JSON Lines or CSV, streamed page by page, the core deciding who may, every refusal in the API's shape.
 */
import { get, type IncomingMessage } from "node:http"
import { Actor, Imports } from "@user-manager/core"
import { sqliteFile } from "@user-manager/test-stores/stores"
import { Effect, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Answer, bearer, cookie, PASSWORDS, type Running, start, stores } from "./support/harness.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

/** The users of the big export. */
const COUNT = 30_000

const refusal = (answer: Answer, status: number, tag: string) => {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.body).toMatchObject({ _tag: tag, status })
  expect(typeof answer.body.message).toBe("string")
  expectSecurityHeaders(answer.headers, `${status} ${tag}`)
}

/** The records of a JSON Lines text. */
const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))

for (const [name, open] of stores) {
  describe(`${name}: bulk export`, () => {
    let server: Running
    let admin: { bearer: string }
    beforeAll(async () => {
      server = await start(open)
    })
    beforeEach(async () => {
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
    })
    afterAll(async () => {
      await server?.close()
    })

    it("exports every user as JSON Lines, with its fields and without password hashes unless asked", async () => {
      const answer = await server.request("GET", "/api/v1/export", { as: admin })
      expect(answer.status, answer.text).toBe(200)
      expect(answer.headers.get("content-type")).toMatch(/^application\/x-ndjson/)
      expectSecurityHeaders(answer.headers, "an export")
      expect(answer.headers.get("content-disposition")).toBe('attachment; filename="users.ndjson"')
      const records = lines(answer.text)
      expect(records.map((record) => record.username).sort()).toEqual(
        ["admin", "alice", "bob", "carol", "john", "root", "svc"].sort()
      )
      const john = records.find((record) => record.username === "john")
      expect(john).toMatchObject({ firstName: "John", lastName: "Doe", email: "john@example.com", enabled: true })
      expect(john.groups).toEqual(["developers"])
      expect(records.find((record) => record.username === "svc").system).toBe(true)
      expect(answer.text).not.toContain("passwordHash")
      expect(answer.text).not.toContain("$test$")
    })

    it("exports users as CSV by the format parameter or the Accept header, and groups with their GIDs", async () => {
      const byParameter = await server.request("GET", "/api/v1/export?format=csv", { as: admin })
      expect(byParameter.status).toBe(200)
      expect(byParameter.headers.get("content-type")).toMatch(/^text\/csv/)
      const [header, ...rows] = byParameter.text.trim().split(/\r?\n/)
      expect(header?.split(",")).toContain("username")
      expect(rows).toHaveLength(7)
      const byAccept = await server.request("GET", "/api/v1/export", { as: admin, headers: { accept: "text/csv" } })
      expect(byAccept.text).toBe(byParameter.text)
      const groups = await server.request("GET", "/api/v1/export?kind=groups", { as: admin })
      const records = lines(groups.text)
      expect(records.map((record) => record.name).sort()).toEqual(["admins", "analysts", "developers", "empty"])
      expect(records.every((record) => Number.isInteger(record.gid))).toBe(true)
    })

    it("exports the whole directory as one JSON document (groups with GIDs, the GID ledger, users) or as JSON Lines naming each kind, never as CSV", async () => {
      const answer = await server.request("GET", "/api/v1/export?kind=directory", { as: admin })
      expect(answer.status, answer.text).toBe(200)
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/)
      expect(answer.headers.get("content-disposition")).toBe('attachment; filename="directory.json"')
      const document = answer.body
      expect(document).toMatchObject({ format: "user-manager/directory", version: 1 })
      expect(Object.keys(document)).toEqual(["format", "version", "groups", "gids", "users"])
      const gids = document.groups.map((group: { gid: number }) => group.gid)
      expect(document.groups.map((group: { name: string }) => group.name)).toEqual([
        "admins",
        "analysts",
        "developers",
        "empty"
      ])
      expect(document.gids.used).toEqual(expect.arrayContaining(gids))
      expect(document.gids.highWaterMark).toBeGreaterThanOrEqual(Math.max(...gids))
      expect(document.users.find((user: { username: string }) => user.username === "alice").groups.sort()).toEqual([
        "analysts",
        "developers"
      ])
      expect(answer.text).not.toContain("passwordHash")

      const mixed = await server.request("GET", "/api/v1/export?kind=directory&format=ndjson", { as: admin })
      expect(mixed.headers.get("content-type")).toMatch(/^application\/x-ndjson/)
      const records = lines(mixed.text)
      expect(records.map((record) => record.kind)).toEqual([
        ...document.groups.map(() => "group"),
        "gids",
        ...document.users.map(() => "user")
      ])
      expect(records.find((record) => record.kind === "gids")).toEqual({ kind: "gids", ...document.gids })

      refusal(
        await server.request("GET", "/api/v1/export?kind=directory&format=csv", { as: admin }),
        400,
        "InvalidInput"
      )
      refusal(await server.request("GET", "/api/v1/export?kind=users&format=json", { as: admin }), 400, "InvalidInput")
      const john = await bearer(server, "john", PASSWORDS.john)
      refusal(await server.request("GET", "/api/v1/export?kind=directory", { as: john }), 403, "Forbidden")
    })

    it("exports password hashes only when asked, and then the audit trail says who exported them", async () => {
      const auditBefore = await server.request("GET", "/api/v1/audit?action=directory.export", { as: admin })
      expect(auditBefore.body.total).toBe(0)
      const answer = await server.request("GET", "/api/v1/export?includePasswordHashes=true", { as: admin })
      expect(answer.status).toBe(200)
      const john = lines(answer.text).find((record) => record.username === "john")
      expect(typeof john.passwordHash).toBe("string")
      const audit = await server.request("GET", "/api/v1/audit?action=directory.export", { as: admin })
      expect(audit.body.total).toBe(1)
      expect(audit.body.items[0].actor).toBe("admin")
    })

    it("refuses an export by a non-administrator (403) and by an anonymous request (401), before any record", async () => {
      const john = await bearer(server, "john", PASSWORDS.john)
      refusal(await server.request("GET", "/api/v1/export", { as: john }), 403, "Forbidden")
      refusal(await server.request("GET", "/api/v1/export?includePasswordHashes=true", { as: john }), 403, "Forbidden")
      refusal(await server.request("GET", "/api/v1/export?kind=groups", { as: {} }), 401, "Unauthenticated")
      refusal(await server.request("GET", "/api/v1/export?format=xml", { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", "/api/v1/export?kind=everything", { as: admin }), 400, "InvalidInput")
      refusal(await server.request("GET", "/api/v1/export?colour=blue", { as: admin }), 400, "InvalidInput")
      const audit = await server.request("GET", "/api/v1/audit?action=directory.export", { as: admin })
      expect(audit.body.total).toBe(0)
    })

    it("takes a browser's session cookie without the CSRF token, as every read does", async () => {
      const session = await cookie(server, "admin", PASSWORDS.admin)
      const answer = await server.request("GET", "/api/v1/export?format=csv", { as: { cookie: session.cookie } })
      expect(answer.status, answer.text).toBe(200)
      expect(answer.text.split(/\r?\n/).filter((row) => row !== "")).toHaveLength(8)
    })

    it("writes the hashes in a CSV export only when asked, in a passwordHash column", async () => {
      const without = await server.request("GET", "/api/v1/export?format=csv", { as: admin })
      expect(without.text.split(/\r?\n/)[0]).not.toContain("passwordHash")
      const withHashes = await server.request("GET", "/api/v1/export?format=csv&includePasswordHashes=true", {
        as: admin
      })
      expect(withHashes.text.split(/\r?\n/)[0]?.split(",")).toContain("passwordHash")
      expect(withHashes.text).toContain("$test$")
    })
  })
}

describe("SQLite: a big export", () => {
  let server: Running
  beforeAll(async () => {
    server = await start(sqliteFile)
    await server.reseed()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("streams: the answer starts before the directory is read to its end, each page read as the client takes it", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    // Long names, so that the export (about 3 MB) is many times what the sockets and the client buffer.
    const people = Array.from({ length: COUNT }, (_, index) => ({
      kind: "user" as const,
      record: {
        username: `user${String(index).padStart(6, "0")}`,
        firstName: "F".repeat(60),
        lastName: "L".repeat(60),
        email: `user${index}@${"e".repeat(40)}.example.com`,
        groups: ["developers"]
      }
    }))
    await server.run(
      Effect.flatMap(Imports.Imports, (imports) =>
        imports.run(Actor.user("admin"), Stream.fromIterable(people), { batchSize: 5000 })
      )
    )
    // Node's own client, paused after the first chunk: the server can write on only as far as the sockets buffer.
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${server.url}/api/v1/export`, { headers: { authorization: `Bearer ${admin.bearer}` } }, resolve).on(
        "error",
        reject
      )
    )
    expect(response.statusCode).toBe(200)
    response.setEncoding("utf8")
    let text = await new Promise<string>((resolve) => response.once("data", resolve))
    response.pause()
    // Created once the answer has begun, and last by username: an export read whole before answering misses it.
    const late = await server.request("POST", "/api/v1/users", {
      as: admin,
      body: { username: "zz-late", groups: ["developers"] }
    })
    expect(late.status).toBe(201)
    response.on("data", (chunk: string) => {
      text += chunk
    })
    await new Promise((resolve) => response.on("end", resolve).resume())
    const lines = text.trim().split("\n")
    expect(lines).toHaveLength(COUNT + 8)
    expect(JSON.parse(lines.at(-1) as string).username).toBe("zz-late")
  }, 180_000)
})
