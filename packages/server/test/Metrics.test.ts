/**
 * `GET /metrics`: absent unless the host gives a token, then only for a scraper that sends it; requests counted by
 * route template and status, sign-ins by outcome, the pool's use when the host says how to read it; and nothing in it
 * names a user, a group or a client.
 */
import { sqliteFile } from "@user-manager/test-stores/stores"
import { Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bearer, PASSWORDS, type Running, start } from "./support/harness.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

const TOKEN = "scraper-token-0123456789abcdef"
const scraper = { headers: { authorization: `Bearer ${TOKEN}` } }

/** The value of one sample (`name{labels} value`) in a metrics text, or undefined when it is not there. */
const sample = (text: string, line: string): number | undefined => {
  const found = text.split("\n").find((candidate) => candidate.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

describe("metrics for Prometheus", () => {
  let server: Running
  let plain: Running
  const pool = { size: 10, inUse: 3, waiting: 1 }
  beforeAll(async () => {
    server = await start(sqliteFile, {
      metrics: { token: Redacted.make(TOKEN), pool: () => pool },
      config: { throttle: { maxFailuresPerUsername: 2 } }
    })
    await server.reseed()
    plain = await start(sqliteFile)
  })
  afterAll(async () => {
    await server?.close()
    await plain?.close()
  })

  it("there is no /metrics unless the host gives a token", async () => {
    const answer = await plain.request("GET", "/metrics", scraper)
    expect([answer.status, answer.body._tag]).toEqual([404, "RouteNotFound"])
  })

  it("a request without the token, or with another, is answered 401 and learns nothing", async () => {
    for (const headers of [{}, { authorization: "Bearer scraper-token-0123456789abcdeX" }, { authorization: TOKEN }]) {
      const answer = await server.request("GET", "/metrics", { headers })
      expect(answer.status).toBe(401)
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="metrics"')
      expect(answer.text).not.toContain("dt_http_requests_total")
      expectSecurityHeaders(answer.headers, "/metrics 401")
    }
  })

  it("a scraper with the token gets the Prometheus text format, the process's own figures among them", async () => {
    const answer = await server.request("GET", "/metrics", scraper)
    expect(answer.status).toBe(200)
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(answer.text).toContain("# TYPE dt_http_requests_total counter")
    expect(answer.text).toContain("# TYPE dt_http_request_duration_seconds histogram")
    expect(answer.text).toContain("process_cpu_user_seconds_total")
    expect(answer.text).toContain("nodejs_eventloop_lag_seconds")
  })

  it("requests are counted by route template, never by a path that names a user, and strangers' paths share one label", async () => {
    const admin = await bearer(server, "admin", PASSWORDS.admin)
    for (const name of ["john", "carol"]) {
      expect((await server.request("GET", `/api/v1/users/${name}`, { as: admin })).status).toBe(200)
    }
    expect((await server.request("GET", "/api/v1/users/nobody-here", { as: admin })).status).toBe(404)
    await server.request("GET", "/wp-login.php")
    await server.request("GET", "/.env")
    const text = (await server.request("GET", "/metrics", scraper)).text
    expect(sample(text, 'dt_http_requests_total{method="GET",route="/api/v1/users/:username",status="200"}')).toBe(2)
    expect(sample(text, 'dt_http_requests_total{method="GET",route="/api/v1/users/:username",status="404"}')).toBe(1)
    expect(
      sample(text, 'dt_http_requests_total{method="GET",route="(unmatched)",status="404"}')
    ).toBeGreaterThanOrEqual(2)
    expect(sample(text, 'dt_http_request_duration_seconds_count{method="GET",route="/api/v1/users/:username"}')).toBe(3)
    for (const secret of ["john", "carol", "nobody-here", "wp-login", ".env", "127.0.0.1", admin.bearer]) {
      expect(text).not.toContain(secret)
    }
  })

  it("sign-ins are counted by outcome: success, rejected, throttled", async () => {
    const before = (await server.request("GET", "/metrics", scraper)).text
    const count = (text: string, outcome: string) => sample(text, `dt_sign_ins_total{outcome="${outcome}"}`) ?? 0
    await bearer(server, "john", PASSWORDS.john)
    // Wrong passwords until the throttle locks carol's name out (it allows two failures a name here).
    const statuses: Array<number> = []
    for (let attempt = 0; attempt < 4; attempt++) {
      const wrong = await server.request("POST", "/api/v1/auth/login", {
        body: { username: "carol", password: "not carol's password" }
      })
      statuses.push(wrong.status)
    }
    expect(statuses).toContain(401)
    expect(statuses).toContain(429)
    const after = (await server.request("GET", "/metrics", scraper)).text
    expect(count(after, "success") - count(before, "success")).toBe(1)
    expect(count(after, "rejected") - count(before, "rejected")).toBe(statuses.filter((s) => s === 401).length)
    expect(count(after, "throttled") - count(before, "throttled")).toBe(statuses.filter((s) => s === 429).length)
  })

  it("the store's pool is shown as the host reads it: its size, connections in use, requests waiting", async () => {
    const text = (await server.request("GET", "/metrics", scraper)).text
    expect([
      sample(text, "dt_store_pool_size"),
      sample(text, "dt_store_pool_in_use"),
      sample(text, "dt_store_pool_waiting")
    ]).toEqual([10, 3, 1])
    pool.waiting = 0
    expect(sample((await server.request("GET", "/metrics", scraper)).text, "dt_store_pool_waiting")).toBe(0)
  })
})
