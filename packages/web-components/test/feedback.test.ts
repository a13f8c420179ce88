import { Errors } from "@user-manager/core"
import { cdp, userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it, vi } from "vitest"
import { ClientError, type UserManagerClient } from "../src/Client.js"
import { refusalText } from "../src/internal/refusals.js"
import { TOAST_MS } from "../src/internal/toast.js"
import type { UsersTab } from "../src/users-tab/users-tab.component.js"
import { seeded, withoutPermissions } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>
type Tab = "users" | "groups"

/** The toasts of a tab, as their sentences. */
const toasts = (h: Harness, tab: Tab = "users") =>
  [...h.panel(tab).querySelectorAll(".toasts .toast > span")].map((span) => span.textContent?.trim() ?? "")

/** The button `text` (or titled `text`) of the toast that says `message`. */
const toastButton = (h: Harness, message: string, text: string, tab: Tab = "users") => {
  const toast = [...h.panel(tab).querySelectorAll<HTMLElement>(".toasts .toast")].find(
    (shown) => shown.querySelector("span")?.textContent?.trim() === message
  )
  return [...(toast?.querySelectorAll<HTMLButtonElement>("button") ?? [])].find(
    (button) => button.textContent?.trim() === text || button.getAttribute("title") === text
  )
}

/** Seeds `count` more users (`user00`, `user01`, …) in `analysts`, so that the list has more than one page. */
const more = async (
  manager: Awaited<ReturnType<typeof seeded>>["manager"],
  admin: Parameters<typeof manager.users.create>[0],
  count: number
) => {
  for (let index = 0; index < count; index++) {
    await manager.users.create(admin, { username: `user${String(index).padStart(2, "0")}`, groups: ["analysts"] })
  }
}

/** Opens the menu of `key`'s row with a right click and chooses `item`. */
const choose = async (h: Harness, key: string, item: string, tab: Tab = "users") => {
  await userEvent.click(h.row(key, tab), { button: "right" })
  await expect.poll(() => h.menuItem(tab, item)).toBeTruthy()
  await userEvent.click(h.menuItem(tab, item))
}

afterEach(() => {
  vi.useRealTimers()
})

