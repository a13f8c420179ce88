import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { UserManagerClient } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>
type Tab = "users" | "groups"

const ROUNDS = 50

/**
 * How long each list read takes, round after round (a server at work): none, a little, more than the admin's next
 * steps take. After a delete the list is read again; when that read answers after the next right-click, the rows
 * have moved under the open menu.
 */
const DELAYS = [0, 100, 400, 1200]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The same client, the tab's own list answered after the next of `DELAYS`, read after read. */
const slowList = (client: UserManagerClient, tab: Tab): UserManagerClient => {
  let reads = 0
  const later = async <A>(page: A) => {
    await sleep(DELAYS[reads++ % DELAYS.length] ?? 0)
    return page
  }
  return tab === "users"
    ? { ...client, listUsers: async (query) => later(await client.listUsers(query)) }
    : { ...client, listGroups: async (query) => later(await client.listGroups(query)) }
}

/** A loop hogging the page's thread (10 ms at a time, then one turn for everything else) until stopped. */
const busyLoop = () => {
  let running = true
  const hog = () => {
    if (!running) return
    const end = performance.now() + 10
    while (performance.now() < end) {
      // busy
    }
    setTimeout(hog, 0)
  }
  hog()
  return () => {
    running = false
  }
}

/**
 * The admin's sequence, `ROUNDS` times: Add New, closed with Escape; a right-click on a row (another row than the one
 * the last round acted on, which is gone); the menu's Delete, whose confirmation must name the row that was under the
 * pointer; then the delete, after which the list is read again (slowly, in some rounds) while the next round starts.
 */
const walk = async (h: Harness, tab: Tab, prefix: string) => {
  const dialog = tab === "users" ? "#user-dialog" : "#group-dialog"
  const key = tab === "users" ? "data-username" : "data-name"
  // The row that received the right-click: the one under the pointer as the browser pressed the button. (The test tool
  // finds a row by its position when it clicks, so the rows moving may put another one there: that one is meant.)
  const seen: { row: string | null } = { row: null }
  h.panel(tab).addEventListener(
    "contextmenu",
    (event) => {
      const row = event.composedPath().find((target) => target instanceof HTMLTableRowElement)
      seen.row = row?.getAttribute(key) ?? null
    },
    { capture: true }
  )
  const wrong: Array<string> = []
  const gone = new Set<string>()
  for (let round = 0; round < ROUNDS; round++) {
    await userEvent.click(h.button(tab, "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>(tab, dialog).open).toBe(true)
    await userEvent.keyboard("{Escape}")
    // The first row not deleted yet (the list read after the last delete may not have answered).
    const target = [...h.panel(tab).querySelectorAll(`tbody tr[${key}^=${prefix}]`)].find(
      (row) => !gone.has(row.getAttribute(key) ?? "")
    ) as HTMLElement
    seen.row = null
    await userEvent.click(target, { button: "right" })
    await expect.poll(() => h.menuItem(tab, "Delete")).toBeTruthy()
    // The list read after the last delete may answer now, with the menu open.
    await expect.poll(() => h.in(tab, "table").getAttribute("aria-busy"), { timeout: 10_000 }).toBe("false")
    const menu = h.in(tab, "[role=menu]")?.getAttribute("aria-label")
    await userEvent.click(h.menuItem(tab, "Delete"))
    await expect.poll(() => h.in<HTMLDialogElement>(tab, "#delete-dialog").open).toBe(true)
    const title = h.in(tab, "#delete-title").textContent?.trim()
    const pointed = seen.row
    const expected = `Delete ${tab === "users" ? "user" : "group"} ${pointed}?`
    if (pointed === null || menu !== `Actions for ${pointed}` || title !== expected) {
      wrong.push(`round ${round}: right-clicked ${pointed}, menu "${menu}", confirmation "${title}"`)
      // Never confirm a delete of another row than the one right-clicked.
      await userEvent.click(h.button(tab, "Cancel", "#delete-dialog"))
      await expect.poll(() => h.in<HTMLDialogElement>(tab, "#delete-dialog").open).toBe(false)
      continue
    }
    await userEvent.click(h.button(tab, "Delete", "#delete-dialog"))
    await expect.poll(() => h.in<HTMLDialogElement>(tab, "#delete-dialog").open).toBe(false)
    gone.add(pointed)
  }
  return wrong
}

const users = Array.from({ length: ROUNDS }, (_, index) => `user${String(index).padStart(2, "0")}`)
const groups = Array.from({ length: ROUNDS }, (_, index) => `group${String(index).padStart(2, "0")}`)

const usersTab = async (busy: boolean) => {
  const { client, manager, admin } = await seeded()
  for (const username of users) await manager.users.create(admin, { username, groups: ["developers"] })
  const h = await mount(slowList(client, "users"))
  const stop = busy ? busyLoop() : () => undefined
  try {
    expect(await walk(h, "users", "user")).toEqual([])
  } finally {
    stop()
  }
  await expect
    .poll(() => h.rows().map((row) => row[0]?.split(" ")[0]), { timeout: 10_000 })
    .toEqual(["admin", "alice", "bob", "daemon", "john"])
}

const groupsTab = async (busy: boolean) => {
  const { client, manager, admin } = await seeded()
  for (const name of groups) await manager.groups.create(admin, { name })
  const h = await mount(slowList(client, "groups"))
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBeGreaterThan(3)
  const stop = busy ? busyLoop() : () => undefined
  try {
    expect(await walk(h, "groups", "group")).toEqual([])
  } finally {
    stop()
  }
  await expect
    .poll(() => h.rows("groups").map((row) => row[0]), { timeout: 10_000 })
    .toEqual(["admins", "analysts", "developers"])
}

describe("the context menu acts on the row it was opened on", () => {
  it(
    `names the right-clicked user in Delete after Add New closed with Escape, ${ROUNDS} times, while the list is read again behind the menu`,
    () => usersTab(false),
    180_000
  )

  it(
    `names the right-clicked user in Delete after Add New closed with Escape, ${ROUNDS} times, beside a busy loop`,
    () => usersTab(true),
    300_000
  )

  it(
    `names the right-clicked group in Delete after Add New closed with Escape, ${ROUNDS} times, while the list is read again behind the menu`,
    () => groupsTab(false),
    180_000
  )

  it(
    `names the right-clicked group in Delete after Add New closed with Escape, ${ROUNDS} times, beside a busy loop`,
    () => groupsTab(true),
    300_000
  )
})
