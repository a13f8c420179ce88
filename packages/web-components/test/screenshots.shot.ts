// Not a test: `DT_SCREENSHOTS=1 npx vitest run --project web-components` takes the screenshots shown in the README
// (docs/web-components-*.png) of both tabs, the Add New dialog and the Import dialog's plan, over the real core.
import { page, userEvent } from "@vitest/browser/context"
import { expect, it } from "vitest"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

it("takes the README's screenshots", async () => {
  await page.viewport(900, 680)
  const { client } = await seeded()
  const h = await mount(client)
  const shot = (name: string) => page.screenshot({ path: `../../../docs/web-components-${name}.png` })
  await shot("users")
  await userEvent.click(h.button("users", "Add New"))
  await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
  await shot("add-new")
  await userEvent.keyboard("{Escape}")
  await userEvent.click(h.button("users", "Import"))
  await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
  await expect.poll(() => h.panel("users").querySelectorAll(".refused li").length).toBe(2)
  await shot("import")
  await userEvent.keyboard("{Escape}")
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBe(3)
  await shot("groups")
})
