/// <reference lib="dom" />
// The element's Import and Export at a real `dt serve`, in Chromium: the HTTP client's requests (the session cookie,
// the CSRF header, the file's declared length, the upload's progress events) against the server's bulk routes.
import { readFileSync } from "node:fs"
import type { Browser, Page } from "playwright"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium } from "./support/chromium.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const ADMIN_PASSWORD = "the bulk walkthrough admin secret"

let server: Serving | undefined
let url = ""
let browser: Browser

beforeAll(async () => {
  server = await serve(["--database", freshDatabase("dt-gui-bulk-")], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
  url = server.url
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

/** A fresh browser context signed in as the administrator on the page at `/`, with the Users tab shown. */
const signedIn = async (): Promise<Page> => {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  await page.goto(`${url}/`)
  await page.getByLabel("Username").fill("admin")
  await page.getByLabel("Password").fill(ADMIN_PASSWORD)
  await page.getByRole("button", { name: "Sign in" }).click()
  await expect.poll(() => page.locator("um-users-tab tr[data-username]").count()).toBeGreaterThan(0)
  return page
}

describe("Import and Export in the GUI at dt serve's URL", () => {
  it("exports the users as a CSV download through GET /api/v1/export, without password hashes", async () => {
    const page = await signedIn()
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("um-users-tab").getByRole("button", { name: "Export CSV" }).click()
    ])
    expect(download.suggestedFilename()).toBe("users.csv")
    const path = await download.path()
    const lines = readFileSync(path, "utf8").trim().split("\r\n")
    expect(lines[0]).toBe("username,firstName,lastName,email,enabled,system,groups,createdAt")
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["admin"])
    expect(lines.join("\n")).not.toMatch(/\$argon2/)
    await page.context().close()
  })
})

describe("Import in the GUI at dt serve's URL", () => {
  /** The rows of a tab's counts table in the Import dialog, as the text of their cells. */
  const counts = (page: Page, tab: string) =>
    page
      .locator(`${tab} .counts tbody tr`)
      .evaluateAll((rows) => rows.map((row) => Array.from(row.children, (cell) => cell.textContent?.trim())))

  it("imports groups from JSON Lines, then users from CSV, through POST /api/v1/import: each plan first, then the records in the tables", async () => {
    const page = await signedIn()
    const imports: Array<{ url: string; headers: Record<string, string>; status: number }> = []
    page.on("requestfinished", async (request) => {
      if (!request.url().includes("/api/v1/import")) return
      imports.push({
        url: request.url().replace(url, ""),
        headers: await request.allHeaders(),
        status: (await request.response())?.status() ?? 0
      })
    })

    await page.getByRole("tab", { name: "Groups" }).click()
    await page.locator("um-groups-tab").getByRole("button", { name: "Import" }).click()
    await page.locator("um-groups-tab #import-file").setInputFiles({
      name: "groups.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from('{"name":"staff","gid":5000}\n{"name":"Bad Name"}\n')
    })
    await expect.poll(() => counts(page, "um-groups-tab")).toEqual([["Groups", "1", "0", "0", "0", "1"]])
    expect(await page.locator("um-groups-tab .refused li").allTextContents()).toEqual([expect.stringMatching(/line 2/)])
    await page.locator("um-groups-tab #import-dialog").getByRole("button", { name: "Import" }).click()
    await expect
      .poll(() => page.locator('um-groups-tab tr[data-name="staff"] td:not(.control)').allTextContents())
      .toEqual(["staff", "5000", "0"])
    await page.locator("um-groups-tab #import-close").click()

    await page.getByRole("tab", { name: "Users" }).click()
    await page.locator("um-users-tab").getByRole("button", { name: "Import" }).click()
    await page.locator("um-users-tab #import-file").setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        'username,firstName,lastName,groups\r\ncarol,Carol,King,staff\r\ndave,Dave,Brubeck,"staff"\r\n'
      )
    })
    await expect.poll(() => counts(page, "um-users-tab")).toEqual([["Users", "2", "0", "0", "0", "0"]])
    await page.locator("um-users-tab #import-dialog").getByRole("button", { name: "Import" }).click()
    await expect.poll(() => page.locator("um-users-tab #import-status").textContent()).toContain("2 users created")
    await expect
      .poll(() =>
        page
          .locator("um-users-tab tr[data-username]")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-username")))
      )
      .toEqual(["admin", "carol", "dave"])

    // Four requests: a check and an import on each tab, each with the browser's session, its CSRF token and its length.
    expect(imports.map((request) => [request.url, request.status])).toEqual([
      ["/api/v1/import?kind=groups&onConflict=fail&atomic=false&dryRun=true", 200],
      ["/api/v1/import?kind=groups&onConflict=fail&atomic=false&dryRun=false", 200],
      ["/api/v1/import?kind=users&onConflict=fail&atomic=false&dryRun=true", 200],
      ["/api/v1/import?kind=users&onConflict=fail&atomic=false&dryRun=false", 200]
    ])
    for (const request of imports) {
      expect(request.headers["x-csrf-token"]).toMatch(/.{16,}/)
      expect(Number(request.headers["content-length"])).toBeGreaterThan(0)
    }
    await page.context().close()
  })
})
