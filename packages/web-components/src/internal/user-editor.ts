import { msg, str } from "@lit/localize"
import { html, type LitElement, nothing } from "lit"
import type { User, UserChanges, UserManagerClient, UserRefusals, UserSort } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import type { ConfirmDialog } from "./confirm-dialog.js"
import type { Change, Feedback } from "./feedback.js"
import type { FormDialog } from "./form-dialog.js"
import { passwordField, textField } from "./form-fields.js"
import { GroupPicker } from "./group-picker.js"
import { recordRefusalView } from "./refusals.js"
import { constraintOf, type FieldConstraint, isRequired, problemOf, problems } from "./validation.js"

/**
 * The Users tab's Add New and Update dialog: the user's fields, a new password held to the directory's minimum, and
 * the groups (a picker that searches them as one types); what the core refuses is shown read-only with its reason.
 * Save sends only what changed, and an Update whose groups changed offers Undo.
 */
export class UserEditor {
  readonly #host: LitElement
  readonly #client: () => UserManagerClient | undefined
  readonly #form: FormDialog<User, UserSort>
  readonly #confirm: ConfirmDialog<User, UserSort>
  readonly #feedback: Feedback<User, UserSort>
  readonly #groups: GroupPicker
  /** The directory's minimum password length, once the client said (read when a dialog first opens). */
  #minPassword: { readonly client: UserManagerClient; readonly length: number } | undefined

  constructor(
    host: LitElement,
    client: () => UserManagerClient | undefined,
    form: FormDialog<User, UserSort>,
    confirm: ConfirmDialog<User, UserSort>,
    feedback: Feedback<User, UserSort>
  ) {
    this.#host = host
    this.#client = client
    this.#form = form
    this.#confirm = confirm
    this.#feedback = feedback
    this.#groups = new GroupPicker(host, client, (error) => form.showAlert(error))
  }

  /** Asks the client (once per client, when it can say) for the minimum password length the directory is set to. */
  async #readPasswordMinimum() {
    const client = this.#client()
    if (client?.settings === undefined || this.#minPassword?.client === client) return
    try {
      const settings = await client.settings()
      this.#minPassword = { client, length: settings.minPasswordLength }
      this.#host.requestUpdate()
    } catch {
      // Not allowed or not there: the document's minimum stands, and the server's refusal is the final word.
    }
  }

