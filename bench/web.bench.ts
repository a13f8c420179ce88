/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The `<user-manager>` element in Chromium against a real `dt serve`, run by hand (not in CI):
 *
 *   npm run bench:web                          # 100,000 users, 9 runs of each measurement
 *   BENCH_USERS=10000 BENCH_RUNS=5 npm run bench:web
 *
 * It loads BENCH_USERS users into a fresh SQLite file with the bulk loader of bench/load.ts (5% of them have a last
 * name containing "quartz"), starts the bundled `dt serve` on it (its own process, 127.0.0.1), and drives the system
 * Chromium (/usr/bin/chromium, headless, through playwright-core) over loopback. Each run opens a fresh browser
 * context, signs in through the API (the session cookie), and measures, with `performance.now()` inside the page:
 *
 * - first page: from the start of the navigation to `/` to the first frame at which the Users table shows its first 50
 *   rows, no longer busy (watched from inside the page by an init script); for scale, the same for a static page of
 *   one table row served by a bare node:http server (Chromium's own floor on this machine);
 * - search: from typing "quartz" into the search field (one input event, as a paste) to the table showing only
 *   matching rows — the element waits 250 ms after the last keystroke before it asks (its debounce), which is
 *   included and reported separately;
 * - next page: from clicking Next to the next 50 rows;
 * - scrolling: the frame intervals (`requestAnimationFrame`) while the mouse wheel scrolls the page up and down over
 *   the table for two seconds.
 *
 * It prints Markdown; the results go to docs/benchmarks.md.
 *
 * BENCH_SCENARIO=groups measures the Groups tab instead, on the directory of huge groups of bench/groups.ts
 * (BENCH_USERS users, 1,000,000 by default: 20 teams, `everyone` of half of them, 2,000 clubs of 10), seeded into a
 * fresh SQLite file, or read from BENCH_GROUPS_FILE (made by `bench/groups.bench.ts seed sqlite FILE`; kept):
 *
 * - Groups first page: from the start of the navigation to `/` (the element told `tab="groups"` as it is parsed) to
 *   the first frame at which the Groups table shows its first 50 rows, no longer busy;
 * - Update of `everyone`: from the click on its row (found by a search first) to the first frame at which the dialog
 *   is open and its member list shows its first page of members, no longer busy (the dialog is usable).
 *
 * For scale, in the same runs: the Users tab's first page over the same directory, and the static page of one row;
 * and, from the pages' resource timing, when each tab's list request was sent and answered (the page `dt serve`
 * serves preloads the Users tab's first requests, not the Groups tab's).
 *
 *   BENCH_SCENARIO=groups BENCH_GROUPS_FILE=/tmp/groups.db BENCH_RUNS=5 npm run bench:web
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { UserManager } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { type BrowserContext, chromium, type Page } from "playwright"
import { EVERYONE, seedGroups } from "./groups.js"
import { PASSWORD, seed } from "./load.js"
import { intSetting, log, median, quantile, seconds, thousands } from "./stats.js"

const SCENARIO = process.env.BENCH_SCENARIO ?? "users"
/** How long a new window gets to finish opening before a measured navigation (see `settledPage`). */
const WINDOW_SETTLE_MS = 2_500
const GROUPS_FILE = process.env.BENCH_GROUPS_FILE
const USERS = intSetting("BENCH_USERS", SCENARIO === "groups" ? 1_000_000 : 100_000, 1)
const RUNS = intSetting("BENCH_RUNS", 9, 3)
const TERM = "quartz"
const DEBOUNCE_MS = 250
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium"
const root = fileURLToPath(new URL("..", import.meta.url))

const load = async (file: string) => {
  const db = await Effect.runPromise(SqliteDirectory.open(file))
  try {
    const layer = UserManager.layer({
      directory: KyselyDirectory.layer({ db, engine: "sqlite", migrate: true }),
      hasher: Argon2Hasher.layer
    })
    const loaded = await Effect.runPromise(seed(db, "sqlite", USERS).pipe(Effect.provide(layer)))
    return loaded.insertMs
  } finally {
    await db.destroy()
  }
}

/** The directory of huge groups (bench/groups.ts) in a fresh SQLite file. */
const loadGroups = async (file: string) => {
  const db = await Effect.runPromise(SqliteDirectory.open(file))
  try {
    const layer = UserManager.layer({
      directory: KyselyDirectory.layer({ db, engine: "sqlite", migrate: true }),
      hasher: Argon2Hasher.layer
    })
    const loaded = await Effect.runPromise(seedGroups(db, "sqlite", USERS).pipe(Effect.provide(layer)))
    return loaded.insertMs
  } finally {
    await db.destroy()
  }
}

/** Starts the bundled `dt serve` and waits for the line that gives its URL. */
const serve = (file: string, home: string) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, "packages/cli/bin/dt.js"), "serve", "--port", "0", "--database", `sqlite:${file}`],
      { env: { PATH: process.env.PATH ?? "", HOME: home }, stdio: ["ignore", "pipe", "inherit"] }
    )
    let out = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      const url = /Serving the User Manager at (http:\/\/\S+?)\/?\s/.exec(out)?.[1]
      if (url !== undefined) resolve({ child, url })
    })
    child.once("exit", (code) => reject(new Error(`dt serve exited with ${code}`)))
  })

