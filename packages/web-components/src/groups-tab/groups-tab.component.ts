import { html, LitElement, nothing, type PropertyValues } from "lit"
import { property, query, state } from "lit/decorators.js"
import { live } from "lit/directives/live.js"
import type { ClientError, Group, GroupSort, Page, User, UserManagerClient } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { asClientError, fieldOf, usernamesOf } from "../internal/errors.js"
import { debounce, isMenuKey, keepOwnMenu, nextIndex, restoreFocus, trapFocus } from "../internal/keys.js"
import { sharedStyles } from "../internal/styles.js"

const PAGE_SIZE = 50

const columns: ReadonlyArray<{ readonly sort: GroupSort; readonly label: string }> = [
  { sort: "name", label: "Name" },
  { sort: "gid", label: "GID" },
  { sort: "members", label: "Users" }
]

/** How many members' names the Users column shows before it says how many more there are. */
const MEMBERS_SHOWN = 10

/**
 * The Users column of a group: its members' names; for a large group the first `MEMBERS_SHOWN` and how many more
 * (thousands of names in one cell would make the row thousands of lines tall; Update lists them all).
 */
const membersText = (members: ReadonlyArray<string>) =>
  members.length <= MEMBERS_SHOWN
    ? members.join(", ")
    : `${members.slice(0, MEMBERS_SHOWN).join(", ")} and ${(members.length - MEMBERS_SHOWN).toLocaleString("en-US")} more`

/** The open menu: the group it was opened for, by name (a list read again may move the rows under it), and where. */
interface Menu {
  readonly name: string
  readonly x: number
  readonly y: number
}

/**
 * The Groups tab: a server-side searched, sorted and paged table of groups, the Add New and Update dialogs (name and
 * members), a context menu (Update, Delete) and the delete confirmation, which lists the users a refusal names.
 *
 * @event group-created - A group was created; `detail` is the group.
 * @event group-updated - A group was renamed or its members changed; `detail` is the group.
 * @event group-deleted - A group was deleted; `detail` is `{ name }`.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart table - The groups table.
 * @csspart row - Each group's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The group and confirmation dialogs.
 */
