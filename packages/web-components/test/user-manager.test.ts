import { userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it } from "vitest"
import { ClientError, type UserManagerClient } from "../src/Client.js"
import { HttpClient } from "../src/HttpClient.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

describe("<user-manager>", () => {
  it("moves between the Users, Groups and Tokens tabs with the arrow keys, Home and End (WAI-ARIA tabs)", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    expect(h.tab("users").getAttribute("aria-selected")).toBe("true")
    expect(h.tab("groups").tabIndex).toBe(-1)
    // The Tokens tab comes once the back end has answered its list (an administrator here).
    await expect.poll(() => h.tab("tokens")).toBeTruthy()
    h.tab("users").focus()
    await userEvent.keyboard("{ArrowRight}")
    await expect.poll(() => h.focused()?.id).toBe("tab-groups")
    expect(h.tab("groups").getAttribute("aria-selected")).toBe("true")
    expect((h.root.querySelector("#panel-users") as HTMLElement).hidden).toBe(true)
    expect((h.root.querySelector("#panel-groups") as HTMLElement).hidden).toBe(false)
    await userEvent.keyboard("{ArrowRight}")
    await expect.poll(() => h.focused()?.id).toBe("tab-tokens")
    await userEvent.keyboard("{ArrowRight}")
    await expect.poll(() => h.focused()?.id).toBe("tab-users")
    await userEvent.keyboard("{End}")
    await expect.poll(() => h.focused()?.id).toBe("tab-tokens")
    await userEvent.keyboard("{Home}")
    await expect.poll(() => h.focused()?.id).toBe("tab-users")
  })

  it("asks for the groups only when the Groups tab is first shown, so that the Users tab's first page waits on nothing else (their count, one record, after that page)", async () => {
    const { client } = await seeded()
    const asked: Array<string> = []
    const counting: UserManagerClient = {
      ...client,
      listUsers: (query) => {
        asked.push("users")
        return client.listUsers(query)
      },
      listGroups: (query) => {
        asked.push(query.limit === 1 ? "groups count" : "groups")
        return client.listGroups(query)
      }
    }
    const h = await mount(counting)
    await expect.poll(() => asked).toContain("users")
    expect(asked).not.toContain("groups")
    await expect.poll(() => asked).toEqual(["users", "groups count"])
    h.tab("groups").click()
    await expect.poll(() => asked.filter((name) => name === "groups").length).toBe(1)
    h.tab("users").click()
    h.tab("groups").click()
    // Shown again, it reads its page again (changes made in the other tab show up), once per showing.
    await expect.poll(() => asked.filter((name) => name === "groups").length).toBe(2)
  })

  it("asks the client who is signed in, and shows in words why it cannot list anything when that fails", async () => {
    const refused = {
      me: async () => {
        throw new ClientError("Unauthenticated", "Sign in to manage users and groups.")
      }
    } as unknown as UserManagerClient
    document.body.replaceChildren()
    const element = document.createElement("user-manager")
    element.client = refused
    document.body.append(element)
    await expect
      .poll(() => element.shadowRoot?.querySelector("[role=alert]")?.textContent)
      .toBe("Sign in to manage users and groups.")
  })

  it("tells a signed-in user who is not an administrator that only administrators manage users, instead of the tabs", async () => {
    const { client } = await seeded()
    const notAdmin: UserManagerClient = {
      ...client,
      me: async () => ({ ...(await client.me()), admin: false })
    }
    document.body.replaceChildren()
    const element = document.createElement("user-manager")
    element.client = notAdmin
    document.body.append(element)
    await expect
      .poll(() => element.shadowRoot?.querySelector("[role=status]")?.textContent)
      .toMatch(/Only administrators manage users and groups\. You are signed in as admin/)
    expect(element.shadowRoot?.querySelector("[role=tab]")).toBeNull()
  })

  it("shows the groups created elsewhere when the host switches to the Groups tab by setting tab", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    // Shown once, then hidden: the Groups tab keeps the page it read.
    h.element.tab = "groups"
    await expect.poll(() => h.rows("groups").length).toBe(3)
    h.element.tab = "users"
    await manager.groups.create(admin, { name: "auditors" })
    h.element.tab = "groups"
    await expect.poll(() => h.rows("groups").map((row) => row[0])).toContain("auditors")
    expect(h.tab("groups").getAttribute("aria-selected")).toBe("true")
  })

  it("shows the users created elsewhere when the Users tab is shown again", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await manager.users.create(admin, { username: "zed", groups: ["analysts"] })
    await userEvent.click(h.tab("users"))
    await expect.poll(() => h.rows().map((row) => row[0])).toContain("zed")
  })
})

