import { readFileSync } from "node:fs"
import { join } from "node:path"
import { type Browser, chromium } from "playwright"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  dtEnv,
  globalCli,
  hostFiles,
  hostProject,
  pinned,
  type Serving,
  scratch,
  serve,
  start,
  succeed,
  tarball
} from "./support/hosts.js"
import { currentLine } from "./support/nodeLines.js"

const password = "the page admin secret"

// The machine's Chromium, launched as the repository's browser tests launch it.
const launch = JSON.parse(
  readFileSync(new URL("../../packages/web-components/test/chromium.json", import.meta.url), "utf8")
) as { readonly executablePath: string; readonly args: Array<string> }

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.DT_CHROMIUM ?? launch.executablePath,
    args: launch.args
  })
})
afterAll(async () => {
  await browser?.close()
})

// The page is the element's code in Chromium. What a Node line changes around it is the host's own Vite, and `dt
// serve`, which cli.test.ts starts on every line: it runs on the machine's line only.
describe(`a page bundled with Vite from the element's tarball on Node ${currentLine.version}`, () => {
  const line = currentLine
  const servers: Array<Serving> = []
  let api: Serving
  let page: Serving

  beforeAll(async () => {
    const [prefix, site] = await Promise.all([
      globalCli(line),
      hostProject(line, "vite", {
        files: hostFiles("vite"),
        type: "module",
        specs: [tarball("web-components"), pinned("vite")]
      })
    ])
    const build = succeed(line, join(site, "node_modules/.bin/vite"), ["build"], { cwd: site })
    // A failed build is reported where it is awaited, below.
    build.catch(() => undefined)

    // A store with users, made by the installed dt, served by the installed dt serve.
    const dir = scratch(line, "page-store")
    const env = { ...dtEnv(line, prefix, dir), DT_DATABASE_URL: `sqlite:${join(dir, "page.db")}`, DT_USER: "admin" }
    for (const command of [
      ["init", "--admin", "admin", "-f", "Ada", "-l", "Admin"],
      ["user", "change-password", password],
      ["group", "add", "developers"],
      ["user", "add", "-f", "John", "-l", "Doe", "-g", "developers", "-e", "john@example.com", "john"],
      ["user", "add", "-f", "Alice", "-l", "Liddell", "-g", "developers", "alice"]
    ]) {
      await succeed(line, "dt", command, { cwd: dir, env })
    }
    api = await serve(line, [], { cwd: dir, env })
    servers.push(api)

    await build
    page = await start(line, join(site, "node_modules/.bin/vite"), ["preview", "--port", "0"], {
      cwd: site,
      env: { API_URL: api.url },
      ready: /Local:\s+(http:\/\/\S+?)\/?\s/
    })
    servers.push(page)
  })

  afterAll(async () => {
    for (const server of servers.splice(0).reverse()) await server.stop()
  })

  it('renders <user-manager> in Chromium against a real dt serve, its Users tab shows the users, and it speaks German once told lang="de"', async () => {
    const context = await browser.newContext()
    try {
      // The host signs its user in (the session cookie and the CSRF cookie), then loads the page with the element.
      const signedIn = await context.request.post(`${page.url}/api/v1/auth/login`, {
        data: { username: "admin", password, session: "cookie" }
      })
      expect(signedIn.status()).toBe(200)
      const tab = await context.newPage()
      const scripts: Array<string> = []
      tab.on("request", (request) => {
        if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname)
      })
      await tab.goto(page.url)

      await expect.poll(() => tab.getByRole("tab", { name: "Users" }).getAttribute("aria-selected")).toBe("true")
      const usernames = () =>
        tab.locator("um-users-tab tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-username")))
      await expect.poll(usernames, { timeout: 15_000 }).toEqual(["admin", "alice", "john"])
      const john = () =>
        tab
          .locator('um-users-tab tr[data-username="john"] td:not(.control)')
          .evaluateAll((cells) => cells.map((cell) => cell.textContent?.trim()))
      await expect.poll(john).toEqual(["john", "John Doe", "developers", "john@example.com", "Yes"])
      // In German: the host's bundle carries the package's German catalog as a chunk of its own, fetched only now.
      const before = scripts.length
      await tab.locator("user-manager").evaluate((element) => element.setAttribute("lang", "de"))
      await expect.poll(() => tab.getByRole("tab", { name: /^Benutzer/ }).getAttribute("aria-selected")).toBe("true")
      await expect.poll(john).toEqual(["john", "John Doe", "developers", "john@example.com", "Ja"])
      expect(scripts.length).toBeGreaterThan(before)
      // The element came from the Vite bundle of the package, not from the copy dt serve embeds.
      expect(scripts.length).toBeGreaterThan(0)
      expect(scripts.every((path) => path.startsWith("/assets/"))).toBe(true)
    } finally {
      await context.close()
    }
  })
})
