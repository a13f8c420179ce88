import { css, html, LitElement, nothing, type PropertyValues } from "lit"
import { property } from "lit/decorators.js"
import { ClientError, type Me, type UserManagerClient } from "../Client.js"
import type { GroupsTab } from "../groups-tab/groups-tab.component.js"
import { HttpClient } from "../HttpClient.js"
import { type Address, readAddress, writeAddress } from "../internal/address.js"
import { sharedStyles } from "../internal/styles.js"
import type { UsersTab } from "../users-tab/users-tab.component.js"
import "../groups-tab/groups-tab.js"
import "../users-tab/users-tab.js"

const tabs = [
  { id: "users", label: "Users" },
  { id: "groups", label: "Groups" }
] as const

type TabId = (typeof tabs)[number]["id"]

const parts = "toolbar, search, button, table, row, menu, dialog"

/**
 * The User Manager: the Users and Groups tabs (WAI-ARIA tabs; arrow keys move between them). It talks to the HTTP
 * API at `base-url`, or to any `UserManagerClient` assigned to `client`, and asks it who is signed in.
 *
 * @event user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @event group-created - A group was created; `detail` is the group.
 * @event group-updated - A group was renamed or its members changed; `detail` is the group.
 * @event group-deleted - A group was deleted; `detail` is `{ name }`.
 * @event users-imported - Users were imported from a file (Import on the Users tab); `detail` is the import's result.
 * @event groups-imported - Groups were imported from a file (Import on the Groups tab); `detail` is the import's result.
 * @csspart tablist - The row of tabs.
 * @csspart tab - Each tab.
 * @csspart me - Who is signed in, beside the tabs (a host that shows it elsewhere can hide it).
 * @csspart panel - Each tab panel.
 * @csspart toolbar - The search field and Add New of a tab.
 * @csspart search - A search field.
 * @csspart button - Every button.
 * @csspart table - A table of users or groups.
 * @csspart row - A table row.
 * @csspart menu - The context menu.
 * @csspart dialog - Every dialog.
 * @cssproperty --um-background - Background colour.
 * @cssproperty --um-color - Text colour.
 * @cssproperty --um-muted-color - Colour of hints.
 * @cssproperty --um-border-color - Colour of borders.
 * @cssproperty --um-accent - Colour of the selected tab and primary buttons.
 * @cssproperty --um-on-accent - Text colour on the accent.
 * @cssproperty --um-row-hover - Background of a hovered row or menu item.
 * @cssproperty --um-danger - Colour of errors and Delete buttons.
 * @cssproperty --um-focus-ring - Colour of the focus outline.
 * @cssproperty --um-radius - Corner radius.
 * @cssproperty --um-font - Font shorthand.
 */
export class UserManagerElement extends LitElement {
  /** The shared styles and its own: the tab list and who is signed in (themed through the `--um-*` custom properties). */
  static override styles = [
    sharedStyles,
    css`
      [role="tablist"] {
        display: flex;
        gap: 0.25em;
        border-bottom: 1px solid var(--_border);
      }
      [role="tab"] {
        border: none;
        border-bottom: 3px solid transparent;
        border-radius: 0;
        padding: 0.5em 1em;
        background: none;
      }
      [role="tab"][aria-selected="true"] {
        border-bottom-color: var(--_accent);
        font-weight: 600;
      }
      .me {
        margin-inline-start: auto;
        align-self: center;
      }
    `
  ]

  /** The base URL of the `packages/server` API (`""`: the page's own origin); ignored when `client` is set. */
  @property({ attribute: "base-url" }) accessor baseUrl: string | undefined
  /** Any object implementing `UserManagerClient`; takes precedence over `base-url`. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The tab shown: `users` or `groups`. */
  @property({ reflect: true }) accessor tab: TabId = "users"
  /**
   * Whether the address keeps where the reader is (off by default: a host owns its page's address). On, the tab and
   * the Users tab's search, sort, filters, page and open user live in the query string (`?tab=groups`,
   * `?q=smith&sort=email:desc&enabled=false&group=staff&page=3&size=100&user=jdoe`; the host's other parameters stay),
   * so that a reload, a link and Back and Forward show the same place.
   */
  @property({ type: Boolean, attribute: "sync-url" }) accessor syncUrl = false

  /** Who is signed in, once the client has said. */
  #me: Me | undefined
  #alert = ""
  /** The client the tabs use: `client`, else one over `base-url`. */
  #resolved: UserManagerClient | undefined
  /** The tabs shown so far: a tab reads from the server once it is first shown, not while it has never been seen. */
  #visited: ReadonlySet<TabId> = new Set()
  /** Whether this update shows a tab for the first time (it then reads its first page by itself). */
  #firstShown = false
  /** The address read on connecting or on Back/Forward, for the Users tab once it is rendered. */
  #arrived: Address | undefined
  readonly #onPopState = () => this.#arrive()

