import { userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it } from "vitest"
import { type BulkRefusal, type BulkResult, ClientError, type UserManagerClient } from "../src/Client.js"
import { HttpClient } from "../src/HttpClient.js"
import { refusalText } from "../src/internal/refusals.js"
import type { UserManagerElement } from "../src/user-manager/user-manager.component.js"
import { seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, " ").trim()

/** The test page's own language, put back after each test. */
const pageLang = document.documentElement.getAttribute("lang") ?? "en"

afterEach(() => {
  document.documentElement.setAttribute("lang", pageLang)
  document.documentElement.removeAttribute("dir")
})

describe("other languages", () => {
  it('speaks German with lang="de": the tabs, the toolbar, the column headers, the counts and the pager', async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    await expect.poll(() => text(h.tab("users"))).toBe("Benutzer 5")
    await expect.poll(() => text(h.tab("groups"))).toBe("Gruppen 3")
    expect(h.button("users", "Hinzufügen")).toBeTruthy()
    expect([...h.panel("users").querySelectorAll("thead th button")].map(text)).toEqual([
      "Benutzername ▲",
      "Vollständiger Name",
      "Gruppen",
      "E-Mail",
      "Aktiviert"
    ])
    expect(text(h.in("users", ".summary"))).toBe("5 Benutzer")
    expect(text(h.in("users", ".pager [role=status]"))).toBe("1–5 von 5")
    expect(h.in("users", "input[type=search]").getAttribute("placeholder")).toBe("Benutzer suchen")
    expect(h.rows().find((row) => row[0]?.startsWith("daemon"))?.[4]).toBe("Ja")
    // The content says the language it is written in.
    expect(h.root.querySelector("#panel-users")?.getAttribute("lang")).toBe("de")
  })

  it("writes a refusal in German from its tag and data, beside the field it names", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    await userEvent.click(h.button("users", "Hinzufügen"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.type(h.in("users", "#f-username"), "john")
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.button("users", "Anlegen"))
    await expect.poll(() => text(h.in("users", "#e-username"))).toBe("Der Benutzername 'john' ist bereits vergeben.")
  })

  it("keeps the server's English sentence for a refusal whose tag the catalog does not know", async () => {
    const { client } = await seeded()
    const refusing: UserManagerClient = {
      ...client,
      createUser: () => Promise.reject(new ClientError("QuotaExceeded", "The directory holds its maximum of users."))
    }
    const h = await mount(refusing, { lang: "de" })
    await userEvent.click(h.button("users", "Hinzufügen"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.type(h.in("users", "#f-username"), "carol")
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.button("users", "Anlegen"))
    await expect
      .poll(() => text(h.in("users", "#user-dialog [role=alert]")))
      .toBe("The directory holds its maximum of users.")
  })

  it("words in German an answer that carries no refusal (its HTTP status) and a server that cannot be reached", async () => {
    const alert = (fetch: typeof globalThis.fetch) => {
      const element = document.createElement("user-manager") as UserManagerElement
      element.setAttribute("lang", "de")
      element.client = HttpClient("", { fetch })
      document.body.replaceChildren(element)
      return () => text(element.shadowRoot?.querySelector("[role=alert]"))
    }
    const failing = alert(async () => new Response("<h1>Bad Gateway</h1>", { status: 502, statusText: "Bad Gateway" }))
    await expect.poll(failing).toBe("Der Server antwortete mit 502 Bad Gateway.")
    const unreachable = alert(() => Promise.reject(new TypeError("Failed to fetch")))
    await expect.poll(unreachable).toBe("Der Server ist nicht erreichbar: TypeError: Failed to fetch")
  })

  it("words a bulk action's dry run, its refusals by tag and its outcome in German", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    const summary = () => text(h.in("users", "#bulk-summary"))
    for (const name of ["bob", "daemon", "admin", "john"]) {
      await userEvent.click(h.row(name).querySelector("input[type=checkbox]") as HTMLElement)
    }
    await expect.poll(() => text(h.in("users", '[part="selection"] [role=status]'))).toBe("4 ausgewählt")
    await userEvent.click(h.button("users", "Löschen", '[part="selection"]'))
    await expect
      .poll(summary)
      .toBe("2 von 4 Benutzern können gelöscht werden: 1 ist ein Systembenutzer, 1 davon sind Sie selbst.")
    expect([...h.panel("users").querySelectorAll("#bulk-dialog li")].map(text)).toEqual([
      "daemon: 'daemon' ist ein Systembenutzer und kann nicht gelöscht werden.",
      "admin: Sie können sich nicht selbst löschen ('admin'): Bitten Sie einen anderen Administrator."
    ])
    await userEvent.click(h.button("users", "2 Benutzer löschen", "#bulk-dialog"))
    await expect
      .poll(summary)
      .toBe("2 von 4 Benutzern wurden gelöscht: 1 ist ein Systembenutzer, 1 davon sind Sie selbst.")
  })

  it("words a bulk refusal that needs its data (the group a user would be left without) in German, from that data", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    await userEvent.click(h.row("john").querySelector("input[type=checkbox]") as HTMLElement)
    await userEvent.click(h.button("users", "Aus Gruppe entfernen", '[part="selection"]'))
    await userEvent.type(h.in("users", "#bulk-group"), "developers")
    await userEvent.click(h.button("users", "Prüfen", "#bulk-dialog"))
    await expect
      .poll(() => text(h.in("users", "#bulk-summary")))
      .toBe("0 von 1 Benutzer kann aus der Gruppe 'developers' entfernt werden: 1 stünde ohne Gruppe da.")
    expect([...h.panel("users").querySelectorAll("#bulk-dialog li")].map(text)).toEqual([
      "john: Jeder Benutzer gehört mindestens einer Gruppe an: Durch diese Änderung an der Gruppe 'developers' stünde(n) der Benutzer 'john' ohne Gruppe da."
    ])
    expect(h.in("users", "#bulk-dialog li [lang=en]")).toBeNull()
  })

  it("words every refusal of a bulk action in German, by its tag and data; an unknown tag keeps its sentence, marked English", async () => {
    const { client, manager, admin } = await seeded()
    // The refusals as the core gives them, and those a bulk action meets only in a race (a last administrator, an
    // actor demoted or signed out while it runs), with the data the core's errors carry.
    const real = [
      await manager.users.bulk(admin, {
        action: "removeFromGroup",
        group: "developers",
        usernames: ["john", "bob", "ghost", "Not A Name!"],
        dryRun: true
      }),
      await manager.users.bulk(admin, { action: "addToGroup", group: "nowhere", usernames: ["bob"], dryRun: true }),
      await manager.users.bulk(admin, { action: "addToGroup", group: "Not A Group!", usernames: ["bob"], dryRun: true })
    ].flatMap((result) => result.results)
    const raced: BulkResult["results"] = [
      {
        username: "root",
        outcome: "refused",
        error: {
          _tag: "LastAdmin",
          message: "The admin group 'admins' must keep an enabled member: 'root' cannot all lose admin access.",
          group: "admins",
          usernames: ["root"]
        }
      },
      {
        username: "alice",
        outcome: "refused",
        error: {
          _tag: "Forbidden",
          message:
            "'admin' may not remove user 'alice' from group 'developers': only enabled members of the admin group 'admins' may.",
          actor: "admin",
          action: "remove user 'alice' from group 'developers'",
          reason: { _tag: "NotAdministrator", adminGroup: "admins" }
        }
      },
      {
        username: "carol",
        outcome: "refused",
        error: {
          _tag: "Unauthenticated",
          message: "Sign in first: the session has expired, was revoked or never existed.",
          reason: "the session has expired, was revoked or never existed"
        }
      },
      {
        username: "dave",
        outcome: "refused",
        error: { _tag: "Quarantined", message: "'dave' is quarantined." } as unknown as BulkRefusal
      }
    ]
    const results = [...(real as BulkResult["results"]), ...raced]
    const answer: BulkResult = {
      action: "delete",
      dryRun: true,
      results,
      applied: 0,
      refused: results.length
    }
    const h = await mount({ ...client, bulkUsers: async () => answer }, { lang: "de" })
    await userEvent.click(h.row("bob").querySelector("input[type=checkbox]") as HTMLElement)
    await userEvent.click(h.button("users", "Löschen", '[part="selection"]'))
    await expect
      .poll(() => text(h.in("users", "#bulk-summary")))
      .toBe(
        "0 von 10 Benutzern können gelöscht werden: 1 stünde ohne Gruppe da, 1 ist kein Mitglied der Gruppe, " +
          "1 existiert nicht mehr, 1 ist kein gültiger Benutzername, 1 wird abgelehnt, da die Gruppe nicht existiert, " +
          "1 wird abgelehnt, da der Gruppenname ungültig ist, 1 ließe die Administratorgruppe ohne Administrator, " +
          "1 dürfen Sie nicht ändern, 1 wird abgelehnt, da Ihre Sitzung beendet ist, 1 abgelehnt."
      )
    expect([...h.panel("users").querySelectorAll("#bulk-dialog li")].map(text)).toEqual([
      "john: Jeder Benutzer gehört mindestens einer Gruppe an: Durch diese Änderung an der Gruppe 'developers' stünde(n) der Benutzer 'john' ohne Gruppe da.",
      "bob: Der Benutzer 'bob' ist kein Mitglied der Gruppe 'developers'.",
      "ghost: Es gibt keinen Benutzer namens 'ghost'.",
      "Not A Name!: Das ist kein gültiger Benutzername.",
      "bob: Es gibt keine Gruppe namens 'nowhere'.",
      "bob: Das ist kein gültiger Gruppenname.",
      "root: Die Administratorgruppe 'admins' muss ein aktiviertes Mitglied behalten: 'root' können nicht alle den Administratorzugang verlieren.",
      "alice: Nur aktivierte Mitglieder der Administratorgruppe 'admins' dürfen das.",
      "carol: Melden Sie sich zuerst an: Ihre Sitzung ist abgelaufen oder wurde nie begonnen.",
      "dave: 'dave' is quarantined."
    ])
    const english = [...h.panel("users").querySelectorAll("#bulk-dialog li [lang=en]")].map(text)
    expect(english).toEqual(["'dave' is quarantined."])
  })

  it("words each rule of a Forbidden refusal in German from its reason's tag and data; an unknown rule keeps the sentence", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    await expect.poll(() => text(h.tab("users"))).toBe("Benutzer 5")
    const worded = (reason: unknown) =>
      refusalText(
        ClientError.from({ _tag: "Forbidden", message: "The English sentence.", actor: "x", action: "y", reason })
      )
    expect(
      [
        { _tag: "NotAdministrator", adminGroup: "admins" },
        { _tag: "SystemUser" },
        { _tag: "AccountDisabled" },
        { _tag: "ReadOnlyToken" },
        { _tag: "TokenChannel", scope: "scim" },
        { _tag: "TokenChannel", scope: "api" },
        { _tag: "TokenNotAUser" },
        { _tag: "TokensByUsersOnly" },
        { _tag: "OtherUsersByAdministrators" },
        { _tag: "AlreadySetUp" },
        { _tag: "WrongPassword" },
        { _tag: "Undescribed", text: "the proxy said no" },
        "an older server's text"
      ].map(worded)
    ).toEqual([
      "Nur aktivierte Mitglieder der Administratorgruppe 'admins' dürfen das.",
      "Ein Systembenutzer hat nie Administratorrechte.",
      "Ihr Konto ist deaktiviert.",
      "Das API-Token darf nur lesen: Es darf nichts ändern.",
      "Der Geltungsbereich des API-Tokens ist scim: Es gilt nur an den SCIM-Endpunkten.",
      "Die SCIM-Endpunkte nehmen nur API-Tokens mit dem Geltungsbereich scim an.",
      "Ein API-Token ist kein Benutzer.",
      "API-Tokens verwalten nur Administratoren, die selbst angemeldet sind.",
      "Nur Administratoren dürfen andere Benutzer lesen.",
      "Das Verzeichnis hat bereits Benutzer oder Gruppen.",
      "Das aktuelle Passwort ist nicht korrekt.",
      "The English sentence.",
      "The English sentence."
    ])
  })

  it("words a record's greyed actions in German from the refusal's tag and data, on hover (title) and focus (description)", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    const reasons = (tab: "users" | "groups", label: string) => {
      const item = h.menuItem(tab, label)
      const described = h.in(tab, `[id="${item.getAttribute("aria-describedby")}"]`)
      return {
        disabled: item.getAttribute("aria-disabled"),
        title: item.title,
        described: text(described),
        english: described?.querySelector("[lang=en]") !== null
      }
    }
    // A system user: Update, Disable and Delete refused, each said in German (none of it marked as English).
    await userEvent.click(h.row("daemon"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Löschen")?.getAttribute("aria-disabled")).toBe("true")
    const system = (verb: string) => ({
      disabled: "true",
      title: `'daemon' ist ein Systembenutzer und kann nicht ${verb} werden.`,
      described: `'daemon' ist ein Systembenutzer und kann nicht ${verb} werden.`,
      english: false
    })
    expect(reasons("users", "Bearbeiten")).toEqual(system("geändert"))
    expect(reasons("users", "Deaktivieren")).toEqual(system("deaktiviert"))
    expect(reasons("users", "Löschen")).toEqual(system("gelöscht"))
    await userEvent.keyboard("{Escape}")
    // Oneself: Disable and Delete, by the refusal's action.
    await userEvent.click(h.row("admin"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Deaktivieren")?.getAttribute("aria-disabled")).toBe("true")
    expect(reasons("users", "Deaktivieren").described).toBe(
      "Sie können sich nicht selbst deaktivieren ('admin'): Bitten Sie einen anderen Administrator."
    )
    expect(reasons("users", "Löschen").title).toBe(
      "Sie können sich nicht selbst löschen ('admin'): Bitten Sie einen anderen Administrator."
    )
    await userEvent.keyboard("{Escape}")
    // The admin group: Delete greyed, and its name read-only in Update, said in German.
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.row("admins", "groups"), { button: "right" })
    await expect.poll(() => h.menuItem("groups", "Löschen")?.getAttribute("aria-disabled")).toBe("true")
    expect(reasons("groups", "Löschen")).toMatchObject({
      title: "'admins' ist die Administratorgruppe und kann nicht gelöscht werden.",
      english: false
    })
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.row("admins", "groups"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    expect(text(h.in("groups", "#rename-refused"))).toBe(
      "'admins' ist die Administratorgruppe und kann nicht umbenannt werden."
    )
  })

  it("keeps, marked as English, the sentence of a record's refusal whose tag the catalog does not know", async () => {
    const { client } = await seeded()
    const quota = { _tag: "QuotaExceeded", message: "The directory's licence covers no more changes." }
    // A back end newer than the element: a refusal it has no words for (the type allows only the core's tags).
    const refusing: UserManagerClient = {
      ...client,
      listUsers: async (query) => {
        const page = await client.listUsers(query)
        return {
          ...page,
          items: page.items.map((user) =>
            user.username === "john" ? { ...user, refused: { delete: quota as never } } : user
          )
        }
      }
    }
    const h = await mount(refusing, { lang: "de" })
    await expect.poll(() => h.row("john")).toBeTruthy()
    await userEvent.click(h.row("john"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Löschen")?.getAttribute("aria-disabled")).toBe("true")
    const remove = h.menuItem("users", "Löschen")
    expect(remove.title).toBe(quota.message)
    const described = h.in("users", `[id="${remove.getAttribute("aria-describedby")}"]`)
    expect(text(described?.querySelector("[lang=en]"))).toBe(quota.message)
    // What it does not refuse stays offered.
    expect(h.menuItem("users", "Deaktivieren").getAttribute("aria-disabled")).toBeNull()
    await userEvent.keyboard("{Escape}")
  })

  it("writes numbers and a lock's time as German does", async () => {
    const { client, manager } = await seeded()
    const address = "203.0.113.9"
    for (let failure = 0; failure < 5; failure++) {
      await manager.sessions.login("bob", "not the password", { address }).catch(() => undefined)
    }
    const h = await mount(client, { lang: "de" })
    await expect
      .poll(() => h.row("bob").querySelector(".locked")?.getAttribute("aria-label"))
      .toMatch(/^Anmeldung gesperrt bis \d{2}:\d{2} nach 5 fehlgeschlagenen Anmeldungen$/)
    expect(text(h.row("bob").querySelector(".locked"))).toBe("Gesperrt")
  })

  it("renders again in the new language when lang changes at run time, on the element or on the page", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await expect.poll(() => text(h.tab("users"))).toBe("Users 5")
    h.element.setAttribute("lang", "de")
    await expect.poll(() => text(h.tab("users"))).toBe("Benutzer 5")
    await expect.poll(() => h.button("users", "Hinzufügen")).toBeTruthy()
    expect(h.root.querySelector("#panel-users")?.getAttribute("lang")).toBe("de")
    h.element.removeAttribute("lang")
    document.documentElement.lang = "en"
    await expect.poll(() => text(h.tab("users"))).toBe("Users 5")
    document.documentElement.lang = "de-CH"
    await expect.poll(() => text(h.tab("groups"))).toBe("Gruppen 3")
    await expect.poll(() => text(h.in("users", ".summary"))).toBe("5 Benutzer")
  })

  it("falls back to English for a language it has no catalog for, and marks its content as English", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "fr" })
    await expect.poll(() => text(h.tab("users"))).toBe("Users 5")
    expect(h.button("users", "Add New")).toBeTruthy()
    expect(h.root.querySelector("#panel-users")?.getAttribute("lang")).toBe("en")
    expect(h.root.querySelector("[role=tablist]")?.getAttribute("lang")).toBe("en")
  })
})

