import { cdp, page, userEvent } from "@vitest/browser/context"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>

/** Whether the page scrolls sideways: its content is wider than the window. */
const scrollsSideways = () => {
  const page = document.scrollingElement as Element
  return page.scrollWidth > page.clientWidth
}

/** Whether `element`'s box lies inside the window (a few pixels of margin allowed for nothing). */
const inViewport = (element: Element) => {
  const box = element.getBoundingClientRect()
  return box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight
}

/** The "⋯" button of `username`'s card. */
const actionsOf = (h: Harness, username: string) => h.row(username).querySelector("button.row-actions") as HTMLElement

describe("the phone layout (390×844)", () => {
  beforeAll(async () => {
    await page.viewport(390, 844)
  })
  afterAll(async () => {
    await page.viewport(1024, 640)
  })

  it("scrolls nothing sideways on either tab, and keeps Add New whole and as tall as a finger", async () => {
    const h = await mount((await seeded()).client)
    expect(window.innerWidth).toBe(390)
    expect(scrollsSideways()).toBe(false)
    const table = h.in("users", ".scroll")
    expect(table.scrollWidth).toBeLessThanOrEqual(table.clientWidth)
    const addNew = h.button("users", "Add New")
    expect(inViewport(addNew)).toBe(true)
    expect(addNew.getBoundingClientRect().height).toBeGreaterThanOrEqual(44)

    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    expect(scrollsSideways()).toBe(false)
    const groups = h.in("groups", ".scroll")
    expect(groups.scrollWidth).toBeLessThanOrEqual(groups.clientWidth)
    expect(inViewport(h.button("groups", "Add New"))).toBe(true)
    // A group's row is as tall as a finger, and its GID shows whole.
    const row = h.row("admins", "groups")
    expect(row.getBoundingClientRect().height).toBeGreaterThanOrEqual(44)
    const gid = row.children[1] as HTMLElement
    expect(gid.scrollWidth).toBeLessThanOrEqual(gid.clientWidth)
    expect(h.tab("groups").getBoundingClientRect().height).toBeGreaterThanOrEqual(44)
    // Its "⋯" button shows whole, a finger's size, and opens the row's menu inside the window.
    const more = row.querySelector("button.row-actions") as HTMLElement
    const cell = more.parentElement as HTMLElement
    expect(more.getBoundingClientRect().width).toBeGreaterThanOrEqual(44)
    expect(more.getBoundingClientRect().right).toBeLessThanOrEqual(cell.getBoundingClientRect().right + 0.5)
    expect(inViewport(more)).toBe(true)
    await userEvent.click(more)
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(inViewport(h.in("groups", "[role=menu]"))).toBe(true)
  })

  it("lays out right to left and in German too: nothing scrolls sideways, Hinzufügen whole, a card's menu inside the window", async () => {
    const h = await mount((await seeded()).client, { lang: "de", dir: "rtl" })
    await expect.poll(() => h.button("users", "Hinzufügen")).toBeTruthy()
    expect(scrollsSideways()).toBe(false)
    const table = h.in("users", ".scroll")
    expect(table.scrollWidth).toBeLessThanOrEqual(table.clientWidth)
    expect(inViewport(h.button("users", "Hinzufügen"))).toBe(true)
    // Right to left, the "⋯" button is at the card's left end.
    const card = h.row("alice").getBoundingClientRect()
    const more = actionsOf(h, "alice")
    expect(more.getBoundingClientRect().left - card.left).toBeLessThan(card.right - more.getBoundingClientRect().right)
    await userEvent.click(more)
    await expect.poll(() => h.menuItem("users", "Deaktivieren")).toBeTruthy()
    expect(inViewport(h.in("users", "[role=menu]"))).toBe(true)
    await userEvent.keyboard("{Escape}")
    await expectNoAxeViolations()
  })

  it("shows each user as a card: the name with its badges, the full name, the groups as chips, the checkbox and the ⋯ button, each a finger's size", async () => {
    const { client, manager, admin } = await seeded()
    await manager.users.disable(admin, "bob")
    const h = await mount(client)
    const card = h.row("alice")
    expect(getComputedStyle(card).display).toBe("grid")
    const shown = (selector: string) => card.querySelector(selector) as HTMLElement
    expect(shown("td.name").textContent?.trim()).toBe("alice")
    expect(shown("td.full").textContent?.trim()).toBe("Alice Liddell")
    expect([...card.querySelectorAll("td.groups .chip")].map((chip) => chip.textContent)).toEqual([
      "analysts",
      "developers"
    ])
    // The cells stay the table's: a wide layout still reads "analysts, developers".
    expect(h.rows().find((row) => row[0] === "alice")?.[2]).toBe("analysts, developers")
    expect(inViewport(card)).toBe(true)
    for (const control of [actionsOf(h, "alice"), shown("td.select")]) {
      const box = control.getBoundingClientRect()
      expect(box.width).toBeGreaterThanOrEqual(44)
      expect(box.height).toBeGreaterThanOrEqual(44)
      expect(box.right).toBeLessThanOrEqual(window.innerWidth)
    }
    // A disabled user's status is its badge on the card (the Enabled column is not repeated on it).
    expect(h.row("bob").querySelector(".badge.disabled")?.textContent).toBe("Disabled")
    expect(getComputedStyle(h.row("bob").querySelector("td.enabled") as Element).display).toBe("none")
    // The header row is the page's checkbox and the sorts, as buttons.
    await userEvent.click(h.button("users", "Full Name"))
    await expect.poll(() => h.in("users", "th[aria-sort=ascending]")?.textContent).toMatch(/Full Name/)
    expect(scrollsSideways()).toBe(false)
  })

  it("opens a card's menu with its ⋯ button inside the window, and disables a user from it with no right-click", async () => {
    const h = await mount((await seeded()).client)
    // Right below its button: the tab being a size container does not move the window-fixed menu.
    await userEvent.click(actionsOf(h, "alice"))
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    const below = actionsOf(h, "alice").getBoundingClientRect().bottom
    expect(Math.abs(h.in("users", "[role=menu]").getBoundingClientRect().top - below)).toBeLessThan(2)
    await userEvent.keyboard("{Escape}")
    await userEvent.click(actionsOf(h, "john"))
    const menu = h.in("users", "[role=menu]")
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(inViewport(menu)).toBe(true)
    const disable = h.menuItem("users", "Disable")
    expect(disable.getBoundingClientRect().height).toBeGreaterThanOrEqual(44)
    await userEvent.click(disable)
    await expect.poll(() => h.row("john").classList.contains("disabled")).toBe(true)
    expect(scrollsSideways()).toBe(false)
  })

  it("keeps the menu of a card at the bottom of the window inside it", async () => {
    const { client, manager, admin } = await seeded()
    for (let index = 0; index < 12; index++) {
      await manager.users.create(admin, { username: `user${String(index).padStart(2, "0")}`, groups: ["analysts"] })
    }
    const h = await mount(client)
    const button = actionsOf(h, "user11")
    button.scrollIntoView({ block: "end" })
    expect(window.innerHeight - button.getBoundingClientRect().bottom).toBeLessThan(60)
    await userEvent.click(button)
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(inViewport(h.in("users", "[role=menu]"))).toBe(true)
  })

  it("shows each API token as a card (name, scope, dates, its ⋯ button), nothing sideways, New token and the value shown once inside the window", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read" })
    const h = await mount(client)
    await expect.poll(() => h.tab("tokens")).toBeTruthy()
    await userEvent.click(h.tab("tokens"))
    await expect.poll(() => h.rows("tokens").length).toBe(1)
    expect(scrollsSideways()).toBe(false)
    const table = h.in("tokens", ".scroll")
    expect(table.scrollWidth).toBeLessThanOrEqual(table.clientWidth)
    const card = h.row("backup", "tokens")
    expect(getComputedStyle(card).display).toBe("grid")
    expect(card.querySelector("td.scope")?.textContent?.trim()).toBe("Scope: read")
    const more = card.querySelector("button.row-actions") as HTMLElement
    expect(inViewport(more)).toBe(true)
    expect(more.getBoundingClientRect().height).toBeGreaterThanOrEqual(44)
    const add = h.button("tokens", "New token")
    expect(inViewport(add)).toBe(true)
    await userEvent.click(add)
    const dialog = h.in<HTMLDialogElement>("tokens", "#token-dialog")
    await expect.poll(() => dialog.open).toBe(true)
    expect(inViewport(dialog)).toBe(true)
    expect(dialog.scrollWidth).toBeLessThanOrEqual(dialog.clientWidth)
    await userEvent.type(h.in("tokens", "#f-name"), "okta")
    await userEvent.click(h.button("tokens", "Create"))
    const shown = h.in<HTMLDialogElement>("tokens", "#token-created")
    await expect.poll(() => shown.open).toBe(true)
    expect(inViewport(shown)).toBe(true)
    expect(shown.scrollWidth).toBeLessThanOrEqual(shown.clientWidth)
    expect(inViewport(h.button("tokens", "Copy", "#token-created"))).toBe(true)
    await expectNoAxeViolations()
  })

  it("opens dialogs (Add New, a bulk action's) across the window less a margin, with nothing cut off", async () => {
    const h = await mount((await seeded()).client)
    await userEvent.click(h.button("users", "Add New"))
    const dialog = h.in<HTMLDialogElement>("users", "#user-dialog")
    await expect.poll(() => dialog.open).toBe(true)
    const box = dialog.getBoundingClientRect()
    expect(box.left).toBeGreaterThanOrEqual(8)
    expect(window.innerWidth - box.right).toBeGreaterThanOrEqual(8)
    expect(box.width).toBeGreaterThanOrEqual(window.innerWidth - 32)
    expect(inViewport(dialog)).toBe(true)
    // Nothing in it is cut off at its side: the password's buttons go under the field.
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    expect(dialog.scrollWidth).toBeLessThanOrEqual(dialog.clientWidth)
    for (const name of ["Show password", "Generate"]) {
      const button = [...dialog.querySelectorAll("button")].find((b) => b.textContent?.trim().startsWith(name))
      expect(button === undefined ? false : inViewport(button)).toBe(true)
    }
    const create = h.button("users", "Create")
    expect(create.getBoundingClientRect().height).toBeGreaterThanOrEqual(44)
    expect(scrollsSideways()).toBe(false)
    await userEvent.keyboard("{Escape}")

    // A bulk action's dialog, from the bar a selection brings.
    await userEvent.click(h.row("alice").querySelector("td.select input") as HTMLElement)
    await userEvent.click(h.button("users", "Disable", "[part=selection]"))
    const bulk = h.in<HTMLDialogElement>("users", "#bulk-dialog")
    await expect.poll(() => bulk.textContent).toMatch(/can be disabled/)
    const bulkBox = bulk.getBoundingClientRect()
    expect(bulkBox.left).toBeGreaterThanOrEqual(8)
    expect(window.innerWidth - bulkBox.right).toBeGreaterThanOrEqual(8)
    expect(bulk.scrollWidth).toBeLessThanOrEqual(bulk.clientWidth)
    expect(scrollsSideways()).toBe(false)
  })

  for (const scheme of ["light", "dark"] as const) {
    it(`has no axe-core violations on the cards, a selection's bar and a card's menu (${scheme})`, async () => {
      const { client, manager, admin } = await seeded()
      await manager.users.disable(admin, "bob")
      await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: scheme }] })
      try {
        const h = await mount(client)
        await expect.poll(() => h.tab("groups").querySelector(".count")).toBeTruthy()
        await expectNoAxeViolations()
        await userEvent.click(h.row("alice").querySelector("td.select input") as HTMLElement)
        await expect.poll(() => h.in("users", "[part=selection]")).toBeTruthy()
        expect(scrollsSideways()).toBe(false)
        await expectNoAxeViolations()
        await userEvent.click(actionsOf(h, "john"))
        await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
        await expectNoAxeViolations()
        await userEvent.keyboard("{Escape}")
        await userEvent.click(h.tab("groups"))
        await expect.poll(() => h.rows("groups").length).toBe(3)
        await expectNoAxeViolations()
      } finally {
        await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "" }] })
      }
    })
  }
})

describe("a narrow desktop window (900×700)", () => {
  beforeAll(async () => {
    await page.viewport(900, 700)
  })
  afterAll(async () => {
    await page.viewport(1024, 640)
  })

  for (const lang of ["en", "de"]) {
    it(`keeps every control of the Users tab's toolbar inside the window, nothing scrolling sideways (${lang})`, async () => {
      const h = await mount((await seeded()).client, { lang })
      await expect.poll(() => h.rows("users").length).toBeGreaterThan(0)
      const toolbar = h.in("users", ".toolbar")
      const controls = [...toolbar.querySelectorAll("input, select, button")]
      expect(controls.length).toBeGreaterThan(3)
      for (const control of controls) expect(inViewport(control), control.outerHTML.slice(0, 80)).toBe(true)
      expect(scrollsSideways()).toBe(false)
    })
  }
})
