import { userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it } from "vitest"
import type { ListQuery, User, UserManagerClient, UserSort } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

/** The n-th of a server's many users, as a fake client's page holds them. */
const numberedUser = (n: number): User => ({
  username: `user${String(n).padStart(6, "0")}`,
  firstName: "User",
  lastName: String(n),
  email: null,
  externalId: null,
  externalName: null,
  enabled: true,
  system: false,
  groups: ["staff"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  version: 1
})

/** A server of `users` users (counted exactly up to `counted`) and 21 groups, answering pages of them. */
const large = (users: number, counted = users): UserManagerClient =>
  ({
    me: async () => ({ user: numberedUser(0), admin: true }),
    listUsers: async (query: ListQuery<UserSort>) => {
      const offset = query.offset ?? 0
      const count = Math.max(0, Math.min(query.limit ?? 50, users - offset))
      return {
        items: Array.from({ length: count }, (_, i) => numberedUser(offset + i)),
        total: Math.min(users, counted),
        totalExact: users <= counted
      }
    },
    listGroups: async () => ({ items: [], total: 21 })
  }) as unknown as UserManagerClient

afterEach(() => {
  document.documentElement.removeAttribute("lang")
})

describe("state and counts", () => {
  it("marks a disabled user with a Disabled badge and a greyed row, beside the Enabled column's No", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.disable(admin, "bob")
    const h = await mount(client)
    const bob = h.row("bob")
    expect(bob.classList.contains("disabled")).toBe(true)
    expect(bob.querySelector(".badge.disabled")?.textContent).toBe("Disabled")
    expect(h.rows().find((row) => row[0]?.startsWith("bob"))).toEqual([
      "bob Disabled",
      "Bob Stone",
      "analysts",
      "",
      "No"
    ])
    // Greyed: the muted colour, not the colour of an enabled user's row.
    expect(getComputedStyle(bob).color).not.toBe(getComputedStyle(h.row("alice")).color)
    expect(h.row("alice").querySelector(".badge.disabled")).toBeNull()
  })

  it("counts the users and the groups on the tabs and above the table, as the page's language writes numbers", async () => {
    document.documentElement.lang = "en-US"
    const h = await mount(large(100_001))
    await expect.poll(() => h.tab("users").textContent?.replace(/\s+/g, " ").trim()).toBe("Users 100,001")
    await expect.poll(() => h.tab("groups").textContent?.replace(/\s+/g, " ").trim()).toBe("Groups 21")
    expect(h.in("users", ".summary").textContent?.trim()).toBe("100,001 users")
    expect(h.in("users", ".pager [role=status]").textContent).toBe("1–50 of 100,001")
  })

  it("writes the counts in the language the page names (German: 100.001), and 10.000+ for a total not counted to the end", async () => {
    document.documentElement.lang = "de"
    const h = await mount(large(100_001, 10_000))
    await expect.poll(() => h.tab("users").textContent?.replace(/\s+/g, " ").trim()).toBe("Benutzer 10.000+")
    expect(h.in("users", ".summary").textContent?.trim()).toBe("10.000+ Benutzer")
  })

  it("says how many a search matches above the table, and keeps the tab's count of the whole list", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await expect.poll(() => h.tab("users").textContent?.replace(/\s+/g, " ").trim()).toBe("Users 5")
    await expect.poll(() => h.tab("groups").textContent?.replace(/\s+/g, " ").trim()).toBe("Groups 3")
    await userEvent.type(h.in("users", "input[type=search]"), "jo")
    await expect.poll(() => h.in("users", ".summary").textContent?.trim()).toBe("1 user matches “jo”")
    expect(h.tab("users").textContent?.replace(/\s+/g, " ").trim()).toBe("Users 5")
  })

  it("counts again after a user is created while the list is searched, and after one is deleted", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const tabText = () => h.tab("users").textContent?.replace(/\s+/g, " ").trim()
    await expect.poll(tabText).toBe("Users 5")
    await userEvent.type(h.in("users", "input[type=search]"), "jo")
    await expect.poll(() => h.rows().length).toBe(1)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.type(h.in("users", "#f-username"), "joan")
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(tabText).toBe("Users 6")
    await expect.poll(() => h.in("users", ".summary").textContent?.trim()).toBe("2 users match “jo”")
    await userEvent.click(h.row("joan"), { button: "right" })
    await userEvent.click(h.menuItem("users", "Delete"))
    await userEvent.click(h.button("users", "Delete", "#delete-dialog"))
    await expect.poll(tabText).toBe("Users 5")
  })

  it("keeps each column's width whatever a search shows, and ends a long name in an ellipsis with its title", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.create(admin, {
      username: "a_very_long_username_of_32_chars",
      firstName: "Maximiliane-Josephine-Theodora",
      lastName: "von Hohenzollern-Sigmaringen-Württemberg",
      groups: ["developers"]
    })
    const h = await mount(client)
    const widths = () => [...h.panel("users").querySelectorAll("th")].map((th) => th.getBoundingClientRect().width)
    expect(getComputedStyle(h.in("users", "table")).tableLayout).toBe("fixed")
    const before = widths()
    await userEvent.type(h.in("users", "input[type=search]"), "a_very")
    await expect.poll(() => h.rows().length).toBe(1)
    expect(widths()).toEqual(before)
    const cell = h.row("a_very_long_username_of_32_chars").querySelectorAll("td:not(.control)")[1] as HTMLElement
    expect(getComputedStyle(cell).textOverflow).toBe("ellipsis")
    expect(getComputedStyle(cell).whiteSpace).toBe("nowrap")
    expect(cell.title).toBe("Maximiliane-Josephine-Theodora von Hohenzollern-Sigmaringen-Württemberg")
    // One line per row: the long name does not make its row taller than another's.
    await userEvent.clear(h.in("users", "input[type=search]"))
    await expect.poll(() => h.rows().length).toBe(6)
    const heights = new Set(
      [...h.panel("users").querySelectorAll("tbody tr")].map((row) => Math.round(row.getBoundingClientRect().height))
    )
    expect(heights.size).toBe(1)
  })

  it("makes disabled buttons look disabled (Previous on the first page)", async () => {
    const h = await mount(large(120))
    const previous = h.button("users", "Previous")
    const next = h.button("users", "Next")
    expect(previous.disabled).toBe(true)
    expect(getComputedStyle(previous).opacity).toBe("0.5")
    expect(getComputedStyle(previous).cursor).toBe("not-allowed")
    expect(getComputedStyle(next).opacity).toBe("1")
  })
})
