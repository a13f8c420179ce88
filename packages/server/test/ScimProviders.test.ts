/**
 * The identity providers' quirks: each test sends exactly what that provider sends (its published samples, or its
 * known behaviour where it publishes none), with the source in a comment, against a real server over SQLite and
 * PostgreSQL with an API token of scope `scim`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { stores } from "./support/harness.js"
import { GROUP_SCHEMA, PATCH_OP, type ScimServer, startScim, USER_SCHEMA } from "./support/scim.js"

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const memberIds = (group: { members?: ReadonlyArray<{ value: string }> }) =>
  (group.members ?? []).map((member) => member.value)

for (const [store, open] of stores) {
  describe(`identity providers on ${store}`, () => {
    let s: ScimServer
    beforeAll(async () => {
      s = await startScim(open)
    }, 120_000)
    beforeEach(() => s.reseed())
    afterAll(() => s.server.close())

    // Microsoft Entra ID: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
    // ("Request/response protocol" samples) and https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
    // (capitalised ops, booleans as strings, members removed by value).
    describe("Microsoft Entra ID", () => {
      it("creates a user with the enterprise extension, roles and meta in the body (its sample)", async () => {
        const answer = await s.scim("POST", "/Users", {
          body: {
            schemas: [USER_SCHEMA, ENTERPRISE],
            externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
            active: true,
            emails: [
              { primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }
            ],
            meta: { resourceType: "User" },
            name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
            roles: []
          }
        })
        expect(answer.status).toBe(201)
        // The name rule: lowercase, '_' kept, cut to 32 characters.
        expect(answer.body.id).toBe("test_user_ab6490ee-1e48-479e-a20")
        expect(answer.body.name).toMatchObject({ givenName: "givenName", familyName: "familyName" })
      })

      it("disables with 'Replace' and the string \"False\", and replaces a filtered email path", async () => {
        const answer = await s.scim("PATCH", "/Users/john", {
          body: {
            schemas: [PATCH_OP],
            Operations: [
              { op: "Replace", path: "active", value: "False" },
              { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
              { op: "Replace", path: "name.familyName", value: "updatedFamilyName" }
            ]
          }
        })
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({
          active: false,
          emails: [{ value: "updatedEmail@microsoft.com" }],
          name: { familyName: "updatedFamilyName" }
        })
      })

      it("creates a group with its ADSCIM schema and empty members, then adds and removes members by value with $ref null", async () => {
        const created = await s.scim("POST", "/Groups", {
          body: {
            schemas: [GROUP_SCHEMA, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
            externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            displayName: "displayName",
            meta: { resourceType: "Group" },
            members: []
          }
        })
        expect(created.status).toBe(201)
        const id = created.body.id as string
        const added = await s.scim("PATCH", `/Groups/${id}`, {
          body: {
            schemas: [PATCH_OP],
            Operations: [
              {
                op: "Add",
                path: "members",
                value: [
                  { $ref: null, value: "alice" },
                  { $ref: null, value: "bob" }
                ]
              }
            ]
          }
        })
        expect(added.status).toBe(204)
        const removed = await s.scim("PATCH", `/Groups/${id}`, {
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: "alice" }] }]
          }
        })
        expect(removed.status).toBe(204)
        expect(memberIds((await s.scim("GET", `/Groups/${id}`)).body)).toEqual(["bob"])
      })

      it("sends a member's removal again, or for a user who is gone: nothing changes and the answer is 204 (RFC 7644 §3.5.2.2)", async () => {
        // A retried or repeated sync step: Entra ID removes members by value and treats an error as a failed sync.
        const before = await s.scim("GET", "/Groups/1002")
        expect(memberIds(before.body)).not.toContain("john")
        const again = await s.scim("PATCH", "/Groups/1002", {
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: "john" }, { value: "ghost" }] }]
          }
        })
        expect(again.status).toBe(204)
        const after = await s.scim("GET", "/Groups/1002")
        expect([memberIds(after.body), after.body.meta.version]).toEqual([
          memberIds(before.body),
          before.body.meta.version
        ])
      })

      it("reads groups with excludedAttributes=members: no member is sent", async () => {
        const answer = await s.scim("GET", "/Groups/1001?excludedAttributes=members")
        expect(answer.status).toBe(200)
        expect(answer.body.members).toBeUndefined()
      })

      it("probes for a user by userName before creating it, and finds it after", async () => {
        const probe = () => s.scim("GET", `/Users?filter=${encodeURIComponent('userName eq "John.Doe@contoso.com"')}`)
        expect((await probe()).body).toMatchObject({ totalResults: 0, Resources: [] })
        await s.scim("POST", "/Users", {
          body: { schemas: [USER_SCHEMA], userName: "John.Doe@contoso.com", active: true }
        })
        const found = await probe()
        expect(found.body.totalResults).toBe(1)
        expect(found.body.Resources[0]).toMatchObject({ id: "john.doe", userName: "John.Doe@contoso.com" })
        const group = await s.scim(
          "GET",
          `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "analysts"')}`
        )
        expect(group.body.Resources.map((resource: { id: string }) => resource.id)).toEqual(["1002"])
      })
    })

    // Okta: https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20 (the request samples of each step).
    describe("Okta", () => {
      it("creates a user with a password, locale and an empty groups list (the password is not taken)", async () => {
        const answer = await s.scim("POST", "/Users", {
          body: {
            schemas: [USER_SCHEMA],
            userName: "test.user@okta.local",
            name: { givenName: "Test", familyName: "User" },
            emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
            displayName: "Test User",
            locale: "en-US",
            externalId: "00ujl29u0le5T6Aj10h7",
            groups: [],
            password: "1mz050nq",
            active: true
          }
        })
        expect(answer.status).toBe(201)
        expect(answer.body.id).toBe("test.user")
        expect(JSON.stringify(answer.body)).not.toContain("1mz050nq")
      })

      it("deactivates with a replace that has no path and an object value", async () => {
        const answer = await s.scim("PATCH", "/Users/john", {
          body: { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] }
        })
        expect(answer.status).toBe(200)
        expect(answer.body.active).toBe(false)
      })

      it("adds members without a type, and removes one by a filtered path — which really removes it", async () => {
        const added = await s.scim("PATCH", "/Groups/1003", {
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: "add", path: "members", value: [{ value: "alice", display: "alice@okta.local" }] }]
          }
        })
        expect(added.status).toBe(204)
        expect(memberIds((await s.scim("GET", "/Groups/1003")).body)).toEqual(["alice"])
        const removed = await s.scim("PATCH", "/Groups/1003", {
          body: { schemas: [PATCH_OP], Operations: [{ op: "remove", path: 'members[value eq "alice"]' }] }
        })
        expect(removed.status).toBe(204)
        expect(memberIds((await s.scim("GET", "/Groups/1003")).body)).toEqual([])
        // Still in the group she was in before.
        expect(
          (await s.scim("GET", "/Users/alice")).body.groups.map((group: { value: string }) => group.value)
        ).toEqual(["1002", "1001"])
        // Okta sends the same removal again when it retries: she is no member, so nothing is removed, and that is 204.
        const repeated = await s.scim("PATCH", "/Groups/1003", {
          body: { schemas: [PATCH_OP], Operations: [{ op: "remove", path: 'members[value eq "alice"]' }] }
        })
        expect(repeated.status).toBe(204)
        expect(memberIds((await s.scim("GET", "/Groups/1003")).body)).toEqual([])
      })

      it("renames a group with a replace that has no path and carries the id", async () => {
        const answer = await s.scim("PATCH", "/Groups/1003?attributes=displayName", {
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: "replace", value: { id: "1003", displayName: "Test SCIMv2" } }]
          }
        })
        expect(answer.status).toBe(200)
        expect(answer.body.displayName).toBe("Test SCIMv2")
      })

      it("replaces a user with PUT, sending back id, meta and the groups it read", async () => {
        const read = await s.scim("GET", "/Users/carol")
        const answer = await s.scim("PUT", "/Users/carol", {
          body: { ...read.body, name: { givenName: "Caroline", familyName: "Smith" }, active: true }
        })
        expect(answer.status).toBe(200)
        expect(answer.body.name).toMatchObject({ givenName: "Caroline", familyName: "Smith" })
        expect(answer.body.groups).toEqual(read.body.groups)
      })
    })

    // Google Workspace: its auto-provisioning connectors publish no request samples; the behaviour tested is the one
    // reported by applications that receive it: plain application/json bodies, full PUT replaces with name.formatted,
    // and suspension as active=false in a PUT.
    describe("Google Workspace", () => {
      it("creates with application/json, suspends with a full PUT, and reactivates", async () => {
        const created = await s.scim("POST", "/Users", {
          headers: { "content-type": "application/json" },
          body: {
            schemas: [USER_SCHEMA],
            userName: "pat.lee@example.com",
            name: { givenName: "Pat", familyName: "Lee", formatted: "Pat Lee" },
            emails: [{ value: "pat.lee@example.com", primary: true }],
            active: true
          }
        })
        expect(created.status).toBe(201)
        const suspend = (active: boolean) =>
          s.scim("PUT", `/Users/${created.body.id}`, {
            headers: { "content-type": "application/json" },
            body: {
              schemas: [USER_SCHEMA],
              userName: "pat.lee@example.com",
              name: { givenName: "Pat", familyName: "Lee", formatted: "Pat Lee" },
              emails: [{ value: "pat.lee@example.com", primary: true }],
              active
            }
          })
        expect((await suspend(false)).body.active).toBe(false)
        expect((await suspend(true)).body.active).toBe(true)
      })
    })

    // OneLogin: https://developers.onelogin.com/scim (SCIM Provisioner with SAML, SCIM 2.0): a charset on the media
    // type, the enterprise extension as a nested object, and members removed by a value list.
    describe("OneLogin", () => {
      it("sends application/scim+json with a charset and the enterprise extension, which is dropped", async () => {
        const answer = await s.scim("POST", "/Users", {
          headers: { "content-type": "application/scim+json; charset=utf-8" },
          body: {
            schemas: [USER_SCHEMA, ENTERPRISE],
            userName: "sam.stone@onelogin.example",
            name: { givenName: "Sam", familyName: "Stone" },
            emails: [{ value: "sam.stone@onelogin.example", type: "work", primary: true }],
            [ENTERPRISE]: { department: "Sales", employeeNumber: "42" },
            active: true
          }
        })
        expect(answer.status).toBe(201)
        expect(answer.body[ENTERPRISE]).toBeUndefined()
        const patched = await s.scim("PATCH", `/Users/${answer.body.id}`, {
          body: { schemas: [PATCH_OP], Operations: [{ op: "replace", path: `${ENTERPRISE}:department`, value: "Ops" }] }
        })
        expect(patched.status).toBe(200)
      })

      it("replaces a group's members with PUT and removes members by a value list", async () => {
        const put = await s.scim("PUT", "/Groups/1003", {
          body: { schemas: [GROUP_SCHEMA], displayName: "empty", members: [{ value: "alice" }, { value: "john" }] }
        })
        expect(memberIds(put.body)).toEqual(["alice", "john"])
        const removed = await s.scim("PATCH", "/Groups/1003", {
          body: { schemas: [PATCH_OP], Operations: [{ op: "remove", path: "members", value: [{ value: "john" }] }] }
        })
        expect(removed.status).toBe(204)
        expect(memberIds((await s.scim("GET", "/Groups/1003")).body)).toEqual(["alice"])
      })
    })
  })
}
