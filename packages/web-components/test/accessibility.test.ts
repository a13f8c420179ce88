import { cdp, userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

describe("accessibility (axe-core)", () => {
  it("has no violations on the Users tab's filters and pager: filters set, no match, another page size, a page jumped to", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[aria-label=Status]"), "Disabled")
    await expect.poll(() => h.rows().length).toBe(0)
    await expectNoAxeViolations()
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[aria-label=Status]"), "All statuses")
    await userEvent.type(h.in("users", "input[aria-label=Group]"), "developers{Enter}")
    await expect.poll(() => h.rows().length).toBe(3)
    await userEvent.selectOptions(h.in<HTMLSelectElement>("users", "select[part=page-size]"), "25")
    await userEvent.type(h.in("users", "input[name=page]"), "{Enter}")
    await expectNoAxeViolations()
  })

  it("has no violations on the Users tab, its context menu, the Add New dialog with a refusal shown, Update, a system user's read-only view, and the delete confirmation", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await expectNoAxeViolations()

    h.row("bob").focus()
    await userEvent.keyboard("{Shift>}{F10}{/Shift}")
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await expectNoAxeViolations()
    await userEvent.type(h.in("users", "#f-username"), "john")
    await userEvent.click(h.in("users", "form button[type=submit]"))
    await expect.poll(() => h.in("users", "#user-dialog [aria-invalid=true]")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    await userEvent.click(h.row("bob"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    await userEvent.click(h.row("daemon"))
    await expect.poll(() => h.in("users", "#read-only-reason")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    // One's own menu: Disable and Delete greyed out, each described by the core's reason.
    await userEvent.click(h.row("admin"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Delete")?.getAttribute("aria-disabled")).toBe("true")
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    // The Delete key still asks, and the confirmation shows the core's refusal.
    h.row("admin").focus()
    await userEvent.keyboard("{Delete}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#delete-dialog").open).toBe(true)
    await expect.poll(() => h.in("users", "#delete-dialog [role=alert]")).toBeTruthy()
    await expectNoAxeViolations()
  })

  it("has no violations on the Groups tab, its Update and Add New dialogs with a refusal shown, its context menu (right-click and ⋯ button), and a refused delete listing users", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await expectNoAxeViolations()

    await userEvent.click(h.row("analysts", "groups"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    await expect.poll(() => h.panel("groups").querySelectorAll("#member-list input").length).toBe(2)
    await expectNoAxeViolations()
    // A removal and an addition staged: the struck-out member, the users found, the status that counts them.
    await userEvent.click(h.in("groups", "#member-list input[value=bob]"))
    await userEvent.type(h.in("groups", "#f-find"), "jo")
    await expect.poll(() => h.in("groups", "[aria-label='Users found'] input[value=john]")).toBeTruthy()
    await userEvent.click(h.in("groups", "[aria-label='Users found'] input[value=john]"))
    await expect.poll(() => h.in("groups", "#group-dialog [role=status]").textContent).toMatch(/1 to add, 1 to remove/)
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()?.getAttribute("data-name")).toBe("analysts")

    // Add New, with users found for the members picker, then the refusal of a name that is taken.
    await userEvent.click(h.button("groups", "Add New"))
    await userEvent.type(h.in("groups", "#f-find"), "jo")
    await expect.poll(() => h.panel("groups").querySelectorAll("fieldset input[type=checkbox]").length).toBe(1)
    await expectNoAxeViolations()
    await userEvent.type(h.in("groups", "#f-name"), "analysts")
    await userEvent.click(h.button("groups", "Create"))
    await expect.poll(() => h.in("groups", "#group-dialog [aria-invalid=true]")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    // The admin group's menu from its ⋯ button: Delete greyed out with the core's reason.
    await userEvent.click(h.row("admins", "groups").querySelector("button.row-actions") as HTMLElement)
    await expect.poll(() => h.menuItem("groups", "Delete")?.getAttribute("aria-disabled")).toBe("true")
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")

    await userEvent.click(h.row("analysts", "groups"), { button: "right" })
    await expect.poll(() => h.menuItem("groups", "Delete")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.click(h.menuItem("groups", "Delete"))
    await expect.poll(() => h.panel("groups").querySelectorAll("#delete-dialog li").length).toBe(1)
    await expectNoAxeViolations()
  })

  for (const scheme of ["light", "dark"] as const) {
    it(`has no violations on the forms' and the lists' states (${scheme}): every problem of Add New shown, the password shown, a disabled user's greyed row and badge, the tabs' counts, a read-only name`, async () => {
      const { client, manager, admin } = await seeded()
      await manager.users.disable(admin, "bob")
      await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: scheme }] })
      try {
        const h = await mount(client)
        await expect.poll(() => h.tab("groups").querySelector(".count")).toBeTruthy()
        expect(h.row("bob").classList.contains("disabled")).toBe(true)
        await expectNoAxeViolations()

        await userEvent.click(h.button("users", "Add New"))
        await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
        await userEvent.type(h.in("users", "#f-username"), "Bad Name")
        await userEvent.type(h.in("users", "#f-email"), "nobody")
        await userEvent.type(h.in("users", "#f-password"), "short")
        await userEvent.click(h.button("users", "Show password"))
        await userEvent.click(h.button("users", "Create"))
        await expect.poll(() => h.panel("users").querySelectorAll("#user-dialog [aria-invalid=true]").length).toBe(4)
        await expectNoAxeViolations()
        await userEvent.keyboard("{Escape}")

        await userEvent.click(h.row("daemon"))
        await expect.poll(() => h.in("users", "#read-only-reason")).toBeTruthy()
        await expectNoAxeViolations()
        await userEvent.keyboard("{Escape}")

        await userEvent.click(h.tab("groups"))
        await expect.poll(() => h.rows("groups").length).toBe(3)
        await userEvent.click(h.row("admins", "groups"))
        await expect.poll(() => h.in("groups", "#rename-refused")).toBeTruthy()
        await expectNoAxeViolations()
      } finally {
        await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "" }] })
      }
    })
  }

  for (const scheme of ["light", "dark"] as const) {
    it(`has no violations on the Tokens tab (${scheme}): the list, its menu, New token with its problems shown, the value shown once, the revoke confirmation`, async () => {
      const { client, manager, admin } = await seeded()
      await manager.tokens.create(admin, { name: "backup", scope: "read" })
      await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: scheme }] })
      try {
        const h = await mount(client)
        await expect.poll(() => h.tab("tokens")).toBeTruthy()
        await userEvent.click(h.tab("tokens"))
        await expect.poll(() => h.rows("tokens").length).toBe(1)
        await expectNoAxeViolations()
        await userEvent.click(h.row("backup", "tokens").querySelector("button.row-actions") as HTMLElement)
        await expect.poll(() => h.menuItem("tokens", "Revoke")).toBeTruthy()
        await expectNoAxeViolations()
        await userEvent.keyboard("{Escape}")
        await userEvent.click(h.button("tokens", "New token"))
        await userEvent.type(h.in("tokens", "#f-name"), "Bad Name")
        await userEvent.clear(h.in("tokens", "#f-days"))
        await userEvent.click(h.button("tokens", "Create"))
        await expect.poll(() => h.panel("tokens").querySelectorAll("#token-dialog [aria-invalid=true]").length).toBe(2)
        await expectNoAxeViolations()
        await userEvent.clear(h.in("tokens", "#f-name"))
        await userEvent.type(h.in("tokens", "#f-name"), "okta")
        await userEvent.type(h.in("tokens", "#f-days"), "7")
        await userEvent.click(h.button("tokens", "Create"))
        await expect.poll(() => h.in<HTMLDialogElement>("tokens", "#token-created").open).toBe(true)
        await expectNoAxeViolations()
        await userEvent.click(h.button("tokens", "Done"))
        h.row("okta", "tokens").focus()
        await userEvent.keyboard("{Delete}")
        await expect.poll(() => h.in<HTMLDialogElement>("tokens", "#delete-dialog").open).toBe(true)
        await expectNoAxeViolations()
      } finally {
        await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "" }] })
      }
    })
  }

  it("has no violations in the dark look (prefers-color-scheme: dark)", async () => {
    const { client } = await seeded()
    const emulate = (value: string) =>
      cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value }] })
    await emulate("dark")
    try {
      const h = await mount(client)
      expect(getComputedStyle(h.element).backgroundColor).toBe("rgb(17, 24, 39)")
      await expectNoAxeViolations()
      await userEvent.click(h.row("john"))
      await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
      await expectNoAxeViolations()
      await userEvent.keyboard("{Escape}")
      await userEvent.click(h.tab("groups"))
      await expect.poll(() => h.rows("groups").length).toBe(3)
      await userEvent.click(h.row("developers", "groups"))
      await expect.poll(() => h.panel("groups").querySelectorAll("#member-list input").length).toBe(3)
      await userEvent.click(h.in("groups", "#member-list input[value=alice]"))
      await expectNoAxeViolations()
    } finally {
      await emulate("")
    }
  })
})