describe("toasts", () => {
  it("says in a polite live region that a user was disabled, highlights its row, and Undo enables it again", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    const region = h.in("users", ".toasts")
    expect([region.getAttribute("role"), region.getAttribute("aria-live")]).toEqual(["status", "polite"])
    await choose(h, "bob", "Disable")
    await expect.poll(() => toasts(h)).toEqual(["Disabled user bob."])
    expect(h.row("bob").hasAttribute("data-highlight")).toBe(true)
    expect((await manager.users.get(admin, "bob")).enabled).toBe(false)
    await expectNoAxeViolations()

    await userEvent.click(toastButton(h, "Disabled user bob.", "Undo") as HTMLElement)
    await expect.poll(() => toasts(h)).toEqual(["Enabled user bob again."])
    expect((await manager.users.get(admin, "bob")).enabled).toBe(true)
    await expect.poll(() => h.rows().find((row) => row[0] === "bob")?.[4]).toBe("Yes")
    // The toast that held the focus is gone: the focus is back on the row.
    expect(h.focused()?.getAttribute("data-username")).toBe("bob")
  })

  it("offers no Undo for a deletion or a creation, and is dismissed with its close button, the focus going back to the list", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await choose(h, "bob", "Delete")
    await userEvent.click(h.button("users", "Delete", "#delete-dialog"))
    await expect.poll(() => toasts(h)).toEqual(["Deleted user bob."])
    expect(toastButton(h, "Deleted user bob.", "Undo")).toBeUndefined()
    const close = toastButton(h, "Deleted user bob.", "Dismiss") as HTMLButtonElement
    expect(close.getAttribute("aria-label")).toBe("Dismiss: Deleted user bob.")
    close.focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => toasts(h)).toEqual([])
    expect(h.focused()?.closest("tr")).toBeTruthy()
  })

  it("stays while it has the focus or the pointer, and goes some time after they leave", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], shouldAdvanceTime: true })
    const { client } = await seeded()
    const h = await mount(client)
    await choose(h, "john", "Disable")
    await expect.poll(() => toasts(h)).toEqual(["Disabled user john."])
    const undo = toastButton(h, "Disabled user john.", "Undo") as HTMLButtonElement
    undo.focus()
    vi.advanceTimersByTime(TOAST_MS * 3)
    await h.element.updateComplete
    expect(toasts(h)).toEqual(["Disabled user john."])
    h.row("john").focus()
    await userEvent.hover(undo)
    vi.advanceTimersByTime(TOAST_MS * 3)
    expect(toasts(h)).toEqual(["Disabled user john."])
    await userEvent.unhover(undo)
    vi.advanceTimersByTime(TOAST_MS + 1_000)
    await expect.poll(() => toasts(h)).toEqual([])
  })

  it("is reached with Tab after the list, without taking the focus when it comes", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("bob").focus()
    await userEvent.keyboard("{Shift>}{F10}{/Shift}")
    await expect.poll(() => h.menuItem("users", "Disable")).toBeTruthy()
    h.menuItem("users", "Disable").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => toasts(h)).toEqual(["Disabled user bob."])
    expect(h.focused()?.getAttribute("data-username")).toBe("bob")
    for (let presses = 0; presses < 6 && h.focused()?.textContent?.trim() !== "Undo"; presses++) {
      await userEvent.keyboard("{Tab}")
    }
    expect(h.focused()?.textContent?.trim()).toBe("Undo")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => toasts(h)).toEqual(["Enabled user bob again."])
  })

  it("leaves the pager's Next uncovered at the bottom of a scrolled page", async () => {
    const { client, manager, admin } = await seeded()
    await more(manager, admin, 55)
    const h = await mount(client)
    await choose(h, "user40", "Disable")
    await expect.poll(() => toasts(h)).toEqual(["Disabled user user40."])
    const next = h.button("users", "Next")
    next.scrollIntoView({ block: "end" })
    const box = next.getBoundingClientRect()
    const hit = h.panel("users").elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    expect(hit).toBe(next)
  })

  it("stacks at most three toasts, the newest last", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    for (const [username, item] of [
      ["john", "Disable"],
      ["john", "Enable"],
      ["bob", "Disable"],
      ["bob", "Enable"]
    ] as const) {
      await choose(h, username, item)
      await expect.poll(() => toasts(h).at(-1)).toMatch(new RegExp(`${item}d user ${username}\\.`))
    }
    expect(toasts(h)).toEqual(["Enabled user john.", "Disabled user bob.", "Enabled user bob."])
  })
})

describe("the changed row", () => {
  it("scrolls a created user's row into view and highlights it, when it is on the page shown", async () => {
    const { client, manager, admin } = await seeded()
    await more(manager, admin, 40)
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await userEvent.type(h.in("users", "#f-username"), "user39b")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=analysts]"))
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(() => toasts(h)).toEqual(["Created user user39b."])
    const row = h.row("user39b")
    expect(row.hasAttribute("data-highlight")).toBe(true)
    const box = row.getBoundingClientRect()
    // Within a pixel: rows are a fraction of a pixel high, and scrolling stops at whole pixels.
    expect(box.top).toBeGreaterThanOrEqual(-1)
    expect(box.bottom).toBeLessThanOrEqual(window.innerHeight + 1)
  })

  it("says a created user is not on the page shown, and Show finds it by its username and highlights it", async () => {
    const { client, manager, admin } = await seeded()
    await more(manager, admin, 55)
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await userEvent.type(h.in("users", "#f-username"), "zed")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=analysts]"))
    await userEvent.click(h.button("users", "Create"))
    const said = "Created user zed. It is not on this page."
    await expect.poll(() => toasts(h)).toEqual([said])
    expect(h.row("zed")).toBeNull()
    await userEvent.click(toastButton(h, said, "Show") as HTMLElement)
    await expect.poll(() => h.rows().map((row) => row[0])).toEqual(["zed"])
    expect(h.in<HTMLInputElement>("users", "[part=search]").value).toBe("zed")
    expect(h.row("zed").hasAttribute("data-highlight")).toBe(true)
  })
})