describe("right to left", () => {
  it('mirrors the layout with dir="rtl": the search at the right, Add New at the left, the first column at the right', async () => {
    const { client } = await seeded()
    const h = await mount(client, { dir: "rtl" })
    const box = h.element.getBoundingClientRect()
    const search = h.in("users", "input[type=search]").getBoundingClientRect()
    const add = h.button("users", "Add New").getBoundingClientRect()
    expect(box.right - search.right).toBeLessThan(24)
    expect(add.left - box.left).toBeLessThan(24)
    const cells = [...h.row("alice").querySelectorAll("td")].map((cell) => cell.getBoundingClientRect().left)
    expect(cells).toEqual([...cells].sort((a, b) => b - a))
    expect(h.tab("users").getBoundingClientRect().left).toBeGreaterThan(h.tab("groups").getBoundingClientRect().left)
  })

  it("opens a row's menu leftwards from the pointer, and inside the window from its ⋯ button", async () => {
    const { client } = await seeded()
    const h = await mount(client, { dir: "rtl" })
    const more = h.row("john").querySelector("button.row-actions") as HTMLElement
    await userEvent.click(more)
    const menu = () => h.in("users", "[role=menu]")
    await expect.poll(() => menu()).toBeTruthy()
    const button = more.getBoundingClientRect()
    const placed = menu().getBoundingClientRect()
    // The button is at the row's left end: no room leftwards, so the menu stays inside the window, below the button.
    expect(placed.left).toBeGreaterThanOrEqual(0)
    expect(placed.right).toBeLessThanOrEqual(window.innerWidth)
    expect(Math.abs(placed.top - button.bottom)).toBeLessThan(2)
    await userEvent.keyboard("{Escape}")
    const name = h.row("alice").querySelector("td.name") as HTMLElement
    const cell = name.getBoundingClientRect()
    await userEvent.click(name, { button: "right", position: { x: cell.width - 20, y: 5 } })
    await expect.poll(() => menu()).toBeTruthy()
    const pointer = cell.left + cell.width - 20
    expect(Math.abs(menu().getBoundingClientRect().right - pointer)).toBeLessThan(2)
  })

  it("moves between the tabs with the arrow keys the way they point: ← to the next tab", async () => {
    const { client } = await seeded()
    const h = await mount(client, { dir: "rtl" })
    h.tab("users").focus()
    await userEvent.keyboard("{ArrowLeft}")
    await expect.poll(() => h.tab("groups").getAttribute("aria-selected")).toBe("true")
    await userEvent.keyboard("{ArrowRight}")
    await expect.poll(() => h.tab("users").getAttribute("aria-selected")).toBe("true")
  })
})