export class GroupsTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = sharedStyles

  /** Where the groups come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined

  @state() accessor page: Page<Group> = { items: [], total: 0 }
  @state() accessor search = ""
  @state() accessor sort: GroupSort = "name"
  @state() accessor order: "asc" | "desc" = "asc"
  @state() accessor offset = 0
  @state() accessor loading = false
  @state() accessor alert = ""
  @state() accessor active = 0
  @state() accessor menu: Menu | undefined
  @state() accessor editing: { readonly group: Group | undefined } | undefined
  @state() accessor members: ReadonlySet<string> = new Set()
  /**
   * The users with a box above the finder: the members when the dialog opened and those picked since. A box stays where
   * it is when it is (un)checked, so that the keyboard focus stays on it; picked users move here at the next search.
   */
  @state() accessor listed: ReadonlyArray<string> = []
  @state() accessor candidates: ReadonlyArray<User> = []
  @state() accessor fieldErrors: Readonly<Record<string, string>> = {}
  @state() accessor formAlert = ""
  @state() accessor saving = false
  @state() accessor deleting: Group | undefined
  @state() accessor deleteError: ClientError | undefined

  @query("#group-dialog") accessor groupDialog!: HTMLDialogElement | null
  @query("#delete-dialog") accessor deleteDialog!: HTMLDialogElement | null

  #request = 0
  #returnFocus: HTMLElement | undefined
  #searchLater = debounce(() => this.load(), 250)
  #findLater = debounce((text: string) => this.#findCandidates(text), 250)

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.load()
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has("client") && this.client !== undefined) void this.load()
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has("editing") && this.editing !== undefined && this.groupDialog?.open === false) {
      // Fields start from their defaults (the group's values) each time the dialog opens; typing is then kept. The
      // members' boxes are reset too: their default is being a member, else they would open unchecked.
      this.renderRoot.querySelector<HTMLFormElement>("#group-dialog form")?.reset()
      this.groupDialog.showModal()
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
      const page = await client.listGroups({
        search: this.search,
        sort: this.sort,
        order: this.order,
        limit: PAGE_SIZE,
        offset: this.offset
      })
      if (request !== this.#request) return
      this.page = page
      this.active = Math.min(this.active, Math.max(0, page.items.length - 1))
      // A menu stays on its group as the rows move; it closes when the group is no longer listed.
      const menu = this.menu
      if (menu !== undefined && !page.items.some((item) => item.name === menu.name)) this.menu = undefined
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
          aria-label="Search groups by name"
          placeholder="Search groups"
          .value=${this.search}
          @input=${(event: InputEvent) => {
            this.search = (event.target as HTMLInputElement).value
            this.offset = 0
            this.#searchLater()
          }}
        />
        <span class="spacer"></span>
        <button class="primary" part="button" @click=${() => this.#openEditor(undefined)}>Add New</button>
      </div>
      ${this.alert === "" ? nothing : html`<p class="alert" role="alert">${this.alert}</p>`}
      <div class="scroll">
      <table part="table" aria-label="Groups" aria-rowcount=${total + 1} aria-busy=${this.loading ? "true" : "false"}>
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
          ${items.map(
            (group, index) => html`<tr
              part="row"
              tabindex=${index === this.active ? 0 : -1}
              aria-rowindex=${this.offset + index + 2}
              data-name=${group.name}
              @click=${() => this.#openEditor(group)}
              @contextmenu=${(event: MouseEvent) => this.#onContextMenu(event, group, index)}
              @keydown=${(event: KeyboardEvent) => this.#onRowKey(event, group, index)}
              @focus=${() => {
                this.active = index
              }}
            >
              <td>${group.name}</td>
              <td>${group.gid}</td>
              <td>${membersText(group.members)}</td>
            </tr>`
          )}
        </tbody>
      </table>
      </div>
      ${items.length === 0 && !this.loading ? html`<p class="hint">No groups match.</p>` : nothing}
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

  #rows(): Array<HTMLElement> {
    return [...this.renderRoot.querySelectorAll<HTMLElement>("tbody tr")]
  }

  #sortBy(sort: GroupSort) {
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

  #onRowKey(event: KeyboardEvent, group: Group, index: number) {
    if (isMenuKey(event)) {
      // The menu of the focused row, below it.
      event.preventDefault()
      const row = event.currentTarget as HTMLElement
      const box = row.getBoundingClientRect()
      this.#returnFocus = row
      this.menu = { name: group.name, x: box.left + 16, y: box.bottom }
      return
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault()
      this.#openEditor(group)
      return
    }
    if (event.key === "Delete") {
      event.preventDefault()
      this.#confirmDelete(group)
      return
    }
    const next = nextIndex(event.key, index, this.page.items.length, false)
    if (next !== undefined) {
      event.preventDefault()
      this.active = next
      this.#rows()[next]?.focus()
    }
  }

  /** The menu of the row under the pointer: its group is the one the row shows now, whatever the list does next. */
  #onContextMenu(event: MouseEvent, group: Group, index: number) {
    event.preventDefault()
    // A keyboard-opened menu is already open; the browser's own contextmenu that follows must not move it.
    if (this.menu?.name === group.name) return
    this.active = index
    this.#returnFocus = event.currentTarget as HTMLElement
    this.menu = { name: group.name, x: event.clientX, y: event.clientY }
  }

  #renderMenu() {
    const menu = this.menu
    const group = menu === undefined ? undefined : this.page.items.find((item) => item.name === menu.name)
    if (menu === undefined || group === undefined) return nothing
    const items: ReadonlyArray<{ readonly label: string; readonly run: () => void }> = [
      { label: "Update", run: () => this.#openEditor(group) },
      { label: "Delete", run: () => this.#confirmDelete(group) }
    ]
    const activate = (run: () => void) => {
      this.menu = undefined
      run()
    }
    return html`<ul
      role="menu"
      part="menu"
      aria-label=${`Actions for ${group.name}`}
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
          this.menu = undefined
          this.#returnFocus?.focus()
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

  #openEditor(group: Group | undefined) {
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null
    this.#returnFocus = this.menu !== undefined ? this.#returnFocus : ((active as HTMLElement | null) ?? undefined)
    this.menu = undefined
    this.fieldErrors = {}
    this.formAlert = ""
    this.members = new Set(group?.members ?? [])
    this.listed = [...this.members].sort()
    this.candidates = []
    this.editing = { group }
  }

  async #findCandidates(text: string) {
    const client = this.client
    if (client === undefined) return
    this.listed = [...new Set([...this.listed, ...this.members])].sort()
    if (text.trim() === "") {
      this.candidates = []
      return
    }
    try {
      this.candidates = (await client.listUsers({ search: text, sort: "username", limit: 10 })).items
    } catch (error) {
      this.formAlert = asClientError(error).message
    }
  }

  #toggleMember(username: string, checked: boolean) {
    const next = new Set(this.members)
    if (checked) next.add(username)
    else next.delete(username)
    this.members = next
  }

  #restoreFocus() {
    restoreFocus(this.renderRoot as ShadowRoot, this.#returnFocus, () => this.#rows()[this.active])
  }

  #renderEditor() {
    const editing = this.editing
    const group = editing?.group
    const nameError = this.fieldErrors.name
    const membersError = this.fieldErrors.groups ?? this.fieldErrors.members
    const member = (username: string) =>
      html`<label
          ><input
            type="checkbox"
            .checked=${live(this.members.has(username))}
            .defaultChecked=${this.members.has(username)}
            @change=${(event: Event) => this.#toggleMember(username, (event.target as HTMLInputElement).checked)}
          />
          ${username}</label
        ><br />`
    return html`<dialog
      id="group-dialog"
      part="dialog"
      @keydown=${trapFocus}
      aria-labelledby="group-dialog-title"
      @close=${() => {
        this.editing = undefined
        if (this.deleting === undefined) this.#restoreFocus()
      }}
    >
      ${
        editing === undefined
          ? nothing
          : html`<form novalidate @submit=${(event: SubmitEvent) => this.#save(event)}>
            <h2 id="group-dialog-title">${group === undefined ? "Add New Group" : `Update ${group.name}`}</h2>
            <div class="field">
              <label for="f-name">Name</label>
              <input
                id="f-name"
                name="name"
                autocomplete="off"
                .defaultValue=${group?.name ?? ""}
                aria-invalid=${nameError === undefined ? "false" : "true"}
                aria-describedby=${nameError === undefined ? nothing : "e-name"}
              />
              ${nameError === undefined ? nothing : html`<span class="error" id="e-name">${nameError}</span>`}
            </div>
            <fieldset>
              <legend>Members</legend>
              ${this.members.size === 0 ? html`<span class="hint">No members yet.</span>` : nothing}
              ${this.listed.map(member)}
              <div class="field">
                <label for="f-find">Add members: find users</label>
                <input
                  id="f-find"
                  type="search"
                  autocomplete="off"
                  @input=${(event: InputEvent) => this.#findLater((event.target as HTMLInputElement).value)}
                  @keydown=${(event: KeyboardEvent) => {
                    // Enter in the finder must not submit the form.
                    if (event.key === "Enter") event.preventDefault()
                  }}
                />
              </div>
              ${this.candidates.filter((user) => !this.listed.includes(user.username)).map((user) => member(user.username))}
            </fieldset>
            ${membersError === undefined ? nothing : html`<p class="alert" role="alert">${membersError}</p>`}
            ${this.formAlert === "" ? nothing : html`<p class="alert" role="alert">${this.formAlert}</p>`}
            <div class="actions">
              ${
                group === undefined
                  ? nothing
                  : html`<button type="button" class="danger" part="button" @click=${() => this.#confirmDelete(group)}>
                    Delete
                  </button>`
              }
              <span class="spacer"></span>
              <button type="button" part="button" @click=${() => this.groupDialog?.close()}>Cancel</button>
              <button type="submit" class="primary" part="button" ?disabled=${this.saving}>
                ${group === undefined ? "Create" : "Save"}
              </button>
            </div>
          </form>`
      }
    </dialog>`
  }

  async #save(event: SubmitEvent) {
    event.preventDefault()
    const client = this.client
    const group = this.editing?.group
    if (client === undefined || this.saving) return
    const name = String(new FormData(event.target as HTMLFormElement).get("name") ?? "")
    const members = [...this.members]
    this.saving = true
    try {
      if (group === undefined) {
        const created = await client.createGroup({ name, members })
        this.dispatchEvent(new UserManagerChangeEvent("group-created", created))
      } else {
        let current = group
        if (name !== group.name) {
          current = await client.renameGroup(group.name, name, current.version)
          // Should the members change be refused, a second Save must start from the renamed group.
          this.editing = { group: { ...current, members: group.members } }
        }
        const before = new Set(group.members)
        if (members.length !== before.size || members.some((username) => !before.has(username))) {
          current = await client.setMembers(current.name, members, current.version)
        }
        this.dispatchEvent(new UserManagerChangeEvent("group-updated", current))
      }
      this.groupDialog?.close()
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
    if (field === "name") {
      this.fieldErrors = { name: error.message }
      this.formAlert = ""
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("#f-name")?.focus())
    } else if (field === "groups" || field === "members" || field === "usernames") {
      this.fieldErrors = { members: error.message }
      this.formAlert = ""
    } else {
      this.fieldErrors = {}
      this.formAlert = error.message
    }
  }

  #confirmDelete(group: Group) {
    if (this.menu !== undefined) this.menu = undefined
    else if (this.editing === undefined) this.#returnFocus = this.#rows()[this.active]
    this.groupDialog?.close()
    this.deleteError = undefined
    this.deleting = group
  }

  #renderDelete() {
    const group = this.deleting
    const error = this.deleteError
    const stranded = error === undefined ? [] : usernamesOf(error)
    return html`<dialog
      id="delete-dialog"
      part="dialog"
      @keydown=${trapFocus}
      role="alertdialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-text"
      @close=${() => {
        this.deleting = undefined
        this.#restoreFocus()
      }}
    >
      ${
        group === undefined
          ? nothing
          : html`<h2 id="delete-title">Delete group ${group.name}?</h2>
            <p id="delete-text">The group ${group.name} (GID ${group.gid}) will be deleted. This cannot be undone.</p>
            ${
              error === undefined
                ? nothing
                : html`<div class="alert" role="alert">
                  <p>${error.message}</p>
                  ${
                    stranded.length === 0
                      ? nothing
                      : html`<p>Users who would be left without a group:</p>
                        <ul aria-label="Users who would be left without a group">
                          ${stranded.map((username) => html`<li>${username}</li>`)}
                        </ul>`
                  }
                </div>`
            }
            <div class="actions">
              <button part="button" autofocus @click=${() => this.deleteDialog?.close()}>Cancel</button>
              <button class="danger" part="button" @click=${() => this.#delete(group)}>Delete</button>
            </div>`
      }
    </dialog>`
  }

  async #delete(group: Group) {
    const client = this.client
    if (client === undefined) return
    try {
      await client.deleteGroup(group.name)
      this.dispatchEvent(new UserManagerChangeEvent("group-deleted", { name: group.name }))
      this.#returnFocus = undefined
      this.deleteDialog?.close()
      await this.load()
    } catch (error) {
      this.deleteError = asClientError(error)
    }
  }
}
