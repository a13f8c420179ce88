import { cdp, userEvent } from "@vitest/browser/context"
import { afterEach, describe, expect, it, vi } from "vitest"
import { ClientError, type ImportOptions, type ImportResult, type Me, type UserManagerClient } from "../src/Client.js"
import { HttpClient } from "../src/HttpClient.js"
import "../src/user-manager/user-manager.js"
import { coreClient, seeded } from "./CoreClient.js"
import { expectNoAxeViolations, mount } from "./harness.js"

/** Catches the downloads the element starts (a click on a link to a file) and reads what they would save. */
const catchDownloads = () => {
  const links: Array<{ readonly name: string; readonly href: string }> = []
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    links.push({ name: this.download, href: this.href })
  })
  return {
    links,
    text: async (index: number) => (await fetch(links[index]?.href ?? "")).text()
  }
}

const usernames = (rows: ReadonlyArray<ReadonlyArray<string>>) => rows.map((row) => row[0]?.split(" ")[0])

afterEach(() => {
  vi.restoreAllMocks()
})

/** A result as an import answers it, with no record of either kind. */
const emptyResult = (dryRun: boolean): ImportResult => {
  const none = { created: 0, updated: 0, unchanged: 0, skipped: 0, refused: 0 }
  return {
    importId: "00000000-0000-4000-8000-000000000000",
    dryRun,
    read: 0,
    users: none,
    groups: none,
    refused: [],
    warnings: [],
    deleted: { users: 0, groups: 0 },
    changes: [],
    batches: 0,
    stopped: false,
    passwordsHashed: 0
  }
}

describe("Export", () => {
  it("downloads every user of the Users tab as users.csv, a header row of field names and no password hashes", async () => {
    const { client } = await seeded()
    const downloads = catchDownloads()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Export CSV"))
    await expect.poll(() => downloads.links.length).toBe(1)
    expect(downloads.links[0]?.name).toBe("users.csv")
    const lines = (await downloads.text(0)).trim().split("\r\n")
    expect(lines[0]).toBe("username,firstName,lastName,email,enabled,system,groups,createdAt")
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["admin", "alice", "bob", "daemon", "john"])
    expect(lines.find((line) => line.startsWith("alice,"))).toMatch(
      /^alice,Alice,Liddell,alice@example.com,true,false,"analysts,developers",\d{4}-/
    )
    expect(lines.find((line) => line.startsWith("daemon,"))).toContain(",true,true,developers,")
    expect(await downloads.text(0)).not.toMatch(/password|plain\$/i)
  })

  it("downloads every group of the Groups tab as groups.csv, with its GID and members", async () => {
    const { client, manager, admin } = await seeded()
    const analysts = await manager.groups.get(admin, "analysts")
    const downloads = catchDownloads()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.button("groups", "Export CSV"))
    await expect.poll(() => downloads.links.length).toBe(1)
    expect(downloads.links[0]?.name).toBe("groups.csv")
    const lines = (await downloads.text(0)).trim().split("\r\n")
    expect(lines[0]).toBe("name,gid,members,createdAt")
    expect(lines.find((line) => line.startsWith("analysts,"))).toMatch(
      new RegExp(`^analysts,${analysts.gid},"alice,bob",\\d{4}-`)
    )
  })

  it("shows the refusal of an export in the tab and downloads nothing", async () => {
    const { client } = await seeded()
    const downloads = catchDownloads()
    const refusing: UserManagerClient = {
      ...client,
      exportCsv: () => Promise.reject(new Error("The server cannot be reached."))
    }
    const h = await mount(refusing)
    await userEvent.click(h.button("users", "Export CSV"))
    await expect.poll(() => h.in("users", ".toolbar ~ [role=alert]")?.textContent).toContain("cannot be reached")
    expect(downloads.links).toEqual([])
  })
})