/** What the Users table must show: `count` rows, rows that all contain `including`, a first row other than `firstNot`. */
interface Expected {
  readonly count?: number
  readonly including?: string
  readonly firstNot?: string
}

/**
 * Waits, checking at every frame inside the page, until the Users table (inside the element's shadow roots) is not
 * busy and shows what is expected; returns `performance.now()` of that frame.
 */
const whenTable = async (page: Page, expected: Expected): Promise<number> => {
  const handle = await page.waitForFunction(
    ({ count, including, firstNot }: Expected) => {
      const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-users-tab")?.shadowRoot
      const table = tab?.querySelector("table")
      if (table === null || table === undefined || table.getAttribute("aria-busy") === "true") return false
      const rows = [...(tab?.querySelectorAll("tr[part~=row]") ?? [])].map((row) =>
        (row.textContent ?? "").toLowerCase()
      )
      const shown =
        rows.length > 0 &&
        (count === undefined || rows.length === count) &&
        (including === undefined || rows.every((row) => row.includes(including))) &&
        (firstNot === undefined || rows[0] !== firstNot)
      return shown ? performance.now() : false
    },
    expected,
    { polling: "raf", timeout: 30_000 }
  )
  return (await handle.jsonValue()) as number
}

/**
 * Runs in the page from its first frame: reports on the console (`dt-first-page <ms>`) the `performance.now()` of the
 * first frame at which the Users table shows 50 rows and is not busy. The console, because asking the page from here
 * (`waitForFunction`) would make Playwright inject its own script into the page while it loads, and that script's
 * main-thread work would be measured as the page's. (A string: the source of a function as tsx compiles
 * it would call helpers the page lacks.)
 */
const FIRST_PAGE_WATCH = `(() => {
  const check = () => {
    const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-users-tab")?.shadowRoot
    const table = tab?.querySelector("table")
    if (table && table.getAttribute("aria-busy") !== "true" && tab.querySelectorAll("tr[part~=row]").length === 50) {
      console.log("dt-first-page " + performance.now())
    } else {
      requestAnimationFrame(check)
    }
  }
  requestAnimationFrame(check)
})()`

/** The same watch for the static page of Chromium's floor: its one table cell. */
const FLOOR_WATCH = `(() => {
  const check = () => {
    if (document.querySelector("td")) console.log("dt-first-page " + performance.now())
    else requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()`

/** The time the page's watch reports (see `FIRST_PAGE_WATCH`). */
const firstPageReport = (page: Page) =>
  page
    .waitForEvent("console", { predicate: (message) => message.text().startsWith("dt-first-page "), timeout: 30_000 })
    .then((message) => Number(message.text().slice("dt-first-page ".length)))