describe("refusals by what they concern", () => {
  it("shows the refusal to disable a system user under its row, in view and announced, not at the top of the page", async () => {
    const { client, manager, admin } = await seeded()
    await more(manager, admin, 40)
    // zz-daemon sorts last: a client without `refused` offers Disable, and the core refuses it.
    await manager.users.create(admin, { username: "zz-daemon", groups: ["developers"], system: true })
    const h = await mount(withoutPermissions(client))
    h.row("zz-daemon").scrollIntoView({ block: "end" })
    await choose(h, "zz-daemon", "Disable")
    const note = () => h.in("users", ".row-note")
    await expect.poll(() => note()?.textContent).toMatch(/system user/i)
    expect(note().getAttribute("role")).toBe("alert")
    expect(h.in("users", "[part=toolbar] + .alert")).toBeNull()
    const row = h.row("zz-daemon")
    expect(row.getAttribute("aria-describedby")).toBe(note().id)
    expect(row.hasAttribute("data-refused")).toBe(true)
    // Right under the row, and in view.
    const [rowBox, noteBox] = [row.getBoundingClientRect(), note().getBoundingClientRect()]
    expect(Math.abs(noteBox.top - rowBox.bottom)).toBeLessThan(2)
    expect(noteBox.bottom).toBeLessThanOrEqual(window.innerHeight + 1)
    expect(h.focused()).toBe(row)
    await expectNoAxeViolations()

    await userEvent.click(h.in("users", ".row-note button"))
    await expect.poll(() => note()).toBeNull()
    expect(row.hasAttribute("aria-describedby")).toBe(false)
    expect(h.focused()).toBe(row)
  })

  it("takes the refusal away when the keyboard moves on to another row", async () => {
    const { client } = await seeded()
    const h = await mount(withoutPermissions(client))
    await choose(h, "daemon", "Disable")
    await expect.poll(() => h.in("users", ".row-note")).toBeTruthy()
    expect(h.focused()?.getAttribute("data-username")).toBe("daemon")
    await userEvent.keyboard("{ArrowDown}")
    await expect.poll(() => h.in("users", ".row-note")).toBeNull()
    expect(h.row("daemon").hasAttribute("data-refused")).toBe(false)
  })
})

describe("a user's groups", () => {
  it("says which groups a user's Save added and removed, and Undo puts its groups and fields back in one change", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("bob"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await expect.poll(() => h.in("users", "fieldset input[value=developers]")).toBeTruthy()
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.clear(h.in("users", "#f-lastName"))
    await userEvent.type(h.in("users", "#f-lastName"), "Builder")
    await userEvent.click(h.button("users", "Save"))
    const said = "Saved user bob: added to developers."
    await expect.poll(() => toasts(h)).toEqual([said])
    expect((await manager.users.get(admin, "bob")).lastName).toBe("Builder")
    await userEvent.click(toastButton(h, said, "Undo") as HTMLElement)
    await expect.poll(() => toasts(h)).toEqual(["Undid the change to user bob."])
    const bob = await manager.users.get(admin, "bob")
    expect([bob.groups, bob.lastName]).toEqual([["analysts"], "Stone"])
  })

  it("offers no Undo for a Save that sets a new password, nor for one that leaves the groups as they were", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("bob"))
    await expect.poll(() => h.in("users", "fieldset input[value=developers]")).toBeTruthy()
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.type(h.in("users", "#f-password"), "a new password for bob")
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => toasts(h)).toEqual(["Saved user bob: added to developers."])
    expect(toastButton(h, "Saved user bob: added to developers.", "Undo")).toBeUndefined()
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await userEvent.type(h.in("users", "#f-firstName"), "ny")
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => toasts(h).at(-1)).toBe("Saved user john.")
    expect(toastButton(h, "Saved user john.", "Undo")).toBeUndefined()
  })
})