describe("who is offered Import and Export", () => {
  it("never shows Import or Export to a signed-in user who is not an administrator, not even before the element knows who it is", async () => {
    const { manager } = await seeded()
    const john = coreClient(manager, "john")
    let answer: (me: Me) => void = () => undefined
    const slowMe: UserManagerClient = { ...john, me: () => new Promise((resolve) => (answer = resolve)) }
    const element = document.createElement("user-manager")
    element.client = slowMe
    document.body.replaceChildren(element)
    const root = element.shadowRoot as ShadowRoot
    const buttons = () =>
      [root, ...[...root.querySelectorAll("um-users-tab, um-groups-tab")].map((tab) => tab.shadowRoot as ShadowRoot)]
        .flatMap((shadow) => [...shadow.querySelectorAll("button")])
        .map((button) => button.textContent?.trim())
    await expect.poll(() => buttons()).toContain("Add New")
    expect(buttons()).not.toContain("Import")
    expect(buttons()).not.toContain("Export CSV")
    answer(await john.me())
    await expect.poll(() => root.querySelector(".notice")?.textContent).toContain("Only administrators")
    expect(buttons()).not.toContain("Import")
    expect(buttons()).not.toContain("Export CSV")
  })

  it("offers neither to an administrator whose client cannot import or export (a host's own client)", async () => {
    const { client } = await seeded()
    const {
      importRecords: _,
      exportCsv: __,
      ...hostClient
    } = {
      ...client,
      importRecords: async () => emptyResult(true)
    }
    const h = await mount(hostClient)
    await expect.poll(() => h.button("users", "Add New")).toBeTruthy()
    expect(h.button("users", "Import")).toBeUndefined()
    expect(h.button("users", "Export CSV")).toBeUndefined()
  })

  it("offers Import and Export on both tabs to an administrator whose client can", async () => {
    const { client } = await seeded()
    const h = await mount({ ...client, importRecords: async () => emptyResult(true) })
    expect(h.button("users", "Import")).toBeTruthy()
    expect(h.button("users", "Export CSV")).toBeTruthy()
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.button("groups", "Import")).toBeTruthy()
    expect(h.button("groups", "Export CSV")).toBeTruthy()
  })
})

describe("Import, as the file is sent", () => {
  it("shows how much of the file has been sent, then a busy bar while the server works, and checks again when the choice for existing users changes", async () => {
    const { client } = await seeded()
    const calls: Array<Omit<ImportOptions, "onUploadProgress">> = []
    let step: { size: number; progress: (sent: number) => void; answer: (result: ImportResult) => void } | undefined
    const scripted: UserManagerClient = {
      ...client,
      importRecords: (file, { onUploadProgress, ...options }) => {
        calls.push(options)
        return new Promise((resolve) => {
          step = { size: file.size, progress: (sent) => onUploadProgress?.(sent, file.size), answer: resolve }
        })
      }
    }
    const h = await mount(scripted)
    await userEvent.click(h.button("users", "Import"))
    const dialog = h.in<HTMLDialogElement>("users", "#import-dialog")
    await expect.poll(() => dialog.open).toBe(true)
    expect(h.focused()?.id).toBe("import-file")
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => calls.length).toBe(1)
    expect(calls[0]).toEqual({ kind: "users", format: "csv", onConflict: "fail", atomic: false, dryRun: true })
    expect(h.in("users", "#import-status").textContent).toContain("Checking the file")

    step?.progress((step?.size ?? 0) / 2)
    await expect.poll(() => h.in<HTMLProgressElement>("users", "#import-dialog progress")?.position).toBe(0.5)
    expect(h.in("users", "#import-dialog .progress").textContent).toContain("50% of the file sent")
    step?.progress(step?.size ?? 0)
    // Sent: the server is still reading the last batches, so the bar says only that it is busy.
    await expect.poll(() => h.in<HTMLProgressElement>("users", "#import-dialog progress")?.position).toBe(-1)

    step?.answer({ ...emptyResult(true), users: { created: 1, updated: 0, unchanged: 0, skipped: 0, refused: 0 } })
    await expect.poll(() => h.in("users", "#import-status").textContent).toContain("nothing has been written yet")
    expect(h.in("users", "#import-dialog progress")).toBeNull()

    await userEvent.click(h.in("users", "#import-dialog input[value=skip]"))
    await expect.poll(() => calls.length).toBe(2)
    expect(calls[1]).toMatchObject({ onConflict: "skip", dryRun: true })
  })

  it("refuses a file that is neither CSV nor JSON Lines in one sentence, sending nothing", async () => {
    const { client } = await seeded()
    const sent: Array<Blob> = []
    const h = await mount({
      ...client,
      importRecords: async (file) => {
        sent.push(file)
        return emptyResult(true)
      }
    })
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/people.txt")
    await expect
      .poll(() => h.in("users", "#import-dialog [role=alert]")?.textContent)
      .toContain("people.txt is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson)")
    expect(sent).toEqual([])
    expect(h.in("users", "#import-dialog button[type=submit]").getAttribute("aria-disabled")).toBe("true")
  })
})

