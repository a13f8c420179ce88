import { OpenApi } from "@effect/platform"
import { describe, expect, it } from "vitest"
import { Api, CSRF_HEADER, SESSION_COOKIE } from "../src/Api.js"
import { STATUS } from "../src/ApiError.js"

interface Operation {
  readonly operationId: string
  readonly security: ReadonlyArray<Record<string, ReadonlyArray<string>>>
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: JsonSchema }> }>
}
interface JsonSchema {
  readonly $ref?: string
  readonly anyOf?: ReadonlyArray<JsonSchema>
}

const document = OpenApi.fromApi(Api) as unknown as {
  readonly servers: ReadonlyArray<{ readonly url: string }>
  readonly paths: Record<string, Record<string, Operation>>
  readonly components: {
    readonly schemas: Record<
      string,
      { readonly properties?: Record<string, { readonly enum?: ReadonlyArray<unknown> }> }
    >
    readonly securitySchemes: Record<string, Record<string, string>>
  }
}
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation }))
)
const refs = (schema: JsonSchema): ReadonlyArray<string> =>
  schema.anyOf === undefined
    ? schema.$ref === undefined
      ? []
      : [schema.$ref.split("/").at(-1) ?? ""]
    : schema.anyOf.flatMap(refs)

describe("the OpenAPI document", () => {
  it("describes the credentials as the server checks them: a bearer token, or the session cookie with the CSRF header on changes", () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: "http", scheme: "bearer" },
      cookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
      csrf: { type: "apiKey", in: "header", name: CSRF_HEADER }
    })
    for (const { method, operation } of operations) {
      if (operation.operationId === "auth.login") expect(operation.security).toEqual([])
      else
        expect(operation.security).toEqual([
          { bearer: [] },
          method === "get" ? { cookie: [] } : { cookie: [], csrf: [] }
        ])
    }
  })

  it("names the server it is served by", () => {
    expect(document.servers.map((server) => server.url)).toEqual(["/"])
  })

  it("advertises each refusal at the status the server answers it with, in its own shape, and not the framework's decoding error, which the API never sends", () => {
    expect(JSON.stringify(document)).not.toContain("HttpApiDecodeError")
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue
        const tags = refs(response.content?.["application/json"]?.schema ?? {})
        expect(tags.length, `${method} ${path} ${status}`).toBeGreaterThan(0)
        for (const tag of tags) {
          expect(STATUS[tag as keyof typeof STATUS], `${method} ${path}: ${tag}`).toBe(Number(status))
          expect(document.components.schemas[tag]?.properties?._tag?.enum).toEqual([tag])
          expect(document.components.schemas[tag]?.properties?.status?.enum).toEqual([Number(status)])
        }
      }
    }
  })
  it("advertises no 405 on any operation: a method the path does not take is no operation's answer", () => {
    expect(JSON.stringify(document)).not.toContain("MethodNotAllowed")
    for (const { path, method, operation } of operations)
      expect("405" in operation.responses, `${method} ${path}`).toBe(false)
  })

  /** The refusals an operation advertises, by status. */
  const refusalsOf = (path: string, method: string): Record<string, ReadonlyArray<string>> => {
    const operation = document.paths[path]?.[method]
    if (operation === undefined) throw new Error(`no operation ${method} ${path}`)
    return Object.fromEntries(
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => [status, [...refs(response.content?.["application/json"]?.schema ?? {})].sort()])
    )
  }

  it("advertises on each endpoint only the refusals it can answer with", () => {
    // A request that changes nothing is never refused for its CSRF header.
    expect(refusalsOf("/api/v1/me", "get")).toEqual({
      "401": ["Unauthenticated"],
      "403": ["Forbidden"],
      "503": ["StorageError"]
    })
    expect(refusalsOf("/api/v1/users/{username}", "delete")).toEqual({
      "400": ["InvalidInput"],
      "401": ["Unauthenticated"],
      "403": ["CsrfTokenInvalid", "Forbidden"],
      "404": ["RouteNotFound", "UserNotFound"],
      "409": ["LastAdmin", "SelfLockout", "SystemUserImmutable"],
      "412": ["ConcurrentModification"],
      "413": ["PayloadTooLarge"],
      "503": ["StorageError"]
    })
    // Enabling rewrites the stored email and a membership change keeps the group's name: neither advertises the
    // uniqueness refusals of an address or a name it does not write.
    expect(refusalsOf("/api/v1/users/{username}/enable", "post")["409"]).toEqual([
      "LastAdmin",
      "SelfLockout",
      "SystemUserImmutable"
    ])
    expect(refusalsOf("/api/v1/users/{username}/groups/{group}", "put")["409"]).not.toContain("GroupNameTaken")
    expect(refusalsOf("/api/v1/users/{username}/groups/{group}", "put")["409"]).not.toContain("EmailTaken")
    expect(refusalsOf("/api/v1/groups", "get")).toEqual({
      "400": ["InvalidInput"],
      "401": ["Unauthenticated"],
      "403": ["Forbidden"],
      "503": ["StorageError"]
    })
    expect(refusalsOf("/api/v1/auth/login", "post")).toEqual({
      "400": ["InvalidInput"],
      "401": ["Unauthenticated"],
      "403": ["Forbidden"],
      "413": ["PayloadTooLarge"],
      "429": ["TooManyAttempts"],
      "503": ["StorageError"]
    })
    expect(refusalsOf("/api/v1/auth/logout", "post")).toEqual({
      "400": ["InvalidInput"],
      "403": ["CsrfTokenInvalid"],
      "413": ["PayloadTooLarge"],
      "503": ["StorageError"]
    })
  })

  it("describes the bulk routes served beside the HttpApi: their query, bodies, answers and refusals", () => {
    expect(refusalsOf("/api/v1/import", "post")).toEqual({
      "400": ["InvalidInput"],
      "401": ["Unauthenticated"],
      "403": ["CsrfTokenInvalid", "Forbidden"],
      "413": ["PayloadTooLarge"],
      "503": ["StorageError"]
    })
    expect(refusalsOf("/api/v1/export", "get")).toEqual({
      "400": ["InvalidInput"],
      "401": ["Unauthenticated"],
      "403": ["Forbidden"],
      "503": ["StorageError"]
    })
    const operation = (path: string, method: string) =>
      document.paths[path]?.[method] as unknown as {
        readonly parameters: ReadonlyArray<{ readonly name: string; readonly in: string }>
        readonly requestBody?: { readonly content: Record<string, unknown> }
        readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: JsonSchema }> }>
      }
    const importing = operation("/api/v1/import", "post")
    expect(importing.parameters.map((parameter) => [parameter.name, parameter.in])).toEqual([
      ["kind", "query"],
      ["onConflict", "query"],
      ["atomic", "query"],
      ["batchSize", "query"],
      ["dryRun", "query"],
      ["prune", "query"],
      ["listChanges", "query"]
    ])
    expect(Object.keys(importing.requestBody?.content ?? {}).sort()).toEqual([
      "application/json",
      "application/x-ndjson",
      "text/csv"
    ])
    expect(importing.responses["200"]?.content?.["application/json"]?.schema.$ref).toBe(
      "#/components/schemas/ImportResult"
    )
    expect(document.components.schemas.ImportResult?.properties).toHaveProperty("refused")
    expect(document.components.schemas.ImportResult?.properties).toHaveProperty("changes")
    expect(
      (importing.parameters as ReadonlyArray<{ name: string; schema?: { enum?: ReadonlyArray<string> } }>).find(
        (parameter) => parameter.name === "kind"
      )?.schema?.enum
    ).toEqual(["users", "groups", "mixed", "directory"])
    const exporting = operation("/api/v1/export", "get")
    expect(exporting.parameters.map((parameter) => parameter.name)).toEqual(["kind", "format", "includePasswordHashes"])
    expect(Object.keys(exporting.responses["200"]?.content ?? {}).sort()).toEqual([
      "application/json",
      "application/x-ndjson",
      "text/csv"
    ])
  })

  it("describes each refused action of a user or group answer by the refusals it can be, each with its _tag, message and data", () => {
    const refused = (answer: string) =>
      (
        document.components.schemas[answer]?.properties?.refused as unknown as
          | { readonly properties: Record<string, JsonSchema> }
          | undefined
      )?.properties ?? {}
    const user = Object.fromEntries(
      Object.entries(refused("UserAnswer")).map(([action, schema]) => [action, refs(schema)])
    )
    expect(user).toEqual({
      update: ["SystemUserRefusal", "ForbiddenRefusal"],
      enable: ["SystemUserRefusal", "ForbiddenRefusal"],
      disable: ["SystemUserRefusal", "SelfLockoutRefusal", "ForbiddenRefusal"],
      delete: ["SystemUserRefusal", "SelfLockoutRefusal", "ForbiddenRefusal"],
      changeGroups: ["SystemUserRefusal", "ForbiddenRefusal"],
      resetPassword: ["SystemUserRefusal", "ForbiddenRefusal"]
    })
    const group = Object.fromEntries(
      Object.entries(refused("GroupAnswer")).map(([action, schema]) => [action, refs(schema)])
    )
    expect(group).toEqual({
      rename: ["ProtectedGroupRefusal", "ForbiddenRefusal"],
      changeMembers: ["ForbiddenRefusal"],
      delete: ["ProtectedGroupRefusal", "ForbiddenRefusal"]
    })
    const schema = document.components.schemas.SystemUserRefusal as unknown as {
      readonly required: ReadonlyArray<string>
      readonly properties: Record<string, { readonly enum?: ReadonlyArray<unknown> }>
    }
    expect(schema.required).toEqual(["_tag", "message", "username", "action"])
    expect(schema.properties._tag?.enum).toEqual(["SystemUserImmutable"])
  })

  it("describes a bulk action's refused user by every refusal its single change can fail with, each with its _tag, message and data", () => {
    const item = document.components.schemas.BulkItemResult as unknown as {
      readonly properties: Record<string, JsonSchema>
    }
    const error = item.properties.error ?? {}
    const bulkRefusal = refs(error).flatMap((name) => refs(document.components.schemas[name] as JsonSchema))
    expect(bulkRefusal).toEqual([
      "SystemUserRefusal",
      "SelfLockoutRefusal",
      "LastAdminRefusal",
      "GroupMembershipRequiredRefusal",
      "NotAMemberRefusal",
      "UserNotFoundRefusal",
      "GroupNotFoundRefusal",
      "InvalidInputRefusal",
      "ForbiddenRefusal",
      "UnauthenticatedRefusal"
    ])
    const stranded = document.components.schemas.GroupMembershipRequiredRefusal as unknown as {
      readonly required: ReadonlyArray<string>
      readonly properties: Record<string, { readonly enum?: ReadonlyArray<unknown> }>
    }
    expect(stranded.required).toEqual(["_tag", "message", "usernames", "group"])
    expect(Object.keys(stranded.properties)).toEqual(["_tag", "message", "usernames", "group", "count"])
  })

  it("advertises a stale version (412) only on the changes that check one (modifications, deletes, one's password), and an unknown route (404) only where an empty path parameter can make the path one no route has", () => {
    for (const { path, method, operation } of operations) {
      expect("412" in operation.responses, `${method} ${path}`).toBe(
        method === "patch" ||
          path === "/api/v1/me/password" ||
          (method === "delete" && (path === "/api/v1/users/{username}" || path === "/api/v1/groups/{name}"))
      )
      expect(
        refs(operation.responses["404"]?.content?.["application/json"]?.schema ?? {}).includes("RouteNotFound"),
        `${method} ${path}`
      ).toBe(path.includes("{"))
    }
  })
})
