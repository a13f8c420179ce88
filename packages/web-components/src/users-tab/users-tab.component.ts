import { html, LitElement, nothing, type PropertyValues } from "lit"
import { property, query, state } from "lit/decorators.js"
import type {
  ClientError,
  Group,
  Me,
  Page,
  SignInLock,
  User,
  UserChanges,
  UserManagerClient,
  UserSort
} from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { asClientError, fieldOf } from "../internal/errors.js"
import { debounce, isMenuKey, keepOwnMenu, nextIndex, restoreFocus, trapFocus } from "../internal/keys.js"
import { sharedStyles } from "../internal/styles.js"
import { lockDescription, lockedUsers } from "./sign-in-locks.js"

const PAGE_SIZE = 50

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

const columns: ReadonlyArray<{ readonly sort: UserSort; readonly label: string }> = [
  { sort: "username", label: "User Name" },
  { sort: "fullName", label: "Full Name" },
  { sort: "groups", label: "Groups" },
  { sort: "email", label: "Email" },
  { sort: "enabled", label: "Enabled" }
]

/** The open menu: the user it was opened for, by name (a list read again may move the rows under it), and where. */
interface Menu {
  readonly username: string
  readonly x: number
  readonly y: number
}

/**
 * The Users tab: a server-side searched, sorted and paged table of users, the Add New and Update dialogs, a context
 * menu (Update, Enable/Disable, Unlock sign-in for a user the sign-in throttle refuses, Delete) and the delete
 * confirmation; a user the throttle refuses is marked Locked. Every rule is the client's: refusals are shown in words
 * beside the field or in the dialog they concern.
 *
 * @event user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart table - The users table.
 * @csspart row - Each user's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The user and confirmation dialogs.
 */
