/**
 * Property-based fuzzing of every endpoint with requests that are wrong by construction: malformed JSON, bodies and
 * fields of the wrong type, unknown or missing fields, huge and Unicode strings, SQL and HTML metacharacters in
 * names, bad query parameters and If-Match headers. Every answer is a 4xx in the error shape, and the directory is
 * exactly as it was.
 */
import { MAX_PAGE_SIZE } from "@user-manager/core/Page"
import { sqliteFile } from "@user-manager/test-stores/stores"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as EntityTags from "../src/internal/entityTags.js"
import { bearer, leaks, PASSWORDS, type Running, snapshot, start } from "./support/harness.js"

/** How many requests each property sends (5,120 in all). */
const RUNS = 640

const VALID_NAME = /^[a-z_][a-z0-9._-]{0,31}$/

const metacharacters = fc.constantFrom(
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "admin'--",
  "%",
  "_",
  "\\",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "&amp;&lt;",
  "$" + "{7*7}",
  "{{7*7}}",
  "../../etc/passwd",
  "\u0000",
  "\u202e",
  "🦄🦄",
  "Ünïcödé",
  "名前",
  " ",
  ""
)

/** Text of every kind: metacharacters, Unicode, control characters, and strings far over every limit. */
const nasty = fc.oneof(
  metacharacters,
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.tuple(metacharacters, fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
  fc.integer({ min: 300, max: 8_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 33, max: 200 }).map((n) => "a".repeat(n))
)

/**
 * The same, short enough for a URL or a header: Node itself answers 431 (before any application code) when the
 * request line and headers pass 16 KiB, so those strings stay under 4,000 characters.
 */
const nastyShort = nasty.map((text) => text.slice(0, 4000))

/** A user or group name that breaks the naming rule. */
const badName = nasty.filter((text) => !VALID_NAME.test(text))
const badShortName = nastyShort.filter((text) => !VALID_NAME.test(text))

/** A JSON value of the wrong type for a text or list field (null is allowed for some fields, so it is left out). */
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 })
)

/** A body that is not JSON at all. */
const malformedJson = fc.oneof(
  fc.constantFrom("{", '{"username":', "[1,2", "nul", '{"a":1,}', "{'a':1}", "\u0000", '{"a":"\\x"}', "<xml/>"),
  fc.string({ maxLength: 30 }).filter((text) => {
    try {
      JSON.parse(text)
      return false
    } catch {
      return true
    }
  })
)

/** A body that is JSON but not an object. */
const notAnObject = fc.oneof(
  fc.array(fc.jsonValue(), { maxLength: 4 }),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constant(null),
  fc.boolean()
)

type Field = "text" | "names" | "name" | "boolean" | "number"

interface BodyEndpoint {
  readonly method: string
  readonly path: string
  readonly valid: Record<string, unknown>
  readonly fields: Record<string, Field>
  readonly required: ReadonlyArray<string>
}

const bodyEndpoints: ReadonlyArray<BodyEndpoint> = [
  {
    method: "POST",
    path: "/api/v1/users",
    valid: { username: "dave", groups: ["developers"] },
    fields: {
      username: "name",
      firstName: "text",
      lastName: "text",
      email: "text",
      password: "text",
      groups: "names",
      system: "boolean"
    },
    required: ["username", "groups"]
  },
  {
    method: "PATCH",
    path: "/api/v1/users/bob",
    valid: {},
    fields: { firstName: "text", lastName: "text", email: "text", groups: "names" },
    required: []
  },
  {
    method: "PUT",
    path: "/api/v1/users/bob/password",
    valid: { password: "a long new secret" },
    fields: { password: "text" },
    required: ["password"]
  },
  {
    method: "POST",
    path: "/api/v1/groups",
    valid: { name: "ops" },
    fields: { name: "name", gid: "number", members: "names" },
    required: ["name"]
  },
  {
    method: "PATCH",
    path: "/api/v1/groups/empty",
    valid: {},
    fields: { name: "name", members: "names" },
    required: []
  },
  {
    method: "POST",
    path: "/api/v1/groups/empty/members",
    valid: { usernames: ["bob"] },
    fields: { usernames: "names" },
    required: ["usernames"]
  },
  {
    method: "DELETE",
    path: "/api/v1/groups/analysts/members",
    valid: { usernames: ["alice"] },
    fields: { usernames: "names" },
    required: ["usernames"]
  },
  {
    method: "PUT",
    path: "/api/v1/me/password",
    valid: { current: PASSWORDS.admin, next: "a long new secret" },
    fields: { current: "text", next: "text" },
    required: ["current", "next"]
  },
  {
    method: "POST",
    path: "/api/v1/auth/login",
    valid: { username: "admin", password: "wrong password" },
    fields: { username: "text", password: "text" },
    required: ["username", "password"]
  }
]