/**
 * A new page in `context`, on `about:blank`, once the browser has finished opening its window. Chromium (156, the new
 * headless mode) starts a window's own renderers — the omnibox popup's WebUI — with every new context, and they burn
 * about a second of CPU on this 2-core machine just as the first navigation starts: a trace showed them running beside
 * the measured page, slowing it and the static page alike. A user's browser has its window open before they navigate.
 */
const settledPage = async (context: BrowserContext): Promise<Page> => {
  const page = await context.newPage()
  await page.goto("about:blank")
  await page.waitForTimeout(WINDOW_SETTLE_MS)
  return page
}

/** Runs in the page: the Users tab's shadow root. */
const usersTab = (page: Page) =>
  page.evaluateHandle(
    () => document.querySelector("user-manager")?.shadowRoot?.querySelector("um-users-tab")?.shadowRoot ?? null
  )

const main = async () => {
  const folder = mkdtempSync(join(os.tmpdir(), "dt-web-bench-"))
  const file = join(folder, "dt.db")
  let server: ChildProcess | undefined
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  try {
    log(`loading ${thousands(USERS)} users into ${file} …`)
    const loadMs = await load(file)
    const served = await serve(file, folder)
    server = served.child
    // Chromium's floor: a static page with one table row, from a bare node:http server, watched the same way.
    const floorServer = createServer((_request, response) =>
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end("<!doctype html><title>floor</title><table><tr><td>row</td></tr></table>")
    )
    await new Promise<void>((resolve) => floorServer.listen(0, "127.0.0.1", resolve))
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`
    const floor: Array<number> = []
    const firstPage: Array<number> = []
    const search: Array<number> = []
    const next: Array<number> = []
    const frames: Array<number> = []
    let matches = ""
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      const signIn = await context.request.post(`${served.url}/api/v1/auth/login`, {
        data: { username: "admin", password: PASSWORD, session: "cookie" }
      })
      if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}`)
      // The first page is watched from inside the page, from its first frame on (an init script runs before the
      // page's own): polling from here could only start once the navigation has been answered, frames late.
      await context.addInitScript(FIRST_PAGE_WATCH)
      const page = await settledPage(context)
      const reported = firstPageReport(page)
      await page.goto(`${served.url}/`, { waitUntil: "commit" })
      const shown = await reported
      await whenTable(page, { count: 50 })

      // Search: one input event with the whole term, then the rows that all match.
      const typed = await page.evaluate((term) => {
        const input = document
          .querySelector("user-manager")
          ?.shadowRoot?.querySelector("um-users-tab")
          ?.shadowRoot?.querySelector("input[type=search]") as HTMLInputElement
        input.focus()
        input.value = term
        const at = performance.now()
        input.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, data: term }))
        return at
      }, TERM)
      const found = await whenTable(page, { including: TERM })
      matches = await (await usersTab(page)).evaluate(
        (tab) => tab?.querySelector(".pager [role=status]")?.textContent ?? ""
      )

      // Next page.
      const firstRow = await (await usersTab(page)).evaluate(
        (tab) => tab?.querySelector("tr[part~=row]")?.textContent?.toLowerCase() ?? ""
      )
      const clicked = await page.evaluate(() => {
        const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-users-tab")?.shadowRoot
        const button = [...(tab?.querySelectorAll("button") ?? [])].find((b) => b.textContent?.trim() === "Next")
        const at = performance.now()
        button?.click()
        return at
      })
      const paged = await whenTable(page, { firstNot: firstRow })

      // Scrolling: frame intervals while the wheel scrolls the page over the table.
      await page.mouse.move(640, 450)
      // (A string, not a function: the function's source as tsx compiles it would call helpers the page lacks.)
      const collecting = page.evaluate<Array<number>>(`new Promise((resolve) => {
        const intervals = []
        let last = performance.now()
        const started = last
        const tick = (at) => {
          intervals.push(at - last)
          last = at
          if (at - started < 2000) requestAnimationFrame(tick)
          else resolve(intervals)
        }
        requestAnimationFrame(tick)
      })`)
      const end = Date.now() + 2_000
      for (let step = 0; Date.now() < end; step++) {
        await page.mouse.wheel(0, step % 20 < 10 ? 120 : -120)
        await page.waitForTimeout(16)
      }
      const intervals = await collecting

      const bare = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      await bare.addInitScript(FLOOR_WATCH)
      const floorPage = await settledPage(bare)
      const floorReported = firstPageReport(floorPage)
      await floorPage.goto(floorUrl, { waitUntil: "commit" })
      const floorShown = await floorReported
      await bare.close()

      if (run > 0) {
        // Run 0 warms the server's caches and Chromium's; it is not counted.
        floor.push(floorShown)
        firstPage.push(shown)
        search.push(found - typed)
        next.push(paged - clicked)
        frames.push(...intervals.slice(1))
      }
      log(
        `run ${run}${run === 0 ? " (warm-up)" : ""}: first page ${shown.toFixed(0)} ms, search ${(found - typed).toFixed(0)} ms, next ${(paged - clicked).toFixed(0)} ms`
      )
      await context.close()
    }
    floorServer.close()
    const sorted = (values: Array<number>) => [...values].sort((a, b) => a - b)
    const row = (label: string, values: Array<number>, target: string) => {
      const s = sorted(values)
      return `| ${label} | ${median(s).toFixed(0)} | ${s[0]?.toFixed(0)}–${s.at(-1)?.toFixed(0)} | ${target} |`
    }
    const frameSorted = sorted(frames)
    const long = frames.filter((interval) => interval > 1.5 * (1000 / 60)).length
    console.log(`## <user-manager> in Chromium against dt serve — ${new Date().toISOString()}\n`)
    console.log(`- ${thousands(USERS)} users (SQLite, bulk loaded in ${seconds(loadMs)}); ${RUNS} runs after a warm-up`)
    console.log(
      `- Chromium: ${browser.version()} headless, 1280×900; 1-minute load average ${os.loadavg()[0]?.toFixed(2)}`
    )
    console.log(`- Search term '${TERM}': the pager said "${matches}"\n`)
    console.log("| measurement | median (ms) | range (ms) | target |")
    console.log("|---|--:|--:|---|")
    console.log(row("navigation to a rendered, interactive first page", firstPage, "≤ 300 ms"))
    console.log(row("  for scale: navigation to a static page of one table row (bare node:http)", floor, ""))
    console.log(row(`typing '${TERM}' to the updated rows (includes the ${DEBOUNCE_MS} ms debounce)`, search, ""))
    console.log(
      row(
        `  the same without the debounce`,
        search.map((value) => value - DEBOUNCE_MS),
        ""
      )
    )
    console.log(row("Next to the next page's rows", next, ""))
    console.log(
      `\nScrolling: ${thousands(frames.length)} frames over ${RUNS} × 2 s; interval median ${median(frameSorted).toFixed(1)} ms, p95 ${quantile(frameSorted, 0.95).toFixed(1)} ms, max ${frameSorted.at(-1)?.toFixed(1)} ms; ${long} frames (${((100 * long) / Math.max(1, frames.length)).toFixed(1)}%) longer than 1.5 frames at 60 Hz.`
    )
  } finally {
    await browser.close()
    server?.kill("SIGTERM")
    rmSync(folder, { recursive: true, force: true })
  }
}