export class UsersTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = sharedStyles

  /** Where the users come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user, marked "You" in the table. */
  @property({ attribute: false }) accessor me: Me | undefined

  @state() accessor page: Page<User> = { items: [], total: 0 }
  /** The users the sign-in throttle refuses now, when the client can say. */
  @state() accessor locks: ReadonlyMap<string, SignInLock> = new Map()
  @state() accessor search = ""
  @state() accessor sort: UserSort = "username"
  @state() accessor order: "asc" | "desc" = "asc"
  @state() accessor offset = 0
  @state() accessor loading = false
  @state() accessor alert = ""
  @state() accessor active = 0
  @state() accessor menu: Menu | undefined
  /** The dialog: undefined when closed; `user` undefined for Add New. */
  @state() accessor editing: { readonly user: User | undefined } | undefined
  @state() accessor groups: ReadonlyArray<Group> = []
  @state() accessor fieldErrors: Readonly<Record<string, string>> = {}
  @state() accessor formAlert = ""
  @state() accessor saving = false
  @state() accessor deleting: User | undefined
  @state() accessor deleteAlert = ""

  @query("#user-dialog") accessor userDialog!: HTMLDialogElement | null
  @query("#delete-dialog") accessor deleteDialog!: HTMLDialogElement | null

  #request = 0
  #returnFocus: HTMLElement | undefined
  #searchLater = debounce(() => this.load(), 250)

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.load()
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("client") && this.client !== undefined) void this.load()
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has("editing") && this.editing !== undefined && this.userDialog?.open === false) {
      // Fields start from their defaults (the user's values) each time the dialog opens; typing is then kept.
      this.renderRoot.querySelector<HTMLFormElement>("#user-dialog form")?.reset()
      this.userDialog.showModal()
    }
    if (changed.has("deleting") && this.deleting !== undefined && this.deleteDialog?.open === false) {
      this.deleteDialog.showModal()
    }
    if (changed.has("menu") && this.menu !== undefined) {
      this.renderRoot.querySelector<HTMLElement>("[role=menuitem]")?.focus()
    }
  }

  async load(): Promise<void> {
    const client = this.client
    if (client === undefined) return
    const request = ++this.#request
    this.loading = true
    try {
      const [page, locks] = await Promise.all([
        client.listUsers({
          search: this.search,
          sort: this.sort,
          order: this.order,
          limit: PAGE_SIZE,
          offset: this.offset
        }),
        // The locks are an addition to the list: a back end that cannot list them leaves the rows unmarked.
        client.listSignInLocks?.().catch(() => []) ?? []
      ])
      if (request !== this.#request) return
      this.page = page
      this.locks = lockedUsers(locks)
      this.active = Math.min(this.active, Math.max(0, page.items.length - 1))
      // A menu stays on its user as the rows move; it closes when the user is no longer listed.
      const menu = this.menu
      if (menu !== undefined && !page.items.some((item) => item.username === menu.username)) this.menu = undefined
      this.alert = ""
    } catch (error) {
      if (request === this.#request) this.alert = asClientError(error).message
    } finally {
      if (request === this.#request) this.loading = false
    }
  }

  override render() {
    const { items, total } = this.page
    const first = total === 0 ? 0 : this.offset + 1
    return html`
      <div class="toolbar" part="toolbar">
        <input
          type="search"
          part="search"
          aria-label="Search users by username, first name or last name"
          placeholder="Search users"
          .value=${this.search}
          @input=${this.#onSearch}
        />
        <span class="spacer"></span>
        <button class="primary" part="button" @click=${() => this.#openEditor(undefined)}>Add New</button>
      </div>
      ${this.alert === "" ? nothing : html`<p class="alert" role="alert">${this.alert}</p>`}
      <div class="scroll">
      <table part="table" aria-label="Users" aria-rowcount=${total + 1} aria-busy=${this.loading ? "true" : "false"}>
        <thead>
          <tr aria-rowindex="1">
            ${columns.map(
              (column) => html`<th
                scope="col"
                aria-sort=${this.sort === column.sort ? (this.order === "asc" ? "ascending" : "descending") : "none"}
              >
                <button part="button" @click=${() => this.#sortBy(column.sort)}>
                  ${column.label}${this.sort === column.sort ? (this.order === "asc" ? " ▲" : " ▼") : ""}
                </button>
              </th>`
            )}
          </tr>
        </thead>
        <tbody>
          ${items.map((user, index) => this.#row(user, index))}
        </tbody>
      </table>
      </div>
      ${items.length === 0 && !this.loading ? html`<p class="hint">No users match.</p>` : nothing}
      <div class="pager">
        <span role="status">${first}–${this.offset + items.length} of ${total}</span>
        <button part="button" ?disabled=${this.offset === 0} @click=${() => this.#goTo(this.offset - PAGE_SIZE)}>
          Previous
        </button>
        <button
          part="button"
          ?disabled=${this.offset + PAGE_SIZE >= total}
          @click=${() => this.#goTo(this.offset + PAGE_SIZE)}
        >
          Next
        </button>
      </div>
      ${this.#renderMenu()} ${this.#renderEditor()} ${this.#renderDelete()}
    `
  }

  #row(user: User, index: number) {
    const you = this.me?.user.username === user.username
    const lock = this.locks.get(user.username)
    return html`<tr
      part="row"
      tabindex=${index === this.active ? 0 : -1}
      aria-rowindex=${this.offset + index + 2}
      data-username=${user.username}
      @click=${() => this.#openEditor(user)}
      @contextmenu=${(event: MouseEvent) => this.#onContextMenu(event, user, index)}
      @keydown=${(event: KeyboardEvent) => this.#onRowKey(event, user, index)}
      @focus=${() => {
        this.active = index
      }}
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

  #rows(): Array<HTMLElement> {
    return [...this.renderRoot.querySelectorAll<HTMLElement>("tbody tr")]
  }

  #onSearch(event: InputEvent) {
    this.search = (event.target as HTMLInputElement).value
    this.offset = 0
    this.#searchLater()
  }

  #sortBy(sort: UserSort) {
    this.order = this.sort === sort && this.order === "asc" ? "desc" : "asc"
    this.sort = sort
    this.offset = 0
    void this.load()
  }

  #goTo(offset: number) {
    this.offset = Math.max(0, offset)
    this.active = 0
    void this.load()
  }

  #onRowKey(event: KeyboardEvent, user: User, index: number) {
    if (isMenuKey(event)) {
      event.preventDefault()
      this.#openMenuAtRow(event.currentTarget as HTMLElement, user)
      return
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault()
      this.#openEditor(user)
      return
    }
    if (event.key === "Delete") {
      event.preventDefault()
      this.#confirmDelete(user)
      return
    }
    const next = nextIndex(event.key, index, this.page.items.length, false)
    if (next !== undefined) {
      event.preventDefault()
      this.active = next
      this.#rows()[next]?.focus()
    }
  }

  /** The menu of the row under the pointer: its user is the one the row shows now, whatever the list does next. */
  #onContextMenu(event: MouseEvent, user: User, index: number) {
    event.preventDefault()
    // A keyboard-opened menu is already open; the browser's own contextmenu that follows must not move it.
    if (this.menu?.username === user.username) return
    this.active = index
    this.#returnFocus = event.currentTarget as HTMLElement
    this.menu = { username: user.username, x: event.clientX, y: event.clientY }
  }

  /** The menu of the focused row (the ContextMenu key, Shift+F10), below it. */
  #openMenuAtRow(row: HTMLElement, user: User) {
    const box = row.getBoundingClientRect()
    this.#returnFocus = row
    this.menu = { username: user.username, x: box.left + 16, y: box.bottom }
  }

  #closeMenu(restore: boolean) {
    this.menu = undefined
    if (restore) this.#returnFocus?.focus()
  }

  #renderMenu() {
    const menu = this.menu
    const user = menu === undefined ? undefined : this.page.items.find((item) => item.username === menu.username)
    if (menu === undefined || user === undefined) return nothing
    const items: ReadonlyArray<{ readonly label: string; readonly run: () => void }> = [
      { label: "Update", run: () => this.#openEditor(user) },
      user.enabled
        ? { label: "Disable", run: () => void this.#setEnabled(user, false) }
        : { label: "Enable", run: () => void this.#setEnabled(user, true) },
      ...(this.locks.has(user.username) && this.client?.unlockUser !== undefined
        ? [{ label: "Unlock sign-in", run: () => void this.#unlock(user) }]
        : []),
      { label: "Delete", run: () => this.#confirmDelete(user) }
    ]
    const activate = (run: () => void) => {
      this.menu = undefined
      run()
    }
    return html`<ul
      role="menu"
      part="menu"
      aria-label=${`Actions for ${user.username}`}
      style=${`left:${menu.x}px;top:${menu.y}px`}
      @contextmenu=${keepOwnMenu}
      @focusout=${(event: FocusEvent) => {
        const to = event.relatedTarget as Node | null
        if (to === null || !(event.currentTarget as HTMLElement).contains(to)) this.menu = undefined
      }}
      @keydown=${(event: KeyboardEvent) => {
        const entries = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[role=menuitem]")]
        const current = entries.indexOf(event.target as HTMLElement)
        const next = nextIndex(event.key, current, entries.length, true)
        if (next !== undefined) {
          event.preventDefault()
          entries[next]?.focus()
        } else if (event.key === "Escape" || event.key === "Tab") {
          event.preventDefault()
          this.#closeMenu(true)
        } else if (event.key === "Enter" || event.key === " ") {
          event.preventDefault()
          const item = items[current]
          if (item !== undefined) activate(item.run)
        }
      }}
    >
      ${items.map(
        (item) => html`<li role="menuitem" tabindex="-1" @click=${() => activate(item.run)}>${item.label}</li>`
      )}
    </ul>`
  }

  async #setEnabled(user: User, enabled: boolean) {
    const client = this.client
    if (client === undefined) return
    try {
      const updated = enabled ? await client.enableUser(user.username) : await client.disableUser(user.username)
      this.alert = ""
      this.dispatchEvent(new UserManagerChangeEvent("user-updated", updated))
      await this.load()
    } catch (error) {
      this.alert = asClientError(error).message
    }
    this.#rows()[this.active]?.focus()
  }

  async #unlock(user: User) {
    const client = this.client
    if (client?.unlockUser === undefined) return
    try {
      await client.unlockUser(user.username)
      this.alert = ""
      await this.load()
    } catch (error) {
      this.alert = asClientError(error).message
    }
    this.#rows()[this.active]?.focus()
  }

  #openEditor(user: User | undefined) {
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null
    this.#returnFocus = this.menu !== undefined ? this.#returnFocus : ((active as HTMLElement | null) ?? undefined)
    this.menu = undefined
    this.fieldErrors = {}
    this.formAlert = ""
    this.editing = { user }
    const client = this.client
    if (client === undefined) return
    allGroups(client)
      .then((groups) => {
        this.groups = groups
      })
      .catch((error: unknown) => {
        this.formAlert = asClientError(error).message
      })
  }

  #onEditorClosed() {
    this.editing = undefined
    // Delete from the form hands over to the confirmation, which restores focus when it closes.
    if (this.deleting === undefined) this.#restoreFocus()
  }

  #onDeleteClosed() {
    this.deleting = undefined
    this.#restoreFocus()
  }

  #restoreFocus() {
    restoreFocus(this.renderRoot as ShadowRoot, this.#returnFocus, () => this.#rows()[this.active])
  }

  #renderEditor() {
    const editing = this.editing
    const user = editing?.user
    const readOnly = user?.system === true
    const title = user === undefined ? "Add New User" : readOnly ? `User ${user.username}` : `Update ${user.username}`
    const field = (name: string, label: string, value: string, type = "text", disabled = readOnly) => {
      const error = this.fieldErrors[name]
      return html`<div class="field">
        <label for=${`f-${name}`}>${label}</label>
        <input
          id=${`f-${name}`}
          name=${name}
          type=${type}
          autocomplete=${type === "password" ? "new-password" : "off"}
          .defaultValue=${value}
          ?disabled=${disabled}
          aria-invalid=${error === undefined ? "false" : "true"}
          aria-describedby=${error === undefined ? nothing : `e-${name}`}
        />
        ${error === undefined ? nothing : html`<span class="error" id=${`e-${name}`}>${error}</span>`}
      </div>`
    }
    const groupsError = this.fieldErrors.groups
    return html`<dialog
      id="user-dialog"
      part="dialog"
      @keydown=${trapFocus}
      aria-labelledby="user-dialog-title"
      @close=${() => this.#onEditorClosed()}
    >
      ${
        editing === undefined
          ? nothing
          : html`<form novalidate @submit=${(event: SubmitEvent) => this.#save(event)}>
            <h2 id="user-dialog-title">${title}</h2>
            ${
              readOnly
                ? html`<p class="hint" id="read-only-reason">
                  ${user?.username} is a system user: system users are read-only, so they cannot be changed or deleted
                  here.
                </p>`
                : nothing
            }
            ${field("username", "Username", user?.username ?? "", "text", user !== undefined)}
            ${field("firstName", "First name", user?.firstName ?? "")}
            ${field("lastName", "Last name", user?.lastName ?? "")}
            ${field("email", "Email", user?.email ?? "", "email")}
            ${readOnly ? nothing : field("password", user === undefined ? "Password" : "New password (optional)", "", "password")}
            <fieldset
              aria-invalid=${groupsError === undefined ? "false" : "true"}
              aria-describedby=${groupsError === undefined ? nothing : "e-groups"}
            >
              <legend>Groups (at least one)</legend>
              ${this.groups.map(
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
            }
            ${this.formAlert === "" ? nothing : html`<p class="alert" role="alert">${this.formAlert}</p>`}
            <div class="actions">
              ${
                user !== undefined && !readOnly
                  ? html`<button type="button" class="danger" part="button" @click=${() => this.#confirmDelete(user)}>
                    Delete
                  </button>`
                  : nothing
              }
              <span class="spacer"></span>
              <button type="button" part="button" @click=${() => this.userDialog?.close()}>
                ${readOnly ? "Close" : "Cancel"}
              </button>
              ${
                readOnly
                  ? nothing
                  : html`<button type="submit" class="primary" part="button" ?disabled=${this.saving}>
                    ${user === undefined ? "Create" : "Save"}
                  </button>`
              }
            </div>
          </form>`
      }
    </dialog>`
  }

  async #save(event: SubmitEvent) {
    event.preventDefault()
    const client = this.client
    const user = this.editing?.user
    if (client === undefined || this.saving) return
    const form = new FormData(event.target as HTMLFormElement)
    const text = (name: string) => String(form.get(name) ?? "")
    const groups = form.getAll("groups").map(String)
    this.saving = true
    try {
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
      this.userDialog?.close()
      await this.load()
    } catch (error) {
      this.#showFormError(asClientError(error))
    } finally {
      this.saving = false
    }
  }

  #showFormError(error: ClientError) {
    // A stale record: the table is read again, so reopening the user starts from its current version.
    if (error._tag === "ConcurrentModification") void this.load()
    const field = fieldOf(error)
    const known = field !== undefined && (field === "groups" || this.renderRoot.querySelector(`#f-${field}`) !== null)
    if (known) {
      this.fieldErrors = { [field]: error.message }
      this.formAlert = ""
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(field === "groups" ? "fieldset input" : `#f-${field}`)?.focus()
      )
    } else {
      this.fieldErrors = {}
      this.formAlert = error.message
    }
  }

  #confirmDelete(user: User) {
    if (this.menu !== undefined) this.menu = undefined
    else if (this.editing === undefined) this.#returnFocus = this.#rows()[this.active]
    this.userDialog?.close()
    this.deleteAlert = ""
    this.deleting = user
  }

  #renderDelete() {
    const user = this.deleting
    return html`<dialog
      id="delete-dialog"
      part="dialog"
      @keydown=${trapFocus}
      role="alertdialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-text"
      @close=${() => this.#onDeleteClosed()}
    >
      ${
        user === undefined
          ? nothing
          : html`<h2 id="delete-title">Delete user ${user.username}?</h2>
            <p id="delete-text">The user ${user.username} will be deleted. This cannot be undone.</p>
            ${this.deleteAlert === "" ? nothing : html`<p class="alert" role="alert">${this.deleteAlert}</p>`}
            <div class="actions">
              <button part="button" autofocus @click=${() => this.deleteDialog?.close()}>Cancel</button>
              <button class="danger" part="button" @click=${() => this.#delete(user)}>Delete</button>
            </div>`
      }
    </dialog>`
  }

  async #delete(user: User) {
    const client = this.client
    if (client === undefined) return
    try {
      await client.deleteUser(user.username)
      this.dispatchEvent(new UserManagerChangeEvent("user-deleted", { username: user.username }))
      this.#returnFocus = undefined
      this.deleteDialog?.close()
      await this.load()
    } catch (error) {
      this.deleteAlert = asClientError(error).message
    }
  }
}

const optional = <K extends string>(key: K, value: string): { [P in K]?: string } =>
  (value === "" ? {} : { [key]: value }) as { [P in K]?: string }