/** A value that breaks a field of this kind: the wrong type, or (for names) a name that breaks the rule. */
const breaking = (kind: Field): fc.Arbitrary<unknown> => {
  switch (kind) {
    case "name":
      return fc.oneof(wrongType, fc.constant(null), badName)
    case "names":
      return fc.oneof(
        fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 })),
        fc
          .tuple(fc.array(fc.constantFrom("bob", "alice"), { maxLength: 2 }), badName)
          .map(([good, bad]) => [...good, bad]),
        fc.array(wrongType, { minLength: 1, maxLength: 3 })
      )
    case "boolean":
      return fc.oneof(fc.integer(), fc.string(), fc.array(fc.boolean()), fc.constant(null))
    case "number":
      return fc.oneof(
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.double().filter((n) => !Number.isInteger(n)),
        fc.constantFrom(0, -1, 65534, 65535, 2_147_483_647, 1000)
      )
    case "text":
      return fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.array(fc.string(), { maxLength: 2 }),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 })
      )
  }
}

/** A request to a body endpoint that is wrong in one way (or more). */
const badBody = (endpoint: BodyEndpoint) =>
  fc.oneof(
    malformedJson.map((raw) => ({ raw })),
    notAnObject.map((body) => ({ body })),
    fc
      .constantFrom(...Object.keys(endpoint.fields))
      .chain((field) =>
        breaking(endpoint.fields[field] as Field).map((value) => ({ body: { ...endpoint.valid, [field]: value } }))
      ),
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !(key in endpoint.fields)),
        fc.jsonValue()
      )
      .map(([key, value]) => ({ body: { ...endpoint.valid, [key]: value } })),
    ...(endpoint.required.length === 0
      ? []
      : [
          fc.constantFrom(...endpoint.required).map((field) => {
            const { [field]: _removed, ...rest } = endpoint.valid
            return { body: rest }
          })
        ])
  )

// "." and ".." are dot segments, which the URL standard removes before any server sees the path (`/api/v1/users/.`
// is `/api/v1/users/`, the list): they name nothing, so they are no bad name to send.
const encoded = badShortName
  .map((name) => name.slice(0, 1000))
  .filter((name) => name !== "" && name !== "." && name !== "..")
  .map((name) => encodeURIComponent(name))

/** Requests whose path names a user or group that breaks the naming rule. */
const badPath = fc.oneof(
  encoded.map((name) => ({ method: "GET", path: `/api/v1/users/${name}` })),
  encoded.map((name) => ({ method: "DELETE", path: `/api/v1/users/${name}` })),
  encoded.map((name) => ({ method: "POST", path: `/api/v1/users/${name}/enable` })),
  encoded.map((name) => ({ method: "POST", path: `/api/v1/users/${name}/disable` })),
  encoded.map((name) => ({ method: "PUT", path: `/api/v1/users/bob/groups/${name}` })),
  encoded.map((name) => ({ method: "DELETE", path: `/api/v1/users/${name}/groups/developers` })),
  encoded.map((name) => ({ method: "GET", path: `/api/v1/groups/${name}` })),
  encoded.map((name) => ({ method: "GET", path: `/api/v1/groups/${name}/members` })),
  encoded.map((name) => ({ method: "GET", path: `/api/v1/groups/developers/members?after=${name}` })),
  encoded.map((name) => ({ method: "DELETE", path: `/api/v1/groups/${name}` })),
  encoded.map((name) => ({ method: "PATCH", path: `/api/v1/users/${name}`, body: { firstName: "Robert" } })),
  encoded.map((name) => ({ method: "PATCH", path: `/api/v1/groups/${name}`, body: { name: "vacant" } }))
)

