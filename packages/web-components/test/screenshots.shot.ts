// Not a test: `DT_SCREENSHOTS=1 npx vitest run --project web-components` takes the screenshots shown in the README
// (docs/web-components-*.png) of both tabs (a disabled user among the users, the counts on the tabs), the Add New
// dialog (empty, then with every problem of an invalid form shown), a system user's read-only form, the Import dialog's
// plan, the users in the dark look, and the phone layout (390×844: the users as cards, a card's menu), over the real
// core.
import { cdp, page, userEvent } from "@vitest/browser/context"
import { expect, it } from "vitest"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

it("takes the README's screenshots", async () => {
  await page.viewport(900, 680)
  const { client, manager, admin } = await seeded()
  await manager.users.disable(admin, "bob")
  const h = await mount(client)
  const shot = (name: string) => page.screenshot({ path: `../../../docs/web-components-${name}.png` })
  await expect.poll(() => h.tab("groups").querySelector(".count")).toBeTruthy()
  await shot("users")
  await userEvent.click(h.button("users", "Add New"))
  await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
  await shot("add-new")
  await userEvent.type(h.in("users", "#f-username"), "Carol")
  await userEvent.type(h.in("users", "#f-email"), "carol.example.com")
  await userEvent.type(h.in("users", "#f-password"), "short")
  await userEvent.click(h.button("users", "Show password"))
  await userEvent.click(h.button("users", "Create"))
  await expect.poll(() => h.panel("users").querySelectorAll("#user-dialog [aria-invalid=true]").length).toBe(4)
  await shot("add-new-errors")
  await userEvent.keyboard("{Escape}")
  await userEvent.click(h.row("daemon"))
  await expect.poll(() => h.in("users", "#read-only-reason")).toBeTruthy()
  await shot("read-only")
  await userEvent.keyboard("{Escape}")
  await userEvent.click(h.button("users", "Import"))
  await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
  await expect.poll(() => h.panel("users").querySelectorAll(".refused li").length).toBe(2)
  await shot("import")
  await userEvent.keyboard("{Escape}")
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBe(3)
  await shot("groups")
  await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "dark" }] })
  await userEvent.click(h.tab("users"))
  await expect.poll(() => h.rows("users").length).toBe(5)
  await shot("dark")
  await cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "" }] })
  // The phone layout (390×844): the users as cards, then a card's menu opened by its "⋯" button.
  await page.viewport(390, 844)
  await expect.poll(() => getComputedStyle(h.row("alice")).display).toBe("grid")
  await shot("phone")
  await userEvent.click(h.row("john").querySelector("button.row-actions") as HTMLElement)
  await expect.poll(() => h.menuItem("users", "Disable")).toBeTruthy()
  await shot("phone-menu")
  await userEvent.keyboard("{Escape}")
})
