/**
 * Bad input is answered as bad input: 400 (or 413 for a body over the limit) in the one error shape, with a short
 * message that never echoes a long value, and nothing worse than a warning in the log. Never a store failure (503),
 * a crash (500) or a closed connection.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type Answer, bearer, PASSWORDS, type Running, start, stores } from "./support/harness.js"
import { raw } from "./support/rawHttp.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

/** Log lines at ERROR or FATAL level, or that blame the store. */
const errorLines = (server: Running) =>
  server.captured.filter((line) => /"level":"(ERROR|FATAL)"|store failed/.test(line))

const refusedAsBadInput = (answer: Answer, status = 400, tag = "InvalidInput") => {
  expect(answer.status).toBe(status)
  expect(answer.body).toMatchObject({ _tag: tag, status })
  expect(typeof answer.body.message).toBe("string")
  expect(answer.text.length).toBeLessThan(400)
}

for (const [name, open] of stores) {
  describe(`${name}: bad input`, () => {
    let server: Running
    let admin: { bearer: string }
    beforeAll(async () => {
      server = await start(open)
    })
    beforeEach(async () => {
      await server.reseed()
      admin = await bearer(server, "admin", PASSWORDS.admin)
      server.captured.length = 0
    })
    afterAll(async () => {
      await server?.close()
    })

    it("a search or audit filter holding a NUL (or any control character) is refused with 400, never a store failure", async () => {
      for (const path of [
        "/api/v1/users?search=%00",
        "/api/v1/users?search=jo%00hn",
        "/api/v1/groups?search=dev%00",
        "/api/v1/users?search=%1b",
        "/api/v1/audit?target=jo%00hn",
        "/api/v1/audit?actor=%00"
      ]) {
        const answer = await server.request("GET", path, { as: admin })
        refusedAsBadInput(answer)
        expect(answer.body.message).toMatch(/^Invalid (search|target|actor): it cannot contain control characters\.$/)
      }
      expect(errorLines(server)).toEqual([])
    })

    it("a 12,000-character search is refused in a short message that does not quote it", async () => {
      const answer = await server.request("GET", `/api/v1/users?search=${"x".repeat(12_000)}`, { as: admin })
      refusedAsBadInput(answer)
      expect(answer.body.message).toBe("Invalid search: it has at most 256 characters.")
      expect(answer.text).not.toContain("x".repeat(50))
      const groups = await server.request("GET", `/api/v1/groups?search=${"y".repeat(12_000)}`, { as: admin })
      refusedAsBadInput(groups)
      expect(groups.text).not.toContain("y".repeat(50))
      expect(errorLines(server)).toEqual([])
    })

    it("a sign-in whose username holds a NUL is refused with 400, never a store failure", async () => {
      for (const username of ["ad\u0000min", "\u0000", "admin\u0000"]) {
        const answer = await server.request("POST", "/api/v1/auth/login", {
          body: { username, password: PASSWORDS.admin, session: "bearer" }
        })
        refusedAsBadInput(answer)
        expect(answer.body.message).toBe("Invalid username: it cannot contain control characters.")
        expect(answer.body.token).toBeUndefined()
      }
      expect(errorLines(server)).toEqual([])
    })

    it("a body that is not JSON is refused saying what is wrong with it and where, in words no Node line changes", async () => {
      for (const [body, said] of [
        ['{"name":"ops",}', "unexpected '}' where a name in double quotes belongs"],
        ['{"name":"ops"}}', "unexpected '}' at byte 15"],
        ["{'name':'ops'}", "an unexpected character at byte 2"],
        ['{"name":"ops"', "it ends before the value does"]
      ] as const) {
        const answer = await server.request("POST", "/api/v1/groups", { as: admin, raw: body })
        refusedAsBadInput(answer)
        expect(answer.body.message).toBe(`Invalid body: it is not valid JSON (${said}).`)
      }
      expect((await server.request("GET", "/api/v1/groups/ops", { as: admin })).status).toBe(404)
      // No body at all is not a JSON object.
      const empty = await server.request("POST", "/api/v1/groups", { as: admin, raw: "" })
      refusedAsBadInput(empty)
      expect(empty.body.message).toBe("Invalid input: the body must be a JSON object.")
      expect(errorLines(server)).toEqual([])
    })

    it("a body nested 10,000 deep is refused with 400 in the error shape, not a 500 with an empty body", async () => {
      for (const raw of [
        `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
        `${'{"name":'.repeat(10_000)}1${"}".repeat(10_000)}`
      ]) {
        const answer = await server.request("POST", "/api/v1/groups", { as: admin, raw })
        refusedAsBadInput(answer)
        expect(answer.body.message).toBe("Invalid body: it nests arrays and objects deeper than 32 levels.")
      }
      // Brackets inside strings are text, not nesting.
      const bracketed = await server.request("POST", "/api/v1/groups", {
        as: admin,
        raw: JSON.stringify({ name: "[".repeat(100), gid: 7000 })
      })
      expect(bracketed.body._tag).toBe("InvalidInput")
      expect(bracketed.body.field).toBe("name")
      expect(errorLines(server)).toEqual([])
      expect(server.captured.some((line) => /"level":"WARN".*deeper than 32/.test(line))).toBe(true)
    })

    it("a body over 256 KiB is answered 413 in the error shape, not a closed connection", async () => {
      const answer = await server.request("POST", "/api/v1/groups", {
        as: admin,
        raw: JSON.stringify({ name: "x".repeat(300 * 1024) })
      })
      refusedAsBadInput(answer, 413, "PayloadTooLarge")
      expect(answer.body.message).toBe("The request body is larger than the server accepts (262144 bytes).")
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff")
      // The server goes on answering.
      expect((await server.request("GET", "/api/v1/groups", { as: admin })).status).toBe(200)
      expect(errorLines(server)).toEqual([])
      expect(server.captured.some((line) => /"level":"WARN".*refused a request body of/.test(line))).toBe(true)
    })

    it("a body sent in chunks without a length that grows past 256 KiB is answered 413 in the error shape, and its connection goes on", async () => {
      const json = JSON.stringify({ name: "x".repeat(300 * 1024) })
      const chunks = Array.from({ length: Math.ceil(json.length / 65_536) }, (_, i) => {
        const chunk = json.slice(i * 65_536, (i + 1) * 65_536)
        return `${chunk.length.toString(16)}\r\n${chunk}\r\n`
      })
      // The chunked request, then one more on the same connection, which closes it once answered.
      const answer = await raw(
        server.url,
        "POST /api/v1/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `Authorization: Bearer ${admin.bearer}\r\nTransfer-Encoding: chunked\r\n\r\n${chunks.join("")}0\r\n\r\n` +
          `GET /api/v1/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin.bearer}\r\nConnection: close\r\n\r\n`
      )
      expect(answer.status).toBe(413)
      expectSecurityHeaders(answer.headers, "a 413 for a chunked body")
      expect(JSON.parse(answer.body.slice(0, Number(answer.headers["content-length"])))).toEqual({
        _tag: "PayloadTooLarge",
        status: 413,
        message: "The request body is larger than the server accepts (262144 bytes).",
        max: 262144
      })
      expect(answer.body).toMatch(/^{.*}HTTP\/1\.1 200 OK\r\n/)
      expect(errorLines(server)).toEqual([])
      expect(server.captured.some((line) => /"level":"WARN".*grew past the limit/.test(line))).toBe(true)
    })
  })
}