describe("HttpClient's import and export", () => {
  it("posts the file as text/csv with the options as query parameters and the CSRF header, reads the result, and asks for an export as CSV", async () => {
    const seen: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = []
    const plan = emptyResult(true)
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, method: init.method ?? "GET", headers: init.headers as Record<string, string>, body: init.body })
      if (url.includes("/export")) return new Response("name,gid,members,createdAt\r\n", { status: 200 })
      return new Response(JSON.stringify(plan), { status: 200 })
    }) as unknown as typeof fetch
    const client = HttpClient("https://host/um", { fetch: fakeFetch })
    const file = new Blob(["username,groups\r\ncarol,developers\r\n"])
    const progress: Array<[number, number]> = []
    const result = await client.importRecords?.(file, {
      kind: "users",
      format: "csv",
      onConflict: "skip",
      atomic: false,
      dryRun: true,
      onUploadProgress: (sent, total) => progress.push([sent, total])
    })
    const csv = await client.exportCsv?.("groups")
    expect(result).toEqual(plan)
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      "POST https://host/um/api/v1/import?kind=users&onConflict=skip&atomic=false&dryRun=true",
      "GET https://host/um/api/v1/export?kind=groups&format=csv"
    ])
    expect(seen[0]?.headers["Content-Type"]).toBe("text/csv")
    expect(seen[0]?.headers["X-CSRF-Token"]).toBeDefined()
    expect(seen[0]?.body).toBe(file)
    expect(progress.at(-1)).toEqual([file.size, file.size])
    expect(seen[1]?.headers.Accept).toBe("text/csv")
    expect(await csv?.text()).toBe("name,gid,members,createdAt\r\n")
  })

  it("turns a refused import or export into a ClientError", async () => {
    const refusal = { _tag: "Forbidden", message: "Only administrators may import users." }
    const fakeFetch = (async () => new Response(JSON.stringify(refusal), { status: 403 })) as unknown as typeof fetch
    const client = HttpClient("", { fetch: fakeFetch })
    const file = new Blob(['{"username":"carol"}\n'])
    await expect(client.importRecords?.(file, { kind: "users", format: "ndjson" })).rejects.toMatchObject(refusal)
    await expect(client.exportCsv?.("users")).rejects.toBeInstanceOf(ClientError)
  })
})

/**
 * A client whose import answers `plan` to a dry run and `result` to the import itself (the real core's imports are
 * tested through `coreClient`; this one shows only how the dialog presents an answer, whatever it is).
 */
const answering = (client: UserManagerClient, plan: ImportResult, result: ImportResult) => {
  const calls: Array<Omit<ImportOptions, "onUploadProgress">> = []
  const scripted: UserManagerClient = {
    ...client,
    importRecords: async (_file, { onUploadProgress: _, ...options }) => {
      calls.push(options)
      return options.dryRun === true ? plan : result
    }
  }
  return { client: scripted, calls }
}

