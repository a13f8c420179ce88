/**
 * The Users tab's visible and bulk actions (issue 21, item 3): each row's "⋯" button opening the row's menu, the
 * checkbox column with select-all-on-page, and the bar of actions on a selection, each checked by the core's dry run
 * first (its summary and each refused user shown), then applied in one request. The client is the real core over the
 * in-memory store: every refusal shown is the core's.
 */
import { userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { UserManagerClient } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>

afterEach(() => {
  vi.restoreAllMocks()
})

const checkbox = (h: Harness, username: string) =>
  h.row(username).querySelector<HTMLInputElement>("input[type=checkbox]") as HTMLInputElement
const pageBox = (h: Harness) => h.in<HTMLInputElement>("users", "thead input[type=checkbox]")
const bar = (h: Harness) => h.in("users", '[part="selection"]')
const dialog = (h: Harness) => h.in<HTMLDialogElement>("users", "#bulk-dialog")
const summary = (h: Harness) => h.in("users", "#bulk-summary")?.textContent?.trim()
const usernames = (h: Harness) => h.rows().map((row) => row[0]?.split(" ")[0])

describe("each row's ⋯ button", () => {
  it("opens the same menu as a right-click, reached with Tab from the row, with aria-haspopup and aria-expanded; Escape gives the focus back to it", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    h.row("bob").focus()
    await userEvent.keyboard("{Tab}")
    expect(h.focused()?.getAttribute("aria-label")).toBe("Select bob")
    await userEvent.keyboard("{Tab}")
    const button = h.focused() as HTMLButtonElement
    expect(button.getAttribute("aria-label")).toBe("Actions for bob")
    expect(button.getAttribute("aria-haspopup")).toBe("menu")
    expect(button.getAttribute("aria-expanded")).toBe("false")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.focused()?.getAttribute("role")).toBe("menuitem")
    expect(h.in("users", "[role=menu]").getAttribute("aria-label")).toBe("Actions for bob")
    expect([...h.panel("users").querySelectorAll("[role=menuitem]")].map((item) => item.textContent?.trim())).toEqual([
      "Update",
      "Disable",
      "Delete"
    ])
    expect(button.getAttribute("aria-expanded")).toBe("true")
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()).toBe(button)
    expect(button.getAttribute("aria-expanded")).toBe("false")
    // Its menu greys out what the core refuses, as the right-click's does; the click opens no editor, a second closes it.
    const daemon = h.row("daemon").querySelector("button.row-actions") as HTMLElement
    await userEvent.click(daemon)
    await expect.poll(() => h.menuItem("users", "Delete")?.getAttribute("aria-disabled")).toBe("true")
    expect(h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(false)
    await userEvent.click(daemon)
    await expect.poll(() => h.in("users", "[role=menu]")).toBeNull()
    expect(daemon.getAttribute("aria-expanded")).toBe("false")
  })
})

