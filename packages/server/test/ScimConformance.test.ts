/**
 * RFC 7644 (SCIM 2.0 protocol), section by section, against a real server over SQLite and PostgreSQL, with an API
 * token of scope `scim`: authentication (§2), media type (§3.1), create (§3.3), read and list (§3.4), replace (§3.5.1),
 * PATCH (§3.5.2), delete (§3.6), errors (§3.12), versions (§3.14) and discovery (§4). Each test names the section it
 * follows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { bearer, PASSWORDS, stores } from "./support/harness.js"
import {
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  makeToken,
  PATCH_OP,
  type ScimServer,
  startScim,
  USER_SCHEMA
} from "./support/scim.js"

const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName,
  name: { givenName: "Jane", familyName: "Roe" },
  emails: [{ value: `${userName.split("@")[0]}@contoso.com`, type: "work", primary: true }],
  active: true,
  ...extra
})

const patch = (...Operations: ReadonlyArray<Record<string, unknown>>) => ({ schemas: [PATCH_OP], Operations })

for (const [store, open] of stores) {
  describe(`RFC 7644 on ${store}`, () => {
    let s: ScimServer
    beforeAll(async () => {
      s = await startScim(open)
    }, 120_000)
    beforeEach(() => s.reseed())
    afterAll(() => s.server.close())

    describe("§2 authentication", () => {
      it("a request without a token is 401 with WWW-Authenticate and a SCIM error body", async () => {
        const answer = await s.scim("GET", "/Users", { bearer: null })
        expect(answer.status).toBe(401)
        expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer /)
        expect(answer.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: "401" })
        expect(answer.body.detail).toMatch(/token/)
      })

      it("an unknown token, a session's token and a malformed header are 401", async () => {
        const session = await bearer(s.server, "admin", PASSWORDS.admin)
        for (const token of [`dtk_${"x".repeat(43)}`, session.bearer]) {
          const answer = await s.scim("GET", "/Users", { bearer: token })
          expect(answer.status).toBe(401)
          expect(answer.body.schemas).toEqual([ERROR_SCHEMA])
        }
        const malformed = await s.scim("GET", "/Users", { bearer: null, headers: { authorization: "Basic abc" } })
        expect(malformed.status).toBe(401)
      })

      it("a token of another scope is refused at the SCIM endpoints (403), and a scim token at the API", async () => {
        const api = await makeToken(s.server, "automation", "api")
        const refused = await s.scim("GET", "/Users", { bearer: api })
        expect(refused.status).toBe(403)
        expect(refused.body.detail).toMatch(/scope/)
        const atApi = await s.server.request("GET", "/api/v1/users", { as: { bearer: s.token } })
        expect(atApi.status).toBe(403)
      })
    })

    describe("§3.1 media type", () => {
      it("answers application/scim+json, and takes application/scim+json and application/json bodies", async () => {
        const scimBody = await s.scim("POST", "/Users", { body: newUser("first") })
        expect(scimBody.status).toBe(201)
        expect(scimBody.headers.get("content-type")).toMatch(/^application\/scim\+json/)
        const jsonBody = await s.scim("POST", "/Users", {
          body: newUser("second"),
          headers: { "content-type": "application/json" }
        })
        expect(jsonBody.status).toBe(201)
      })

      it("refuses another media type with 415 in the SCIM error shape", async () => {
        const answer = await s.scim("POST", "/Users", { body: newUser("x"), headers: { "content-type": "text/plain" } })
        expect(answer.status).toBe(415)
        expect(answer.body.schemas).toEqual([ERROR_SCHEMA])
      })
    })

    describe("§3.3 create", () => {
      it("POST /Users is 201 with the resource, Location = meta.location, and an ETag = meta.version", async () => {
        const answer = await s.scim("POST", "/Users", { body: newUser("Jane.Roe@contoso.com", { externalId: "e-1" }) })
        expect(answer.status).toBe(201)
        expect(answer.body).toMatchObject({
          schemas: [USER_SCHEMA],
          id: "jane.roe",
          name: { givenName: "Jane", familyName: "Roe" },
          emails: [{ value: "Jane.Roe@contoso.com", primary: true }],
          active: true,
          meta: { resourceType: "User", version: 'W/"1"' }
        })
        expect(answer.headers.get("location")).toBe(answer.body.meta.location)
        expect(answer.headers.get("etag")).toBe(answer.body.meta.version)
        const read = await s.scim("GET", "/Users/jane.roe")
        expect(read.status).toBe(200)
      })

      it("a userName already in use (as given by a provider, or as a username) is 409 uniqueness", async () => {
        expect((await s.scim("POST", "/Users", { body: newUser("Jane.Roe@contoso.com") })).status).toBe(201)
        for (const userName of ["jane.roe@CONTOSO.com", "john"]) {
          const again = await s.scim("POST", "/Users", { body: newUser(userName) })
          expect(again.status).toBe(409)
          expect(again.body).toMatchObject({ scimType: "uniqueness", detail: expect.stringContaining(userName) })
        }
      })

      it("a user created with no group is in the default group 'users'", async () => {
        const answer = await s.scim("POST", "/Users", { body: newUser("nogroup@contoso.com") })
        expect(answer.body.groups.map((group: { display: string }) => group.display)).toEqual(["users"])
      })

      it("POST /Groups is 201 with an id that is the GID, and its members", async () => {
        const answer = await s.scim("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: "Sales Team", members: [{ value: "bob" }] }
        })
        expect(answer.status).toBe(201)
        expect(answer.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), members: [{ value: "bob" }] })
        const read = await s.scim("GET", `/Groups/${answer.body.id}`)
        expect(read.body.members.map((member: { value: string }) => member.value)).toEqual(["bob"])
      })

      it("the userName and displayName are kept as given, the externalId stored", async () => {
        const user = await s.scim("POST", "/Users", { body: newUser("Jane.Roe@contoso.com", { externalId: "e-1" }) })
        expect(user.body).toMatchObject({ id: "jane.roe", userName: "Jane.Roe@contoso.com", externalId: "e-1" })
        const group = await s.scim("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: "Sales Team", externalId: "g-1" }
        })
        expect(group.body).toMatchObject({ displayName: "Sales Team", externalId: "g-1" })
      })
    })

    describe("§3.4.1 read", () => {
      it("GET /Users/{id} answers the user with its groups (value = GID), and 404 in the SCIM shape for none", async () => {
        const answer = await s.scim("GET", "/Users/alice")
        expect(answer.body.groups).toEqual([
          expect.objectContaining({ value: "1002", display: "analysts" }),
          expect.objectContaining({ value: "1001", display: "developers" })
        ])
        const missing = await s.scim("GET", "/Users/nobody")
        expect(missing.status).toBe(404)
        expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: "404" })
        const noGroup = await s.scim("GET", "/Groups/4242")
        expect(noGroup.status).toBe(404)
      })
    })

    describe("§3.4.2 list", () => {
      it("startIndex and count page the list (1-based), with totalResults and itemsPerPage", async () => {
        const first = await s.scim("GET", "/Users?startIndex=1&count=3&sortBy=userName")
        expect(first.body).toMatchObject({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
          totalResults: 7,
          startIndex: 1,
          itemsPerPage: 3
        })
        expect(first.body.Resources.map((user: { id: string }) => user.id)).toEqual(["admin", "alice", "bob"])
        const next = await s.scim("GET", "/Users?startIndex=4&count=3&sortBy=userName")
        expect(next.body.Resources.map((user: { id: string }) => user.id)).toEqual(["carol", "john", "root"])
      })

      it("a listed user's groups (GID, $ref and the shown name) are those its own read shows", async () => {
        const sales = await s.scim("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: "Sales Team", members: [{ value: "bob" }, { value: "alice" }] }
        })
        const list = await s.scim("GET", "/Users?sortBy=id&count=100")
        expect(list.body.Resources).toHaveLength(7)
        for (const listed of list.body.Resources as Array<{ id: string; groups: unknown }>) {
          const read = await s.scim("GET", `/Users/${listed.id}`)
          expect([listed.id, listed.groups]).toEqual([listed.id, read.body.groups])
        }
        const bob = (
          list.body.Resources as Array<{ id: string; groups: Array<{ value: string; display: string }> }>
        ).find((user) => user.id === "bob")
        expect(bob?.groups).toContainEqual(
          expect.objectContaining({ value: sales.body.id, display: "Sales Team", type: "direct" })
        )
        const without = await s.scim("GET", "/Users?sortBy=id&excludedAttributes=groups")
        expect(without.body.Resources.some((user: object) => "groups" in user)).toBe(false)
      })

      it("count=0 answers only totalResults, and sortOrder=descending reverses", async () => {
        const none = await s.scim("GET", "/Users?count=0")
        expect(none.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] })
        const reversed = await s.scim("GET", "/Users?count=2&sortBy=userName&sortOrder=descending")
        expect(reversed.body.Resources.map((user: { id: string }) => user.id)).toEqual(["svc", "root"])
      })

      it("§3.4.2.5 attributes and excludedAttributes choose the attributes (id, schemas and meta always)", async () => {
        const only = await s.scim("GET", "/Users/john?attributes=userName,name.givenName")
        expect(only.body).toEqual({
          schemas: [USER_SCHEMA],
          id: "john",
          userName: "john",
          name: { givenName: "John" },
          meta: expect.objectContaining({ resourceType: "User" })
        })
        const groups = await s.scim("GET", "/Groups?excludedAttributes=members")
        expect(groups.body.Resources.every((group: object) => !("members" in group))).toBe(true)
        expect(groups.body.totalResults).toBe(4)
      })

      describe("§3.4.2.2 filtering", () => {
        const ids = async (path: string, filter: string) => {
          const answer = await s.scim("GET", `${path}?filter=${encodeURIComponent(filter)}&sortBy=id`)
          expect(answer.status).toBe(200)
          return answer.body.Resources.map((resource: { id: string }) => resource.id)
        }

        it("eq, ne, co, sw, ew, pr and the orders, case-insensitive on names", async () => {
          expect(await ids("/Users", 'userName eq "JOHN"')).toEqual(["john"])
          expect(await ids("/Users", 'name.familyName co "o"')).toEqual(["john", "root"])
          expect(await ids("/Users", 'name.givenName sw "a"')).toEqual(["admin", "alice"])
          expect(await ids("/Users", 'emails.value ew "@example.com"')).toEqual(["john"])
          expect(await ids("/Users", "emails pr")).toEqual(["john"])
          expect(await ids("/Users", 'userName gt "root"')).toEqual(["svc"])
          expect(await ids("/Users", 'userName ne "john" and userName le "bob"')).toEqual(["admin", "alice", "bob"])
        })

        it("co, sw and ew of three characters or more on a name match that name alone, whatever holds the text besides", async () => {
          // A name's substring of three characters or more is looked up in the search index (username, full name and
          // email): a user whose username, email or other name holds the text is not a match for it.
          expect(await ids("/Users", 'name.givenName co "OHN"')).toEqual(["john"])
          expect(await ids("/Users", 'name.familyName co "ohn"')).toEqual([])
          expect(await ids("/Users", 'name.familyName co "dmi"')).toEqual(["admin"])
          expect(await ids("/Users", 'name.givenName sw "ali"')).toEqual(["alice"])
          expect(await ids("/Users", 'name.givenName ew "ICE"')).toEqual(["alice", "svc"])
          expect(await ids("/Users", 'name.familyName sw "dmi"')).toEqual([])
          // A prefix that is the whole name, and one just before a name in order (SQLite reads a range of the index).
          expect(await ids("/Users", 'name.familyName sw "DOE"')).toEqual(["john"])
          expect(await ids("/Users", 'name.familyName sw "dod"')).toEqual([])
          expect(await ids("/Users", 'not (name.givenName sw "jo")')).toEqual([
            "admin",
            "alice",
            "bob",
            "carol",
            "root",
            "svc"
          ])
          expect(await ids("/Users", 'name.familyName ew "example.com"')).toEqual([])
          expect(await ids("/Users", 'not (name.familyName co "roo") and name.givenName pr')).toEqual([
            "admin",
            "alice",
            "bob",
            "carol",
            "john",
            "svc"
          ])
        })

        it("and, or, not and grouping", async () => {
          expect(await ids("/Users", '(userName eq "bob" or userName eq "carol") and not (active eq false)')).toEqual([
            "bob",
            "carol"
          ])
        })

        it("groups by displayName and by member", async () => {
          expect(await ids("/Groups", 'displayName eq "developers"')).toEqual(["1001"])
          expect(await ids("/Groups", 'members[value eq "alice"]')).toEqual(["1001", "1002"])
        })

        it("a filter that is not SCIM's syntax, or on an attribute not kept, is 400 invalidFilter", async () => {
          for (const filter of ["userName eq", 'nickName eq "x"']) {
            const answer = await s.scim("GET", `/Users?filter=${encodeURIComponent(filter)}`)
            expect(answer.status).toBe(400)
            expect(answer.body.scimType).toBe("invalidFilter")
          }
        })
      })
    })

    describe("§3.5.1 replace", () => {
      it("PUT replaces the user's attributes: one left out is cleared", async () => {
        const answer = await s.scim("PUT", "/Users/john", {
          body: { schemas: [USER_SCHEMA], userName: "john", name: { givenName: "Johnny" }, active: false }
        })
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({ id: "john", name: { givenName: "Johnny" }, active: false })
        expect(answer.body.name.familyName).toBeUndefined()
        expect(answer.body.emails).toBeUndefined()
      })

      it("PUT /Groups replaces the member list", async () => {
        const answer = await s.scim("PUT", "/Groups/1002", {
          body: { schemas: [GROUP_SCHEMA], displayName: "analysts", members: [{ value: "bob" }, { value: "john" }] }
        })
        expect(answer.status).toBe(200)
        expect(answer.body.members.map((member: { value: string }) => member.value)).toEqual(["bob", "john"])
      })
    })

    describe("§3.5.2 PATCH", () => {
      it("replace, add and remove on a user's attributes", async () => {
        const answer = await s.scim("PATCH", "/Users/john", {
          body: patch(
            { op: "replace", path: "name.givenName", value: "Jon" },
            { op: "add", path: "emails", value: [{ value: "jon@example.org", type: "work", primary: true }] },
            { op: "remove", path: "name.familyName" }
          )
        })
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({ name: { givenName: "Jon" }, emails: [{ value: "jon@example.org" }] })
        expect(answer.body.name.familyName).toBeUndefined()
      })

      it("a change of name with active=false is one change: all of it, or nothing when the user may not be disabled", async () => {
        const both = patch(
          { op: "replace", path: "name.givenName", value: "Changed" },
          { op: "replace", path: "active", value: false }
        )
        const john = await s.scim("PATCH", "/Users/john", { body: both })
        expect(john.status).toBe(200)
        expect(john.body).toMatchObject({ name: { givenName: "Changed" }, active: false })
        await s.scim("DELETE", "/Users/root")
        const before = await s.scim("GET", "/Users/admin")
        const lastAdmin = await s.scim("PATCH", "/Users/admin", { body: both })
        expect(lastAdmin.status).toBe(409)
        expect(lastAdmin.body.detail).toMatch(/admin/)
        expect(await s.scim("GET", "/Users/admin")).toMatchObject({ status: 200, body: before.body })
        const put = await s.scim("PUT", "/Users/admin", {
          body: newUser("admin", { name: { givenName: "Changed" }, active: false })
        })
        expect(put.status).toBe(409)
        expect(await s.scim("GET", "/Users/admin")).toMatchObject({ status: 200, body: before.body })
      })

      it("add and remove members, by value and by a value filter, in one change (204)", async () => {
        const answer = await s.scim("PATCH", "/Groups/1002", {
          body: patch(
            { op: "add", path: "members", value: [{ value: "john" }, { value: "carol" }] },
            { op: "remove", path: 'members[value eq "alice"]' }
          )
        })
        expect(answer.status).toBe(204)
        const read = await s.scim("GET", "/Groups/1002")
        expect(read.body.members.map((member: { value: string }) => member.value)).toEqual(["bob", "carol", "john"])
      })

      it("a user's groups are read-only: 400 mutability", async () => {
        const answer = await s.scim("PATCH", "/Users/john", {
          body: patch({ op: "add", path: "groups", value: [{ value: "1002" }] })
        })
        expect(answer.status).toBe(400)
        expect(answer.body.scimType).toBe("mutability")
      })

      it("a body without the PatchOp schema or with an unknown op is 400 invalidSyntax", async () => {
        for (const body of [{ Operations: [{ op: "add", path: "active", value: true }] }, patch({ op: "merge" })]) {
          const answer = await s.scim("PATCH", "/Users/john", { body })
          expect(answer.status).toBe(400)
          expect(answer.body.scimType).toBe("invalidSyntax")
        }
      })
    })

    describe("§3.6 delete", () => {
      it("DELETE is 204, and the resource is gone (404)", async () => {
        expect((await s.scim("DELETE", "/Users/bob")).status).toBe(204)
        expect((await s.scim("GET", "/Users/bob")).status).toBe(404)
        expect((await s.scim("DELETE", "/Groups/1003")).status).toBe(204)
        expect((await s.scim("GET", "/Groups/1003")).status).toBe(404)
      })
    })

    describe("§3.12 errors", () => {
      it("a body that is not JSON is 400 invalidSyntax", async () => {
        const answer = await s.server.request("POST", "/scim/v2/Users", {
          raw: "{ not json",
          as: { bearer: s.token },
          headers: { "content-type": "application/scim+json" }
        })
        expect(answer.status).toBe(400)
        expect(answer.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: "400", scimType: "invalidSyntax" })
        expect(answer.body.detail).toMatch(/^the body is not valid JSON \(an unexpected character at byte 3\)/)
      })

      it("a core refusal keeps its status and its sentence: a system user, the last admin, a user left without a group", async () => {
        const system = await s.scim("DELETE", "/Users/svc")
        expect(system.status).toBe(409)
        expect(system.body.detail).toMatch(/system user/)
        await s.scim("DELETE", "/Users/root")
        const lastAdmin = await s.scim("PATCH", "/Users/admin", {
          body: patch({ op: "replace", path: "active", value: false })
        })
        expect(lastAdmin.status).toBe(409)
        expect(lastAdmin.body.detail).toMatch(/admin/)
        const stranded = await s.scim("PATCH", "/Groups/1002", {
          body: patch({ op: "remove", path: 'members[value eq "bob"]' })
        })
        expect(stranded.status).toBe(409)
        expect(stranded.body.detail).toMatch(/at least one group/)
      })

      it("a taken name is 409 uniqueness; an unknown endpoint is 404 in the SCIM shape", async () => {
        const taken = await s.scim("PATCH", "/Users/bob", {
          body: patch({ op: "replace", path: "emails", value: [{ value: "john@example.com" }] })
        })
        expect(taken.status).toBe(409)
        expect(taken.body.scimType).toBe("uniqueness")
        const endpoint = await s.scim("GET", "/Bulk")
        expect(endpoint.status).toBe(404)
        expect(endpoint.body.schemas).toEqual([ERROR_SCHEMA])
      })
    })

    describe("§3.14 versions", () => {
      it("If-Match with a stale version is 412 and changes nothing; the current one succeeds", async () => {
        const read = await s.scim("GET", "/Users/john")
        const version = read.headers.get("etag") ?? ""
        const changed = await s.scim("PATCH", "/Users/john", {
          body: patch({ op: "replace", path: "name.givenName", value: "Jon" }),
          headers: { "if-match": version }
        })
        expect(changed.status).toBe(200)
        const stale = await s.scim("PATCH", "/Users/john", {
          body: patch({ op: "replace", path: "name.givenName", value: "Johann" }),
          headers: { "if-match": version }
        })
        expect(stale.status).toBe(412)
        expect((await s.scim("GET", "/Users/john")).body.name.givenName).toBe("Jon")
        const staleDelete = await s.scim("DELETE", "/Users/john", { headers: { "if-match": version } })
        expect(staleDelete.status).toBe(412)
        const staleGroup = await s.scim("DELETE", "/Groups/1003", { headers: { "if-match": 'W/"99"' } })
        expect(staleGroup.status).toBe(412)
      })

      it("If-None-Match with the current version is 304", async () => {
        const read = await s.scim("GET", "/Groups/1001")
        const again = await s.scim("GET", "/Groups/1001", {
          headers: { "if-none-match": read.headers.get("etag") ?? "" }
        })
        expect(again.status).toBe(304)
      })

      it("a user's ETag moves when a group of theirs is renamed: If-None-Match with the old one reads the new name", async () => {
        const read = await s.scim("GET", "/Users/bob")
        expect(read.body.groups).toContainEqual(expect.objectContaining({ value: "1002", display: "analysts" }))
        const renamed = await s.scim("PATCH", "/Groups/1002", {
          body: patch({ op: "replace", path: "displayName", value: "analysis" })
        })
        expect(renamed.status).toBe(204)
        const again = await s.scim("GET", "/Users/bob", {
          headers: { "if-none-match": read.headers.get("etag") ?? "" }
        })
        expect(again.status).toBe(200)
        expect(again.headers.get("etag")).not.toBe(read.headers.get("etag"))
        expect(again.body.groups).toContainEqual(expect.objectContaining({ value: "1002", display: "analysis" }))
      })
    })

    describe("§4 discovery", () => {
      it("ServiceProviderConfig says patch, filter with maxResults, sort and etag; no bulk, no changePassword", async () => {
        const answer = await s.scim("GET", "/ServiceProviderConfig")
        expect(answer.body).toMatchObject({
          patch: { supported: true },
          bulk: { supported: false },
          filter: { supported: true, maxResults: 1000 },
          changePassword: { supported: false },
          sort: { supported: true },
          etag: { supported: true },
          authenticationSchemes: [expect.objectContaining({ type: "oauthbearertoken" })]
        })
      })

      it("ResourceTypes and Schemas list User and Group, each readable by its id", async () => {
        const types = await s.scim("GET", "/ResourceTypes")
        expect(types.body.Resources.map((type: { id: string }) => type.id)).toEqual(["User", "Group"])
        expect((await s.scim("GET", "/ResourceTypes/Group")).body.endpoint).toBe("/Groups")
        const schemas = await s.scim("GET", "/Schemas")
        expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA])
        const user = await s.scim("GET", `/Schemas/${USER_SCHEMA}`)
        expect(user.body.attributes.map((attribute: { name: string }) => attribute.name)).toContain("userName")
      })
    })
  })
}

describe("§3.4.2 totalResults past the exact total limit", () => {
  let s: ScimServer
  beforeAll(async () => {
    s = await startScim((stores[0] as (typeof stores)[number])[1], { exactTotalLimit: 2 })
  }, 120_000)
  afterAll(() => s.server.close())

  it("totalResults counts every match where the API's total stops at its limit, so a provider reads every page", async () => {
    const api = await s.server.request("GET", "/api/v1/users?limit=1", {
      as: { bearer: (await bearer(s.server, "admin", PASSWORDS.admin)).bearer }
    })
    expect(api.body).toMatchObject({ totalExact: false })
    expect(api.body.total).toBeLessThan(7)
    const scim = await s.scim("GET", "/Users?count=1")
    expect(scim.body).toMatchObject({ totalResults: 7, itemsPerPage: 1 })
  })
})
