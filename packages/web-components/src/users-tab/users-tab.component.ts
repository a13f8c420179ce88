import { html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import type { Group, Me, SignInLock, User, UserChanges, UserManagerClient, UserSort } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { BulkActions, bulkStyles } from "../internal/bulk-actions.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { asClientError } from "../internal/errors.js"
import { FormDialog } from "../internal/form-dialog.js"
import { textField } from "../internal/form-fields.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { RowMenu } from "../internal/row-menu.js"
import { lockDescription, lockedUsers } from "../internal/sign-in-locks.js"
import { sharedStyles } from "../internal/styles.js"

/** How many groups each read asks for (the API takes pages of at most the core's MAX_PAGE_SIZE, 1,000). */
const GROUPS_PAGE_SIZE = 500

/** Every group, for the form's Groups choice, asked a page at a time. */
const allGroups = async (client: UserManagerClient): Promise<ReadonlyArray<Group>> => {
  const groups: Array<Group> = []
  for (;;) {
    const page = await client.listGroups({ sort: "name", limit: GROUPS_PAGE_SIZE, offset: groups.length })
    groups.push(...page.items)
    if (page.items.length === 0 || groups.length >= page.total) return groups
  }
}

const columns: ReadonlyArray<Column<UserSort>> = [
  { sort: "username", label: "User Name" },
  { sort: "fullName", label: "Full Name" },
  { sort: "groups", label: "Groups" },
  { sort: "email", label: "Email" },
  { sort: "enabled", label: "Enabled" }
]

/**
 * The Users tab: a server-side searched, sorted and paged table of users, the Add New and Update dialogs, a context
 * menu (Update, Enable/Disable, Unlock sign-in for a user the sign-in throttle refuses, Delete) and the delete
 * confirmation; a user the throttle refuses is marked Locked. An administrator (`me`) whose client can also imports
 * users from a CSV or JSON Lines file (checked first, its plan shown, then applied with its progress) and exports them
 * as CSV. Every rule is the client's: refusals are shown in words beside the field or in the dialog they concern.
 *
 * @event user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @event users-imported - Users were imported from a file; `detail` is the import's result.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart table - The users table.
 * @csspart row - Each user's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The user, import and confirmation dialogs.
 */
export class UsersTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [sharedStyles, bulkStyles]

  /** Where the users come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user, marked "You" in the table; an administrator is offered Import and Export. */
  @property({ attribute: false }) accessor me: Me | undefined

  /** The users the sign-in throttle refuses now, when the client can say. */
  #locks: ReadonlyMap<string, SignInLock> = new Map()
  /** The groups the form offers. */
  #groups: ReadonlyArray<Group> = []

  readonly #list = new ListController<User, UserSort>(this, {
    client: () => this.client,
    key: (user) => user.username,
    sort: "username",
    read: async (client, query) => {
      const [page, locks] = await Promise.all([
        client.listUsers(query),
        // The locks are an addition to the list: a back end that cannot list them leaves the rows unmarked.
        client.listSignInLocks?.().catch(() => []) ?? []
      ])
      return {
        page,
        keep: () => {
          this.#locks = lockedUsers(locks)
        }
      }
    }
  })
  readonly #menu = new RowMenu(this, this.#list)
  readonly #form: FormDialog<User, UserSort> = new FormDialog(this, this.#list, this.#menu, {
    id: "user-dialog",
    handsOver: () => this.#confirm.target !== undefined,
    place: (field) => (field === "groups" ? { key: "groups", focus: "fieldset input" } : undefined)
  })
  readonly #confirm = new ConfirmDialog(this, this.#list, this.#menu, this.#form)
  readonly #bulk = new BulkActions(this, this.#list, { kind: "users", admin: () => this.me?.admin === true })

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.#list.load()
  }

  override render() {
    const user = this.#menu.target
    return html`
      ${listView(this.#list, this.#menu, {
        name: "Users",
        searchLabel: "Search users by username, first name or last name",
        columns,
        row: (user, index) => this.#row(user, index),
        open: (user) => this.#openEditor(user),
        actions: this.#bulk.renderButtons(),
        remove: (user) => this.#confirm.ask(user)
      })}
      ${user === undefined ? nothing : this.#menu.render(`Actions for ${user.username}`, this.#menuItems(user))}
      ${this.#renderEditor()} ${this.#bulk.renderDialog()}
      ${this.#confirm.render((user) => ({
        title: `Delete user ${user.username}?`,
        text: `The user ${user.username} will be deleted. This cannot be undone.`,
        remove: async (client, user) => {
          await client.deleteUser(user.username)
          this.dispatchEvent(new UserManagerChangeEvent("user-deleted", { username: user.username }))
        }
      }))}
    `
  }

  #row(user: User, index: number) {
    const you = this.me?.user.username === user.username
    const lock = this.#locks.get(user.username)
    return html`<tr
      part="row"
      tabindex=${this.#list.tabIndexOf(index)}
      aria-rowindex=${this.#list.rowIndexOf(index)}
      data-username=${user.username}
    >
      <td>
        ${user.username}
        ${user.system ? html`<span role="img" aria-label="System user" title="System user">⚙</span>` : nothing}
        ${you ? html`<span class="badge">You</span>` : nothing}
        ${
          lock === undefined
            ? nothing
            : html`<span class="badge locked" role="img" aria-label=${lockDescription(lock)} title=${lockDescription(lock)}
                >Locked</span
              >`
        }
      </td>
      <td>${`${user.firstName} ${user.lastName}`.trim()}</td>
      <td>${user.groups.join(", ")}</td>
      <td>${user.email ?? ""}</td>
      <td>${user.enabled ? "Yes" : "No"}</td>
    </tr>`
  }

  #menuItems(user: User) {
    return [
      { label: "Update", run: () => this.#openEditor(user) },
      user.enabled
        ? { label: "Disable", run: () => void this.#setEnabled(user, false) }
        : { label: "Enable", run: () => void this.#setEnabled(user, true) },
      ...(this.#locks.has(user.username) && this.client?.unlockUser !== undefined
        ? [{ label: "Unlock sign-in", run: () => void this.#unlock(user) }]
        : []),
      { label: "Delete", run: () => this.#confirm.ask(user) }
    ]
  }

  async #setEnabled(user: User, enabled: boolean) {
    const client = this.client
    if (client === undefined) return
    await this.#change(async () => {
      const updated = enabled ? await client.enableUser(user.username) : await client.disableUser(user.username)
      this.dispatchEvent(new UserManagerChangeEvent("user-updated", updated))
    })
  }

  async #unlock(user: User) {
    const client = this.client
    if (client?.unlockUser === undefined) return
    await this.#change(async () => {
      await client.unlockUser?.(user.username)
    })
  }

  /** A change made from a row's menu: the list is read again, or says why the change was refused. */
  async #change(run: () => Promise<unknown>) {
    const list = this.#list
    try {
      await run()
      list.alert = ""
      await list.load()
    } catch (error) {
      list.alert = asClientError(error).message
      this.requestUpdate()
    }
    list.rows()[list.active]?.focus()
  }

  #openEditor(user: User | undefined) {
    this.#form.open(user)
    const client = this.client
    if (client === undefined) return
    allGroups(client)
      .then((groups) => {
        this.#groups = groups
        this.requestUpdate()
      })
      .catch((error: unknown) => this.#form.showAlert(error))
  }

  #renderEditor() {
    const user = this.#form.editing?.record
    const readOnly = user?.system === true
    const errors = this.#form.fieldErrors
    const field = (name: string, label: string, value: string, type: "text" | "email" | "password" = "text") =>
      textField(errors, { name, label, value, type, disabled: readOnly })
    const groupsError = errors.groups
    return this.#form.render({
      title: user === undefined ? "Add New User" : readOnly ? `User ${user.username}` : `Update ${user.username}`,
      readOnly,
      remove: user !== undefined && !readOnly ? () => this.#confirm.ask(user) : undefined,
      write: (client, form, user) => this.#save(client, new FormData(form), user),
      fields: html`${
        readOnly
          ? html`<p class="hint" id="read-only-reason">
                  ${user?.username} is a system user: system users are read-only, so they cannot be changed or deleted
                  here.
                </p>`
          : nothing
      }
            ${textField(errors, { name: "username", label: "Username", value: user?.username ?? "", type: "text", disabled: user !== undefined })}
            ${field("firstName", "First name", user?.firstName ?? "")}
            ${field("lastName", "Last name", user?.lastName ?? "")}
            ${field("email", "Email", user?.email ?? "", "email")}
            ${readOnly ? nothing : field("password", user === undefined ? "Password" : "New password (optional)", "", "password")}
            <fieldset
              aria-invalid=${groupsError === undefined ? "false" : "true"}
              aria-describedby=${groupsError === undefined ? nothing : "e-groups"}
            >
              <legend>Groups (at least one)</legend>
              ${this.#groups.map(
                (group) => html`<label
                  ><input
                    type="checkbox"
                    name="groups"
                    .value=${group.name}
                    .defaultChecked=${user?.groups.includes(group.name) ?? false}
                    ?disabled=${readOnly}
                  />
                  ${group.name}</label
                ><br />`
              )}
            </fieldset>
            ${groupsError === undefined ? nothing : html`<p class="alert" id="e-groups">${groupsError}</p>`}
            ${
              user === undefined
                ? html`<div class="field">
                  <label><input type="checkbox" name="system" /> System user (read-only for ever)</label>
                </div>`
                : nothing
            }`
    })
  }

  async #save(client: UserManagerClient, form: FormData, user: User | undefined) {
    const text = (name: string) => String(form.get(name) ?? "")
    const groups = form.getAll("groups").map(String)
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
      this.dispatchEvent(new UserManagerChangeEvent("user-created", created))
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
      this.dispatchEvent(new UserManagerChangeEvent("user-updated", updated))
    }
  }
}

const optional = <K extends string>(key: K, value: string): { [P in K]?: string } =>
  (value === "" ? {} : { [key]: value }) as { [P in K]?: string }
