/**
 * The Tokens tab (issue 22, item 1): an administrator lists the API tokens, makes one (its value shown once, with
 * Copy), and revokes one after a confirmation. The client is the real core over the in-memory store: every rule and
 * refusal shown is the core's, and whether the tab shows at all is the back end's answer to the list.
 */
import { cdp, userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { ApiToken, UserManagerClient } from "../src/Client.js"
import { coreClient, seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

type Harness = Awaited<ReturnType<typeof mount>>

const pageLanguage = document.documentElement.lang

afterEach(() => {
  document.documentElement.lang = pageLanguage
  vi.restoreAllMocks()
})

const openTokens = async (h: Harness) => {
  await expect.poll(() => h.tab("tokens")).toBeTruthy()
  await userEvent.click(h.tab("tokens"))
  await expect.poll(() => h.in("tokens", "table")?.getAttribute("aria-busy")).toBe("false")
}

/** Every text the tab's shadow root shows or holds in a field: where a token's value must not linger. */
const everything = (h: Harness) =>
  [
    h.panel("tokens").textContent ?? "",
    ...[...h.panel("tokens").querySelectorAll("input")].map((input) => input.value)
  ].join("\n")

describe("the Tokens tab", () => {
  it("lists each token's name, scope, maker, dates in the page's language, its words too (German: Nie for none), with the count on the tab", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read", expiresAt: null })
    await manager.tokens.create(admin, { name: "entra", scope: "scim" })
    document.documentElement.lang = "de"
    const h = await mount(client)
    await openTokens(h)
    const listed = await manager.tokens.list(admin)
    const entra = listed.find((token) => token.name === "entra") as (typeof listed)[number]
    const german = new Intl.DateTimeFormat("de", { dateStyle: "medium", timeStyle: "short" })
    expect(h.rows("tokens")).toEqual([
      [
        "backup",
        "Geltungsbereich: read",
        "Erstellt von admin",
        `Erstellt: ${german.format(listed[0]?.createdAt)}`,
        "Läuft ab: Nie",
        "Zuletzt verwendet: Nie"
      ],
      [
        "entra",
        "Geltungsbereich: scim",
        "Erstellt von admin",
        `Erstellt: ${german.format(entra.createdAt)}`,
        `Läuft ab: ${german.format(entra.expiresAt as Date)}`,
        "Zuletzt verwendet: Nie"
      ]
    ])
    expect(h.tab("tokens").querySelector(".count")?.textContent?.trim()).toBe("2")
    const headers = [...h.panel("tokens").querySelectorAll("th")].map((th) =>
      th.textContent?.replace(/[▲▼]/g, "").trim()
    )
    expect(headers).toEqual([
      "Name",
      "Geltungsbereich",
      "Erstellt von",
      "Erstellt",
      "Läuft ab",
      "Zuletzt verwendet",
      "Aktionen"
    ])
    await expectNoAxeViolations()
  })

  it("makes a token with New token and shows its value once, read-only, with Copy; the value is gone once the dialog closes, and the token is listed", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    const created: Array<ApiToken> = []
    h.element.addEventListener("token-created", (event) => created.push(event.detail))
    await openTokens(h)
    await userEvent.click(h.button("tokens", "New token"))
    const dialog = h.in<HTMLDialogElement>("tokens", "#token-dialog")
    await expect.poll(() => dialog.open).toBe(true)
    // The expiry offered is the API document's default, bounded by its maximum.
    expect(h.in<HTMLInputElement>("tokens", "#f-days").value).toBe("90")
    expect(h.in<HTMLInputElement>("tokens", "#f-days").max).toBe("1825")
    await expectNoAxeViolations()
    await userEvent.type(h.in("tokens", "#f-name"), "okta")
    await userEvent.click(h.in("tokens", "input[name=scope][value=scim]"))
    await userEvent.clear(h.in("tokens", "#f-days"))
    await userEvent.type(h.in("tokens", "#f-days"), "30")
    await userEvent.click(h.button("tokens", "Create"))

    const shown = h.in<HTMLDialogElement>("tokens", "#token-created")
    await expect.poll(() => shown.open).toBe(true)
    const value = h.in<HTMLInputElement>("tokens", "#token-value")
    expect(value.readOnly).toBe(true)
    expect(value.value).toMatch(/^dtk_/)
    expect(h.in("tokens", "#token-created-note").textContent).toMatch(/will not be shown again/)
    await expectNoAxeViolations()
    await cdp().send("Browser.grantPermissions", { permissions: ["clipboardReadWrite", "clipboardSanitizedWrite"] })
    // The browser's own clipboard is written (the spy only records what it is given, then lets it through).
    const written = vi.spyOn(navigator.clipboard, "writeText")
    await userEvent.click(h.button("tokens", "Copy", "#token-created"))
    await expect
      .poll(() => h.in("tokens", "#token-created [role=status]").textContent?.trim())
      .toBe("Copied to the clipboard.")
    expect(written).toHaveBeenCalledWith(value.value)
    const secret = value.value

    await userEvent.click(h.button("tokens", "Done", "#token-created"))
    await expect.poll(() => shown.open).toBe(false)
    expect(everything(h)).not.toContain(secret)
    await expect.poll(() => h.rows("tokens").map((row) => row[0])).toEqual(["okta"])
    const [token] = await manager.tokens.list(admin)
    expect(token?.scope).toBe("scim")
    const days = ((token?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThanOrEqual(30)
    // The event carries the token as listed, never its value.
    expect(created.map((detail) => detail.name)).toEqual(["okta"])
    expect(JSON.stringify(created)).not.toContain(secret)
    await expect.poll(() => h.tab("tokens").querySelector(".count")?.textContent?.trim()).toBe("1")
  })

  it("checks the form before sending (name, expiry) and shows the core's refusal of a taken name beside Name", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read" })
    const h = await mount(client)
    await openTokens(h)
    await userEvent.click(h.button("tokens", "New token"))
    await userEvent.type(h.in("tokens", "#f-name"), "Bad Name")
    await userEvent.clear(h.in("tokens", "#f-days"))
    await userEvent.type(h.in("tokens", "#f-days"), "4000")
    await userEvent.click(h.button("tokens", "Create"))
    await expect.poll(() => h.in("tokens", "#e-name")?.textContent).toMatch(/^Name/)
    expect(h.in("tokens", "#e-days")?.textContent).toBe(
      "Expires in: a whole number of days from 1 to 1825, or Never expires."
    )
    await expectNoAxeViolations()
    // Never expires stands for any number of days.
    await userEvent.click(h.in("tokens", "input[name=never]"))
    await userEvent.clear(h.in("tokens", "#f-name"))
    await userEvent.type(h.in("tokens", "#f-name"), "backup")
    await userEvent.click(h.button("tokens", "Create"))
    await expect.poll(() => h.in("tokens", "#e-name")?.textContent).toMatch(/backup/)
    expect(h.in("tokens", "#e-days")).toBeNull()
    expect(h.in<HTMLDialogElement>("tokens", "#token-created").open).toBe(false)
    expect((await manager.tokens.list(admin)).map((token) => token.name)).toEqual(["backup"])
  })

  it("revokes a token from its ⋯ menu after a confirmation, and Cancel revokes nothing", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read" })
    await manager.tokens.create(admin, { name: "entra", scope: "scim" })
    const h = await mount(client)
    const revoked: Array<string> = []
    h.element.addEventListener("token-revoked", (event) => revoked.push(event.detail.name))
    await openTokens(h)
    const more = h.row("backup", "tokens").querySelector("button.row-actions") as HTMLElement
    await userEvent.click(more)
    await expect.poll(() => h.menuItem("tokens", "Revoke")).toBeTruthy()
    await userEvent.click(h.menuItem("tokens", "Revoke"))
    const confirm = h.in<HTMLDialogElement>("tokens", "#delete-dialog")
    await expect.poll(() => confirm.open).toBe(true)
    expect(h.in("tokens", "#delete-title").textContent).toBe("Revoke token backup?")
    await expectNoAxeViolations()
    await userEvent.click(h.button("tokens", "Cancel", "#delete-dialog"))
    await expect.poll(() => confirm.open).toBe(false)
    expect((await manager.tokens.list(admin)).length).toBe(2)

    // The Delete key on a row asks the same.
    h.row("backup", "tokens").focus()
    await userEvent.keyboard("{Delete}")
    await expect.poll(() => confirm.open).toBe(true)
    await userEvent.click(h.button("tokens", "Revoke", "#delete-dialog"))
    await expect.poll(() => h.rows("tokens").map((row) => row[0])).toEqual(["entra"])
    expect((await manager.tokens.list(admin)).map((token) => token.name)).toEqual(["entra"])
    expect(revoked).toEqual(["backup"])
    await expect.poll(() => h.panel("tokens").querySelector(".toast")?.textContent).toMatch(/Revoked token backup/)
  })

  it("is not shown when the back end refuses the list of tokens (Forbidden), nor for a client that cannot list them", async () => {
    const { client, manager } = await seeded()
    // The core's own refusal: john is no administrator, and the core says so to his list of tokens.
    const john = coreClient(manager, "john")
    const refused: UserManagerClient = { ...client, listTokens: () => john.listTokens?.() ?? Promise.resolve([]) }
    const h = await mount(refused)
    await expect.poll(() => h.tab("groups").querySelector(".count")).toBeTruthy()
    expect(h.tab("tokens")).toBeNull()
    expect(h.root.querySelectorAll("[role=tab]").length).toBe(2)
    // Asked for by the host, it gives way to the Users tab: the back end refused it.
    h.element.tab = "tokens"
    await h.element.updateComplete
    expect(h.element.tab).toBe("users")
    expect(h.tab("users").getAttribute("aria-selected")).toBe("true")

    const { listTokens: _listTokens, ...without } = client
    const other = await mount(without)
    await expect.poll(() => other.tab("groups").querySelector(".count")).toBeTruthy()
    expect(other.tab("tokens")).toBeNull()
  })

  it("offers no New token to a client that can list tokens but not make one", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read" })
    const { createToken: _createToken, ...listOnly } = client
    const h = await mount(listOnly)
    await openTokens(h)
    expect(h.rows("tokens").length).toBe(1)
    expect(h.button("tokens", "New token")).toBeUndefined()

    const full = await mount(client)
    await openTokens(full)
    expect(full.button("tokens", "New token")).toBeDefined()
  })

  it("moves between the three tabs with the arrow keys, and a token's row keeps the tabs' keyboard model", async () => {
    const { client, manager, admin } = await seeded()
    await manager.tokens.create(admin, { name: "backup", scope: "read" })
    const h = await mount(client)
    await expect.poll(() => h.tab("tokens")).toBeTruthy()
    h.tab("users").focus()
    await userEvent.keyboard("{ArrowLeft}")
    await expect.poll(() => h.focused()?.id).toBe("tab-tokens")
    await expect.poll(() => h.rows("tokens").length).toBe(1)
    h.row("backup", "tokens").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.focused()?.textContent?.trim()).toBe("Revoke")
    await userEvent.keyboard("{Escape}")
    await expect.poll(() => h.focused()?.getAttribute("data-name")).toBe("backup")
    await userEvent.keyboard("{Tab}")
    expect(h.focused()?.getAttribute("aria-label")).toBe("Actions for backup")
  })
})