/** Whether a query parameter would decode as a whole number in the range (as `Number` reads it, or more loosely). */
const acceptable = (text: string, min: number, max: number) => {
  const n = Number(text)
  return Number.isInteger(n) && n >= min && n <= max
}
const SORTS = new Set(["username", "fullName", "firstName", "lastName", "groups", "email", "enabled", "system"])
for (const sort of ["createdAt", "updatedAt", "name", "gid", "members"]) SORTS.add(sort)

const badLimit = fc.oneof(
  fc.constantFrom("0", "-1", String(MAX_PAGE_SIZE + 1), "1.5", "1e4", "abc", "NaN", "Infinity"),
  fc.integer({ min: MAX_PAGE_SIZE + 1 }).map(String),
  nastyShort.filter((text) => !acceptable(text, 1, MAX_PAGE_SIZE))
)
const badOffset = fc.oneof(
  fc.constantFrom("-1", "1.5", "abc", "-0.5"),
  nastyShort.filter((text) => !acceptable(text, 0, Number.MAX_SAFE_INTEGER))
)
const badSort = nastyShort.filter((text) => !SORTS.has(text))
const badOrder = nastyShort.filter((text) => text !== "asc" && text !== "desc")

/** List requests with a query parameter out of its range or type, or repeated. */
const badQuery = fc.oneof(
  fc.constantFrom("/api/v1/users", "/api/v1/groups", "/api/v1/audit").chain((path) =>
    fc.oneof(
      badLimit.map((value) => `${path}?limit=${encodeURIComponent(value)}`),
      badOffset.map((value) => `${path}?offset=${encodeURIComponent(value)}`),
      fc.constant(`${path}?limit=1&limit=2`)
    )
  ),
  badLimit.map((value) => `/api/v1/groups/developers/members?limit=${encodeURIComponent(value)}`),
  nastyShort
    .filter((text) => text.length > 256)
    .map((value) => `/api/v1/groups/developers/members?search=${encodeURIComponent(value.slice(0, 4000))}`),
  fc.constantFrom("/api/v1/users", "/api/v1/groups").chain((path) =>
    fc.oneof(
      badSort.map((value) => `${path}?sort=${encodeURIComponent(value)}`),
      badOrder.map((value) => `${path}?order=${encodeURIComponent(value)}`),
      nastyShort
        .filter((text) => text.length > 256)
        .map((value) => `${path}?search=${encodeURIComponent(value.slice(0, 4000))}`)
    )
  ),
  badSort
    .filter((text) => !/^(user|group|directory)\./.test(text))
    .map((value) => `/api/v1/audit?action=${encodeURIComponent(value)}`),
  nastyShort
    .filter((text) => Number.isNaN(Date.parse(text)))
    .map((value) => `/api/v1/audit?since=${encodeURIComponent(value)}`),
  fc
    .tuple(
      fc.constantFrom("/api/v1/users/bob", "/api/v1/users/bob/disable", "/api/v1/users/alice/groups/analysts"),
      nastyShort
    )
    .filter(([, value]) => value !== "true" && value !== "false")
    .map(([path, value]) => `${path}?dryRun=${encodeURIComponent(value)}`)
)

