import { msg, str } from "@lit/localize"
import { css, html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import type { Me, SignInLock, User, UserManagerClient, UserSort } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import type { Address } from "../internal/address.js"
import { BulkActions, bulkStyles } from "../internal/bulk-actions.js"
import { BulkChange, bulkChangeStyles } from "../internal/bulk-change.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { Feedback, feedbackStyles } from "../internal/feedback.js"
import { FormDialog } from "../internal/form-dialog.js"
import { LanguageController } from "../internal/i18n.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { localeOf, numberFormatOf } from "../internal/locale.js"
import { phoneStyles } from "../internal/phone.js"
import { pickerStyles } from "../internal/picker.js"
import { refusalOf } from "../internal/refusals.js"
import { RowMenu } from "../internal/row-menu.js"
import { lockDescription, lockedUsers } from "../internal/sign-in-locks.js"
import { skeletonStyles } from "../internal/skeleton.js"
import { sharedStyles } from "../internal/styles.js"
import { UserEditor } from "../internal/user-editor.js"
import { UserFilters } from "../internal/user-filters.js"

/** The users table's column widths: they stay put whatever a page or search shows (see `listView`). */
const columnStyles = css`
  col.col-username {
    width: 22%;
  }
  col.col-fullName {
    width: 20%;
  }
  col.col-groups {
    width: 22%;
  }
  col.col-email {
    width: 26%;
  }
  col.col-enabled {
    width: 10%;
  }
`

/**
 * How long the tab's first render waits for its first page (already on its way, or preloaded by `dt serve`'s page)
 * before it shows placeholder rows: a frame of placeholders laid out and painted just before the rows would only delay
 * them.
 */
const FIRST_PAGE_WAIT_MS = 150

/** The columns, their headers in the element's language. */
const columns = (): ReadonlyArray<Column<UserSort>> => [
  { sort: "username", label: msg("User Name") },
  { sort: "fullName", label: msg("Full Name") },
  { sort: "groups", label: msg("Groups") },
  { sort: "email", label: msg("Email") },
  { sort: "enabled", label: msg("Enabled") }
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
 * @event {UserManagerChangeEvent} user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @event users-imported - Users were imported from a file; `detail` is the import's result.
 * @event users-changed - A bulk action was applied to the selected users; `detail` is each user's outcome.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart filters - The filter controls (status, system users, group).
 * @csspart filter - Each filter control.
 * @csspart pager - The pager: rows per page, First, Previous, the page number, Next, Last.
 * @csspart button - Every button.
 * @csspart selection - The bar of actions on the selected users.
 * @csspart summary - How many users the list holds (or the search matches), above the table.
 * @csspart table - The users table.
 * @csspart row - Each user's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The user, import and confirmation dialogs.
 */
export class UsersTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [
    sharedStyles,
    bulkStyles,
    pickerStyles,
    bulkChangeStyles,
    feedbackStyles,
    skeletonStyles,
    columnStyles,
    phoneStyles
  ]

  constructor() {
    super()
    // Renders again in the language of `lang` when it changes (on its own, or inside `<user-manager>`).
    new LanguageController(this)
  }

  /** Whether the tab has rendered: its first render waits a moment for its first page (see `firstRead`). */
  #rendered = false

  /** The first render comes with the first page's rows when they come within `FIRST_PAGE_WAIT_MS`. */
  protected override async scheduleUpdate(): Promise<void> {
    if (!this.#rendered) {
      this.#rendered = true
      await this.#list.firstRead(FIRST_PAGE_WAIT_MS)
    }
    super.scheduleUpdate()
  }

  /** Where the users come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user, marked "You" in the table; an administrator is offered Import and Export. */
  @property({ attribute: false }) accessor me: Me | undefined

  /** The users the sign-in throttle refuses now, when the client can say. */
  #locks: ReadonlyMap<string, SignInLock> = new Map()

  readonly #list = new ListController<User, UserSort>(this, {
    client: () => this.client,
    key: (user) => user.username,
    sort: "username",
    read: async (client, query, filters) => {
      const [page, locks] = await Promise.all([
        client.listUsers({ ...query, ...filters }),
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
  readonly #feedback = new Feedback(this, this.#list)
  readonly #filters = new UserFilters(this, this.#list)
  readonly #editor = new UserEditor(this, () => this.client, this.#form, this.#confirm, this.#feedback)

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.#list.load()
  }

  /** Where the tab is: its search, sort, filters, page and open user (the Users part of an `Address`). */
  where(): Omit<Address, "tab"> {
    const list = this.#list
    const { enabled, system, group } = list.filters
    const open = this.#form.editing?.record
    return {
      search: list.search,
      sort: list.sort,
      order: list.order,
      page: list.pageNumber(),
      size: list.limit,
      enabled: typeof enabled === "boolean" ? enabled : undefined,
      system: typeof system === "boolean" ? system : undefined,
      group: typeof group === "string" ? group : undefined,
      user: open?.username
    }
  }

  /** Goes where `address` says: the list's search, sort, filters and page, and the user whose dialog is open. */
  navigate(address: Omit<Address, "tab">): void {
    this.#list.restore({
      search: address.search,
      sort: address.sort,
      order: address.order,
      offset: (address.page - 1) * address.size,
      limit: address.size,
      filters: { enabled: address.enabled, system: address.system, group: address.group }
    })
    const open = this.#form.editing
    if (address.user === undefined) {
      if (open?.record !== undefined) this.#form.close()
      return
    }
    if (open?.record?.username === address.user) return
    void this.#openByName(address.user)
  }

  async #openByName(username: string) {
    const client = this.client
    if (client === undefined) {
      this.#pendingUser = username
      return
    }
    try {
      this.#editor.open(await client.getUser(username))
    } catch (error) {
      this.#list.alert = refusalOf(error)
      this.requestUpdate()
    }
  }

  /** A user to open once the client comes (an address read before it). */
  #pendingUser: string | undefined
  /** The address last announced, so that only a change is. */
  #announced = ""

  override updated() {
    if (this.#pendingUser !== undefined && this.client !== undefined) {
      const username = this.#pendingUser
      this.#pendingUser = undefined
      void this.#openByName(username)
    }
    const where = JSON.stringify(this.where())
    if (where === this.#announced) return
    this.#announced = where
    // Only `<user-manager sync-url>` listens: the event stays inside its shadow root.
    this.dispatchEvent(new Event("um-where", { bubbles: true }))
  }

  override render() {
    const user = this.#menu.target
    return html`
      ${listView(this.#list, this.#menu, {
        name: msg("Users"),
        words: {
          placeholder: msg("Search users"),
          empty: msg("No users match."),
          loading: msg("Loading users…"),
          pages: msg("Users pages"),
          summary: (total, one, search) =>
            search === ""
              ? one
                ? msg("1 user")
                : msg(str`${total} users`)
              : one
                ? msg(str`1 user matches “${search}”`)
                : msg(str`${total} users match “${search}”`)
        },
        searchLabel: msg("Search users by username, full name or email"),
        columns: columns(),
        filters: this.#filters.render(),
        row: (user, index) => this.#row(user, index),
        numbers: numberFormatOf(this),
        open: (user) => this.#editor.open(user),
        actions: this.#bulk.renderButtons(),
        lead: this.#selection.renderHeaderCell(),
        trail: this.#menu.renderHeaderCell(),
        bar: this.#selection.renderBar(),
        remove: (user) => this.#confirm.ask(user)
      })}
      ${user === undefined ? nothing : this.#menu.render(msg(str`Actions for ${user.username}`), this.#menuItems(user))}
      ${this.#editor.render()} ${this.#bulk.renderDialog()} ${this.#selection.renderDialog()} ${this.#feedback.render()}
      ${this.#confirm.render((user) => ({
        title: msg(str`Delete user ${user.username}?`),
        text: msg(str`The user ${user.username} will be deleted. This cannot be undone.`),
        check: (client, user) => client.deleteUser(user.username, { dryRun: true }),
        remove: async (client, user) => {
          await client.deleteUser(user.username)
          this.dispatchEvent(new UserManagerChangeEvent("user-deleted", { username: user.username }))
          this.#feedback.changed({ message: msg(str`Deleted user ${user.username}.`) })
        }
      }))}
    `
  }

  #row(user: User, index: number) {
    const you = this.me?.user.username === user.username
    const lock = this.#locks.get(user.username)
    const locked = lock === undefined ? "" : lockDescription(lock, localeOf(this))
    const fullName = `${user.firstName} ${user.lastName}`.trim()
    const groups = user.groups.join(", ")
    return html`<tr
      part="row"
      class=${user.enabled ? "" : "disabled"}
      tabindex=${this.#list.tabIndexOf(index)}
      aria-rowindex=${this.#list.rowIndexOf(index)}
      data-username=${user.username}
    >
      ${this.#selection.renderCell(user, index)}
      <td class="name" title=${user.username}>
        ${user.username}
        ${user.system ? html`<span role="img" aria-label=${msg("System user")} title=${msg("System user")}>⚙</span>` : nothing}
        ${you ? html`<span class="badge">${msg("You")}</span>` : nothing}
        ${user.enabled ? nothing : html`<span class="badge disabled">${msg("Disabled")}</span>`}
        ${
          lock === undefined
            ? nothing
            : html`<span class="badge locked" role="img" aria-label=${locked} title=${locked}
                >${msg("Locked")}</span
              >`
        }
      </td>
      <td class="full" title=${fullName}>${fullName}</td>
      <td class="groups" title=${groups}>${user.groups.map(
        (name, at) => html`${at === 0 ? nothing : html`<span class="sep">, </span>`}<span class="chip">${name}</span>`
      )}</td>
      <td class="email" title=${user.email ?? ""}>${user.email ?? ""}</td>
      <td class="enabled">${user.enabled ? msg("Yes") : msg("No")}</td>
      ${this.#menu.renderButton(user.username, msg(str`Actions for ${user.username}`), this.#list.tabIndexOf(index))}
    </tr>`
  }

  #menuItems(user: User) {
    return [
      { label: msg("Update"), run: () => this.#editor.open(user), disabled: user.refused?.update },
      user.enabled
        ? { label: msg("Disable"), run: () => void this.#setEnabled(user, false), disabled: user.refused?.disable }
        : { label: msg("Enable"), run: () => void this.#setEnabled(user, true), disabled: user.refused?.enable },
      ...(this.#locks.has(user.username) && this.client?.unlockUser !== undefined
        ? [{ label: msg("Unlock sign-in"), run: () => void this.#unlock(user) }]
        : []),
      { label: msg("Delete"), run: () => this.#confirm.ask(user), disabled: user.refused?.delete }
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
        message: enabled ? msg(str`Enabled user ${username}.`) : msg(str`Disabled user ${username}.`),
        key: username,
        undo: {
          run: () => set(!enabled),
          done: enabled ? msg(str`Disabled user ${username} again.`) : msg(str`Enabled user ${username} again.`)
        }
      })
    })
  }

  async #unlock(user: User) {
    const client = this.client
    if (client?.unlockUser === undefined) return
    await this.#change(user.username, async () => {
      await client.unlockUser?.(user.username)
      this.#feedback.changed({ message: msg(str`Unlocked sign-in for ${user.username}.`), key: user.username })
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
}
