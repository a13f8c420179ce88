import { msg, str } from "@lit/localize"
import { css, html, LitElement, nothing, type PropertyValues } from "lit"
import { property } from "lit/decorators.js"
import { ClientError, type Me, type UserManagerClient } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import type { GroupsTab } from "../groups-tab/groups-tab.component.js"
import { HttpClient } from "../HttpClient.js"
import { type Address, readAddress, type TabId, writeAddress } from "../internal/address.js"
import { activeLanguage, LanguageController } from "../internal/i18n.js"
import type { TotalEvent } from "../internal/list-controller.js"
import { formatTotal, numberFormatOf } from "../internal/locale.js"
import { refusalText } from "../internal/refusals.js"
import { watchSession } from "../internal/session.js"
import { sharedStyles } from "../internal/styles.js"
import type { TokensTab } from "../tokens-tab/tokens-tab.component.js"
import type { UsersTab } from "../users-tab/users-tab.component.js"
import "../groups-tab/groups-tab.js"
import "../tokens-tab/tokens-tab.js"
import "../users-tab/users-tab.js"

const tabs: ReadonlyArray<{ readonly id: TabId; readonly label: () => string }> = [
  { id: "users", label: () => msg("Users") },
  { id: "groups", label: () => msg("Groups") },
  { id: "tokens", label: () => msg("Tokens") }
]

/** Whether a refusal says the signed-in user may not do this (the API's `Forbidden`, or a bare 403). */
const isForbidden = (error: unknown) => {
  const tag = ClientError.from(error)._tag
  return tag === "Forbidden" || tag === "Http403"
}

/** The change events that change how many users or groups there are. */
const COUNTED_CHANGES: Readonly<Record<string, TabId>> = {
  "user-created": "users",
  "user-deleted": "users",
  "users-imported": "users",
  "users-changed": "users",
  "group-created": "groups",
  "group-deleted": "groups",
  "groups-imported": "groups",
  "token-created": "tokens",
  "token-revoked": "tokens"
}

const parts = "toolbar, search, button, summary, table, row, menu, dialog, selection"