describe("the selection", () => {
  it("a checkbox on each row selects its user, the header's the whole page (indeterminate when some are); the bar says how many", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    expect(bar(h)).toBeNull()
    await userEvent.click(checkbox(h, "bob"))
    expect(h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(false)
    await expect.poll(() => bar(h)?.querySelector(".count")?.textContent?.trim()).toBe("1 selected")
    expect(pageBox(h).indeterminate).toBe(true)
    expect(pageBox(h).checked).toBe(false)
    await expectNoAxeViolations()
    await userEvent.click(pageBox(h))
    await expect.poll(() => bar(h)?.querySelector(".count")?.textContent?.trim()).toBe("5 selected")
    expect(pageBox(h).checked).toBe(true)
    expect(pageBox(h).indeterminate).toBe(false)
    expect(h.rows().map((_, index) => checkbox(h, usernames(h)[index] as string).checked)).toEqual(
      h.rows().map(() => true)
    )
    expect([...bar(h).querySelectorAll("button")].map((button) => button.textContent?.trim())).toEqual([
      "Enable",
      "Disable",
      "Add to group",
      "Remove from group",
      "Delete",
      "Clear selection"
    ])
    await userEvent.click(pageBox(h))
    await expect.poll(() => bar(h)).toBeNull()
    // Space on a focused checkbox toggles it (the row's keys are the row's own).
    checkbox(h, "john").focus()
    await userEvent.keyboard(" ")
    await expect.poll(() => checkbox(h, "john").checked).toBe(true)
    expect(h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(false)
  })

  it("Delete checks the selection by the core's dry run first, says who cannot be deleted and why, then deletes the rest in one request; the selection is cleared and the list read again", async () => {
    const { client } = await seeded()
    const bulk = vi.spyOn(client as Required<UserManagerClient>, "bulkUsers")
    const changed: Array<unknown> = []
    const h = await mount(client)
    h.element.addEventListener("users-changed", (event) => changed.push(event.detail))
    for (const name of ["bob", "daemon", "admin", "john"]) await userEvent.click(checkbox(h, name))
    await userEvent.click(h.button("users", "Delete", '[part="selection"]'))
    await expect.poll(() => summary(h)).toBe("2 of 4 users can be deleted: 1 is a system user, 1 is yourself.")
    expect(dialog(h).open).toBe(true)
    expect(bulk).toHaveBeenCalledTimes(1)
    expect(bulk.mock.calls[0]?.[0]).toEqual({
      action: "delete",
      usernames: ["bob", "daemon", "admin", "john"],
      dryRun: true
    })
    const refused = [...dialog(h).querySelectorAll("li")].map((item) => item.textContent?.trim())
    expect(refused).toEqual([
      "daemon: 'daemon' is a system user and cannot be changed (refused: delete).",
      "admin: You cannot delete yourself ('admin'): ask another administrator."
    ])
    // The dry run changed nothing.
    expect(usernames(h)).toEqual(["admin", "alice", "bob", "daemon", "john"])
    await expectNoAxeViolations()
    await userEvent.click(h.button("users", "Delete 2 users", "#bulk-dialog"))
    await expect.poll(() => summary(h)).toBe("2 of 4 users were deleted: 1 is a system user, 1 is yourself.")
    expect(bulk).toHaveBeenCalledTimes(2)
    expect(bulk.mock.calls[1]?.[0]).toEqual({ action: "delete", usernames: ["bob", "daemon", "admin", "john"] })
    await expect.poll(() => usernames(h)).toEqual(["admin", "alice", "daemon"])
    expect(bar(h)).toBeNull()
    expect(changed).toHaveLength(1)
    await expectNoAxeViolations()
    await userEvent.click(h.button("users", "Close", "#bulk-dialog"))
    await expect.poll(() => dialog(h).open).toBe(false)
  })

  it("Disable, then Enable, apply to every selected user the core allows; Cancel after the dry run changes nothing", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    for (const name of ["alice", "bob"]) await userEvent.click(checkbox(h, name))
    await userEvent.click(h.button("users", "Disable", '[part="selection"]'))
    await expect.poll(() => summary(h)).toBe("2 of 2 users can be disabled.")
    await userEvent.click(h.button("users", "Cancel", "#bulk-dialog"))
    await expect.poll(() => dialog(h).open).toBe(false)
    expect(h.rows().find((row) => row[0] === "bob")?.[4]).toBe("Yes")
    expect(bar(h)?.querySelector(".count")?.textContent?.trim()).toBe("2 selected")
    await userEvent.click(h.button("users", "Disable", '[part="selection"]'))
    await userEvent.click(await vi.waitFor(() => h.button("users", "Disable 2 users", "#bulk-dialog")))
    await expect.poll(() => h.rows().find((row) => row[0]?.split(" ")[0] === "bob")?.[4]).toBe("No")
    expect(h.rows().find((row) => row[0]?.split(" ")[0] === "alice")?.[4]).toBe("No")
  })

  it("Add to group and Remove from group ask for the group, then check and apply; a user whose last group it is stays", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    for (const name of ["john", "alice"]) await userEvent.click(checkbox(h, name))
    await userEvent.click(h.button("users", "Add to group", '[part="selection"]'))
    await expect.poll(() => dialog(h).open).toBe(true)
    expect(h.button("users", "Check", "#bulk-dialog").disabled).toBe(true)
    await expectNoAxeViolations()
    await userEvent.type(h.in("users", "#bulk-group"), "analysts")
    await userEvent.click(h.button("users", "Check", "#bulk-dialog"))
    await expect.poll(() => summary(h)).toBe("2 of 2 users can be added to 'analysts'.")
    await userEvent.click(h.button("users", "Add 2 users to a group", "#bulk-dialog"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[2]).toBe("analysts, developers")
    await userEvent.click(h.button("users", "Close", "#bulk-dialog"))

    for (const name of ["john", "alice"]) await userEvent.click(checkbox(h, name))
    await userEvent.click(h.button("users", "Remove from group", '[part="selection"]'))
    await userEvent.type(h.in("users", "#bulk-group"), "analysts")
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => summary(h)).toBe("2 of 2 users can be removed from 'analysts'.")
    await userEvent.click(h.button("users", "Cancel", "#bulk-dialog"))
    await userEvent.click(h.button("users", "Remove from group", '[part="selection"]'))
    await userEvent.type(h.in("users", "#bulk-group"), "developers")
    await userEvent.keyboard("{Enter}")
    // john's groups are analysts and developers now: both can leave developers. bob is in analysts only.
    await expect.poll(() => summary(h)).toBe("2 of 2 users can be removed from 'developers'.")
    await userEvent.click(h.button("users", "Cancel", "#bulk-dialog"))
    await userEvent.click(h.button("users", "Clear selection", '[part="selection"]'))
    await userEvent.click(checkbox(h, "bob"))
    await userEvent.click(h.button("users", "Remove from group", '[part="selection"]'))
    await userEvent.type(h.in("users", "#bulk-group"), "analysts")
    await userEvent.keyboard("{Enter}")
    await expect
      .poll(() => summary(h))
      .toBe("0 of 1 user can be removed from 'analysts': 1 would be left without a group.")
    expect(h.button("users", "Remove 0 users from a group", "#bulk-dialog").disabled).toBe(true)
    await expectNoAxeViolations()
  })

  it("is not offered by a client that cannot apply bulk actions", async () => {
    const { client } = await seeded()
    const { bulkUsers: _bulkUsers, ...without } = client
    const h = await mount(without)
    expect(h.panel("users").querySelectorAll("input[type=checkbox]").length).toBe(0)
    expect(h.row("bob").querySelector("button.row-actions")).not.toBeNull()
  })
})