describe("accessibility in other languages (axe-core)", () => {
  it("has no violations in German: the Users tab, the Add New dialog with a refusal, a row's menu, the Groups tab", async () => {
    const { client } = await seeded()
    const h = await mount(client, { lang: "de" })
    await expect.poll(() => text(h.tab("users"))).toBe("Benutzer 5")
    await expectNoAxeViolations()
    await userEvent.click(h.button("users", "Hinzufügen"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.type(h.in("users", "#f-username"), "john")
    await userEvent.click(h.button("users", "Anlegen"))
    await expect.poll(() => h.in("users", "#user-dialog [aria-invalid=true]")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.row("bob"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Deaktivieren")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await expectNoAxeViolations()
  })

  it("has no violations right to left (in an unknown language, whose content is marked English)", async () => {
    document.documentElement.lang = "ar"
    document.documentElement.dir = "rtl"
    const { client } = await seeded()
    const h = await mount(client)
    await expectNoAxeViolations()
    expect(h.root.querySelector("#panel-users")?.getAttribute("lang")).toBe("en")
    await userEvent.click(h.row("bob"), { button: "right" })
    await expect.poll(() => h.menuItem("users", "Disable")).toBeTruthy()
    await expectNoAxeViolations()
    await userEvent.keyboard("{Escape}")
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await expectNoAxeViolations()
  })
})