describe("groups", () => {
  it("says a group's members changed and Undo takes the change back in one request", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.panel("groups").querySelectorAll("#member-list input").length).toBe(2)
    await userEvent.click(h.in("groups", "#member-list input[value=alice]"))
    await userEvent.type(h.in("groups", "#f-find"), "jo")
    await expect.poll(() => h.in("groups", "[aria-label='Users found'] input[value=john]")).toBeTruthy()
    await userEvent.click(h.in("groups", "[aria-label='Users found'] input[value=john]"))
    await userEvent.click(h.button("groups", "Save"))
    const said = "Group analysts: added john; removed alice."
    await expect.poll(() => toasts(h, "groups")).toEqual([said])
    expect(h.row("analysts", "groups").hasAttribute("data-highlight")).toBe(true)
    expect([...(await manager.groups.get(admin, "analysts")).members].sort()).toEqual(["bob", "john"])
    await expectNoAxeViolations()

    await userEvent.click(toastButton(h, said, "Undo", "groups") as HTMLElement)
    await expect.poll(() => toasts(h, "groups")).toEqual(["Undid the change to group analysts."])
    expect([...(await manager.groups.get(admin, "analysts")).members].sort()).toEqual(["alice", "bob"])
  })

  it("undoes a rename that came with a change of members, and says a group was created", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.panel("groups").querySelectorAll("#member-list input").length).toBe(2)
    await userEvent.clear(h.in("groups", "#f-name"))
    await userEvent.type(h.in("groups", "#f-name"), "data")
    await userEvent.click(h.in("groups", "#member-list input[value=alice]"))
    await userEvent.click(h.button("groups", "Save"))
    const said = "Group data: renamed analysts to data; removed alice."
    await expect.poll(() => toasts(h, "groups")).toEqual([said])
    await userEvent.click(toastButton(h, said, "Undo", "groups") as HTMLElement)
    await expect.poll(() => toasts(h, "groups")).toEqual(["Undid the change to group analysts."])
    expect([...(await manager.groups.get(admin, "analysts")).members].sort()).toEqual(["alice", "bob"])
    await expect.poll(() => h.row("analysts", "groups")?.hasAttribute("data-highlight")).toBe(true)

    await userEvent.click(h.button("groups", "Add New"))
    await userEvent.type(h.in("groups", "#f-name"), "auditors")
    await userEvent.click(h.button("groups", "Create"))
    await expect.poll(() => toasts(h, "groups").at(-1)).toBe("Created group auditors.")
    expect(toastButton(h, "Created group auditors.", "Undo", "groups")).toBeUndefined()
  })
})

