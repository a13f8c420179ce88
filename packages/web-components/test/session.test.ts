import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import { ClientError } from "../src/Client.js"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>

/** Opens the menu of `username`'s row with a right click and chooses `item`. */
const choose = async (h: Harness, username: string, item: string) => {
  await userEvent.click(h.row(username), { button: "right" })
  await expect.poll(() => h.menuItem("users", item)).toBeTruthy()
  await userEvent.click(h.menuItem("users", item))
}

describe("an expired session", () => {
  /** The seeded client, refusing everything as the API does once the session has expired while `expired` is set. */
  const expiring = async () => {
    const seed = await seeded()
    // 55 users named user00…user54: a search for "user" has two pages.
    for (let index = 0; index < 55; index++) {
      await seed.manager.users.create(seed.admin, {
        username: `user${String(index).padStart(2, "0")}`,
        groups: ["analysts"]
      })
    }
    const state = { expired: false }
    const client = new Proxy(seed.client, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver)
        if (typeof value !== "function") return value
        return (...args: Array<unknown>) =>
          state.expired
            ? Promise.reject(new ClientError("Unauthenticated", "Sign in first: the session has expired."))
            : value.apply(target, args)
      }
    })
    return { ...seed, client, state }
  }

  it("shows no records, fires session-expired, and after resume() comes back to the same tab, search and page", async () => {
    const { client, state } = await expiring()
    const h = await mount(client)
    const fired: Array<string> = []
    h.element.addEventListener("session-expired", (event) => fired.push(event.detail.message))
    await userEvent.type(h.in("users", "[part=search]"), "user")
    await expect.poll(() => h.in("users", ".pager [role=status]").textContent?.trim()).toBe("1–50 of 55")
    await userEvent.click(h.button("users", "Next"))
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user50")

    state.expired = true
    await choose(h, "user52", "Disable")
    await expect.poll(() => fired).toEqual(["Sign in first: the session has expired."])
    expect(h.root.querySelector("[role=alert]")?.textContent?.trim()).toBe(
      "Your session has ended: sign in again to go on where you were."
    )
    expect(h.rows()).toEqual([])
    expect((h.root.querySelector("#panel-users") as HTMLElement).hidden).toBe(true)
    expect((h.root.querySelector("[role=tablist]") as HTMLElement).hidden).toBe(true)
    await expectNoAxeViolations()

    state.expired = false
    await h.element.resume()
    await expect.poll(() => h.rows()[0]?.[0]).toBe("user50")
    expect(h.in<HTMLInputElement>("users", "[part=search]").value).toBe("user")
    expect(h.in("users", ".pager [role=status]").textContent?.trim()).toBe("51–55 of 55")
    expect(h.root.querySelector("[role=alert]")).toBeNull()
    expect(fired).toHaveLength(1)
  })

  it("closes a dialog whose session has ended (no dialog with empty lists stays open), and keeps the Groups tab shown", async () => {
    const { client, state } = await expiring()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.button("groups", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    state.expired = true
    await userEvent.type(h.in("groups", "#f-find"), "us")
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(false)
    expect(h.rows("groups")).toEqual([])
    state.expired = false
    await h.element.resume()
    await expect.poll(() => h.rows("groups").length).toBe(3)
    expect(h.element.tab).toBe("groups")
  })
})