/**
 * Runs in the page from its first frame: tells the element, as soon as the page's parser makes it, to open on the
 * Groups tab, and reports (`dt-first-page <ms>`) the first frame at which the Groups table shows 50 rows, not busy.
 */
const GROUPS_FIRST_PAGE_WATCH = `(() => {
  new MutationObserver((changes, observer) => {
    const element = document.querySelector("user-manager")
    if (element) {
      element.setAttribute("tab", "groups")
      observer.disconnect()
    }
  }).observe(document, { childList: true, subtree: true })
  const check = () => {
    const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-groups-tab")?.shadowRoot
    const table = tab?.querySelector("table")
    if (table && table.getAttribute("aria-busy") !== "true" && tab.querySelectorAll("tr[part~=row]").length === 50) {
      console.log("dt-first-page " + performance.now())
    } else {
      requestAnimationFrame(check)
    }
  }
  requestAnimationFrame(check)
})()`

/** An expression, in the page: the Groups tab's shadow root (a string, for the reason given at `FIRST_PAGE_WATCH`). */
const GROUPS_TAB = `document.querySelector("user-manager")?.shadowRoot?.querySelector("um-groups-tab")?.shadowRoot`

/** An expression, in the page: when the list request of `path` started and was answered (resource timing). */
const listTiming = (path: string) =>
  `(() => { const e = performance.getEntriesByType("resource").find((r) => r.name.includes("${path}")); return e ? [e.startTime, e.responseEnd] : [NaN, NaN] })()`

