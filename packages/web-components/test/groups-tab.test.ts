import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { Group } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

const openGroups = async (h: Awaited<ReturnType<typeof mount>>) => {
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBeGreaterThan(0)
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
    expect(headers).toEqual(["Name", "GID", "Users"])
    expect(h.rows("groups").map((row) => [row[0], row[2]])).toEqual([
      ["admins", "admin"],
      ["analysts", "alice, bob"],
      ["developers", "alice, daemon, john"]
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

  it("shows the first ten members of a large group in the Users column, and how many more", async () => {
    const { client } = await seeded()
    for (let index = 0; index < 12; index++) {
      await client.createUser({ username: `member${String(index).padStart(2, "0")}`, groups: ["analysts"] })
    }
    const h = await mount(client)
    await openGroups(h)
    expect(h.rows("groups").find((row) => row[0] === "analysts")?.[2]).toBe(
      "alice, bob, member00, member01, member02, member03, member04, member05, member06, member07 and 4 more"
    )
    expect(h.rows("groups").find((row) => row[0] === "admins")?.[2]).toBe("admin")
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
    const h = await mount(client)
    const created: Array<Group> = []
    h.element.addEventListener("group-created", (event) => created.push(event.detail))
    await openGroups(h)
    await userEvent.click(h.button("groups", "Add New"))
    await userEvent.type(h.in("groups", "#f-name"), "qa")
    await userEvent.type(h.in("groups", "#f-find"), "jo")
    await expect.poll(() => h.panel("groups").querySelectorAll("fieldset input[type=checkbox]").length).toBe(1)
    await userEvent.click(h.in("groups", "fieldset input[type=checkbox]"))
    await userEvent.click(h.button("groups", "Create"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "qa")?.[2]).toBe("john")
    expect(created.map((group) => [group.name, group.members])).toEqual([["qa", ["john"]]])
  })

  it("renames a group and changes its members from Update, and fires group-updated", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const updated: Array<Group> = []
    h.element.addEventListener("group-updated", (event) => updated.push(event.detail))
    await openGroups(h)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.in<HTMLInputElement>("groups", "#f-name")?.value).toBe("analysts")
    await userEvent.fill(h.in("groups", "#f-name"), "research")
    await userEvent.type(h.in("groups", "#f-find"), "john")
    await expect.poll(() => h.panel("groups").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    const johnBox = [...h.panel("groups").querySelectorAll<HTMLInputElement>("fieldset label")].find((label) =>
      label.textContent?.includes("john")
    )
    await userEvent.click(johnBox?.querySelector("input") as HTMLInputElement)
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "research")?.[2]).toBe("alice, bob, john")
    expect(updated.at(-1)?.name).toBe("research")
  })

  it("opens Update with the members' boxes checked, and removes a member whose box is unchecked, keeping the focus on it", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.panel("groups").querySelectorAll("fieldset input[type=checkbox]").length).toBe(2)
    expect(
      [...h.panel("groups").querySelectorAll<HTMLInputElement>("fieldset input[type=checkbox]")].map(
        (box) => box.checked
      )
    ).toEqual([true, true])
    const aliceBox = [...h.panel("groups").querySelectorAll<HTMLInputElement>("fieldset label")].find((label) =>
      label.textContent?.includes("alice")
    )
    const box = aliceBox?.querySelector("input") as HTMLInputElement
    box.focus()
    await userEvent.keyboard(" ")
    // The box stays (unchecked) with the focus on it, rather than vanishing from under the keyboard.
    await expect.poll(() => box.checked).toBe(false)
    expect(box.isConnected).toBe(true)
    expect(h.focused()).toBe(box)
    await userEvent.click(h.button("groups", "Save"))
    await expect.poll(() => h.rows("groups").find((row) => row[0] === "analysts")?.[2]).toBe("bob")
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

  it("keeps a group whose deletion would leave users without a group, and lists those users", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await openGroups(h)
    h.row("analysts", "groups").focus()
    await userEvent.keyboard("{Shift>}{F10}{/Shift}")
    await expect.poll(() => h.focused()?.textContent).toBe("Update")
    await userEvent.keyboard("{ArrowDown}{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#delete-dialog").open).toBe(true)
    await userEvent.click(h.button("groups", "Delete", "#delete-dialog"))
    await expect
      .poll(() => [...h.panel("groups").querySelectorAll("#delete-dialog li")].map((li) => li.textContent))
      .toEqual(["bob"])
    expect(h.in("groups", "#delete-dialog [role=alert]").textContent).toMatch(/bob/)
    expect(names(h.rows("groups"))).toContain("analysts")
  })
})