const dryRunMethod = (path: string) => (path.endsWith("/disable") ? "POST" : "DELETE")

/** An If-Match value that is neither `*`, a list of entity tags, nor a bare version (which the API reads as its ETag). */
const badIfMatch = nastyShort.filter(
  (text) => EntityTags.parse(text) === undefined && !/^\s*\d+\s*$/.test(text) && /^[\t\x20-\x7e]*$/.test(text)
)

describe("fuzzing every endpoint", () => {
  let server: Running
  let admin: { bearer: string }
  let before: Awaited<ReturnType<typeof snapshot>>
  let sent = 0

  beforeAll(async () => {
    server = await start(sqliteFile, {
      config: {
        throttle: {
          maxFailuresPerUserAddress: 1_000_000,
          maxFailuresPerAddress: 1_000_000,
          delayAfterUserFailures: 1_000_000,
          windowMillis: 60_000
        }
      }
    })
    await server.reseed()
    admin = await bearer(server, "admin", PASSWORDS.admin)
    before = await snapshot(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const refused = async (method: string, path: string, options: Parameters<Running["request"]>[2]) => {
    sent++
    const answer = await server.request(method, path, { as: admin, ...options })
    if (answer.status < 400 || answer.status > 499) {
      throw new Error(
        `${method} ${path} ${JSON.stringify(options).slice(0, 300)} answered ${answer.status}: ${answer.text.slice(0, 300)}`
      )
    }
    if (typeof answer.body?._tag !== "string" || typeof answer.body?.message !== "string") {
      throw new Error(
        `${method} ${path.slice(0, 200)} answered ${answer.status} without the error shape: ${answer.text.slice(0, 200)}`
      )
    }
  }

  for (const endpoint of bodyEndpoints.slice(0, 5)) {
    it(`${endpoint.method} ${endpoint.path} refuses every malformed body with a 4xx in the error shape`, async () => {
      await fc.assert(
        fc.asyncProperty(badBody(endpoint), (request) => refused(endpoint.method, endpoint.path, request)),
        { numRuns: RUNS / 2 }
      )
    })
  }

  it("the other body endpoints (members, passwords, login) refuse every malformed body", async () => {
    const others = bodyEndpoints.slice(5)
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...others)
          .chain((endpoint) => badBody(endpoint).map((request) => [endpoint, request] as const)),
        ([endpoint, request]) => refused(endpoint.method, endpoint.path, request)
      ),
      { numRuns: RUNS * 3 }
    )
    // 1,920 requests, some of them sign-ins padded to a failure's constant time: ~20 s alone, 50 s on a busy machine.
  }, 180_000)

  it("every endpoint with a user or group in its path refuses a name that breaks the rule", async () => {
    await fc.assert(
      fc.asyncProperty(badPath, (request) =>
        refused(request.method, request.path, "body" in request ? { body: request.body } : {})
      ),
      { numRuns: RUNS }
    )
  })

  it("every list and dry-run endpoint refuses a query parameter out of its range or type", async () => {
    await fc.assert(
      fc.asyncProperty(badQuery, (path) =>
        refused(path.includes("dryRun=") ? dryRunMethod(path.split("?")[0] as string) : "GET", path, {})
      ),
      { numRuns: RUNS }
    )
  })

  it("every modify endpoint refuses an If-Match header that names no version", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/api/v1/users/bob", "/api/v1/groups/empty"), badIfMatch, (path, ifMatch) =>
        refused("PATCH", path, {
          body: path.includes("users") ? { firstName: "Robert" } : { name: "vacant" },
          headers: { "if-match": ifMatch }
        })
      ),
      { numRuns: RUNS / 2 }
    )
  })

  it("sent at least 5,000 refused requests, and the directory and its sessions are exactly as they were", async () => {
    expect(sent).toBeGreaterThanOrEqual(5000)
    expect(await snapshot(server)).toEqual(before)
    expect(leaks(server)).toEqual([])
  })
})
