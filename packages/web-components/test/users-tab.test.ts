import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { ListQuery, User, UserListQuery, UserManagerClient, UserSort } from "../src/Client.js"
import { seeded, withoutPermissions } from "./CoreClient.js"
import { mount } from "./harness.js"

const usernames = (rows: ReadonlyArray<ReadonlyArray<string>>) => rows.map((row) => row[0]?.split(" ")[0])

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

describe("Users tab", () => {
  it("lists User Name, Full Name, Groups, Email and Enabled, with an icon on the system user and You on the signed-in user", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const headers = [...h.panel("users").querySelectorAll("th:not(.control)")].map((th) =>
      th.textContent?.replace(/[▲▼]/g, "").trim()
    )
    expect(headers).toEqual(["User Name", "Full Name", "Groups", "Email", "Enabled"])
    expect(h.rows()).toEqual([
      ["admin You", "Ada Admin", "admins", "", "Yes"],
      ["alice", "Alice Liddell", "analysts, developers", "alice@example.com", "Yes"],
      ["bob", "Bob Stone", "analysts", "", "Yes"],
      ["daemon ⚙", "System Daemon", "developers", "", "Yes"],
      ["john", "John Doe", "developers", "john@example.com", "Yes"]
    ])
    expect(h.row("daemon").querySelector("[role=img]")?.getAttribute("aria-label")).toBe("System user")
  })

  it("filters by username, first name or last name on the server once typing pauses", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.type(h.in("users", "input[type=search]"), "li")
    await expect.poll(() => usernames(h.rows())).toEqual(["alice"])
    await userEvent.clear(h.in("users", "input[type=search]"))
    await userEvent.type(h.in("users", "input[type=search]"), "stone")
    await expect.poll(() => usernames(h.rows())).toEqual(["bob"])
  })

  it("finds users by email on the server", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.type(h.in("users", "input[part=search]"), "alice@EXAMPLE")
    await expect.poll(() => usernames(h.rows())).toEqual(["alice"])
  })

  it("filters by status, system users and a group picked by searching its name, together and with the search", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.disable(admin, "bob")
    const asked: Array<Record<string, unknown>> = []
    const watched = {
      ...client,
      listUsers: (query: UserListQuery) => {
        asked.push({ ...query })
        return client.listUsers(query)
      }
    } as UserManagerClient
    const h = await mount(watched)
    const status = h.in<HTMLSelectElement>("users", "select[aria-label=Status]")
    await userEvent.selectOptions(status, "Disabled")
    await expect.poll(() => usernames(h.rows())).toEqual(["bob"])
    expect(asked.at(-1)).toMatchObject({ enabled: false, offset: 0 })
    await userEvent.selectOptions(status, "Enabled")
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "daemon", "john"])
    await userEvent.selectOptions(
      h.in<HTMLSelectElement>("users", "select[aria-label='System users']"),
      "Regular users"
    )
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "john"])
    // The group field offers the groups whose name holds what is typed, and a name typed in full filters on Enter.
    const group = h.in<HTMLInputElement>("users", "input[aria-label=Group]")
    await userEvent.type(group, "dev")
    await expect
      .poll(() => [...h.panel("users").querySelectorAll("#filter-groups option")].map((o) => o.getAttribute("value")))
      .toEqual(["developers"])
    await userEvent.type(group, "elopers{Enter}")
    await expect.poll(() => usernames(h.rows())).toEqual(["alice", "john"])
    expect(asked.at(-1)).toMatchObject({ enabled: true, system: false, group: "developers" })
    await userEvent.type(h.in("users", "input[part=search]"), "doe")
    await expect.poll(() => usernames(h.rows())).toEqual(["john"])
    // Back to every status: the other filters stay; an emptied group field drops the group.
    await userEvent.selectOptions(status, "All statuses")
    await userEvent.clear(group)
    await userEvent.clear(h.in("users", "input[part=search]"))
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "bob", "john"])
    expect(asked.at(-1)).not.toHaveProperty("enabled")
    expect(asked.at(-1)).not.toHaveProperty("group")
  })

  it("sorts by a column when its header is clicked and reverses the order on a second click", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Full Name"))
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "bob", "john", "daemon"])
    expect(h.in("users", "th[aria-sort=ascending]").textContent).toContain("Full Name")
    await userEvent.click(h.button("users", "Full Name ▲"))
    await expect.poll(() => usernames(h.rows())).toEqual(["daemon", "john", "bob", "alice", "admin"])
    expect(h.in("users", "th[aria-sort=descending]").textContent).toContain("Full Name")
  })

  it("finds groups by search as one types among hundreds, asking for a few at a time, never for every group", async () => {
    const { client, manager, admin } = await seeded()
    for (let index = 0; index < 300; index++) {
      await manager.groups.create(admin, { name: `team-${String(index).padStart(3, "0")}` })
    }
    const asked: Array<Parameters<UserManagerClient["listGroups"]>[0]> = []
    const counting: UserManagerClient = {
      ...client,
      listGroups: (query) => {
        asked.push(query)
        return client.listGroups(query)
      }
    }
    const h = await mount(counting)
    await userEvent.click(h.row("john"))
    // The user's groups, checked, and the first groups by name to pick from.
    await expect.poll(() => h.in<HTMLInputElement>("users", "fieldset input[value=developers]")?.checked).toBe(true)
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(10)
    expect(h.in("users", "#f-find-groups-hint")?.textContent).toMatch(/More groups match/)
    await userEvent.type(h.in("users", "#f-find-groups"), "team-29")
    await expect
      .poll(() =>
        [...h.panel("users").querySelectorAll<HTMLInputElement>("fieldset input[type=checkbox]")].map(
          (box) => box.value
        )
      )
      .toEqual(["developers", ...Array.from({ length: 10 }, (_, index) => `team-29${index}`)])
    await userEvent.click(h.in("users", "fieldset input[value=team-293]"))
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[2]).toBe("developers, team-293")
    expect(asked.length).toBeGreaterThan(1)
    expect(asked.every((query) => query.limit !== undefined && query.limit <= 10)).toBe(true)
  })

  it("shows the groups of the last search typed when an earlier one answers later, and says why a search failed, keeping the groups chosen", async () => {
    const { client, manager, admin } = await seeded()
    for (const name of ["north-1", "north-2", "south-1", "south-2"]) await manager.groups.create(admin, { name })
    let release = () => {}
    const slowAnswer = new Promise<void>((resolve) => {
      release = resolve
    })
    const delayed: UserManagerClient = {
      ...client,
      listGroups: async (query) => {
        if (query?.search === "north") await slowAnswer
        if (query?.search === "boom") throw new Error("the directory is not reachable")
        return client.listGroups(query)
      }
    }
    const h = await mount(delayed)
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "fieldset input[value=developers]")?.checked).toBe(true)
    const boxes = () =>
      [...h.panel("users").querySelectorAll<HTMLInputElement>("fieldset input[type=checkbox]")].map((box) => box.value)
    await userEvent.type(h.in("users", "#f-find-groups"), "north")
    // The search for "north" is asked and waits; "south" is typed meanwhile and answered first.
    await new Promise((resolve) => setTimeout(resolve, 400))
    await userEvent.clear(h.in("users", "#f-find-groups"))
    await userEvent.type(h.in("users", "#f-find-groups"), "south")
    await expect.poll(boxes).toEqual(["developers", "south-1", "south-2"])
    release()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(boxes()).toEqual(["developers", "south-1", "south-2"])
    await userEvent.click(h.in("users", "fieldset input[value=south-2]"))
    await userEvent.clear(h.in("users", "#f-find-groups"))
    await userEvent.type(h.in("users", "#f-find-groups"), "boom")
    await expect
      .poll(() => h.in("users", "#user-dialog [role=alert]")?.textContent)
      .toMatch(/the directory is not reachable/)
    // The group picked before the failure stays chosen, and Save saves it.
    expect(h.in<HTMLInputElement>("users", "fieldset input[value=south-2]")?.checked).toBe(true)
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[2]).toBe("developers, south-2")
  })

  it("creates a user from Add New with the keyboard only, in at least one group, and fires user-created", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const created: Array<User> = []
    h.element.addEventListener("user-created", (event) => created.push(event.detail))
    h.button("users", "Add New").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    expect(h.focused()?.id).toBe("f-username")
    await userEvent.keyboard("carol{Tab}Carol{Tab}King{Tab}carol@example.com{Tab}correct horse battery")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    // Past the password, Show password and Generate: the group finder, then the groups it found (admins, analysts, …).
    await userEvent.keyboard("{Tab}{Tab}{Tab}{Tab}{Tab} ")
    expect(h.focused()?.getAttribute("value")).toBe("analysts")
    h.in("users", "form button[type=submit]").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(false)
    await expect
      .poll(() => h.rows().find((row) => row[0] === "carol"))
      .toEqual(["carol", "Carol King", "analysts", "carol@example.com", "Yes"])
    expect(created.map((user) => user.username)).toEqual(["carol"])
  })

  it("creates a system user when System user is ticked, and marks it with the icon", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await userEvent.type(h.in("users", "#f-username"), "backup")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.in("users", "input[name=system]"))
    await userEvent.click(h.in("users", "form button[type=submit]"))
    await expect
      .poll(() => h.row("backup")?.querySelector("[role=img]")?.getAttribute("aria-label"))
      .toBe("System user")
  })

  it("shows a taken username beside the Username field, in words", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await userEvent.type(h.in("users", "#f-username"), "john")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.in("users", "form button[type=submit]"))
    await expect.poll(() => h.in("users", "#e-username")?.textContent).toMatch(/john/)
    expect(h.in("users", "#f-username").getAttribute("aria-invalid")).toBe("true")
    expect(h.in("users", "#f-username").getAttribute("aria-describedby")).toBe("e-username")
    expect(h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
  })

  it("shows the core's refusal of a user with no group beside Groups", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await userEvent.type(h.in("users", "#f-username"), "nogroup")
    await userEvent.click(h.in("users", "form button[type=submit]"))
    await expect.poll(() => h.in("users", "#e-groups")?.textContent ?? "").not.toBe("")
    expect(h.rows().some((row) => row[0] === "nogroup")).toBe(false)
  })

  it("updates a user's details and groups from a row click and fires user-updated", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const updated: Array<User> = []
    h.element.addEventListener("user-updated", (event) => updated.push(event.detail))
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "#f-firstName")?.value).toBe("John")
    expect(h.in<HTMLInputElement>("users", "#f-username").disabled).toBe(true)
    await userEvent.fill(h.in("users", "#f-lastName"), "Smith")
    await expect.poll(() => h.in<HTMLInputElement>("users", "fieldset input[value=developers]")?.checked).toBe(true)
    await userEvent.click(h.in("users", "fieldset input[value=analysts]"))
    await userEvent.click(h.button("users", "Save"))
    await expect
      .poll(() => h.rows().find((row) => row[0] === "john"))
      .toEqual(["john", "John Smith", "analysts, developers", "john@example.com", "Yes"])
    expect(updated.map((user) => [user.username, user.lastName])).toEqual([["john", "Smith"]])
  })

  it("sends only the fields the administrator changed, and clears an emptied email", async () => {
    const { client } = await seeded()
    const sent: Array<unknown> = []
    const spy: UserManagerClient = {
      ...client,
      modifyUser: (username, changes, version) => {
        sent.push(changes)
        return client.modifyUser(username, changes, version)
      }
    }
    const h = await mount(spy)
    await userEvent.click(h.row("alice"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "#f-email")?.value).toBe("alice@example.com")
    await userEvent.clear(h.in("users", "#f-email"))
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.rows().find((row) => row[0] === "alice")?.[3]).toBe("")
    expect(sent).toEqual([{ email: null }])
  })

  it("opens a system user read-only and says why", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("daemon"))
    await expect.poll(() => h.in("users", "#read-only-reason")?.textContent).toMatch(/system user.*read-only/s)
    // Shown read-only (readable and selectable, styled as such), each field described by the reason; the username is
    // never editable after creation.
    const inputs = [...h.panel("users").querySelectorAll<HTMLInputElement>("#user-dialog input")]
    expect(inputs.map((input) => [input.name, input.disabled || input.readOnly])).toEqual([
      ["username", true],
      ["firstName", true],
      ["lastName", true],
      ["email", true]
    ])
    expect(h.in("users", "#f-firstName").getAttribute("aria-describedby")).toBe("read-only-reason")
    expect(getComputedStyle(h.in("users", "#f-firstName")).borderTopStyle).toBe("dashed")
    expect(h.in("users", "#f-password")).toBeNull()
    expect(h.button("users", "Save", "#user-dialog")).toBeUndefined()
    expect(h.button("users", "Delete", "#user-dialog")).toBeUndefined()
  })

  it("shows a stale version refusal in the Update dialog, and saves once the user is reopened at its new version", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "#f-firstName")?.value).toBe("John")
    await manager.users.modify(admin, "john", { firstName: "Johnny" })
    await userEvent.fill(h.in("users", "#f-lastName"), "Smith")
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.in("users", "#user-dialog [role=alert]")?.textContent).toMatch(/changed by someone else/)
    await userEvent.click(h.button("users", "Cancel"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[1]).toBe("Johnny Doe")
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "#f-firstName")?.value).toBe("Johnny")
    await userEvent.fill(h.in("users", "#f-lastName"), "Smith")
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[1]).toBe("Johnny Smith")
  })

  it("greys out what the core refuses for a record — a system user's changes, one's own disable and delete — and says why on hover and focus", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const reasonOf = (item: HTMLElement) =>
      h.in("users", `[id="${item.getAttribute("aria-describedby")}"]`)?.textContent ?? null
    const refused = (text: string) => {
      const item = h.menuItem("users", text)
      return item.getAttribute("aria-disabled") === "true" ? { title: item.title, described: reasonOf(item) } : null
    }
    // A system user is read-only: Update, Disable and Delete are refused by the core's own sentence.
    await userEvent.click(h.row("daemon"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Delete")).toBeTruthy()
    const system = (action: string) => `'daemon' is a system user and cannot be changed (refused: ${action}).`
    expect(refused("Update")).toEqual({ title: system("modify"), described: system("modify") })
    expect(refused("Disable")).toEqual({ title: system("disable"), described: system("disable") })
    expect(refused("Delete")).toEqual({ title: system("delete"), described: system("delete") })
    expect(getComputedStyle(h.menuItem("users", "Delete")).opacity).toBe("0.5")
    // Chosen, a refused item does nothing: no confirmation, the menu stays open; the keyboard still reaches it.
    h.menuItem("users", "Delete").click()
    expect(h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(false)
    expect(h.menuItem("users", "Delete")).toBeTruthy()
    h.menuItem("users", "Update").focus()
    await userEvent.keyboard("{ArrowDown}")
    expect(h.focused()?.textContent).toBe("Disable")
    await userEvent.keyboard("{Enter}")
    expect(h.menuItem("users", "Disable")).toBeTruthy()
    expect(h.rows().find((row) => row[0]?.startsWith("daemon"))?.[4]).toBe("Yes")
    await userEvent.keyboard("{Escape}")
    // Oneself: Update is offered, Disable and Delete are not.
    await userEvent.click(h.row("admin"), { button: "right" })
    await expect.poll(() => h.in("users", "[role=menu]")?.getAttribute("aria-label")).toBe("Actions for admin")
    expect(refused("Update")).toBeNull()
    expect(refused("Disable")?.title).toBe("You cannot disable yourself ('admin'): ask another administrator.")
    expect(refused("Delete")?.described).toBe("You cannot delete yourself ('admin'): ask another administrator.")
    await userEvent.keyboard("{Escape}")
    // Anyone else: everything is offered.
    await userEvent.click(h.row("john"), { button: "right" })
    await expect.poll(() => h.in("users", "[role=menu]")?.getAttribute("aria-label")).toBe("Actions for john")
    expect(["Update", "Disable", "Delete"].map(refused)).toEqual([null, null, null])
  })

  it("greys out Delete in one's own Update dialog with the core's reason, and a click on it asks nothing; another user's Delete asks", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("admin"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const own = h.in<HTMLButtonElement>("users", "#user-dialog button.danger")
    expect(own.getAttribute("aria-disabled")).toBe("true")
    expect(own.title).toBe("You cannot delete yourself ('admin'): ask another administrator.")
    expect(h.in("users", `[id="${own.getAttribute("aria-describedby")}"]`)?.textContent).toBe(own.title)
    own.click()
    expect(h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(false)
    expect(h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.row("john"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const other = h.in<HTMLButtonElement>("users", "#user-dialog button.danger")
    expect(other.getAttribute("aria-disabled")).toBeNull()
    await userEvent.click(other)
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(true)
  })

  it("deletes a user after confirmation from the right-click menu and fires user-deleted", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const deleted: Array<string> = []
    h.element.addEventListener("user-deleted", (event) => deleted.push(event.detail.username))
    await userEvent.click(h.row("bob"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Delete")).toBeTruthy()
    await userEvent.click(h.menuItem("users", "Delete"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(true)
    expect(h.in("users", "#delete-title").textContent).toBe("Delete user bob?")
    await userEvent.click(h.button("users", "Delete", "#delete-dialog"))
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "daemon", "john"])
    expect(deleted).toEqual(["bob"])
  })

  it("marks a user the sign-in throttle refuses as Locked, and its menu's Unlock sign-in lets its password be checked again", async () => {
    const { client, manager, admin } = await seeded()
    const password = "correct horse battery"
    const address = "203.0.113.9"
    await manager.users.modify(admin, "bob", { password })
    for (let failure = 0; failure < 5; failure++) {
      await expect(manager.sessions.login("bob", "not the password", { address })).rejects.toMatchObject({
        _tag: "Unauthenticated"
      })
    }
    await expect(manager.sessions.login("bob", password, { address })).rejects.toMatchObject({
      _tag: "TooManyAttempts"
    })
    const h = await mount(client)
    const badge = (username: string) => h.row(username).querySelector(".locked")
    await expect
      .poll(() => badge("bob")?.getAttribute("aria-label"))
      .toMatch(/^Sign-in locked until \d{1,2}:\d{2}( [AP]M)? after 5 failed sign-ins$/)
    expect(badge("alice")).toBeNull()
    await userEvent.click(h.row("alice"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Delete")).toBeTruthy()
    expect(h.menuItem("users", "Unlock sign-in")).toBeFalsy()
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.row("bob"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Unlock sign-in")).toBeTruthy()
    await userEvent.click(h.menuItem("users", "Unlock sign-in"))
    await expect.poll(() => badge("bob")).toBeNull()
    expect((await manager.sessions.login("bob", password, { address })).user.username).toBe("bob")
    const unlocked = await manager.audit.list(admin, { action: "user.unlock" })
    expect(unlocked.items.map((entry) => [entry.targetType, entry.target])).toEqual([["user", "bob"]])
  })

  it("opens the context menu with Shift+F10, moves with arrows, and cancels a delete with Escape, focus back on the row", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("admin").focus()
    await userEvent.keyboard("{ArrowDown}{ArrowDown}")
    expect(h.focused()?.getAttribute("data-username")).toBe("bob")
    await userEvent.keyboard("{Shift>}{F10}{/Shift}")
    await expect.poll(() => h.focused()?.textContent).toBe("Update")
    await userEvent.keyboard("{ArrowUp}")
    expect(h.focused()?.textContent).toBe("Delete")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(true)
    expect(h.focused()?.textContent?.trim()).toBe("Cancel")
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()?.getAttribute("data-username")).toBe("bob")
    expect(usernames(h.rows())).toContain("bob")
  })

  it("leaves the focus where the user moved it before a closed dialog's close event came, not back on its row", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("daemon").focus()
    await userEvent.keyboard("{Enter}")
    const dialog = h.in<HTMLDialogElement>("users", "#user-dialog")
    await expect.poll(() => dialog?.open).toBe(true)
    // The browser gives the focus back as the dialog closes and sends `close` a task later: a key pressed in between
    // (here, the focus moved to bob's row) must not be undone.
    dialog?.close()
    h.row("bob").focus()
    await new Promise((resolve) => dialog?.addEventListener("close", resolve, { once: true }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(h.focused()?.getAttribute("data-username")).toBe("bob")
  })

  it("disables and enables a user from the menu opened with the ContextMenu key", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("john").focus()
    await userEvent.keyboard("{ContextMenu}")
    await expect.poll(() => h.focused()?.textContent).toBe("Update")
    await userEvent.keyboard("{ArrowDown}")
    expect(h.focused()?.textContent).toBe("Disable")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.rows().find((row) => row[0] === "john Disabled")?.[4]).toBe("No")
    h.row("john").focus()
    await userEvent.keyboard("{ContextMenu}")
    await expect.poll(() => h.menuItem("users", "Enable")).toBeTruthy()
    await userEvent.click(h.menuItem("users", "Enable"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[4]).toBe("Yes")
  })

  it("keeps its menu, not the browser's, when the ContextMenu key's contextmenu reaches the open menu (Chromium on Windows)", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("bob").focus()
    await userEvent.keyboard("{ContextMenu}")
    await expect.poll(() => h.focused()?.textContent).toBe("Update")
    const request = new MouseEvent("contextmenu", { bubbles: true, composed: true, cancelable: true })
    h.focused()?.dispatchEvent(request)
    expect(request.defaultPrevented).toBe(true)
    expect(h.focused()?.textContent).toBe("Update")
    expect(h.in("users", "[role=menu]")?.getAttribute("aria-label")).toBe("Actions for bob")
  })

  it("shows in the confirmation dialog, from a dry run as it opens, why a system user cannot be deleted, and offers no Delete (a client without `refused`)", async () => {
    const { client } = await seeded()
    const h = await mount(withoutPermissions(client))
    await userEvent.click(h.row("daemon"), { button: "right" })
    await userEvent.click(h.menuItem("users", "Delete"))
    await expect.poll(() => h.in("users", "#delete-dialog [role=alert]")?.textContent).toMatch(/system user/i)
    expect(h.button("users", "Delete", "#delete-dialog")).toBeFalsy()
    expect(h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(true)
    expect(usernames(h.rows())).toContain("daemon")
  })

  it("shows beside Groups the refusal to take away a user's last group", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.row("bob"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "fieldset input[value=analysts]")?.checked).toBe(true)
    await userEvent.click(h.in("users", "fieldset input[value=analysts]"))
    await userEvent.click(h.button("users", "Save"))
    await expect.poll(() => h.in("users", "#e-groups")?.textContent ?? "").not.toBe("")
    expect(h.in("users", "#user-dialog fieldset").getAttribute("aria-invalid")).toBe("true")
    expect(h.rows().find((row) => row[0] === "bob")?.[2]).toBe("analysts")
  })

  it("shows the refusal to disable oneself in words (a client without `refused`)", async () => {
    const { client } = await seeded()
    const h = await mount(withoutPermissions(client))
    await userEvent.click(h.row("admin"), { button: "right" })
    await userEvent.click(h.menuItem("users", "Disable"))
    await expect.poll(() => h.in("users", "[role=alert]")?.textContent ?? "").not.toBe("")
    expect(h.rows()[0]?.[4]).toBe("Yes")
  })

  it("asks the server for one page at a time and pages through 100,000 users with limit and offset", async () => {
    const total = 100_000
    const asked: Array<ListQuery<UserSort>> = []
    const big = {
      me: async () => ({ user: numberedUser(0), admin: true }),
      listUsers: async (query: ListQuery<UserSort>) => {
        asked.push(query)
        const offset = query.offset ?? 0
        const count = Math.max(0, Math.min(query.limit ?? 50, total - offset))
        return { items: Array.from({ length: count }, (_, i) => numberedUser(offset + i)), total }
      },
      listGroups: async () => ({ items: [], total: 0 })
    } as unknown as UserManagerClient
    const h = await mount(big)
    expect(h.rows()).toHaveLength(50)
    expect(h.in("users", "[role=status]").textContent).toBe("1–50 of 100,000")
    const started = performance.now()
    await userEvent.click(h.button("users", "Next"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000050")
    expect(performance.now() - started).toBeLessThan(1000)
    expect(asked.at(-1)).toMatchObject({ limit: 50, offset: 50 })
    expect(h.rows()).toHaveLength(50)
  })

  it("chooses the page size, goes to the first and last page and jumps to a page; Previous and Next look disabled when they are", async () => {
    const total = 100_000
    const asked: Array<ListQuery<UserSort>> = []
    const big = {
      me: async () => ({ user: numberedUser(0), admin: true }),
      listUsers: async (query: ListQuery<UserSort>) => {
        asked.push(query)
        const offset = query.offset ?? 0
        const count = Math.max(0, Math.min(query.limit ?? 50, total - offset))
        return { items: Array.from({ length: count }, (_, i) => numberedUser(offset + i)), total }
      },
      listGroups: async () => ({ items: [], total: 0 })
    } as unknown as UserManagerClient
    const h = await mount(big)
    const previous = h.button("users", "Previous")
    expect(previous.disabled).toBe(true)
    expect(Number(getComputedStyle(previous).opacity)).toBeLessThan(0.6)
    expect(getComputedStyle(previous).cursor).toBe("not-allowed")
    expect(Number(getComputedStyle(h.button("users", "Next")).opacity)).toBe(1)
    expect(h.in("users", "nav.pager").textContent?.replace(/\s+/g, " ")).toContain("Page of 2,000")
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[part=page-size]"), "200")
    await expect.poll(() => h.rows()).toHaveLength(200)
    expect(asked.at(-1)).toMatchObject({ limit: 200, offset: 0 })
    expect(h.in("users", "[role=status]").textContent).toBe("1–200 of 100,000")
    await userEvent.click(h.button("users", "Last"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user099800")
    expect(h.in("users", "[role=status]").textContent).toBe("99,801–100,000 of 100,000")
    expect(h.button("users", "Next").disabled).toBe(true)
    expect(h.button("users", "Last").disabled).toBe(true)
    const page = h.in<HTMLInputElement>("users", "input[name=page]")
    expect(page.value).toBe("500")
    await userEvent.clear(page)
    await userEvent.type(page, "3{Enter}")
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000400")
    expect(asked.at(-1)).toMatchObject({ limit: 200, offset: 400 })
    // A smaller page keeps the first row shown on screen: page 3 of 200 rows is rows 401–600, page 9 of 50.
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[part=page-size]"), "50")
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000400")
    expect(h.in<HTMLInputElement>("users", "input[name=page]").value).toBe("9")
    await userEvent.click(h.button("users", "First"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000000 You")
    // A page number past the last goes to the last.
    await userEvent.clear(h.in("users", "input[name=page]"))
    await userEvent.type(h.in("users", "input[name=page]"), "99999{Enter}")
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user099950")
  })

  it("shows a total the server stopped counting as 100+ and keeps Next on past it while pages come back full", async () => {
    const users = 120
    // A server that counts at most 100 matches.
    const counted = {
      me: async () => ({ user: numberedUser(0), admin: true }),
      listUsers: async (query: ListQuery<UserSort>) => {
        const offset = query.offset ?? 0
        const count = Math.max(0, Math.min(query.limit ?? 50, users - offset))
        return {
          items: Array.from({ length: count }, (_, i) => numberedUser(offset + i)),
          total: 100,
          totalExact: false
        }
      },
      listGroups: async () => ({ items: [], total: 0 })
    } as unknown as UserManagerClient
    const h = await mount(counted)
    expect(h.in("users", "[role=status]").textContent).toBe("1–50 of 100+")
    expect(h.in("users", "table").getAttribute("aria-rowcount")).toBe("-1")
    await userEvent.click(h.button("users", "Next"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000050")
    await userEvent.click(h.button("users", "Next"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000100")
    expect(h.in("users", "[role=status]").textContent).toBe("101–120 of 100+")
    expect((h.button("users", "Next") as HTMLButtonElement).disabled).toBe(true)
    // Without an exact total there is no last page to go to nor page count to jump within, and the pager says so.
    expect(h.button("users", "Last")).toBeUndefined()
    expect(h.in("users", "input[name=page]")).toBeNull()
    expect(h.in("users", "#page-note").textContent).toBe("Page 3 (Last and page numbers need an exact total)")
    await userEvent.click(h.button("users", "First"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user000000 You")
  })
})

describe("Users tab dialogs", () => {
  it("keep Tab and Shift+Tab inside the Add New dialog and give focus back to Add New when it closes", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.focused()?.id).toBe("f-username")
    await userEvent.keyboard("{Shift>}{Tab}{/Shift}")
    expect(h.focused()?.textContent?.trim()).toBe("Create")
    await userEvent.keyboard("{Tab}")
    expect(h.focused()?.id).toBe("f-username")
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()?.textContent?.trim()).toBe("Add New")
  })

  it("give focus back to the row an Update dialog was opened from", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("alice").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()?.getAttribute("data-username")).toBe("alice")
  })
})
