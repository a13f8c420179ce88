import { html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import type { Me, SignInLock, User, UserChanges, UserManagerClient, UserSort } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { BulkActions, bulkStyles } from "../internal/bulk-actions.js"
import { BulkChange, bulkChangeStyles } from "../internal/bulk-change.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { type Change, Feedback, feedbackStyles } from "../internal/feedback.js"
import { FormDialog } from "../internal/form-dialog.js"
import { textField } from "../internal/form-fields.js"
import { debounce } from "../internal/keys.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { choice, FINDER_LIMIT, finder, pickerStyles } from "../internal/picker.js"
import { RowMenu } from "../internal/row-menu.js"
import { lockDescription, lockedUsers } from "../internal/sign-in-locks.js"
import { skeletonStyles } from "../internal/skeleton.js"
import { sharedStyles } from "../internal/styles.js"

const columns: ReadonlyArray<Column<UserSort>> = [
  { sort: "username", label: "User Name" },
  { sort: "fullName", label: "Full Name" },
  { sort: "groups", label: "Groups" },
  { sort: "email", label: "Email" },
  { sort: "enabled", label: "Enabled" }
]

/**
 * The Users tab: a server-side searched, sorted and paged table of users, the Add New and Update dialogs, a context
 * menu (Update, Enable/Disable, Unlock sign-in for a user the sign-in throttle refuses, Delete), opened by a right-click,
 * the keyboard or each row's "⋯" button, and the delete confirmation; a user the throttle refuses is marked Locked. With
 * a client that applies bulk actions, each row has a checkbox (and the header one for the whole page), and a selection
 * brings a bar of actions on it (Enable, Disable, Add to group, Remove from group, Delete), each checked first by a dry
 * run whose summary the confirmation shows. An administrator (`me`) whose client can also imports
 * users from a CSV or JSON Lines file (checked first, its plan shown, then applied with its progress) and exports them
 * as CSV. Every rule is the client's: refusals are shown in words beside the field or in the dialog they concern.
 *
 * @event user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @event users-imported - Users were imported from a file; `detail` is the import's result.
 * @event users-changed - A bulk action was applied to the selected users; `detail` is each user's outcome.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart selection - The bar of actions on the selected users.
 * @csspart table - The users table.
 * @csspart row - Each user's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The user, import and confirmation dialogs.
 */
export class UsersTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [sharedStyles, bulkStyles, pickerStyles, bulkChangeStyles, feedbackStyles, skeletonStyles]

  /** Where the users come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user, marked "You" in the table; an administrator is offered Import and Export. */
  @property({ attribute: false }) accessor me: Me | undefined

  /** The users the sign-in throttle refuses now, when the client can say. */
  #locks: ReadonlyMap<string, SignInLock> = new Map()
  /** The groups the form would save: the user's when the dialog opened, with the changes made since. */
  #chosen: ReadonlySet<string> = new Set()
  /**
   * The groups with a box above the finder: the user's when the dialog opened and those picked since (moved there at
   * the next search). A box stays where it is when it is (un)checked, so that the keyboard focus stays on it.
   */
  #listed: ReadonlyArray<string> = []
  /** The groups the finder found: the first few by name until something is typed (never every group). */
  #found: ReadonlyArray<string> = []
  /** Whether the finder found more groups than it shows. */
  #moreFound = false
  #findRead = 0
  #findLater = debounce((text: string) => void this.#findGroups(text), 250)

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
  readonly #selection = new BulkChange(this, this.#list)
  /** Whether a row's menu was open as the pointer went down on its ⋯ button (the press itself closes it). */
  #menuWasOpen = false
  readonly #feedback = new Feedback(this, this.#list)

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
        lead: this.#selection.renderHeaderCell(),
        trail: html`<th scope="col" class="control"><span class="visually-hidden">Actions</span></th>`,
        bar: this.#selection.renderBar(),
        remove: (user) => this.#confirm.ask(user)
      })}
      ${user === undefined ? nothing : this.#menu.render(`Actions for ${user.username}`, this.#menuItems(user))}
      ${this.#renderEditor()} ${this.#bulk.renderDialog()} ${this.#selection.renderDialog()} ${this.#feedback.render()}
      ${this.#confirm.render((user) => ({
        title: `Delete user ${user.username}?`,
        text: `The user ${user.username} will be deleted. This cannot be undone.`,
        remove: async (client, user) => {
          await client.deleteUser(user.username)
          this.dispatchEvent(new UserManagerChangeEvent("user-deleted", { username: user.username }))
          this.#feedback.changed({ message: `Deleted user ${user.username}.` })
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
      ${this.#selection.renderCell(user, index)}
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
      <td class="control">
        <button
          part="button"
          class="row-actions"
          aria-label=${`Actions for ${user.username}`}
          aria-haspopup="menu"
          aria-expanded=${this.#menu.isOpenFor(user.username) ? "true" : "false"}
          tabindex=${this.#list.tabIndexOf(index)}
          @pointerdown=${() => {
            this.#menuWasOpen = this.#menu.isOpenFor(user.username)
          }}
          @click=${(event: MouseEvent) => {
            const open = this.#menuWasOpen || this.#menu.isOpenFor(user.username)
            this.#menuWasOpen = false
            if (open) this.#menu.close(true)
            else this.#menu.openBelow(event.currentTarget as HTMLElement, user.username)
          }}
        >
          ⋯
        </button>
      </td>
    </tr>`
  }

  #menuItems(user: User) {
    return [
      { label: "Update", run: () => this.#openEditor(user), disabled: user.refused?.update },
      user.enabled
        ? { label: "Disable", run: () => void this.#setEnabled(user, false), disabled: user.refused?.disable }
        : { label: "Enable", run: () => void this.#setEnabled(user, true), disabled: user.refused?.enable },
      ...(this.#locks.has(user.username) && this.client?.unlockUser !== undefined
        ? [{ label: "Unlock sign-in", run: () => void this.#unlock(user) }]
        : []),
      { label: "Delete", run: () => this.#confirm.ask(user), disabled: user.refused?.delete }
    ]
  }

  async #setEnabled(user: User, enabled: boolean) {
    const client = this.client
    if (client === undefined) return
    const { username } = user
    const set = async (enabled: boolean) => {
      const updated = enabled ? await client.enableUser(username) : await client.disableUser(username)
      this.dispatchEvent(new UserManagerChangeEvent("user-updated", updated))
    }
    await this.#change(username, async () => {
      await set(enabled)
      this.#feedback.changed({
        message: `${enabled ? "Enabled" : "Disabled"} user ${username}.`,
        key: username,
        undo: { run: () => set(!enabled), done: `${enabled ? "Disabled" : "Enabled"} user ${username} again.` }
      })
    })
  }

  async #unlock(user: User) {
    const client = this.client
    if (client?.unlockUser === undefined) return
    await this.#change(user.username, async () => {
      await client.unlockUser?.(user.username)
      this.#feedback.changed({ message: `Unlocked sign-in for ${user.username}.`, key: user.username })
    })
  }

  /** A change made from the menu of the row `key`: the list is read again, or the row says why it was refused. */
  async #change(key: string, run: () => Promise<unknown>) {
    const list = this.#list
    try {
      await run()
      list.alert = ""
      await list.load()
    } catch (error) {
      this.#feedback.refused(key, error)
    }
    list.rows()[list.active]?.focus()
  }

  #openEditor(user: User | undefined) {
    this.#chosen = new Set(user?.groups ?? [])
    this.#listed = [...this.#chosen].sort()
    this.#found = []
    this.#moreFound = false
    this.#form.open(user)
    void this.#findGroups("")
  }

  /** Asks for the first groups whose name contains `text` (the first by name when it is empty). */
  async #findGroups(text: string) {
    const client = this.client
    if (client === undefined) return
    const read = ++this.#findRead
    this.#listed = [...new Set([...this.#listed.filter((name) => this.#chosen.has(name)), ...this.#chosen])].sort()
    this.requestUpdate()
    try {
      const search = text.trim()
      const page = await client.listGroups({
        sort: "name",
        limit: FINDER_LIMIT,
        ...(search === "" ? {} : { search })
      })
      if (read !== this.#findRead) return
      this.#found = page.items.map((group) => group.name)
      this.#moreFound = page.totalExact === false || page.total > page.items.length
      this.requestUpdate()
    } catch (error) {
      if (read === this.#findRead) this.#form.showAlert(error)
    }
  }

  #toggleGroup(name: string, checked: boolean) {
    const chosen = new Set(this.#chosen)
    if (checked) chosen.add(name)
    else chosen.delete(name)
    this.#chosen = chosen
    this.requestUpdate()
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
              class="picker"
              aria-invalid=${groupsError === undefined ? "false" : "true"}
              aria-describedby=${groupsError === undefined ? nothing : "e-groups"}
            >
              <legend>Groups (at least one)</legend>
              ${
                readOnly
                  ? html`<p>${user?.groups.join(", ")}</p>`
                  : html`<div class="choices" role="group" aria-label="Chosen groups">
                      ${this.#listed.map((name) => this.#groupBox(name))}
                    </div>
                    ${finder("f-find-groups", "Find groups", (text) => this.#findLater(text), this.#moreFound ? "More groups match: type to narrow the list." : undefined)}
                    <div class="choices" role="group" aria-label="Groups found">
                      ${this.#found.filter((name) => !this.#listed.includes(name)).map((name) => this.#groupBox(name))}
                    </div>`
              }
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

  #groupBox(name: string) {
    return choice(name, this.#chosen.has(name), (checked) => this.#toggleGroup(name, checked))
  }

  async #save(client: UserManagerClient, form: FormData, user: User | undefined) {
    const text = (name: string) => String(form.get(name) ?? "")
    const groups = [...this.#chosen].sort()
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
      this.#feedback.changed({ message: `Created user ${created.username}.`, key: created.username, created: true })
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
      this.#feedback.changed(userChange(user, updated, changes, (inverse) => this.#restore(updated, inverse)))
    }
  }

  /** Takes back a saved change (Undo), from the version that change made. */
  async #restore(user: User, inverse: UserChanges) {
    const client = this.client
    if (client === undefined) return
    const restored = await client.modifyUser(user.username, inverse, user.version)
    this.dispatchEvent(new UserManagerChangeEvent("user-updated", restored))
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
  const parts = [
    ...(added.length === 0 ? [] : [`added to ${added.join(", ")}`]),
    ...(removed.length === 0 ? [] : [`removed from ${removed.join(", ")}`])
  ]
  const fields = (["firstName", "lastName", "email"] as const).filter((key) => key in changes)
  const inverse: UserChanges = {
    ...Object.fromEntries(fields.map((key) => [key, (before[key] ?? "") === "" ? null : before[key]])),
    groups: [...before.groups]
  }
  return {
    message: `Saved user ${after.username}${parts.length === 0 ? "" : `: ${parts.join("; ")}`}.`,
    key: after.username,
    undo:
      changes.groups === undefined || changes.password !== undefined
        ? undefined
        : { run: () => undo(inverse), done: `Undid the change to user ${after.username}.` }
  }
}

const optional = <K extends string>(key: K, value: string): { [P in K]?: string } =>
  (value === "" ? {} : { [key]: value }) as { [P in K]?: string }