describe("HttpClient", () => {
  it("follows the API paths, sends the CSRF header and If-Match on changes, and turns an error body into a ClientError", async () => {
    const seen: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = []
    const fakeFetch = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>
      seen.push({ url, method: init.method ?? "GET", headers, body: init.body && JSON.parse(String(init.body)) })
      if (init.method === "PATCH") {
        return new Response(JSON.stringify({ _tag: "ConcurrentModification", message: "stale", actualVersion: 4 }), {
          status: 412
        })
      }
      return new Response(JSON.stringify({ items: [], total: 0 }), { status: 200 })
    }) as unknown as typeof fetch
    const client = HttpClient("https://host/um/", { fetch: fakeFetch })
    await client.listUsers({ search: "jo", sort: "email", order: "desc", limit: 50, offset: 100 })
    const failure = await client.modifyUser("john", { lastName: "Smith" }, 3).catch((error: unknown) => error)
    await client.setMembers("qa", ["john"], 2).catch(() => undefined)
    await client.settings?.()
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET https://host/um/api/v1/users?search=jo&sort=email&order=desc&limit=50&offset=100",
      "PATCH https://host/um/api/v1/users/john",
      "PATCH https://host/um/api/v1/groups/qa",
      "GET https://host/um/api/v1/config"
    ])
    expect([seen[2]?.body, seen[2]?.headers["If-Match"]]).toEqual([{ members: ["john"] }, '"2"'])
    expect(seen[0]?.headers["X-CSRF-Token"]).toBeUndefined()
    expect(seen[1]?.headers["X-CSRF-Token"]).toBeDefined()
    expect(seen[1]?.headers["If-Match"]).toBe('"3"')
    expect(seen[1]?.body).toEqual({ lastName: "Smith" })
    expect(failure).toBeInstanceOf(ClientError)
    expect(failure).toMatchObject({ _tag: "ConcurrentModification", message: "stale", data: { actualVersion: 4 } })
  })
})

describe("<user-manager sync-url>", () => {
  const start = `${window.location.pathname}?host=kept`
  afterEach(() => {
    document.body.replaceChildren()
    window.history.replaceState(null, "", start)
  })

  it("leaves the address alone without sync-url (a host owns its page's address)", async () => {
    window.history.replaceState(null, "", start)
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[aria-label=Status]"), "Disabled")
    await userEvent.click(h.tab("groups"))
    expect(window.location.search).toBe("?host=kept")
  })

  it("shows the place an address holds: tab, search, sort, filters, page size and page, and the open user", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.disable(admin, "bob")
    window.history.replaceState(null, "", `${start}&q=o&sort=username:desc&enabled=true&group=developers&size=25`)
    const h = await mount(client, { syncUrl: true })
    await expect.poll(() => h.rows().map((row) => row[0]?.split(" ")[0])).toEqual(["john", "daemon", "alice"])
    expect(h.in<HTMLInputElement>("users", "input[part=search]").value).toBe("o")
    expect(h.in<HTMLSelectElement>("users", "select[aria-label=Status]").value).toBe("true")
    expect(h.in<HTMLInputElement>("users", "input[aria-label=Group]").value).toBe("developers")
    expect(h.in<HTMLSelectElement>("users", "select[part=page-size]").value).toBe("25")
    expect(h.panel("users").querySelector("th[aria-sort=descending]")?.textContent).toContain("User Name")

    document.body.replaceChildren()
    window.history.replaceState(null, "", `${start}&user=alice`)
    const opened = await mount(client, { syncUrl: true })
    await expect.poll(() => opened.in<HTMLDialogElement>("users", "#user-dialog")?.open).toBe(true)
    expect(opened.in("users", "#user-dialog h2").textContent).toBe("Update alice")

    document.body.replaceChildren()
    window.history.replaceState(null, "", `${start}&tab=groups`)
    const element = document.createElement("user-manager")
    element.setAttribute("sync-url", "")
    element.client = client
    document.body.append(element)
    const groupsTab = () => element.shadowRoot?.querySelector("#tab-groups")?.getAttribute("aria-selected")
    await expect.poll(groupsTab).toBe("true")
  })

  it("writes each step into the address and Back returns to the step before, the open user's dialog too", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.disable(admin, "bob")
    window.history.replaceState(null, "", start)
    const h = await mount(client, { syncUrl: true })
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[aria-label=Status]"), "Disabled")
    await expect.poll(() => window.location.search).toBe("?host=kept&enabled=false")
    await expect.poll(() => h.rows().map((row) => row[0]?.split(" ")[0])).toEqual(["bob"])
    await userEvent.click(h.row("bob"))
    await expect.poll(() => window.location.search).toBe("?host=kept&enabled=false&user=bob")
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => window.location.search).toBe("?host=kept&enabled=false")
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => window.location.search).toBe("?host=kept&tab=groups&enabled=false")
    window.history.back()
    await expect.poll(() => h.tab("users").getAttribute("aria-selected")).toBe("true")
    window.history.back()
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog")?.open).toBe(true)
    window.history.back()
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog")?.open).toBe(false)
    window.history.back()
    await expect.poll(() => window.location.search).toBe("?host=kept")
    await expect.poll(() => h.rows().length).toBe(5)
    expect(h.in<HTMLSelectElement>("users", "select[aria-label=Status]").value).toBe("")
  })
})
