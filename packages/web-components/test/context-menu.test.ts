import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { UserManagerClient } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>
type Tab = "users" | "groups"

/**
 * When the list read after a delete answers, relative to the admin's next steps (a server at work): at once, between
 * Add New closed and the right-click (the rows move as the pointer lands), or while the row's menu is open (the rows
 * move under the menu). Each round takes the next of these in turn, so every one of them happens, in order, not by
 * chance of timing.
 */
const ANSWERS = ["at once", "before the right-click", "with the menu open"] as const
type Answer = (typeof ANSWERS)[number]

/** Rounds per test: every moment of `ANSWERS`, four times. */
const ROUNDS = 4 * ANSWERS.length

/** The moment of `ANSWERS` the read after round `round`'s delete answers at (no read precedes round 0). */
const answerIn = (round: number): Answer => ANSWERS[round % ANSWERS.length] ?? "at once"

/** The tab's own list reads, held back from `hold()` on; any other read goes through. */
interface Gate {
  readonly hold: () => void
  /** Lets the held reads answer once one waits (so the rows move at this moment); nothing when none was held. */
  readonly answer: () => Promise<void>
}

/** The same client, its tab's list reads going through a gate. */
const gatedList = (client: UserManagerClient, tab: Tab): { client: UserManagerClient; gate: Gate } => {
  let holding = false
  const waiting: Array<() => void> = []
  const gate: Gate = {
    hold: () => {
      holding = true
    },
    answer: async () => {
      if (!holding) return
      await expect.poll(() => waiting.length, { timeout: 10_000 }).toBeGreaterThan(0)
      holding = false
      for (const go of waiting.splice(0)) go()
    }
  }
  const later = async <A>(page: A) => {
    if (holding) await new Promise<void>((resolve) => waiting.push(resolve))
    return page
  }
  return {
    gate,
    client:
      tab === "users"
        ? { ...client, listUsers: async (query) => later(await client.listUsers(query)) }
        : { ...client, listGroups: async (query) => later(await client.listGroups(query)) }
  }
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

/** How the admin opens a row's menu: a right-click on the row, or a click on its "⋯" button. */
type Opener = "right-click" | "⋯"

/**
 * The admin's sequence, `ROUNDS` times: Add New, closed with Escape; a right-click on a row, or a click on its "⋯"
 * button (another row than the one the last round acted on, which is gone); the menu's Delete, whose confirmation must
 * name the row that was under the pointer; then the delete, after which the list is read again, answering at the next
 * round's moment of `ANSWERS`.
 */
const walk = async (h: Harness, gate: Gate, tab: Tab, prefix: string, opener: Opener = "right-click") => {
  const dialog = tab === "users" ? "#user-dialog" : "#group-dialog"
  const key = tab === "users" ? "data-username" : "data-name"
  // The row that received the right-click: the one under the pointer as the browser pressed the button. (The test tool
  // finds a row by its position when it clicks, so the rows moving may put another one there: that one is meant.)
  const seen: { row: string | null } = { row: null }
  h.panel(tab).addEventListener(
    opener === "right-click" ? "contextmenu" : "click",
    (event) => {
      const path = event.composedPath()
      if (opener === "⋯" && !path.some((target) => target instanceof Element && target.matches("button.row-actions")))
        return
      const row = path.find((target) => target instanceof HTMLTableRowElement)
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
    if (answerIn(round) === "before the right-click") await gate.answer()
    // The first row not deleted yet (the list read after the last delete may not have answered).
    const target = [...h.panel(tab).querySelectorAll(`tbody tr[${key}^=${prefix}]`)].find(
      (row) => !gone.has(row.getAttribute(key) ?? "")
    ) as HTMLElement
    seen.row = null
    if (opener === "right-click") await userEvent.click(target, { button: "right" })
    else await userEvent.click(target.querySelector("button.row-actions") as HTMLElement)
    await expect.poll(() => h.menuItem(tab, "Delete")).toBeTruthy()
    if (answerIn(round) === "with the menu open") await gate.answer()
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
    if (answerIn(round + 1) !== "at once") gate.hold()
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
  const gated = gatedList(client, "users")
  const h = await mount(gated.client)
  const stop = busy ? busyLoop() : () => undefined
  try {
    expect(await walk(h, gated.gate, "users", "user")).toEqual([])
  } finally {
    stop()
  }
  await expect
    .poll(() => h.rows().map((row) => row[0]?.split(" ")[0]), { timeout: 10_000 })
    .toEqual(["admin", "alice", "bob", "daemon", "john"])
}

const groupsTab = async (busy: boolean, opener: Opener = "right-click") => {
  const { client, manager, admin } = await seeded()
  for (const name of groups) await manager.groups.create(admin, { name })
  const gated = gatedList(client, "groups")
  const h = await mount(gated.client)
  await userEvent.click(h.tab("groups"))
  await expect.poll(() => h.rows("groups").length).toBeGreaterThan(3)
  const stop = busy ? busyLoop() : () => undefined
  try {
    expect(await walk(h, gated.gate, "groups", "group", opener)).toEqual([])
  } finally {
    stop()
  }
  await expect
    .poll(() => h.rows("groups").map((row) => row[0]), { timeout: 10_000 })
    .toEqual(["admins", "analysts", "developers"])
}

describe("the context menu acts on the row it was opened on", () => {
  it(
    `names the right-clicked user in Delete after Add New closed with Escape, ${ROUNDS} times, the list read after each delete answering at once, before the right-click or with the menu open`,
    () => usersTab(false),
    180_000
  )

  it(
    `names the right-clicked user in Delete after Add New closed with Escape, ${ROUNDS} times, beside a busy loop`,
    () => usersTab(true),
    300_000
  )

  it(
    `names the right-clicked group in Delete after Add New closed with Escape, ${ROUNDS} times, the list read after each delete answering at once, before the right-click or with the menu open`,
    () => groupsTab(false),
    180_000
  )

  it(
    `names the right-clicked group in Delete after Add New closed with Escape, ${ROUNDS} times, beside a busy loop`,
    () => groupsTab(true),
    300_000
  )

  it(
    `names the group whose ⋯ button was pressed in Delete after Add New closed with Escape, ${ROUNDS} times, the list read after each delete answering at once, before the press or with the menu open`,
    () => groupsTab(false, "⋯"),
    180_000
  )
})
