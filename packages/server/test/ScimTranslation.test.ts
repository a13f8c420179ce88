/**
 * What the SCIM layer translates, without a server: filters into the core's `RecordFilter`, PATCH operations into
 * the core's changes, and the `attributes` projection.
 */
import { describe, expect, it } from "vitest"
import { ScimError } from "../src/internal/scim/errors.js"
import { attributeName, groupFilter, userFilter } from "../src/internal/scim/filter.js"
import { groupChanges, operations, userChanges } from "../src/internal/scim/patch.js"
import { projection } from "../src/internal/scim/resources.js"

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
const ops = (...Operations: ReadonlyArray<Record<string, unknown>>) => {
  const parsed = operations({ schemas: [PATCH_OP], Operations })
  if (parsed instanceof ScimError) throw new Error(parsed.detail)
  return parsed
}

describe("SCIM filters into the core's RecordFilter", () => {
  it("userName compares the provider's name, or the username of a user that has none", () => {
    expect(userFilter('userName eq "John.Doe@contoso.com"')).toEqual({
      _tag: "Or",
      filters: [
        { _tag: "Compare", field: "externalName", operator: "eq", value: "John.Doe@contoso.com" },
        {
          _tag: "And",
          filters: [
            { _tag: "Not", filter: { _tag: "Present", field: "externalName" } },
            { _tag: "Compare", field: "username", operator: "eq", value: "John.Doe@contoso.com" }
          ]
        }
      ]
    })
  })

  it("attribute names are case-insensitive and may carry the schema's URN; operators too", () => {
    const plain = userFilter('name.givenName sw "J"')
    expect(userFilter('urn:ietf:params:scim:schemas:core:2.0:User:NAME.GIVENNAME SW "J"')).toEqual(plain)
    expect(plain).toEqual({ _tag: "Compare", field: "firstName", operator: "sw", value: "J" })
  })

  it("active, times, pr, not and grouping keep their meaning", () => {
    expect(userFilter('not (active eq false) and meta.lastModified gt "2026-01-01T00:00:00Z" or emails pr')).toEqual({
      _tag: "Or",
      filters: [
        {
          _tag: "And",
          filters: [
            { _tag: "Not", filter: { _tag: "Compare", field: "enabled", operator: "eq", value: false } },
            { _tag: "Compare", field: "updatedAt", operator: "gt", value: new Date("2026-01-01T00:00:00Z") }
          ]
        },
        { _tag: "Present", field: "email" }
      ]
    })
  })

  it('emails[type eq "work" and value co …] is a condition on the one address', () => {
    expect(userFilter('emails[type eq "work" and value co "@contoso"]')).toEqual({
      _tag: "Compare",
      field: "email",
      operator: "co",
      value: "@contoso"
    })
  })

  it("groups: id is the GID, members[value eq] names a member, displayName the shown name", () => {
    expect(groupFilter('id eq "1001"')).toEqual({ _tag: "Compare", field: "gid", operator: "eq", value: 1001 })
    expect(groupFilter('members[value eq "alice"]')).toEqual({
      _tag: "Compare",
      field: "member",
      operator: "eq",
      value: "alice"
    })
    expect(groupFilter('displayName eq "Sales"')).toMatchObject({ _tag: "Or" })
  })

  it("a malformed filter, an attribute not kept, or a value of the wrong type is invalidFilter", () => {
    for (const filter of ["userName eq", 'nickName eq "x"', 'active eq "maybe"', 'id eq "abc"']) {
      const result = filter.startsWith("id") ? groupFilter(filter) : userFilter(filter)
      expect(result).toBeInstanceOf(ScimError)
      expect((result as ScimError).scimType).toBe("invalidFilter")
    }
  })
})

describe("SCIM PATCH into the core's changes", () => {
  it("op names are case-insensitive, booleans may be strings, no path means an object of attributes", () => {
    expect(
      userChanges(
        ops(
          { op: "Replace", path: "active", value: "False" },
          { op: "ADD", value: { "name.givenName": "Jo", externalId: "x-1", title: "dropped" } }
        )
      )
    ).toEqual({ enabled: false, firstName: "Jo", externalId: "x-1" })
  })

  it("remove clears a field, and userName and active cannot be removed", () => {
    expect(userChanges(ops({ op: "remove", path: "emails" }, { op: "remove", path: "name" }))).toEqual({
      email: null,
      firstName: null,
      lastName: null
    })
    const refused = userChanges(ops({ op: "remove", path: "userName" }))
    expect((refused as ScimError).scimType).toBe("mutability")
  })

  it("members added and removed become addMembers and removeMembers; the last operation on a user wins", () => {
    expect(
      groupChanges(
        ops(
          { op: "Add", path: "members", value: [{ value: "a" }, { value: "b" }] },
          { op: "remove", path: 'members[value eq "b"]' },
          { op: "remove", path: "members", value: [{ value: "c" }] }
        )
      )
    ).toEqual({ addMembers: ["a"], removeMembers: ["b", "c"] })
  })

  it("a replace of the members is the whole list, changed by the operations after it", () => {
    expect(
      groupChanges(
        ops(
          { op: "replace", path: "members", value: [{ value: "a" }, { value: "b" }] },
          { op: "add", path: "members", value: [{ value: "c" }] },
          { op: "remove", path: 'members[value eq "a" or value eq "x"]' }
        )
      )
    ).toEqual({ addMembers: [], removeMembers: [], members: ["b", "c"] })
  })

  it("a nested group as a member, or a member without a value, is invalidValue", () => {
    for (const value of [[{ value: "g", type: "Group" }], [{ display: "no value" }]]) {
      const refused = groupChanges(ops({ op: "add", path: "members", value }))
      expect((refused as ScimError).scimType).toBe("invalidValue")
    }
  })

  it("a body without the PatchOp schema, without operations, or a remove without a path is refused", () => {
    expect((operations({ Operations: [] }) as ScimError).scimType).toBe("invalidSyntax")
    expect((operations({ schemas: [PATCH_OP], Operations: [] }) as ScimError).scimType).toBe("invalidSyntax")
    expect((operations({ schemas: [PATCH_OP], Operations: [{ op: "remove" }] }) as ScimError).scimType).toBe("noTarget")
  })
})

describe("attributes and excludedAttributes", () => {
  const resource = { schemas: ["s"], id: "1", userName: "u", name: { givenName: "g", familyName: "f" }, meta: {} }

  it("attributes keeps the named ones, sub-attributes included, and those always returned", () => {
    expect(projection("name.familyName", undefined, attributeName).apply(resource)).toEqual({
      schemas: ["s"],
      id: "1",
      name: { familyName: "f" },
      meta: {}
    })
  })

  it("excludedAttributes drops the named ones but never id", () => {
    const shown = projection(undefined, "name,id", attributeName)
    expect(shown.apply(resource)).toEqual({ schemas: ["s"], id: "1", userName: "u", meta: {} })
    expect(shown.wants("members")).toBe(true)
    expect(projection(undefined, "members", attributeName).wants("members")).toBe(false)
  })
})
