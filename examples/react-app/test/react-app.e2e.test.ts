/// <reference lib="dom" />
// The React example drops <user-manager> in: built as a reader would build it, served by its host over a real SQLite
// file, loaded in Chromium; the element lists the host's users through the client React gave it, and a user created in
// the element's Add New dialog shows up in React's own activity panel (the element's DOM event, in React state).
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

let host: { readonly url: string; readonly close: () => Promise<void> }
let browser: Browser

beforeAll(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL("../build.mjs", import.meta.url))])
  const { startHost } = await import("../src/server.js")
  host = await startHost({ port: 0, database: join(mkdtempSync(join(tmpdir(), "dt-react-")), "host.db") })
  browser = await chromium.launch({ executablePath: process.env.DT_CHROMIUM ?? "/usr/bin/chromium" })
})

afterAll(async () => {
  await browser?.close()
  await host?.close()
})

describe("the React example", () => {
  it("renders <user-manager> inside React, over the host's API, and React sees the element's change events", async () => {
    const page = await browser.newPage()
    const errors: Array<string> = []
    page.on("pageerror", (error) => errors.push(error.message))
    await page.goto(`${host.url}/`)

    // React rendered its own shell, and the element inside it lists the host's users through React's client.
    await expect.poll(() => page.getByRole("heading", { name: "Activity" }).count()).toBe(1)
    const rows = page.locator("um-users-tab tr[part~=row]")
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2)
    expect(await rows.allTextContents()).toEqual([expect.stringContaining("boss"), expect.stringContaining("clerk")])
    // The host's theme reached inside the element through its custom properties.
    const accent = await page
      .locator("um-users-tab")
      .getByRole("button", { name: "Add New" })
      .evaluate((button) => getComputedStyle(button).backgroundColor)
    expect(accent).toBe("rgb(15, 118, 110)")

    // A user created in the element's dialog: the element fires user-created, React puts it in its activity list.
    await page.locator("um-users-tab").getByRole("button", { name: "Add New" }).click()
    const dialog = page.locator("um-users-tab dialog[open]")
    await dialog.getByLabel("Username").fill("ann")
    await dialog.getByLabel("First name").fill("Ann")
    await dialog.getByLabel("Last name").fill("Lee")
    await dialog.getByRole("checkbox", { name: "staff" }).click()
    await dialog.getByRole("button", { name: "Create" }).click()
    await expect
      .poll(() => page.locator("aside li").allTextContents(), { timeout: 15_000 })
      .toEqual(["User ann created"])
    await expect.poll(() => rows.count()).toBe(3)
    expect(errors).toEqual([])
  })
})