/**
 * The User Manager: the Users and Groups tabs, and the Tokens tab for whoever the client lets list API tokens (WAI-ARIA
 * tabs; arrow keys move between them). It talks to the HTTP
 * API at `base-url`, or to any `UserManagerClient` assigned to `client`, and asks it who is signed in. When the client
 * says nobody is signed in any more (the session expired), it shows no records, fires `session-expired` so that the
 * host can sign in again, and after `resume()` comes back to the tab, search, sort and page it showed.
 *
 * @event user-created - A user was created; `detail` is the user.
 * @event user-updated - A user was changed, enabled or disabled; `detail` is the user.
 * @event user-deleted - A user was deleted; `detail` is `{ username }`.
 * @event group-created - A group was created; `detail` is the group.
 * @event group-updated - A group was renamed or its members changed; `detail` is the group.
 * @event group-deleted - A group was deleted; `detail` is `{ name }`.
 * @event users-imported - Users were imported from a file (Import on the Users tab); `detail` is the import's result.
 * @event groups-imported - Groups were imported from a file (Import on the Groups tab); `detail` is the import's result.
 * @event token-created - An API token was made (the Tokens tab); `detail` is the token as listed, never its value.
 * @event token-revoked - An API token was revoked; `detail` is `{ name }`.
 * @event session-expired - Nobody is signed in any more; `detail` is `{ message }`. Sign in again, then call `resume()`.
 * @csspart tablist - The row of tabs.
 * @csspart tab - Each tab.
 * @csspart count - The number of users, groups or tokens on a tab, once read.
 * @csspart me - Who is signed in, beside the tabs (a host that shows it elsewhere can hide it).
 * @csspart panel - Each tab panel.
 * @csspart toolbar - The search field and Add New of a tab.
 * @csspart search - A search field.
 * @csspart button - Every button.
 * @csspart summary - How many users or groups a tab lists (or its search matches), above its table.
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
 * @cssproperty --um-readonly-background - Background of a field that cannot be changed.
 * @cssproperty --um-disabled-row - Background of a disabled user's row.
 * @cssproperty --um-disabled-color - Text colour of a disabled user's row and badge.
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
        flex-wrap: wrap;
        gap: 0.25em;
        border-bottom: 1px solid var(--_border);
        /* The tabs' bar is its own container: on a phone (below 720 px) its tabs grow to a finger's height. */
        container: um-bar / inline-size;
      }
      [role="tablist"][hidden] {
        display: none;
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
      [role="tab"] .count {
        margin-inline-start: 0.3em;
        padding: 0 0.45em;
        border-radius: 999px;
        border: 1px solid var(--_border);
        font-size: 0.85em;
        font-weight: normal;
        font-variant-numeric: tabular-nums;
      }
      .me {
        margin-inline-start: auto;
        align-self: center;
        min-width: 0;
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      @container um-bar (max-width: 720px) {
        [role="tab"] {
          min-height: 44px;
          padding: 0.5em 0.75em;
        }
      }
    `
  ]

  /** The base URL of the `packages/server` API (`""`: the page's own origin); ignored when `client` is set. */
  @property({ attribute: "base-url" }) accessor baseUrl: string | undefined
  /** Any object implementing `UserManagerClient`; takes precedence over `base-url`. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The tab shown: `users`, `groups` or `tokens` (shown only when the client lists the tokens for whoever is signed in). */
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
  /**
   * Whether the Tokens tab is shown: the back end decides, by answering the list of tokens (shown) or refusing it
   * (`Forbidden`: not shown); not shown until it has answered, nor for a client that cannot list tokens.
   */
  #tokens = false
  /** Whether the back end refused the list of tokens: an address or a host asking for the Tokens tab gets Users. */
  #tokensRefused = false
  /** What went wrong, in the language shown (written again when it changes). */
  #alert: (() => string) | undefined
  /** The client given: `client`, else one over `base-url`. */
  #given: UserManagerClient | undefined
  /** The client the tabs use: the one given, watched for the end of the session. */
  #resolved: UserManagerClient | undefined
  /** The tabs shown so far: a tab reads from the server once it is first shown, not while it has never been seen. */
  #visited: ReadonlySet<TabId> = new Set()
  /** Whether this update shows a tab for the first time (it then reads its first page by itself). */
  #firstShown = false
  /** Whether the client said nobody is signed in any more: the tabs then have no client, and keep where they were. */
  #expired = false
  /** How many records each tab's whole list holds, as its last read without a search said (or a count asked for). */
  #totals: Partial<Record<TabId, { readonly total: number; readonly exact: boolean }>> = {}
  /** The client whose other tab's count was asked for (once, after the first page the shown tab read). */
  #countsAsked: UserManagerClient | undefined
  /** The address read on connecting or on Back/Forward, for the Users tab once it is rendered. */
  #arrived: Address | undefined
  readonly #onPopState = () => this.#arrive()

  /** The language of `lang` (the element's, an ancestor's or the page's): the catalog the element renders with. */
  readonly #language = new LanguageController(this)

  /** Renders once the catalog of the language it was connected in has come: no frame of English on a German page. */
  protected override async scheduleUpdate(): Promise<void> {
    await this.#language.loading
    super.scheduleUpdate()
  }

  override connectedCallback() {
    super.connectedCallback()
    // The first `Intl.NumberFormat` of a page loads the browser's number data (tens of ms in a fresh Chromium renderer):
    // made now, while the first page's answer may still be on its way, not after it has come, on the way to the rows.
    // (English is written without it: see `numberFormatFor`.)
    numberFormatOf(this)
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
    if (this.tab === "tokens" && this.#tokensRefused) this.tab = "users"
    this.#firstShown = !this.#visited.has(this.tab)
    if (this.#firstShown) this.#visited = new Set([...this.#visited, this.tab])
    if (changed.has("client") || changed.has("baseUrl")) {
      const given = this.client ?? (this.baseUrl === undefined ? undefined : HttpClient(this.baseUrl))
      if (given !== this.#given) {
        this.#given = given
        const next = given === undefined ? undefined : watchSession(given, (error) => this.#signedOut(next, error))
        this.#resolved = next
        this.#me = undefined
        this.#tokens = false
        this.#tokensRefused = false
        this.#expired = false
        this.#totals = {}
        if (next !== undefined) void this.#whoAmI(next)
      }
    }
  }

  /**
   * Comes back after a new sign-in, once the session had expired (`session-expired`): asks who is signed in and reads
   * the tab shown again, at the search, sort and page it showed.
   */
  resume(): Promise<void> {
    const client = this.#resolved
    if (!this.#expired || client === undefined) return Promise.resolve()
    this.#expired = false
    this.#alert = undefined
    this.requestUpdate()
    return this.#whoAmI(client)
  }

  /**
   * Nobody is signed in any more: the records go (no stale table stays under a sign-in that has ended), so do the
   * dialogs and menus opened on them, and the host is told once, to sign in again.
   */
  #signedOut(client: UserManagerClient | undefined, error: ClientError) {
    if (client !== this.#resolved || this.#expired) return
    this.#expired = true
    this.#alert =
      this.#me === undefined
        ? () => refusalText(error)
        : () => msg("Your session has ended: sign in again to go on where you were.")
    this.#me = undefined
    for (const tab of this.renderRoot.querySelectorAll("um-users-tab, um-groups-tab, um-tokens-tab")) {
      for (const dialog of tab.shadowRoot?.querySelectorAll("dialog[open]") ?? []) (dialog as HTMLDialogElement).close()
    }
    this.requestUpdate()
    this.dispatchEvent(new UserManagerChangeEvent("session-expired", { message: error.message }))
  }

  async #whoAmI(client: UserManagerClient) {
    try {
      const me = await client.me()
      if (client !== this.#resolved) return
      this.#me = me
      this.#alert = undefined
      if (me.admin) void this.#probeTokens(client)
    } catch (error) {
      if (client !== this.#resolved || this.#expired) return
      const refusal = ClientError.from(error)
      this.#alert = () => refusalText(refusal)
    }
    this.requestUpdate()
  }

  /** Asks the back end for the tokens: the Tokens tab shows when it answers, and not when it refuses (`Forbidden`). */
  async #probeTokens(client: UserManagerClient) {
    if (client.listTokens === undefined) return
    try {
      const items = await client.listTokens()
      if (client !== this.#resolved) return
      this.#tokens = true
      this.#totals = { ...this.#totals, tokens: { total: items.length, exact: true } }
    } catch (error) {
      if (client !== this.#resolved) return
      // Refused: not for this user. Anything else: the tab is shown and says what went wrong when it is opened.
      this.#tokens = !isForbidden(error)
      this.#tokensRefused = !this.#tokens
    }
    this.requestUpdate()
  }

  /** The tabs shown: Users and Groups, and Tokens once the back end answered its list. */
  #shownTabs() {
    return tabs.filter((tab) => tab.id !== "tokens" || this.#tokens)
  }

  /** A tab read its whole list's size: shown on its label; the first time, the tabs not shown yet are counted too. */
  #onTotal(tab: TabId, event: TotalEvent) {
    this.#totals = { ...this.#totals, [tab]: { total: event.total, exact: event.exact } }
    this.requestUpdate()
    const client = this.#resolved
    if (client === undefined || this.#countsAsked === client) return
    this.#countsAsked = client
    // After the shown tab's first page is painted, so that the count (and the server's work for it) never delays it.
    const countOthers = () => {
      for (const other of this.#shownTabs()) {
        if (!this.#visited.has(other.id) && this.#totals[other.id] === undefined) this.#recount(other.id)
      }
    }
    requestAnimationFrame(() => setTimeout(countOthers, 0))
  }

  /** Counts a tab's whole list again (one record is asked for, not a page), e.g. after a change while it is searched. */
  #recount(tab: TabId) {
    const client = this.#resolved
    if (client === undefined) return
    const counted =
      tab === "users"
        ? client.listUsers({ limit: 1 })
        : tab === "groups"
          ? client.listGroups({ limit: 1 })
          : (client.listTokens?.() ?? Promise.resolve([])).then((items) => ({ total: items.length, totalExact: true }))
    counted.then(
      (page) => {
        if (client !== this.#resolved) return
        this.#totals = { ...this.#totals, [tab]: { total: page.total, exact: page.totalExact !== false } }
        this.requestUpdate()
      },
      // The tab says what went wrong when it is shown; its label keeps the count it had.
      () => undefined
    )
  }

  /** A record created, deleted or imported changes a count (a change to one does not). */
  #onChange(event: Event) {
    const tab = COUNTED_CHANGES[event.type]
    if (tab !== undefined) this.#recount(tab)
  }

  override render() {
    const me = this.#me
    // What the element writes is in the catalog's language, whatever the page's `lang` (an unknown one reads English).
    const lang = activeLanguage()
    if (me !== undefined && !me.admin) {
      // The API would refuse every list and change: say why once instead of showing two tabs of refusals.
      const username = me.user.username
      return html`<p class="notice" role="status" lang=${lang}>
        ${msg(
          str`Only administrators manage users and groups. You are signed in as ${username}, who is not an administrator: ask one to add you to the administrators' group.`
        )}
      </p>`
    }
    // The tabs get the client at once: the first page is asked for together with who is signed in, not after it.
    const client = this.#expired ? undefined : this.#resolved
    const expired = this.#expired
    return html`
      <div
        role="tablist"
        part="tablist"
        lang=${lang}
        aria-label=${msg("User Manager")}
        @keydown=${this.#onTabKey}
        ?hidden=${expired}
      >
        ${this.#shownTabs().map(
          (tab) => html`<button
            role="tab"
            part="tab"
            id=${`tab-${tab.id}`}
            aria-controls=${`panel-${tab.id}`}
            aria-selected=${this.tab === tab.id ? "true" : "false"}
            tabindex=${this.tab === tab.id ? 0 : -1}
            @click=${() => this.#select(tab.id)}
          >
            ${tab.label()}${this.#count(tab.id)}
          </button>`
        )}
        ${me === undefined ? nothing : html`<span class="me hint" part="me">${msg(str`Signed in as ${me.user.username}`)}</span>`}
      </div>
      ${this.#alert === undefined ? nothing : html`<p class="alert" role="alert" lang=${lang}>${this.#alert()}</p>`}
      <div
        role="tabpanel"
        part="panel"
        id="panel-users"
        lang=${lang}
        aria-labelledby="tab-users"
        ?hidden=${expired || this.tab !== "users"}
        @user-created=${this.#onChange}
        @user-deleted=${this.#onChange}
        @users-imported=${this.#onChange}
        @users-changed=${this.#onChange}
      >
        <um-users-tab
          @um-where=${() => this.#remember()}
          exportparts=${parts}
          @um-total=${(event: TotalEvent) => this.#onTotal("users", event)}
          .client=${this.#visited.has("users") ? client : undefined}
          .me=${me}
        ></um-users-tab>
      </div>
      <div
        role="tabpanel"
        part="panel"
        id="panel-groups"
        lang=${lang}
        aria-labelledby="tab-groups"
        ?hidden=${expired || this.tab !== "groups"}
        @group-created=${this.#onChange}
        @group-deleted=${this.#onChange}
        @groups-imported=${this.#onChange}
      >
        ${
          // A tab not shown yet is not rendered at all (its count comes from `#recount`): the first page of the tab
          // shown is not kept waiting by the work of the others.
          this.#visited.has("groups")
            ? html`<um-groups-tab
                exportparts=${parts}
                @um-total=${(event: TotalEvent) => this.#onTotal("groups", event)}
                .client=${client}
                .me=${me}
              ></um-groups-tab>`
            : nothing
        }
      </div>
      ${
        this.#tokens
          ? html`<div
              role="tabpanel"
              part="panel"
              id="panel-tokens"
              lang=${lang}
              aria-labelledby="tab-tokens"
              ?hidden=${expired || this.tab !== "tokens"}
              @token-created=${this.#onChange}
              @token-revoked=${this.#onChange}
            >
              ${
                this.#visited.has("tokens")
                  ? html`<um-tokens-tab
                      exportparts=${parts}
                      @um-total=${(event: TotalEvent) => this.#onTotal("tokens", event)}
                      .client=${client}
                    ></um-tokens-tab>`
                  : nothing
              }
            </div>`
          : nothing
      }
    `
  }

  /** A tab's count beside its name, as the page's language writes it ("Users 100,001"; "10,000+" when not exact). */
  #count(tab: TabId) {
    const counted = this.#totals[tab]
    return counted === undefined
      ? nothing
      : html` <span class="count" part="count">${formatTotal(numberFormatOf(this), counted.total, counted.exact)}</span>`
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
      const panel = this.renderRoot.querySelector<UsersTab | GroupsTab | TokensTab>(`um-${this.tab}-tab`)
      void panel?.refresh()
    }
  }

  #select(tab: TabId, focus = false) {
    this.tab = tab
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus())
  }

  #onTabKey(event: KeyboardEvent) {
    const shown = this.#shownTabs()
    const index = shown.findIndex((tab) => tab.id === this.tab)
    const count = shown.length
    // Right to left, the tabs run from the right: → goes back to the one before.
    const rtl = getComputedStyle(this).direction === "rtl"
    const forward = rtl ? "ArrowLeft" : "ArrowRight"
    const back = rtl ? "ArrowRight" : "ArrowLeft"
    const next =
      event.key === forward
        ? (index + 1) % count
        : event.key === back
          ? (index - 1 + count) % count
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? count - 1
              : undefined
    const tab = next === undefined ? undefined : shown[next]
    if (tab === undefined) return
    event.preventDefault()
    this.#select(tab.id, true)
  }
}