const refusedPlan: ImportResult = {
  ...emptyResult(true),
  users: { created: 2, updated: 0, unchanged: 0, skipped: 0, refused: 2 },
  refused: [
    { location: "line 4", kind: "user", name: "Eve", reason: "Invalid username: it must be lowercase (eve)." },
    { location: "line 5", kind: "user", name: "john", reason: "The username john is taken." }
  ],
  warnings: ["mallory was imported without a password: yescrypt hashes cannot be checked here."]
}

describe("the Import dialog", () => {
  it("lists the plan's counts, its warnings and each refused record with its line and reason, in a region the keyboard can scroll", async () => {
    const { client } = await seeded()
    const { client: scripted } = answering(client, refusedPlan, { ...refusedPlan, dryRun: false })
    const h = await mount(scripted)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => h.in("users", "#outcome-title")?.textContent).toContain("Plan (nothing written yet)")
    const cells = [...h.panel("users").querySelectorAll(".counts tbody tr > *")].map((cell) => cell.textContent?.trim())
    expect(cells).toEqual(["Users", "2", "0", "0", "0", "2"])
    expect(h.in("users", "[aria-labelledby=warnings-title]").textContent).toContain("mallory was imported")
    const region = h.in("users", ".refused")
    expect(region.getAttribute("role")).toBe("region")
    expect(region.tabIndex).toBe(0)
    expect(h.in("users", "#refused-title").textContent).toContain("Refused records (2)")
    expect([...region.querySelectorAll("li")].map((item) => item.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "line 4 (Eve): Invalid username: it must be lowercase (eve).",
      "line 5 (john): The username john is taken."
    ])
  })

  it("is used with the keyboard alone once a file is chosen: the choice for existing users, Import, then Close gives the focus back to Import", async () => {
    const { client } = await seeded()
    const done = { ...refusedPlan, dryRun: false, users: { ...refusedPlan.users, created: 2 } }
    const { client: scripted, calls } = answering(client, refusedPlan, done)
    const h = await mount(scripted)
    const imported: Array<ImportResult> = []
    h.element.addEventListener("users-imported", (event) => imported.push(event.detail))
    h.button("users", "Import").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#import-dialog").open).toBe(true)
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => calls.length).toBe(1)
    await expect.poll(() => h.in("users", "#outcome-title")).toBeTruthy()
    h.in("users", "#import-file").focus()
    await userEvent.keyboard("{Tab}")
    expect(h.focused()?.getAttribute("value")).toBe("fail")
    await userEvent.keyboard("{ArrowDown}")
    await expect.poll(() => calls.length).toBe(2)
    expect(calls[1]).toMatchObject({ onConflict: "skip", dryRun: true })
    await expect
      .poll(() => h.in("users", "#import-dialog button[type=submit]").getAttribute("aria-disabled"))
      .toBe("false")
    h.in<HTMLButtonElement>("users", "#import-dialog button[type=submit]").focus()
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.focused()?.id).toBe("import-close")
    expect(calls[2]).toEqual({ kind: "users", format: "csv", onConflict: "skip", atomic: false, dryRun: false })
    expect(h.in("users", "#import-status").textContent).toContain(
      "Import finished: 2 users created, 0 updated, 0 unchanged, 0 skipped, 2 refused."
    )
    expect(imported).toEqual([done])
    await userEvent.keyboard("{Enter}")
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#import-dialog").open).toBe(false)
    expect(h.focused()?.textContent?.trim()).toBe("Import")
  })

  it("offers no Import when the plan would create or update nothing", async () => {
    const { client } = await seeded()
    const nothingToDo = {
      ...emptyResult(true),
      users: { created: 0, updated: 0, unchanged: 3, skipped: 1, refused: 0 }
    }
    const { client: scripted, calls } = answering(client, nothingToDo, nothingToDo)
    const h = await mount(scripted)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => h.in("users", "#import-status").textContent).toContain("would create or update nothing")
    const submit = h.in<HTMLButtonElement>("users", "#import-dialog button[type=submit]")
    expect(submit.getAttribute("aria-disabled")).toBe("true")
    submit.focus()
    await userEvent.keyboard("{Enter}")
    await h.element.updateComplete
    expect(calls.map((call) => call.dryRun)).toEqual([true])
    expect(h.in<HTMLDialogElement>("users", "#import-dialog").open).toBe(true)
  })

  it("has no axe-core violations with a plan, warnings and refused records shown, in the light and the dark look", async () => {
    const { client } = await seeded()
    const { client: scripted } = answering(client, refusedPlan, { ...refusedPlan, dryRun: false })
    const h = await mount(scripted)
    await userEvent.click(h.button("users", "Import"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#import-dialog").open).toBe(true)
    await expectNoAxeViolations()
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => h.in("users", ".refused")).toBeTruthy()
    await expectNoAxeViolations()
    const emulate = (value: string) =>
      cdp().send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value }] })
    await emulate("dark")
    try {
      await expectNoAxeViolations()
    } finally {
      await emulate("")
    }
  })
})