  /** A new password's constraint: the document's, raised to the directory's minimum when the client said it. */
  #passwordConstraint(body: "CreateUser" | "PasswordReset"): FieldConstraint | undefined {
    const documented = constraintOf(body, "password")
    const configured = this.#minPassword?.client === this.#client() ? this.#minPassword?.length : undefined
    return documented === undefined || configured === undefined
      ? documented
      : { ...documented, minLength: Math.max(documented.minLength ?? 0, configured) }
  }

  /** Opens Add New (no user) or Update (a user). */
  open(user: User | undefined): void {
    void this.#readPasswordMinimum()
    this.#form.open(user)
    this.#groups.open(user?.groups ?? [])
  }

  /** The dialog (closed unless a user is being added or changed). */
  render() {
    const user = this.#form.editing?.record
    // What may be changed is the core's word (`refused`); a client that does not say leaves a system user read-only.
    const refused: UserRefusals = user?.refused ?? {}
    const readOnly = user !== undefined && (refused.update !== undefined || (user.refused === undefined && user.system))
    const groupsReadOnly = readOnly || refused.changeGroups !== undefined
    const noPassword = readOnly || refused.resetPassword !== undefined
    const body = user === undefined ? "CreateUser" : "ModifyUser"
    const errors = this.#form.fieldErrors
    const field = (name: "firstName" | "lastName" | "email", label: string, type: "text" | "email" = "text") =>
      textField(errors, {
        name,
        label,
        value: user?.[name] ?? "",
        type,
        readOnly,
        reason: "read-only-reason",
        required: isRequired(constraintOf(body, name))
      })
    const groupsError = errors.groups
    const password = this.#passwordConstraint(user === undefined ? "CreateUser" : "PasswordReset")
    return this.#form.render({
      title:
        user === undefined
          ? msg("Add New User")
          : readOnly
            ? msg(str`User ${user.username}`)
            : msg(str`Update ${user.username}`),
      readOnly,
      remove: user !== undefined && !readOnly ? () => this.#confirm.ask(user) : undefined,
      removeRefused: refused.delete,
      check: (form) => this.#check(new FormData(form), user),
      write: (client, form, user) => this.#save(client, new FormData(form), user),
      fields: html`${
        readOnly
          ? html`<p class="hint read-only" id="read-only-reason">
                  ${
                    user?.system === true
                      ? msg(
                          str`${user.username} is a system user: system users are read-only, so they cannot be changed or deleted here.`
                        )
                      : refused.update === undefined
                        ? nothing
                        : recordRefusalView(refused.update)
                  }
                </p>`
          : nothing
      }
            ${textField(errors, {
              name: "username",
              label: msg("Username"),
              value: user?.username ?? "",
              type: "text",
              disabled: user !== undefined,
              required: user === undefined && isRequired(constraintOf("CreateUser", "username"))
            })}
            ${field("firstName", msg("First name"))}
            ${field("lastName", msg("Last name"))}
            ${field("email", msg("Email"), "email")}
            ${
              noPassword
                ? nothing
                : passwordField(errors, {
                    name: "password",
                    label: user === undefined ? msg("Password") : msg("New password (optional)"),
                    minLength: password?.minLength
                  })
            }
            <fieldset
              class="picker ${groupsReadOnly ? "read-only" : ""}"
              data-field="groups"
              aria-invalid=${groupsError === undefined ? "false" : "true"}
              aria-describedby=${groupsError === undefined ? nothing : "e-groups"}
            >
              <legend>
                ${msg("Groups (at least one)")}${
                  !groupsReadOnly && isRequired(constraintOf(body, "groups"))
                    ? html`<span class="required" aria-hidden="true"> *</span>`
                    : nothing
                }
              </legend>
              ${
                groupsReadOnly
                  ? html`<p>${user?.groups.join(", ")}</p>
                      ${readOnly || refused.changeGroups === undefined ? nothing : html`<p class="hint">${recordRefusalView(refused.changeGroups)}</p>`}`
                  : this.#groups.render()
              }
            </fieldset>
            ${groupsError === undefined ? nothing : html`<p class="alert" id="e-groups">${groupsError}</p>`}
            ${
              user === undefined
                ? html`<div class="field">
                  <label><input type="checkbox" name="system" /> ${msg("System user (read-only for ever)")}</label>
                </div>`
                : nothing
            }`
    })
  }

  /** Every field's problem by the API document's constraints (those of creating a user, or of changing one). */
  #check(form: FormData, user: User | undefined) {
    const text = (name: string) => String(form.get(name) ?? "")
    const body = user === undefined ? "CreateUser" : "ModifyUser"
    const groups = this.#groups.chosen()
    return problems([
      [
        "username",
        user === undefined ? problemOf(constraintOf(body, "username"), msg("Username"), text("username")) : undefined
      ],
      ["firstName", problemOf(constraintOf(body, "firstName"), msg("First name"), text("firstName"))],
      ["lastName", problemOf(constraintOf(body, "lastName"), msg("Last name"), text("lastName"))],
      ["email", problemOf(constraintOf(body, "email"), msg("Email"), text("email"))],
      [
        "password",
        // An empty password is no change (or, at creation, an account that cannot sign in yet).
        text("password") === ""
          ? undefined
          : problemOf(
              this.#passwordConstraint(user === undefined ? "CreateUser" : "PasswordReset"),
              msg("Password"),
              text("password")
            )
      ],
      ["groups", problemOf(constraintOf(body, "groups"), msg("Groups"), groups)]
    ])
  }

  async #save(client: UserManagerClient, form: FormData, user: User | undefined) {
    const text = (name: string) => String(form.get(name) ?? "")
    const groups = this.#groups.chosen()
    if (user === undefined) {
      const created = await client.createUser({
        username: text("username"),
        groups,
        system: form.get("system") !== null,
        ...optional("firstName", text("firstName")),
        ...optional("lastName", text("lastName")),
        ...optional("email", text("email")),
        ...optional("password", text("password"))
      })
      this.#host.dispatchEvent(new UserManagerChangeEvent("user-created", created))
      this.#feedback.changed({
        message: msg(str`Created user ${created.username}.`),
        key: created.username,
        created: true
      })
    } else {
      // Only what the administrator changed is sent; an emptied field is cleared (null), as the API expects.
      const edited = (key: "firstName" | "lastName" | "email") => {
        const now = text(key) === "" ? null : text(key)
        return now === ((user[key] ?? "") === "" ? null : user[key]) ? {} : { [key]: now }
      }
      const sameGroups = groups.length === user.groups.length && groups.every((name) => user.groups.includes(name))
      const changes: UserChanges = {
        ...edited("firstName"),
        ...edited("lastName"),
        ...edited("email"),
        ...(sameGroups ? {} : { groups }),
        ...optional("password", text("password"))
      }
      const updated = await client.modifyUser(user.username, changes, user.version)
      this.#host.dispatchEvent(new UserManagerChangeEvent("user-updated", updated))
      this.#feedback.changed(userChange(user, updated, changes, (inverse) => this.#restore(updated, inverse)))
    }
  }

  /** Takes back a saved change (Undo), from the version that change made. */
  async #restore(user: User, inverse: UserChanges) {
    const client = this.#client()
    if (client === undefined) return
    const restored = await client.modifyUser(user.username, inverse, user.version)
    this.#host.dispatchEvent(new UserManagerChangeEvent("user-updated", restored))
  }
}

/**
 * What an Update's Save tells: the groups it added the user to and removed it from, with Undo when its groups changed
 * (the groups and the fields saved beside them put back in one change; a new password cannot be taken back, so a change
 * that sets one offers no Undo).
 */
const userChange = (
  before: User,
  after: User,
  changes: UserChanges,
  undo: (inverse: UserChanges) => Promise<void>
): Change => {
  const added = after.groups.filter((name) => !before.groups.includes(name))
  const removed = before.groups.filter((name) => !after.groups.includes(name))
  const addedTo = added.join(", ")
  const removedFrom = removed.join(", ")
  const parts = [
    ...(added.length === 0 ? [] : [msg(str`added to ${addedTo}`)]),
    ...(removed.length === 0 ? [] : [msg(str`removed from ${removedFrom}`)])
  ]
  const said = parts.join("; ")
  const fields = (["firstName", "lastName", "email"] as const).filter((key) => key in changes)
  const inverse: UserChanges = {
    ...Object.fromEntries(fields.map((key) => [key, (before[key] ?? "") === "" ? null : before[key]])),
    groups: [...before.groups]
  }
  return {
    message:
      parts.length === 0 ? msg(str`Saved user ${after.username}.`) : msg(str`Saved user ${after.username}: ${said}.`),
    key: after.username,
    undo:
      changes.groups === undefined || changes.password !== undefined
        ? undefined
        : { run: () => undo(inverse), done: msg(str`Undid the change to user ${after.username}.`) }
  }
}

const optional = <K extends string>(key: K, value: string): { [P in K]?: string } =>
  (value === "" ? {} : { [key]: value }) as { [P in K]?: string }
