import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { Group, UserManagerClient } from "../src/Client.js"
import { HttpClient } from "../src/HttpClient.js"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

const openGroups = async (h: Awaited<ReturnType<typeof mount>>) => {
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBeGreaterThan(0)
}

/** The boxes of the Update dialog's member list, in order. */
const memberBoxes = (h: Awaited<ReturnType<typeof mount>>) => [
  ...h.panel("groups").querySelectorAll<HTMLInputElement>("#member-list input[type=checkbox]")
]

/** The client calls that change something. */
const writes = ["createGroup", "renameGroup", "setMembers", "modifyGroup", "deleteGroup", "modifyUser"]

/** A client that records each call of a group or user operation (its name and arguments) and then makes it. */
const record = (client: UserManagerClient) => {
  const calls: Array<[string, ...Array<unknown>]> = []
  const recording = Object.fromEntries(
    Object.entries(client).map(([name, operation]) => [
      name,
      (...args: Array<unknown>) => {
        calls.push([name, ...args])
        return (operation as (...args: Array<unknown>) => unknown)(...args)
      }
    ])
  ) as unknown as UserManagerClient
  return { calls, recording }
}

const names = (rows: ReadonlyArray<ReadonlyArray<string>>) => rows.map((row) => row[0])

describe("Groups tab", () => {
  it("lists Name, GID and Users, and sorts by each column", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    const headers = [...h.panel("groups").querySelectorAll("th")].map((th) =>
      th.textContent?.replace(/[▲▼]/g, "").trim()
    )
    expect(headers).toEqual(["Name", "GID", "Users", "Actions"])
    expect(h.rows("groups").map((row) => [row[0], row[2]])).toEqual([
      ["admins", "1: admin"],
      ["analysts", "2: alice, bob"],
      ["developers", "3: alice, daemon, john"]
    ])
    await userEvent.click(h.button("groups", "Users"))
    await expect.poll(() => names(h.rows("groups"))).toEqual(["admins", "analysts", "developers"])
    await userEvent.click(h.button("groups", "Users ▲"))
    await expect.poll(() => names(h.rows("groups"))).toEqual(["developers", "analysts", "admins"])
    await userEvent.click(h.button("groups", "GID"))
    await expect.poll(() => h.in("groups", "th[aria-sort=ascending]")?.textContent).toContain("GID")
    const gids = h.rows("groups").map((row) => Number(row[1]))
    expect(gids).toEqual([...gids].sort((a, b) => a - b))
  })

  it("shows a group's member count and the first ten members of a large group in the Users column, and how many more", async () => {
    const { client } = await seeded()
    for (let index = 0; index < 12; index++) {
      await client.createUser({ username: `member${String(index).padStart(2, "0")}`, groups: ["analysts"] })
    }
    const h = await mount(client)
    await openGroups(h)
    expect(h.rows("groups").find((row) => row[0] === "analysts")?.[2]).toBe(
      "14: alice, bob, member00, member01, member02, member03, member04, member05, member06, member07 and 4 more"
    )
    expect(h.rows("groups").find((row) => row[0] === "admins")?.[2]).toBe("1: admin")
  })

  it("greys out Delete for the admin group, with the core's reason on hover and focus, and keeps Update for its members", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    const open = async (name: string) => {
      await userEvent.click(h.row(name, "groups"), { button: "right" })
      await expect.poll(() => h.in("groups", "[role=menu]")?.getAttribute("aria-label")).toBe(`Actions for ${name}`)
    }
    await open("admins")
    const remove = h.menuItem("groups", "Delete")
    expect(remove.getAttribute("aria-disabled")).toBe("true")
    expect(remove.title).toBe("'admins' is the admin group and cannot be deleted.")
    expect(h.in("groups", `[id="${remove.getAttribute("aria-describedby")}"]`)?.textContent).toBe(remove.title)
    expect(h.menuItem("groups", "Update").getAttribute("aria-disabled")).toBeNull()
    remove.click()
    expect(h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(false)
    await userEvent.keyboard("{Escape}")
    await open("developers")
    expect(h.menuItem("groups", "Delete").getAttribute("aria-disabled")).toBeNull()
  })

  it("greys out the Update dialog's Delete for the admin group with the core's reason, and a click on it asks nothing", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    await userEvent.click(h.row("admins", "groups"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    const remove = h.in<HTMLButtonElement>("groups", "#group-dialog button.danger")
    expect(remove.getAttribute("aria-disabled")).toBe("true")
    expect(remove.title).toBe("'admins' is the admin group and cannot be deleted.")
    expect(h.in("groups", `[id="${remove.getAttribute("aria-describedby")}"]`)?.textContent).toBe(remove.title)
    remove.click()
    expect(h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(false)
    expect(h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.row("developers", "groups"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    const developers = h.in<HTMLButtonElement>("groups", "#group-dialog button.danger")
    expect(developers.getAttribute("aria-disabled")).toBeNull()
    await userEvent.click(developers)
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(true)
  })

  it("has a ⋯ button on every row, reached with Tab from the row, opening the same menu as a right-click with the core's refusals greyed out; Escape gives the focus back to it, a second click closes it", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    h.row("admins", "groups").focus()
    await userEvent.keyboard("{Tab}")
    const button = h.focused() as HTMLButtonElement
    expect(button.getAttribute("aria-label")).toBe("Actions for admins")
    expect(button.getAttribute("aria-haspopup")).toBe("menu")
    expect(button.getAttribute("aria-expanded")).toBe("false")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(h.in("groups", "[role=menu]").getAttribute("aria-label")).toBe("Actions for admins")
    expect(button.getAttribute("aria-expanded")).toBe("true")
    expect(h.menuItem("groups", "Delete").getAttribute("aria-disabled")).toBe("true")
    expect(h.menuItem("groups", "Delete").title).toBe("'admins' is the admin group and cannot be deleted.")
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()).toBe(button)
    expect(button.getAttribute("aria-expanded")).toBe("false")
    const developers = h.row("developers", "groups").querySelector("button.row-actions") as HTMLElement
    await userEvent.click(developers)
    await expect.poll(() => h.in("groups", "[role=menu]")?.getAttribute("aria-label")).toBe("Actions for developers")
    expect(h.menuItem("groups", "Delete").getAttribute("aria-disabled")).toBeNull()
    expect(h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(false)
    await userEvent.click(developers)
    await expect.poll(() => h.in("groups", "[role=menu]")).toBeNull()
    expect(developers.getAttribute("aria-expanded")).toBe("false")
  })

  it("filters groups by name on the server", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    await userEvent.type(h.in("groups", "input[type=search]"), "dev")
    await expect.poll(() => names(h.rows("groups"))).toEqual(["developers"])
  })

  it("creates a group with members found by search and fires group-created", async () => {
    const { client } = await seeded()
    const { calls, recording } = record(client)
    const h = await mount(recording)
    const created: Array<Group> = []
    h.element.addEventListener("group-created", (event) => created.push(event.detail))
    await openGroups(h)
    await userEvent.click(h.button("groups", "Add New"))
    await userEvent.type(h.in("groups", "#f-name"), "qa")
    await userEvent.type(h.in("groups", "#f-find"), "jo")
    await expect.poll(() => h.panel("groups").querySelectorAll("fieldset input[type=checkbox]").length).toBe(1)
    await userEvent.click(h.in("groups", "fieldset input[type=checkbox]"))
    await userEvent.click(h.button("groups", "Create"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "qa")?.[2]).toBe("1: john")
    expect(created.map((group) => [group.name, group.members])).toEqual([["qa", ["john"]]])
    // One request creates it with its members; a new group has no member list to read.
    expect(calls.filter((call) => writes.includes(call[0]))).toEqual([
      ["createGroup", { name: "qa", members: ["john"] }]
    ])
    expect(calls.filter((call) => call[0] === "listMembers")).toEqual([])
  })

  it("renames a group, adds a user found by search and removes a member in one change at Save, and fires group-updated", async () => {
    const { client } = await seeded()
    const { calls, recording } = record(client)
    const h = await mount(recording)
    const updated: Array<Group> = []
    h.element.addEventListener("group-updated", (event) => updated.push(event.detail))
    await openGroups(h)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.in<HTMLInputElement>("groups", "#f-name")?.value).toBe("analysts")
    await expect.poll(() => memberBoxes(h).map((box) => box.value)).toEqual(["alice", "bob"])
    await userEvent.fill(h.in("groups", "#f-name"), "research")
    await userEvent.click(h.in("groups", "#member-list input[value=alice]"))
    await userEvent.type(h.in("groups", "#f-find"), "john")
    await expect.poll(() => h.in("groups", "[aria-label='Users found'] input[value=john]")).toBeTruthy()
    await userEvent.click(h.in("groups", "[aria-label='Users found'] input[value=john]"))
    await expect
      .poll(() => h.in("groups", "#group-dialog [role=status]").textContent?.trim())
      .toBe("Save will apply: 1 to add, 1 to remove.")
    // Nothing is written before Save.
    expect(calls.filter((call) => writes.includes(call[0]))).toEqual([])
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "research")?.[2]).toBe("2: bob, john")
    expect(calls.filter((call) => writes.includes(call[0]))).toEqual([
      [
        "modifyGroup",
        "analysts",
        { name: "research", addMembers: ["john"], removeMembers: ["alice"] },
        expect.any(Number)
      ]
    ])
    expect(updated.at(-1)?.name).toBe("research")
  })

  it("opens Update with the members' boxes checked, and removes a member whose box is unchecked, keeping the focus on it", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(2)
    expect(memberBoxes(h).map((box) => box.checked)).toEqual([true, true])
    const box = h.in<HTMLInputElement>("groups", "#member-list input[value=alice]")
    box.focus()
    await userEvent.keyboard(" ")
    // The box stays (unchecked, marked to be removed) with the focus on it, rather than vanishing from under the keyboard.
    await expect.poll(() => box.checked).toBe(false)
    expect(box.isConnected).toBe(true)
    expect(h.focused()).toBe(box)
    expect(box.closest("label")?.textContent).toMatch(/to be removed/)
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "analysts")?.[2]).toBe("1: bob")
  })

  it("reads a large group's members a page at a time in Update (Show more), never all of them", async () => {
    const { client, manager, admin } = await seeded()
    await manager.groups.create(admin, { name: "big" })
    for (let index = 0; index < 45; index++) {
      await manager.users.create(admin, { username: `member${String(index).padStart(2, "0")}`, groups: ["big"] })
    }
    const { calls, recording } = record(client)
    const h = await mount(recording)
    await openGroups(h)
    await userEvent.click(h.row("big", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(20)
    expect(h.in("groups", "#group-dialog legend")?.textContent).toBe("Members (45)")
    expect(memberBoxes(h).at(-1)?.value).toBe("member19")
    h.button("groups", "Show more members").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => memberBoxes(h).length).toBe(40)
    // The focus goes to the first member the page brought.
    await expect.poll(() => (h.focused() as HTMLInputElement | null)?.value).toBe("member20")
    await userEvent.click(h.button("groups", "Show more members"))
    await expect.poll(() => memberBoxes(h).length).toBe(45)
    expect(h.button("groups", "Show more members")).toBeUndefined()
    expect(calls.filter((call) => call[0] === "listMembers")).toEqual([
      ["listMembers", "big", { limit: 20 }],
      ["listMembers", "big", { limit: 20, after: "member19" }],
      ["listMembers", "big", { limit: 20, after: "member39" }]
    ])
    // Nothing else reads the group whole.
    expect(calls.map((call) => call[0]).filter((name) => name === "getGroup")).toEqual([])
  })

  it("searches within a group's members in Update, and stages removing one it found", async () => {
    const { client, manager, admin } = await seeded()
    await manager.groups.create(admin, { name: "big" })
    await manager.groups.create(admin, { name: "staff" })
    for (let index = 0; index < 45; index++) {
      const username = `member${String(index).padStart(2, "0")}`
      // In staff too, so that leaving big leaves each in a group.
      await manager.users.create(admin, { username, groups: ["big", "staff"] })
    }
    const { calls, recording } = record(client)
    const h = await mount(recording)
    await openGroups(h)
    await userEvent.click(h.row("big", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(20)
    await userEvent.type(h.in("groups", "#f-member-search"), "member3")
    await expect
      .poll(() => memberBoxes(h).map((box) => box.value))
      .toEqual(Array.from({ length: 10 }, (_, index) => `member3${index}`))
    await userEvent.click(h.in("groups", "#member-list input[value=member35]"))
    await userEvent.type(h.in("groups", "#f-member-search"), "x")
    await expect
      .poll(() => h.in("groups", "#group-dialog fieldset .hint")?.textContent?.trim())
      .toBe("No member matches “member3x”.")
    await userEvent.clear(h.in("groups", "#f-member-search"))
    await expect.poll(() => memberBoxes(h).length).toBe(20)
    expect(calls.filter((call) => call[0] === "listMembers").map((call) => call[2])).toContainEqual({
      limit: 20,
      search: "member3"
    })
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "big")?.[2]).toMatch(/^44: /)
    expect(calls.filter((call) => writes.includes(call[0]))).toEqual([
      ["modifyGroup", "big", { removeMembers: ["member35"] }, expect.any(Number)]
    ])
  })

  it("shows a user the finder found who is already a member checked, and unchecking stages their removal", async () => {
    const { client } = await seeded()
    const { calls, recording } = record(client)
    const h = await mount(recording)
    await openGroups(h)
    await userEvent.click(h.row("developers", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(3)
    await userEvent.type(h.in("groups", "#f-find"), "a")
    // alice, daemon and john are members (by username, full name or email: Ada Admin, Alice Liddell, System Daemon,
    // john@example.com); admin is not.
    await expect
      .poll(() =>
        [...h.panel("groups").querySelectorAll<HTMLInputElement>("[aria-label='Users found'] input")].map((box) => [
          box.value,
          box.checked
        ])
      )
      .toEqual([
        ["admin", false],
        ["alice", true],
        ["daemon", true],
        ["john", true]
      ])
    await userEvent.click(h.in("groups", "[aria-label='Users found'] input[value=admin]"))
    await userEvent.click(h.in("groups", "[aria-label='Users found'] input[value=alice]"))
    // The same member's box in the member list follows.
    await expect.poll(() => h.in<HTMLInputElement>("groups", "#member-list input[value=alice]").checked).toBe(false)
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "developers")?.[2]).toBe("3: admin, daemon, john")
    expect(calls.filter((call) => writes.includes(call[0]))).toEqual([
      ["modifyGroup", "developers", { addMembers: ["admin"], removeMembers: ["alice"] }, expect.any(Number)]
    ])
  })

  it("shows the members and the users of the last searches typed when earlier ones answer later, and no failure of a search already overtaken", async () => {
    const { client, manager, admin } = await seeded()
    await manager.groups.create(admin, { name: "big" })
    for (const username of ["north1", "north2", "south1", "south2"]) {
      await manager.users.create(admin, { username, groups: ["big"] })
    }
    for (const username of ["west1", "west2", "east1", "east2"]) {
      await manager.users.create(admin, { username, groups: ["analysts"] })
    }
    let release = () => {}
    const slowAnswer = new Promise<void>((resolve) => {
      release = resolve
    })
    const delayed: UserManagerClient = {
      ...client,
      listMembers: async (group, query) => {
        if (query?.search === "north") await slowAnswer
        return client.listMembers(group, query)
      },
      listUsers: async (query) => {
        if (query?.search === "west") await slowAnswer
        if (query?.search === "boom") {
          await slowAnswer
          throw new Error("the directory is not reachable")
        }
        return client.listUsers(query)
      }
    }
    const h = await mount(delayed)
    await openGroups(h)
    await userEvent.click(h.row("big", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(4)
    const found = () =>
      [...h.panel("groups").querySelectorAll<HTMLInputElement>("[aria-label='Users found'] input")].map(
        (box) => box.value
      )
    // Each slow search is asked and waits; the next one is typed meanwhile and answered first.
    await userEvent.type(h.in("groups", "#f-member-search"), "north")
    await userEvent.type(h.in("groups", "#f-find"), "west")
    await new Promise((resolve) => setTimeout(resolve, 400))
    await userEvent.clear(h.in("groups", "#f-member-search"))
    await userEvent.type(h.in("groups", "#f-member-search"), "south")
    await userEvent.clear(h.in("groups", "#f-find"))
    await userEvent.type(h.in("groups", "#f-find"), "boom")
    await new Promise((resolve) => setTimeout(resolve, 400))
    await userEvent.clear(h.in("groups", "#f-find"))
    await userEvent.type(h.in("groups", "#f-find"), "east")
    await expect.poll(() => memberBoxes(h).map((box) => box.value)).toEqual(["south1", "south2"])
    await expect.poll(found).toEqual(["east1", "east2"])
    release()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(memberBoxes(h).map((box) => box.value)).toEqual(["south1", "south2"])
    expect(found()).toEqual(["east1", "east2"])
    expect(h.in("groups", "#group-dialog [role=alert]")?.textContent ?? "").not.toMatch(/not reachable/)
  })

  it("shows the refusal of a stale group in the dialog and applies none of its staged changes", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => memberBoxes(h).length).toBe(2)
    await userEvent.click(h.in("groups", "#member-list input[value=bob]"))
    await userEvent.fill(h.in("groups", "#f-name"), "research")
    // Someone else changes the group meanwhile.
    await manager.users.create(admin, { username: "carol", groups: ["analysts"] })
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.in("groups", "#group-dialog [role=alert]")?.textContent ?? "").not.toBe("")
    const group = await client.getGroup("analysts")
    expect([group.name, group.members]).toEqual(["analysts", ["alice", "bob", "carol"]])
  })

  it("deletes a group after confirmation from the right-click menu and fires group-deleted", async () => {
    const { client, manager, admin } = await seeded()
    await manager.groups.create(admin, { name: "empty" })
    const h = await mount(client)
    const deleted: Array<string> = []
    h.element.addEventListener("group-deleted", (event) => deleted.push(event.detail.name))
    await openGroups(h)
    await userEvent.click(h.row("empty", "groups"), { button: "right" })
    await userEvent.click(h.menuItem("groups", "Delete"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(true)
    await userEvent.click(h.button("groups", "Delete", "#delete-dialog"))
    await expect.poll(() => names(h.rows("groups"))).not.toContain("empty")
    expect(deleted).toEqual(["empty"])
  })

  it("keeps its menu, not the browser's, when the ContextMenu key's contextmenu reaches the open menu (Chromium on Windows)", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    h.row("developers", "groups").focus()
    await userEvent.keyboard("{ContextMenu}")
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    const request = new MouseEvent("contextmenu", { bubbles: true, composed: true, cancelable: true })
    h.focused()?.dispatchEvent(request)
    expect(request.defaultPrevented).toBe(true)
    expect(h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(h.in("groups", "[role=menu]")?.getAttribute("aria-label")).toBe("Actions for developers")
  })

  it("says, as Delete is chosen and before anything is confirmed, that a group's deletion would leave users without a group, lists them, and offers no Delete", async () => {
    const { client } = await seeded()
    const { calls, recording } = record(client)
    const h = await mount(recording)
    await openGroups(h)
    h.row("analysts", "groups").focus()
    await userEvent.keyboard("{Shift>}{F10}{/Shift}")
    await expect.poll(() => h.focused()?.textContent).toBe("Update")
    await userEvent.keyboard("{ArrowDown}{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(true)
    await expect.poll(() => h.in("groups", "#delete-dialog [role=alert]")?.textContent ?? "").toMatch(/bob/)
    expect(h.button("groups", "Delete", "#delete-dialog")).toBeFalsy()
    expect(h.button("groups", "Close", "#delete-dialog")).toBeTruthy()
    expect(calls.filter(([name]) => name === "deleteGroup")).toEqual([["deleteGroup", "analysts", { dryRun: true }]])
    await expect
      .poll(() => [...h.panel("groups").querySelectorAll("#delete-dialog li")].map((li) => li.textContent))
      .toEqual(["bob"])
    expect(h.in("groups", "#delete-dialog [role=alert]").textContent).toMatch(/bob/)
    expect(names(h.rows("groups"))).toContain("analysts")
  })
})

describe("HttpClient's group members", () => {
  it("reads a page of members with GET …/members and sends a dialog's changes as one PATCH with If-Match", async () => {
    const sent: Array<{ method: string; url: string; body: unknown; ifMatch: string | null }> = []
    const fakeFetch = (async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers)
      sent.push({
        method: init.method ?? "GET",
        url,
        body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
        ifMatch: headers.get("If-Match")
      })
      return new Response(JSON.stringify({ items: [] }), { status: 200 })
    }) as unknown as typeof fetch
    const client = HttpClient("https://host/um", { fetch: fakeFetch })
    await client.listMembers("every one", { search: "ann", limit: 20, after: "anna" })
    await client.modifyGroup("every one", { name: "all", addMembers: ["bob"], removeMembers: ["ann"] }, 7)
    expect(sent).toEqual([
      {
        method: "GET",
        url: "https://host/um/api/v1/groups/every%20one/members?search=ann&limit=20&after=anna",
        body: undefined,
        ifMatch: null
      },
      {
        method: "PATCH",
        url: "https://host/um/api/v1/groups/every%20one",
        body: { name: "all", addMembers: ["bob"], removeMembers: ["ann"] },
        ifMatch: '"7"'
      }
    ])
  })
})