describe("loading", () => {
  it("shows the Users tab's first page with its rows, no placeholder rows laid out first, when it answers at once", async () => {
    const { client } = await seeded()
    const tab = document.createElement("um-users-tab") as UsersTab
    tab.client = client
    const placeholders: Array<Element> = []
    document.body.replaceChildren(tab)
    new MutationObserver((changes) => {
      for (const change of changes)
        for (const node of change.addedNodes)
          if (node instanceof Element) placeholders.push(...node.querySelectorAll("tr.skeleton"))
    }).observe(tab.shadowRoot as ShadowRoot, { childList: true, subtree: true })
    await expect.poll(() => tab.shadowRoot?.querySelectorAll("tbody tr[data-username]").length).toBe(5)
    expect(placeholders).toEqual([])
  })

  it("shows placeholder rows while the Users tab's first page is slower than a moment, then its rows", async () => {
    const { client } = await seeded()
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow: UserManagerClient = {
      ...client,
      listUsers: async (query) => {
        await gate
        return client.listUsers(query)
      }
    }
    const tab = document.createElement("um-users-tab") as UsersTab
    tab.client = slow
    document.body.replaceChildren(tab)
    await expect.poll(() => tab.shadowRoot?.querySelectorAll("tbody tr.skeleton").length).toBeGreaterThan(0)
    expect(tab.shadowRoot?.querySelector("table[part=table]")?.getAttribute("aria-busy")).toBe("true")
    release()
    await expect.poll(() => tab.shadowRoot?.querySelectorAll("tbody tr[data-username]").length).toBe(5)
    expect(tab.shadowRoot?.querySelectorAll("tbody tr.skeleton").length).toBe(0)
  })

  it("shows placeholder rows and aria-busy while the Groups tab's first page loads, and says it is loading", async () => {
    const { client } = await seeded()
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow: UserManagerClient = {
      ...client,
      listGroups: async (query) => {
        await gate
        return client.listGroups(query)
      }
    }
    const h = await mount(slow)
    await userEvent.click(h.tab("groups"))
    const table = () => h.in("groups", "table[part=table]")
    await expect.poll(() => h.panel("groups").querySelectorAll("tbody tr.skeleton").length).toBeGreaterThan(0)
    expect(table().getAttribute("aria-busy")).toBe("true")
    expect(h.in("groups", ".pager [role=status]").textContent?.trim()).toBe("Loading groups…")
    expect(h.in("groups", "tbody tr.skeleton").getAttribute("aria-hidden")).toBe("true")
    await expectNoAxeViolations()
    release()
    await expect.poll(() => h.rows("groups").length).toBe(3)
    expect(h.panel("groups").querySelectorAll("tbody tr.skeleton").length).toBe(0)
    expect(table().getAttribute("aria-busy")).toBe("false")
  })
})

describe("seen in the dark look and when a page fails", () => {
  it("has no axe-core violations on a toast and a refusal under its row in the dark look", async () => {
    const { client } = await seeded()
    const emulate = (value: string) =>
      cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value }] })
    await emulate("dark")
    try {
      const h = await mount(withoutPermissions(client))
      await choose(h, "john", "Disable")
      await expect.poll(() => toasts(h)).toEqual(["Disabled user john."])
      await choose(h, "daemon", "Disable")
      await expect.poll(() => h.in("users", ".row-note")).toBeTruthy()
      await expectNoAxeViolations()
    } finally {
      await emulate("")
    }
  })

  it("scrolls the refusal of a page asked for from the pager into view", async () => {
    const { client, manager, admin } = await seeded()
    await more(manager, admin, 55)
    const failing: UserManagerClient = {
      ...client,
      listUsers: (query) =>
        (query.offset ?? 0) > 0
          ? Promise.reject(new ClientError("StorageError", "The user store is unavailable."))
          : client.listUsers(query)
    }
    const h = await mount(failing)
    const next = h.button("users", "Next")
    next.scrollIntoView({ block: "end" })
    await userEvent.click(next)
    const alert = () => h.in("users", ".toolbar + .alert")
    await expect.poll(() => alert()?.textContent).toBe("The user store is unavailable.")
    const box = alert().getBoundingClientRect()
    expect(box.top).toBeGreaterThanOrEqual(-1)
    expect(box.bottom).toBeLessThanOrEqual(window.innerHeight + 1)
  })
})

describe("the element's sentences of the core's refusals", () => {
  it("says that one cannot remove oneself from the admin group in words that name it", () => {
    const refusal = new Errors.SelfLockout({ username: "admin", action: "remove", from: "the admin group" })
    expect(refusalText(ClientError.from(refusal))).toBe(
      "You cannot remove yourself ('admin') from the admin group: ask another administrator."
    )
    expect(refusalText(ClientError.from(refusal))).toBe(refusal.message)
  })
})