describe("Import over the real core", () => {
  /** The text of each refused record the dialog lists. */
  const refusedItems = (h: Awaited<ReturnType<typeof mount>>, tab: "users" | "groups" = "users") =>
    [...h.panel(tab).querySelectorAll(".refused li")].map((item) => item.textContent?.replace(/\s+/g, " ").trim())
  const counts = (h: Awaited<ReturnType<typeof mount>>, tab: "users" | "groups" = "users") =>
    [...h.panel(tab).querySelectorAll(".counts tbody tr")].map((row) =>
      [...row.children].map((cell) => cell.textContent?.trim())
    )

  it("imports a CSV through the dialog: its plan first, nothing written until Import, then the new users in the table", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => h.in("users", "#outcome-title")?.textContent).toContain("Plan (nothing written yet)")
    // carol and dave are new; Eve's name is refused, and john exists with other fields (on conflict: refuse).
    expect(counts(h)).toEqual([["Users", "2", "0", "0", "0", "2"]])
    expect((await manager.users.list(admin, { search: "carol" })).total).toBe(0)

    await userEvent.click(h.in("users", "#import-dialog button[type=submit]"))
    await expect.poll(() => h.in("users", "#outcome-title")?.textContent).toContain("Result")
    expect(h.in("users", "#import-status").textContent).toContain("2 users created")
    await expect.poll(() => usernames(h.rows())).toEqual(["admin", "alice", "bob", "carol", "daemon", "dave", "john"])
    expect(h.rows().find((row) => row[0] === "dave")).toEqual([
      "dave",
      "Dave Brubeck",
      "analysts, developers",
      "",
      "Yes"
    ])
    expect(h.rows().find((row) => row[0] === "john")?.[1]).toBe("John Doe")
  })

  it("lists a refused record with its line and the core's reason", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => refusedItems(h).length).toBe(2)
    const [eve, john] = refusedItems(h)
    expect(eve).toMatch(/^line 4 \(Eve\): .*lowercase/i)
    expect(john).toMatch(/^line 5 \(john\): .+/)
  })

  it("updates the existing user with the file's fields when Update is chosen, after checking again", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect.poll(() => counts(h)).toEqual([["Users", "2", "0", "0", "0", "2"]])
    await userEvent.click(h.in("users", "#import-dialog input[value=update]"))
    await expect.poll(() => counts(h)).toEqual([["Users", "2", "1", "0", "0", "1"]])
    await userEvent.click(h.in("users", "#import-dialog button[type=submit]"))
    await expect.poll(() => h.rows().find((row) => row[0] === "john")?.[1]).toBe("John Smith")
  })

  it("says '1 user created' and '1 group created', not '1 users' or '1 groups', when an import creates one", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/one-user.csv")
    await expect.poll(() => counts(h)).toEqual([["Users", "1", "0", "0", "0", "0"]])
    await userEvent.click(h.in("users", "#import-dialog button[type=submit]"))
    await expect
      .poll(() => h.in("users", "#import-status").textContent?.trim())
      .toBe("Import finished: 1 user created, 0 updated, 0 unchanged, 0 skipped, 0 refused.")
    await userEvent.click(h.button("users", "Close", "#import-dialog"))
    await userEvent.click(h.tab("groups"))
    await userEvent.click(h.button("groups", "Import"))
    await userEvent.upload(h.in("groups", "#import-file"), "test/fixtures/one-group.csv")
    await expect.poll(() => counts(h, "groups")).toEqual([["Groups", "1", "0", "0", "0", "0"]])
    await userEvent.click(h.in("groups", "#import-dialog button[type=submit]"))
    await expect
      .poll(() => h.in("groups", "#import-status").textContent?.trim())
      .toBe("Import finished: 1 group created, 0 updated, 0 unchanged, 0 skipped, 0 refused.")
  })

  it("imports groups from JSON Lines on the Groups tab, keeping the file's GID and members, and lists the refused line", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    const imported: Array<ImportResult> = []
    h.element.addEventListener("groups-imported", (event) => imported.push(event.detail))
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.button("groups", "Import"))
    await userEvent.upload(h.in("groups", "#import-file"), "test/fixtures/groups.jsonl")
    await expect.poll(() => counts(h, "groups")).toEqual([["Groups", "2", "0", "0", "0", "1"]])
    expect(refusedItems(h, "groups")).toEqual([expect.stringMatching(/^line 3 \(bad name\): .+/)])
    await userEvent.click(h.in("groups", "#import-dialog button[type=submit]"))
    await expect
      .poll(() => h.rows("groups").map((row) => row[0]))
      .toEqual(["admins", "analysts", "developers", "ops", "qa"])
    expect(h.rows("groups").find((row) => row[0] === "qa")).toEqual(["qa", "4242", "1: bob"])
    expect(imported.map((result) => [result.dryRun, result.groups.created])).toEqual([[false, 2]])
  })
})