  override connectedCallback() {
    super.connectedCallback()
    if (!this.syncUrl) return
    window.addEventListener("popstate", this.#onPopState)
    this.#arrive()
  }

  override disconnectedCallback() {
    super.disconnectedCallback()
    window.removeEventListener("popstate", this.#onPopState)
  }

  /** Goes where the address says: its tab at once, the Users tab's place when it is rendered. */
  #arrive() {
    const address = readAddress(window.location.search)
    this.#arrived = address
    this.tab = address.tab
    this.requestUpdate()
  }

  /** Writes where the reader is into the address: a new history entry, except while a search is typed. */
  #remember() {
    if (!this.syncUrl || this.#arrived !== undefined) return
    const users = this.renderRoot.querySelector<UsersTab>("um-users-tab")
    if (users === null) return
    const where = users.where()
    const query = writeAddress(window.location.search, { tab: this.tab, ...where })
    if (query === window.location.search) return
    const typing = readAddress(window.location.search).search !== where.search
    const url = `${window.location.pathname}${query}${window.location.hash}`
    if (typing) window.history.replaceState(window.history.state, "", url)
    else window.history.pushState(window.history.state, "", url)
  }

  override willUpdate(changed: PropertyValues<this>) {
    this.#firstShown = !this.#visited.has(this.tab)
    if (this.#firstShown) this.#visited = new Set([...this.#visited, this.tab])
    if (changed.has("client") || changed.has("baseUrl")) {
      const next = this.client ?? (this.baseUrl === undefined ? undefined : HttpClient(this.baseUrl))
      if (next !== this.#resolved) {
        this.#resolved = next
        this.#me = undefined
        if (next !== undefined) void this.#whoAmI(next)
      }
    }
  }

  async #whoAmI(client: UserManagerClient) {
    try {
      const me = await client.me()
      if (client !== this.#resolved) return
      this.#me = me
      this.#alert = ""
    } catch (error) {
      if (client !== this.#resolved) return
      this.#alert = ClientError.from(error).message
    }
    this.requestUpdate()
  }

  override render() {
    const me = this.#me
    if (me !== undefined && !me.admin) {
      // The API would refuse every list and change: say why once instead of showing two tabs of refusals.
      return html`<p class="notice" role="status">
        Only administrators manage users and groups. You are signed in as ${me.user.username}, who is not an
        administrator: ask one to add you to the administrators' group.
      </p>`
    }
    // The tabs get the client at once: the first page is asked for together with who is signed in, not after it.
    const client = this.#resolved
    return html`
      <div role="tablist" part="tablist" aria-label="User Manager" @keydown=${this.#onTabKey}>
        ${tabs.map(
          (tab) => html`<button
            role="tab"
            part="tab"
            id=${`tab-${tab.id}`}
            aria-controls=${`panel-${tab.id}`}
            aria-selected=${this.tab === tab.id ? "true" : "false"}
            tabindex=${this.tab === tab.id ? 0 : -1}
            @click=${() => this.#select(tab.id)}
          >
            ${tab.label}
          </button>`
        )}
        ${me === undefined ? nothing : html`<span class="me hint" part="me">Signed in as ${me.user.username}</span>`}
      </div>
      ${this.#alert === "" ? nothing : html`<p class="alert" role="alert">${this.#alert}</p>`}
      <div role="tabpanel" part="panel" id="panel-users" aria-labelledby="tab-users" ?hidden=${this.tab !== "users"}>
        <um-users-tab
          @um-where=${() => this.#remember()}
          exportparts=${parts}
          .client=${this.#visited.has("users") ? client : undefined}
          .me=${me}
        ></um-users-tab>
      </div>
      <div role="tabpanel" part="panel" id="panel-groups" aria-labelledby="tab-groups" ?hidden=${this.tab !== "groups"}>
        <um-groups-tab
          exportparts=${parts}
          .client=${this.#visited.has("groups") ? client : undefined}
          .me=${me}
        ></um-groups-tab>
      </div>
    `
  }

  override updated(changed: PropertyValues<this>) {
    const arrived = this.#arrived
    if (arrived !== undefined) {
      this.#arrived = undefined
      this.renderRoot.querySelector<UsersTab>("um-users-tab")?.navigate(arrived)
    } else if (changed.has("tab") && changed.get("tab") !== undefined) {
      this.#remember()
    }
    // The other tab's changes show up when it is shown again (by a click, a key, or the host setting `tab`); a tab
    // shown for the first time reads its first page as it receives the client.
    if (changed.has("tab") && changed.get("tab") !== undefined && !this.#firstShown) {
      const panel = this.renderRoot.querySelector<UsersTab | GroupsTab>(
        this.tab === "users" ? "um-users-tab" : "um-groups-tab"
      )
      void panel?.refresh()
    }
  }

  #select(tab: TabId, focus = false) {
    this.tab = tab
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus())
  }

  #onTabKey(event: KeyboardEvent) {
    const index = tabs.findIndex((tab) => tab.id === this.tab)
    const count = tabs.length
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % count
        : event.key === "ArrowLeft"
          ? (index - 1 + count) % count
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? count - 1
              : undefined
    const tab = next === undefined ? undefined : tabs[next]
    if (tab === undefined) return
    event.preventDefault()
    this.#select(tab.id, true)
  }
}