const groupsMain = async () => {
  const folder = mkdtempSync(join(os.tmpdir(), "dt-web-bench-"))
  const file = GROUPS_FILE ?? join(folder, "dt.db")
  let server: ChildProcess | undefined
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  /** A yardstick in the same runs: navigation to the Users tab's first page over the same directory. */
  const usersFirstPage = async (url: string) => {
    const users = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const signIn = await users.request.post(`${url}/api/v1/auth/login`, {
      data: { username: "admin", password: PASSWORD, session: "cookie" }
    })
    if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}`)
    await users.addInitScript(FIRST_PAGE_WATCH)
    const page = await settledPage(users)
    const reported = firstPageReport(page)
    await page.goto(`${url}/`, { waitUntil: "commit" })
    const shown = await reported
    const [asked, answered] = (await page.evaluate(listTiming("/api/v1/users?"))) as [number, number]
    await users.close()
    return { shown, asked, answered }
  }
  try {
    let loadMs: number | undefined
    if (GROUPS_FILE === undefined) {
      log(`loading the groups of ${thousands(USERS)} users into ${file} …`)
      loadMs = await loadGroups(file)
    }
    const served = await serve(file, folder)
    server = served.child
    const floorServer = createServer((_request, response) =>
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end("<!doctype html><title>floor</title><table><tr><td>row</td></tr></table>")
    )
    await new Promise<void>((resolve) => floorServer.listen(0, "127.0.0.1", resolve))
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`
    const floor: Array<number> = []
    const usersPage: Array<number> = []
    const groupsAsked: Array<number> = []
    const groupsAnswered: Array<number> = []
    const usersAsked: Array<number> = []
    const usersAnswered: Array<number> = []
    const firstPage: Array<number> = []
    const dialog: Array<number> = []
    let memberRows = 0
    let legend = ""
    for (let run = 0; run <= RUNS; run++) {
      // The two tabs' first pages in turn first, so that neither always comes after the other.
      const usersBefore = run % 2 === 1 ? await usersFirstPage(served.url) : undefined
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      const signIn = await context.request.post(`${served.url}/api/v1/auth/login`, {
        data: { username: "admin", password: PASSWORD, session: "cookie" }
      })
      if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}`)
      await context.addInitScript(GROUPS_FIRST_PAGE_WATCH)
      const page = await settledPage(context)
      const reported = firstPageReport(page)
      await page.goto(`${served.url}/`, { waitUntil: "commit" })
      const shown = await reported
      const [asked, answered] = (await page.evaluate(listTiming("/api/v1/groups?"))) as [number, number]

      // Find `everyone` (not on the first page by name), then time the click on its row to a usable dialog.
      await page.evaluate((term) => {
        const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-groups-tab")?.shadowRoot
        const input = tab?.querySelector("input[type=search]") as HTMLInputElement
        input.value = term
        input.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, data: term }))
      }, EVERYONE)
      await page.waitForFunction(
        (name) => {
          const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-groups-tab")?.shadowRoot
          return (
            tab?.querySelector(`tr[data-name='${name}']`) !== null &&
            tab?.querySelectorAll("tr[part~=row]").length === 1
          )
        },
        EVERYONE,
        { polling: "raf", timeout: 120_000 }
      )
      const clicked = await page.evaluate(`(() => {
        const row = ${GROUPS_TAB}.querySelector("tr[data-name='${EVERYONE}']")
        const at = performance.now()
        row.click()
        return at
      })()`)
      // (Polled from here at every frame: a string would be evaluated in the page, which its CSP refuses.)
      const ready = await page.waitForFunction(
        () => {
          const tab = document.querySelector("user-manager")?.shadowRoot?.querySelector("um-groups-tab")?.shadowRoot
          const list = tab?.querySelector("#group-dialog[open] #member-list")
          return list && list.getAttribute("aria-busy") === "false" && list.querySelectorAll("input").length > 0
            ? performance.now()
            : false
        },
        undefined,
        { polling: "raf", timeout: 30_000 }
      )
      const interactive = (await ready.jsonValue()) as number
      const seen = (await page.evaluate(`(() => {
        const tab = ${GROUPS_TAB}
        return [tab.querySelectorAll("#member-list input").length, tab.querySelector("#group-dialog legend").textContent]
      })()`)) as [number, string]
      memberRows = seen[0]
      legend = seen[1]
      await context.close()

      const bare = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      await bare.addInitScript(FLOOR_WATCH)
      const floorPage = await settledPage(bare)
      const floorReported = firstPageReport(floorPage)
      await floorPage.goto(floorUrl, { waitUntil: "commit" })
      const floorShown = await floorReported
      await bare.close()
      const users = usersBefore ?? (await usersFirstPage(served.url))
      const usersShown = users.shown

      if (run > 0) {
        floor.push(floorShown)
        usersPage.push(usersShown)
        groupsAsked.push(asked)
        groupsAnswered.push(answered)
        usersAsked.push(users.asked)
        usersAnswered.push(users.answered)
        firstPage.push(shown)
        dialog.push(interactive - (clicked as number))
      }
      log(
        `run ${run}${run === 0 ? " (warm-up)" : ""}: Groups first page ${shown.toFixed(0)} ms (Users ${usersShown.toFixed(0)} ms, static page ${floorShown.toFixed(0)} ms), Update ${EVERYONE} ${(interactive - (clicked as number)).toFixed(0)} ms`
      )
    }
    floorServer.close()
    const sorted = (values: Array<number>) => [...values].sort((a, b) => a - b)
    const row = (label: string, values: Array<number>, target: string) => {
      const s = sorted(values)
      return `| ${label} | ${median(s).toFixed(0)} | ${s[0]?.toFixed(0)}–${s.at(-1)?.toFixed(0)} | ${target} |`
    }
    console.log(`## <user-manager> Groups tab in Chromium against dt serve — ${new Date().toISOString()}\n`)
    console.log(
      `- the groups of ${thousands(USERS)} users (bench/groups.ts; SQLite${loadMs === undefined ? `, ${file}` : `, loaded in ${seconds(loadMs)}`}); ${RUNS} runs after a warm-up`
    )
    console.log(
      `- Chromium: ${browser.version()} headless, 1280×900; 1-minute load average ${os.loadavg()[0]?.toFixed(2)}`
    )
    console.log(`- the dialog showed "${legend}" and ${memberRows} member rows\n`)
    console.log("| measurement | median (ms) | range (ms) | target |")
    console.log("|---|--:|--:|---|")
    console.log(row("navigation to the Groups tab's rendered first page", firstPage, "≤ 300 ms"))
    console.log(row("  for scale: navigation to the Users tab's first page, same directory", usersPage, ""))
    console.log(row("  for scale: navigation to a static page of one table row (bare node:http)", floor, ""))
    const sentAnswered = (label: string, sent: Array<number>, answered: Array<number>) =>
      `| ${label} | ${median(sorted(sent)).toFixed(0)} / ${median(sorted(answered)).toFixed(0)} | | |`
    console.log(sentAnswered("  of which: the Groups list request sent / answered", groupsAsked, groupsAnswered))
    console.log(sentAnswered("  of which: the Users list request sent / answered", usersAsked, usersAnswered))
    console.log(row(`click on ${EVERYONE} to its Update dialog with its first members`, dialog, "≤ 300 ms"))
  } finally {
    await browser.close()
    server?.kill("SIGTERM")
    rmSync(folder, { recursive: true, force: true })
  }
}

if (SCENARIO === "groups") await groupsMain()
else await main()