describe("an import whose dialog is closed", () => {
  it("goes on: Import shows it again as it runs, and its end still reads the table again and fires users-imported", async () => {
    const { client, manager, admin } = await seeded()
    const plan = { ...emptyResult(true), users: { created: 1, updated: 0, unchanged: 0, skipped: 0, refused: 0 } }
    let finish: () => Promise<void> = async () => undefined
    const h = await mount({
      ...client,
      importRecords: (_file, options) =>
        options.dryRun === true
          ? Promise.resolve(plan)
          : new Promise((resolve) => {
              finish = async () => {
                // What the server's import writes, then its answer.
                await manager.users.create(admin, { username: "zed", groups: ["analysts"] })
                resolve({ ...plan, dryRun: false })
              }
            })
    })
    const imported: Array<ImportResult> = []
    h.element.addEventListener("users-imported", (event) => imported.push(event.detail))
    await userEvent.click(h.button("users", "Import"))
    await userEvent.upload(h.in("users", "#import-file"), "test/fixtures/users.csv")
    await expect
      .poll(() => h.in("users", "#import-dialog button[type=submit]").getAttribute("aria-disabled"))
      .toBe("false")
    await userEvent.click(h.in("users", "#import-dialog button[type=submit]"))
    await expect.poll(() => h.in("users", "#import-status").textContent).toContain("Importing")
    h.in<HTMLDialogElement>("users", "#import-dialog").close()
    await userEvent.click(h.button("users", "Import"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#import-dialog").open).toBe(true)
    expect(h.in("users", "#import-status").textContent).toContain("Importing")
    h.in<HTMLDialogElement>("users", "#import-dialog").close()
    await finish()
    await expect.poll(() => usernames(h.rows())).toContain("zed")
    expect(imported.map((result) => result.dryRun)).toEqual([false])
  })
})
