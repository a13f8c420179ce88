/// <reference lib="dom" />
// The element's Import and Export at a real `dt serve`, in Chromium: the HTTP client's requests (the session cookie,
// the CSRF header, the file's declared length, the upload's progress events) against the server's bulk routes.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const BIN = fileURLToPath(new URL("../bin/dt.js", import.meta.url))
const ADMIN_PASSWORD = "the bulk walkthrough admin secret"

let server: ChildProcessWithoutNullStreams
let url = ""
let browser: Browser

/** Starts `dt serve` on a free port of 127.0.0.1 over a new SQLite file and waits for the URL it prints. */
const serve = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-gui-bulk-")), "dt.db")
    server = spawn(process.execPath, [BIN, "serve", "--port", "0", "--database", `sqlite:${database}`], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: mkdtempSync(join(tmpdir(), "dt-gui-bulk-home-")),
        DT_ADMIN_PASSWORD: ADMIN_PASSWORD
      }
    })
    let stdout = ""
    let stderr = ""
    server.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    server.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const found = /Serving the User Manager at (http:\/\/\S+)\//.exec(stdout)?.[1]
      if (found !== undefined) resolve(found)
    })
    server.once("exit", (code) => reject(new Error(`dt serve exited (${code}) before serving: ${stderr}`)))
  })

beforeAll(async () => {
  url = await serve()
  const launch = JSON.parse(
    readFileSync(new URL("../../web-components/test/chromium.json", import.meta.url), "utf8")
  ) as { readonly executablePath: string; readonly args: Array<string> }
  browser = await chromium.launch({
    executablePath: process.env.DT_CHROMIUM ?? launch.executablePath,
    args: launch.args
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (server?.exitCode === null) server.kill("SIGTERM")
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
