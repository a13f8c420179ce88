import { userEvent } from "@vitest/browser/context"
import { describe, expect, it } from "vitest"
import type { UserManagerClient } from "../src/Client.js"
import { constraints } from "../src/internal/constraints.js"
import { GENERATED_PASSWORD_LENGTH, generatePassword } from "../src/internal/validation.js"
import { seeded } from "./CoreClient.js"
import { mount } from "./harness.js"

/** The client, counting the users it is asked to create. */
const counting = (client: UserManagerClient) => {
  const sent: Array<string> = []
  return {
    sent,
    client: {
      ...client,
      createUser: (input) => {
        sent.push(input.username)
        return client.createUser(input)
      }
    } satisfies UserManagerClient
  }
}

/** The errors a dialog shows, by the field they describe. */
const errorsIn = (root: ShadowRoot, dialog: string) =>
  Object.fromEntries(
    [...root.querySelectorAll(`${dialog} .error, ${dialog} #e-groups`)].map((error) => [
      error.id.replace(/^e-/, ""),
      error.textContent?.trim()
    ])
  )

describe("forms", () => {
  it("checks with the API document's constraints, generated from it (not a hand-written copy)", () => {
    // The username rule of the core, as the OpenAPI document states it and the generated module carries it.
    expect(constraints.CreateUser.username).toMatchObject({
      required: true,
      minLength: 1,
      maxLength: 32,
      pattern: "^[a-z_][a-z0-9._-]*$"
    })
    expect(constraints.CreateUser.groups).toMatchObject({ required: true, minItems: 1 })
    expect(constraints.PasswordReset.password).toMatchObject({ minLength: 8, maxLength: 256 })
  })

  it("shows every problem of an invalid Add New at the first Create, sends nothing, and keeps the dialog's width", async () => {
    const { client: seededClient } = await seeded()
    const { client, sent } = counting(seededClient)
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const dialog = h.in("users", "#user-dialog")
    const width = dialog.getBoundingClientRect().width
    await userEvent.type(h.in("users", "#f-username"), "John")
    await userEvent.type(h.in("users", "#f-firstName"), "x".repeat(70))
    await userEvent.type(h.in("users", "#f-email"), `${"very-long-address".repeat(4)}-without-an-at-sign`)
    await userEvent.type(h.in("users", "#f-password"), "short")
    await userEvent.click(h.button("users", "Create"))
    await expect
      .poll(() => Object.keys(errorsIn(h.panel("users"), "#user-dialog")).sort())
      .toEqual(["email", "firstName", "groups", "password", "username"])
    const errors = errorsIn(h.panel("users"), "#user-dialog")
    expect(errors.username).toBe("Username: lowercase only (try “john”).")
    expect(errors.firstName).toBe("First name has at most 64 characters (this one has 70).")
    expect(errors.email).toBe("Email is not valid (expected: name@example.com).")
    expect(errors.password).toBe("Password needs at least 8 characters (this one has 5).")
    expect(errors.groups).toBe("Groups: choose at least one.")
    expect(sent).toEqual([])
    // The first field with a problem has the focus, described by its error.
    expect(h.focused()?.id).toBe("f-username")
    expect(h.in("users", "#f-username").getAttribute("aria-describedby")).toBe("e-username")
    expect(h.in("users", "#f-username").getAttribute("aria-invalid")).toBe("true")
    expect(dialog.getBoundingClientRect().width).toBe(width)
  })

  it("marks the required fields with an asterisk and aria-required, from the document", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const required = (id: string) => h.in("users", `#${id}`).getAttribute("aria-required")
    expect(required("f-username")).toBe("true")
    expect(required("f-firstName")).toBeNull()
    expect(required("f-email")).toBeNull()
    expect(h.in("users", "label[for=f-username] .required")?.getAttribute("aria-hidden")).toBe("true")
    expect(h.in("users", "label[for=f-email] .required")).toBeNull()
    expect(h.in("users", "#user-dialog legend .required")).toBeTruthy()
    await userEvent.keyboard("{Escape}")

    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.button("groups", "Add New"))
    await expect.poll(() => h.in("groups", "#f-name")?.getAttribute("aria-required")).toBe("true")
  })

  it("clears a field's error as soon as it changes, and checks the field again when it loses the focus", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const errorOf = (name: string) => h.in("users", `#e-${name}`)?.textContent?.trim()
    await userEvent.type(h.in("users", "#f-email"), "nobody")
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(() => errorOf("email")).toMatch(/Email is not valid/)
    await expect.poll(() => errorOf("groups")).toMatch(/choose at least one/)
    // Changed: its error goes at once, the others stay.
    await userEvent.type(h.in("users", "#f-email"), "@example")
    expect(errorOf("email")).toBeUndefined()
    expect(h.in("users", "#f-email").getAttribute("aria-invalid")).toBe("false")
    expect(errorOf("groups")).toMatch(/choose at least one/)
    // Left still invalid: checked again on blur.
    await userEvent.click(h.in("users", "#f-lastName"))
    await expect.poll(() => errorOf("email")).toMatch(/Email is not valid/)
    await userEvent.type(h.in("users", "#f-email"), ".com")
    await userEvent.click(h.in("users", "#f-lastName"))
    expect(errorOf("email")).toBeUndefined()
    // A group chosen clears the groups' error.
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await expect.poll(() => errorOf("groups")).toBeUndefined()
    // An untouched username is required: its blur says so.
    await userEvent.click(h.in("users", "#f-username"))
    await userEvent.click(h.in("users", "#f-firstName"))
    await expect.poll(() => errorOf("username")).toBe("Username is required.")
  })

  it("takes a click on a box that moves the focus from a field with a problem, and shows the field's problem after the click", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.focused()?.id).toBe("f-username")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    // The username is empty: leaving it shows "Username is required." above the boxes, which must not move the box
    // from under the pointer before the click lands.
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await expect.poll(() => h.in<HTMLInputElement>("users", "fieldset input[value=developers]").checked).toBe(true)
    await expect.poll(() => h.in("users", "#e-username")?.textContent?.trim()).toBe("Username is required.")
  })

  it("checks a group's box at the first click while the groups' problem shows, and clears the problem", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(() => h.in("users", "#e-groups")?.textContent).toMatch(/choose at least one/)
    // Clearing the problem renders the dialog again as the box changes: the box must stay checked through it.
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await expect.poll(() => h.in("users", "#e-groups")).toBeNull()
    expect(h.in<HTMLInputElement>("users", "fieldset input[value=developers]").checked).toBe(true)
  })

  it("keeps the server's refusal beside a field when it loses the focus unchanged, and drops it when it changes", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.type(h.in("users", "#f-username"), "john")
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(() => h.in("users", "#e-username")?.textContent).toMatch(/john/)
    await userEvent.click(h.in("users", "#f-firstName"))
    expect(h.in("users", "#e-username")?.textContent).toMatch(/john/)
    await userEvent.type(h.in("users", "#f-username"), "ny")
    expect(h.in("users", "#e-username")).toBeNull()
  })

  it("shows and hides the password with a toggle (aria-pressed), and generates a password that is shown and saved", async () => {
    const { client, manager, admin } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    const password = h.in<HTMLInputElement>("users", "#f-password")
    const toggle = h.button("users", "Show password")
    expect(toggle.getAttribute("aria-pressed")).toBe("false")
    expect(toggle.getAttribute("aria-controls")).toBe("f-password")
    await userEvent.type(password, "typed secret")
    await userEvent.click(toggle)
    expect(password.type).toBe("text")
    expect(toggle.getAttribute("aria-pressed")).toBe("true")
    await userEvent.click(toggle)
    expect(password.type).toBe("password")
    expect(toggle.getAttribute("aria-pressed")).toBe("false")

    await userEvent.click(h.button("users", "Generate"))
    expect(password.value).toHaveLength(GENERATED_PASSWORD_LENGTH)
    expect(password.value).not.toBe("typed secret")
    expect(password.type).toBe("text")
    expect(toggle.getAttribute("aria-pressed")).toBe("true")
    const generated = password.value

    await userEvent.type(h.in("users", "#f-username"), "carol")
    await expect.poll(() => h.panel("users").querySelectorAll("fieldset input[type=checkbox]").length).toBe(3)
    await userEvent.click(h.in("users", "fieldset input[value=developers]"))
    await userEvent.click(h.button("users", "Create"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(false)
    // The core took the generated password (its policy, the final word, let it through).
    await expect(manager.users.get(admin, "carol")).resolves.toMatchObject({ username: "carol" })
    expect(generated).toMatch(/^[\x21-\x7e]+$/)
  })

  it("generates and checks passwords against the directory's minimum when the client can say it (settings)", async () => {
    const { client, manager, admin } = await seeded()
    await manager.settings.set(admin, { minPasswordLength: 24 })
    const h = await mount(client)
    await userEvent.click(h.button("users", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("users", "#user-dialog").open).toBe(true)
    await userEvent.type(h.in("users", "#f-password"), "twelve chars")
    await userEvent.click(h.button("users", "Create"))
    await expect
      .poll(() => h.in("users", "#e-password")?.textContent?.trim())
      .toBe("Password needs at least 24 characters (this one has 12).")
    await userEvent.click(h.button("users", "Generate"))
    expect(h.in<HTMLInputElement>("users", "#f-password").value).toHaveLength(24)
    expect(h.in("users", "#e-password")).toBeNull()
  })

  it("generates passwords of at least the minimum asked, never shorter than the safe default, from a wide alphabet", () => {
    expect(generatePassword()).toHaveLength(20)
    expect(generatePassword(8)).toHaveLength(20)
    expect(generatePassword(40)).toHaveLength(40)
    const many = new Set(Array.from({ length: 200 }, () => generatePassword()))
    expect(many.size).toBe(200)
    const characters = new Set([...Array.from({ length: 50 }, () => generatePassword()).join("")])
    expect(characters.size).toBeGreaterThan(50)
  })

  it("shows the admin group's name read-only in Update, with the core's reason", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.row("admins", "groups"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    const name = h.in<HTMLInputElement>("groups", "#f-name")
    expect(name.readOnly).toBe(true)
    expect(name.getAttribute("aria-describedby")).toBe("rename-refused")
    expect(h.in("groups", "#rename-refused").textContent).toMatch(/admins/)
  })

  it("checks a group's name before sending it, and shows the problem beside Name", async () => {
    const { client } = await seeded()
    const h = await mount(client)
    await userEvent.click(h.tab("groups"))
    await expect.poll(() => h.rows("groups").length).toBe(3)
    await userEvent.click(h.button("groups", "Add New"))
    await expect.poll(() => h.in<HTMLDialogElement>("groups", "#group-dialog").open).toBe(true)
    await userEvent.type(h.in("groups", "#f-name"), "Ops Team")
    await userEvent.click(h.button("groups", "Create"))
    await expect
      .poll(() => h.in("groups", "#e-name")?.textContent?.trim())
      .toBe("Name is not valid (expected: 1–32 characters: a-z, 0-9, '.', '_', '-').")
    expect(h.rows("groups")).toHaveLength(3)
  })
})
