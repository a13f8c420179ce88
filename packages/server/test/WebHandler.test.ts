/**
 * A host application mounts the API in its own server under its own path, with its own authentication.
 */

import { Actor, MemoryDirectory, UserManager } from "@user-manager/core"
import { KyselyDirectory } from "@user-manager/kysely"
import { migrate, sqliteFile, type TestDatabase } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Auth from "../src/Auth.js"
import * as Server from "../src/Server.js"
import { expectSecurityHeaders } from "./support/securityHeaders.js"

describe("Server.webHandler", () => {
  let database: TestDatabase
  let mounted: ReturnType<typeof Server.webHandler>
  beforeAll(async () => {
    database = await sqliteFile()
    await migrate(database)
    const manager = UserManager.make({
      directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
      hasher: TestHasher
    })
    await manager.users.bootstrap({ username: "boss", password: "the boss's password" })
    await manager.groups.create(Actor.user("boss"), { name: "staff" })
    mounted = Server.webHandler({
      services: UserManager.layer({
        directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
        hasher: TestHasher
      }),
      basePath: "/backoffice/",
      page: false,
      // The host's own sign-in put the user's name in its own header (a real host would check its own session).
      authentication: Auth.fromRequest((request) =>
        Effect.succeed(
          typeof request.headers["x-host-user"] === "string"
            ? Actor.user(request.headers["x-host-user"])
            : Actor.anonymous
        )
      )
    })
  })
  afterAll(async () => {
    await mounted?.dispose()
    await database?.drop()
  })

  const call = (path: string, init: RequestInit = {}) =>
    mounted.handler(new Request(`http://host.example${path}`, init))

  it("serves SCIM under the host's path, authenticated by a scim token whatever the host's own sign-in", async () => {
    const manager = UserManager.make({
      directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
      hasher: TestHasher
    })
    const { token } = await manager.tokens.create(Actor.user("boss"), { name: "idp", scope: "scim" })
    await manager.dispose()
    const bearer = { authorization: `Bearer ${Redacted.value(token)}`, host: "host.example" }
    const list = await call("/backoffice/scim/v2/Users?attributes=userName", { headers: bearer })
    expect(list.status).toBe(200)
    expect(list.headers.get("content-type")).toMatch(/^application\/scim\+json/)
    const [boss] = ((await list.json()) as { Resources: Array<{ meta: { location: string } }> }).Resources
    expect(boss).toMatchObject({ id: "boss", userName: "boss" })
    expect(boss?.meta.location).toBe("http://host.example/backoffice/scim/v2/Users/boss")
    // The host's header names no one at SCIM: only the token does.
    const hostUser = await call("/backoffice/scim/v2/Users", { headers: { "x-host-user": "boss" } })
    expect(hostUser.status).toBe(401)
    expect(await hostUser.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"] })
  })

  it("answers a path outside the host's with 404 in the error shape, with the security headers", async () => {
    const outside = await call("/elsewhere/api/v1/users", { headers: { "x-host-user": "boss" } })
    expect(outside.status).toBe(404)
    expect(await outside.json()).toMatchObject({ _tag: "RouteNotFound", status: 404 })
    expectSecurityHeaders(outside.headers, "an answer outside the host's path")
    expectSecurityHeaders((await call("/backoffice/api/v1/users")).headers, "a refusal under the host's path")
  })

  it("answers a method a path under the host's does not take with 405 and Allow, naming the API's path", async () => {
    const answer = await call("/backoffice/api/v1/groups", { method: "DELETE", headers: { "x-host-user": "boss" } })
    expect(answer.status).toBe(405)
    expect(answer.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS")
    expect(await answer.json()).toMatchObject({ _tag: "MethodNotAllowed", path: "/api/v1/groups", status: 405 })
    expectSecurityHeaders(answer.headers, "a 405 under the host's path")
  })

  it("takes a path parameter of any length under the host's path: the core refuses a 150-character username", async () => {
    const answer = await call(`/backoffice/api/v1/users/${"a".repeat(150)}`, { headers: { "x-host-user": "boss" } })
    expect(answer.status).toBe(400)
    expect(await answer.json()).toMatchObject({ _tag: "InvalidInput", field: "username", status: 400 })
  })

  it("serves the bulk import and export under the host's path, as the actor the host names", async () => {
    const body = ["username,groups", "temp1,staff", "temp2,staff", ""].join("\n")
    const imported = await call("/backoffice/api/v1/import", {
      method: "POST",
      headers: { "x-host-user": "boss", "content-type": "text/csv" },
      body
    })
    expect(imported.status).toBe(200)
    expect(((await imported.json()) as { users: { created: number } }).users.created).toBe(2)
    const anonymous = await call("/backoffice/api/v1/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body
    })
    expect(anonymous.status).toBe(401)
    expectSecurityHeaders(anonymous.headers, "an import refused under the host's path")
    const exported = await call("/backoffice/api/v1/export?format=csv", { headers: { "x-host-user": "boss" } })
    expect(exported.status).toBe(200)
    const usernames = (await exported.text())
      .split(/\r?\n/)
      .slice(1)
      .map((row) => row.split(",")[0])
    expect(usernames).toContain("temp1")
    expect(usernames).toContain("temp2")
    for (const username of ["temp1", "temp2"]) {
      await call(`/backoffice/api/v1/users/${username}`, { method: "DELETE", headers: { "x-host-user": "boss" } })
    }
  })

  it("answers under the host's path, as the actor the host names", async () => {
    const list = await call("/backoffice/api/v1/users", { headers: { "x-host-user": "boss" } })
    expect(list.status).toBe(200)
    expect(((await list.json()) as { total: number }).total).toBe(1)
    const created = await call("/backoffice/api/v1/users", {
      method: "POST",
      headers: { "x-host-user": "boss", "content-type": "application/json" },
      body: JSON.stringify({ username: "clerk", groups: ["staff"] })
    })
    expect(created.status).toBe(201)
  })

  it("leaves the decision to the core: nobody named is 401, a non-administrator 403", async () => {
    expect((await call("/backoffice/api/v1/users")).status).toBe(401)
    expect((await call("/backoffice/api/v1/users", { headers: { "x-host-user": "clerk" } })).status).toBe(403)
  })

  it("answers nothing outside its path, and serves no page when asked not to", async () => {
    expect((await call("/api/v1/users", { headers: { "x-host-user": "boss" } })).status).toBe(404)
    expect((await call("/backoffice/")).status).toBe(404)
    expect((await call("/backoffice/api/openapi.json")).status).toBe(200)
  })
})

describe("Server page option", () => {
  const element = 'customElements.define("user-manager", class extends HTMLElement {})'
  const get = async (page: Server.Options["page"], path: string, headers: Record<string, string> = {}) => {
    const mounted = Server.webHandler({
      services: UserManager.layer({ directory: MemoryDirectory.layer, hasher: TestHasher }),
      ...(page === undefined ? {} : { page })
    })
    try {
      const response = await mounted.handler(new Request(`http://host.example${path}`, { headers }))
      return { status: response.status, headers: response.headers, text: await response.text() }
    } finally {
      await mounted.dispose()
    }
  }

  it("serves the <user-manager> bundle it is given at /user-manager.js as JavaScript, under the page's CSP, and the page preloads it", async () => {
    const script = await get({ element }, "/user-manager.js")
    expect(script.status).toBe(200)
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
    expect(script.headers.get("content-security-policy")).toContain("default-src 'self'")
    expect(script.text).toBe(element)
    expect((await get({ element }, "/app.js")).text).toContain('import("/user-manager.js")')
    expect((await get({ element }, "/")).text).toContain('<link rel="modulepreload" href="/user-manager.js">')
  })

  it("serves each catalog of the bundle beside it, at /user-manager.<language>.js, and neither without the bundle", async () => {
    const catalog = "export const templates = {}"
    const served = await get({ element, catalogs: { de: catalog } }, "/user-manager.de.js")
    expect(served.status).toBe(200)
    expect(served.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
    expect(served.text).toBe(catalog)
    expect((await get({ element, catalogs: { de: catalog } }, "/user-manager.fr.js")).status).toBe(404)
    expect((await get({ catalogs: { de: catalog } }, "/user-manager.de.js")).status).toBe(404)
    // The page preloads no catalog: an English page never loads one.
    expect((await get({ element, catalogs: { de: catalog } }, "/")).text).not.toContain("user-manager.de.js")
  })

  it("serves the sign-in form to a browser without a session cookie, and to one with it the signed-in page with the element in it and its first requests preloaded", async () => {
    const visible = (html: string, id: string) =>
      new RegExp(`id="${id}"[^>]*>`).exec(html)?.[0].includes(" hidden") === false
    const anonymous = (await get({ element }, "/")).text
    expect(visible(anonymous, "signin")).toBe(true)
    expect(visible(anonymous, "app")).toBe(false)
    expect(anonymous).not.toContain("<user-manager")
    expect(anonymous).not.toContain('rel="preload"')

    const returning = (await get({ element }, "/", { cookie: `${Auth.SESSION_COOKIE}=abcdefghijklmnopqrstuvwxyz` }))
      .text
    expect(visible(returning, "signin")).toBe(false)
    expect(visible(returning, "app")).toBe(true)
    expect(visible(returning, "sidebar")).toBe(true)
    expect(returning).toContain('<user-manager base-url="" sync-url></user-manager>')
    expect(returning).toContain('<script type="module" src="/user-manager.js"></script>')
    expect(returning).toContain('<link rel="preload" as="fetch" href="/api/v1/me" crossorigin>')
    expect(returning).toContain(
      '<link rel="preload" as="fetch" href="/api/v1/users?sort=username&order=asc&limit=50&offset=0" crossorigin>'
    )
    expect(returning).toContain('<link rel="preload" as="fetch" href="/api/v1/sign-in-locks" crossorigin>')
    // Without the element's bundle there is nothing to start: the page says so once signed in.
    expect((await get(true, "/", { cookie: `${Auth.SESSION_COOKIE}=abcdefghijklmnopqrstuvwxyz` })).text).not.toContain(
      "<user-manager"
    )
  })

  it("serves the sign-in page without a bundle when none is given, and no page at all with page: false", async () => {
    const page = await get(undefined, "/")
    expect(page.status).toBe(200)
    expect(page.text).not.toContain("modulepreload")
    expect((await get(true, "/user-manager.js")).status).toBe(404)
    expect((await get(false, "/")).status).toBe(404)
    expect((await get(false, "/app.js")).status).toBe(404)
  })
})
