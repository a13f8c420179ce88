import { msg, str } from "@lit/localize"
import { css, html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import type { ApiToken, CreatedToken, TokenScope, UserManagerClient } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { constraints } from "../internal/constraints.js"
import { Feedback, feedbackStyles } from "../internal/feedback.js"
import { FormDialog } from "../internal/form-dialog.js"
import { textField } from "../internal/form-fields.js"
import { LanguageController } from "../internal/i18n.js"
import { trapFocus } from "../internal/keys.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { dateFormatOf, numberFormatOf } from "../internal/locale.js"
import { phoneStyles } from "../internal/phone.js"
import { RowMenu } from "../internal/row-menu.js"
import { skeletonStyles } from "../internal/skeleton.js"
import { sharedStyles } from "../internal/styles.js"
import { constraintOf, isRequired, problemOf, problems } from "../internal/validation.js"

/** The columns tokens can be sorted by (in the element: the API lists every token at once). */
type TokenSort = "name" | "scope" | "createdBy" | "createdAt" | "expiresAt" | "lastUsedAt"

/** The columns, their headers in the element's language. */
const columns = (): ReadonlyArray<Column<TokenSort>> => [
  { sort: "name", label: msg("Name") },
  { sort: "scope", label: msg("Scope") },
  { sort: "createdBy", label: msg("Created by") },
  { sort: "createdAt", label: msg("Created", { id: "token-created-column" }) },
  { sort: "expiresAt", label: msg("Expires") },
  { sort: "lastUsedAt", label: msg("Last used") }
]

/** The tokens table's column widths: they stay put whatever the list shows (see `listView`). */
const columnStyles = css`
  col.col-name {
    width: 14%;
  }
  col.col-scope {
    width: 8%;
  }
  col.col-createdBy {
    width: 14%;
  }
  col.col-createdAt,
  col.col-expiresAt,
  col.col-lastUsedAt {
    width: 21%;
  }
  .scopes label {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0 0.5em;
    align-items: baseline;
    margin: 0.2em 0;
  }
  .scopes .hint {
    grid-column: 2;
  }
  .expiry {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1em;
    align-items: center;
  }
  .expiry input[type="number"] {
    width: 7em;
  }
  #token-value {
    font-family: ui-monospace, monospace;
    width: 100%;
    box-sizing: border-box;
  }
  .copy {
    display: flex;
    gap: 0.5em;
  }
  .copy input {
    flex: 1;
    min-width: 0;
  }
  /* A cell's name, said on a phone's card only (a wide table has its column headers). */
  .card-label {
    display: none;
  }
  @container um-tab (max-width: 720px) {
    .card-label {
      display: inline;
      color: var(--_muted);
    }
  }
`

/** The scopes a token may have, each with its one line of help (the API document's description says the same). */
const scopes = (): ReadonlyArray<{ readonly scope: TokenScope; readonly help: string }> => [
  { scope: "api", help: msg("What an administrator may do, through the HTTP API.") },
  { scope: "scim", help: msg("The same, through the SCIM endpoints only (for an identity provider).") },
  { scope: "read", help: msg("Reads only: lists and records, no changes.") }
]

/** The expiry the API document offers: its default and its maximum, in days (`x-defaultDays`, `x-maximumDays`). */
const expiry = constraints.CreateTokenBody.expiresAt
const DEFAULT_DAYS = expiry["x-defaultDays"]
const MAXIMUM_DAYS = expiry["x-maximumDays"]
const DAY = 24 * 60 * 60 * 1000

/** The value a column sorts by: text, or a date's time (`null`, never, after every date). */
const sortValue = (token: ApiToken, sort: TokenSort): string | number => {
  const value = token[sort]
  if (sort === "name" || sort === "scope" || sort === "createdBy") return String(value)
  return value === null ? Number.POSITIVE_INFINITY : Date.parse(String(value))
}

/**
 * The Tokens tab, for administrators: the API tokens (name, scope, who made it, when, when it expires, when it was last
 * used), searched by name and sorted by any column in the element (the API lists them all at once), **New token** (a
 * name, a scope, an expiry in days with the API's default and maximum, or never), the new token's value shown once
 * with Copy, and **Revoke** with a confirmation, from each row's menu (a right-click, the keyboard, its "⋯" button) or
 * its Delete key. The rules are the client's: its refusals are shown beside the field or in the dialog they concern.
 *
 * @event token-created - An API token was made; `detail` is the token as listed, never its value.
 * @event token-revoked - An API token was revoked; `detail` is `{ name }`.
 * @csspart toolbar - The row holding the search field and New token.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart summary - How many tokens the list holds (or the search matches), above the table.
 * @csspart table - The tokens table.
 * @csspart row - Each token's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The New token, new value and revoke dialogs.
 */
export class TokensTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [sharedStyles, feedbackStyles, skeletonStyles, columnStyles, phoneStyles]

  constructor() {
    super()
    // Renders again in the language of `lang` when it changes (on its own, or inside `<user-manager>`).
    new LanguageController(this)
  }

  /** Where the tokens come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined

  /** The token just made, whose value the next dialog shows once; dropped when that dialog closes. */
  #created: CreatedToken | undefined
  #showCreated = false
  /** What Copy did: nothing yet, copied, or could not (the reader then copies it by hand). */
  #copied: "no" | "yes" | "failed" = "no"

  readonly #list = new ListController<ApiToken, TokenSort>(this, {
    client: () => this.client,
    key: (token) => token.name,
    sort: "name",
    read: async (client, query) => {
      const all = (await client.listTokens?.()) ?? []
      const search = query.search.trim().toLowerCase()
      const found = search === "" ? [...all] : all.filter((token) => token.name.toLowerCase().includes(search))
      const direction = query.order === "desc" ? -1 : 1
      found.sort((a, b) => {
        const [x, y] = [sortValue(a, query.sort), sortValue(b, query.sort)]
        return (x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : 1) * direction
      })
      return { page: { items: found.slice(query.offset, query.offset + query.limit), total: found.length } }
    }
  })
  readonly #menu = new RowMenu(this, this.#list)
  readonly #form: FormDialog<ApiToken, TokenSort> = new FormDialog(this, this.#list, this.#menu, {
    id: "token-dialog",
    handsOver: () => this.#created !== undefined || this.#confirm.target !== undefined,
    place: (field) => (field === "expiresAt" ? { key: "days", focus: "#f-days" } : undefined)
  })
  readonly #confirm = new ConfirmDialog(this, this.#list, this.#menu, this.#form)
  readonly #feedback = new Feedback(this, this.#list)

  /** Reads the tokens again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.#list.load()
  }

  override render() {
    const token = this.#menu.target
    const dates = dateFormatOf(this)
    const date = (value: string | null, none: string) => (value === null ? none : dates.format(new Date(value)))
    return html`
      ${listView(this.#list, this.#menu, {
        name: msg("Tokens"),
        words: {
          placeholder: msg("Search tokens"),
          empty: msg("No tokens match."),
          loading: msg("Loading tokens…"),
          pages: msg("Tokens pages"),
          summary: (total, one, search) =>
            search === ""
              ? one
                ? msg("1 token")
                : msg(str`${total} tokens`)
              : one
                ? msg(str`1 token matches “${search}”`)
                : msg(str`${total} tokens match “${search}”`)
        },
        numbers: numberFormatOf(this),
        searchLabel: msg("Search tokens by name"),
        addLabel: msg("New token"),
        canAdd: this.client?.createToken !== undefined,
        columns: columns(),
        row: (token, index) => {
          const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now()
          return html`<tr
            part="row"
            tabindex=${this.#list.tabIndexOf(index)}
            aria-rowindex=${this.#list.rowIndexOf(index)}
            data-name=${token.name}
          >
            <td class="name" title=${token.name}>${token.name}</td>
            <td class="scope"><span class="card-label">${msg("Scope:")} </span>${token.scope}</td>
            <td class="by" title=${token.createdBy}><span class="card-label">${msg("Created by")} </span>${token.createdBy}</td>
            <td class="created" title=${date(token.createdAt, "")}>
              <span class="card-label">${msg("Created:")} </span>${date(token.createdAt, "")}
            </td>
            <td class="expires" title=${date(token.expiresAt, msg("Never"))}>
              <span class="card-label">${msg("Expires:")} </span>${date(token.expiresAt, msg("Never"))}
              ${expired ? html`<span class="badge disabled">${msg("Expired")}</span>` : nothing}
            </td>
            <td class="used" title=${date(token.lastUsedAt, msg("Never"))}>
              <span class="card-label">${msg("Last used:")} </span>${date(token.lastUsedAt, msg("Never"))}
            </td>
            ${this.#menu.renderButton(token.name, msg(str`Actions for ${token.name}`), this.#list.tabIndexOf(index))}
          </tr>`
        },
        trail: this.#menu.renderHeaderCell(),
        open: (token) => this.#open(token),
        remove: (token) => this.#confirm.ask(token)
      })}
      ${
        token === undefined
          ? nothing
          : this.#menu.render(msg(str`Actions for ${token.name}`), [
              { label: msg("Revoke"), run: () => this.#confirm.ask(token) }
            ])
      }
      ${this.#form.render(
        this.#form.editing === undefined
          ? undefined
          : {
              title: msg("New token"),
              fields: this.#fields(),
              check: (form) => this.#check(form),
              write: (client, form) => this.#create(client, form)
            }
      )}
      ${this.#renderCreated()} ${this.#feedback.render()}
      ${this.#confirm.render((token) => ({
        title: msg(str`Revoke token ${token.name}?`),
        text: msg(
          str`Whatever uses the token ${token.name} is refused from its next request on. This cannot be undone.`
        ),
        action: msg("Revoke"),
        remove: async (client, token) => {
          await client.revokeToken?.(token.name)
          this.dispatchEvent(new UserManagerChangeEvent("token-revoked", { name: token.name }))
          this.#feedback.changed({ message: msg(str`Revoked token ${token.name}.`) })
        }
      }))}
    `
  }

  /** New token (no token), or a row chosen (a click, Enter): its menu, below the row, as it has nothing to edit. */
  #open(token: ApiToken | undefined) {
    if (token === undefined) {
      this.#form.open(undefined)
      return
    }
    const row = this.renderRoot.querySelector<HTMLElement>(`tbody tr[data-name="${CSS.escape(token.name)}"]`)
    if (row !== null) this.#menu.openBelow(row, token.name)
  }

  #fields() {
    const errors = this.#form.fieldErrors
    const daysError = errors.days
    return html`
      ${textField(errors, {
        name: "name",
        label: msg("Name (the client it is for)"),
        value: "",
        required: isRequired(constraintOf("CreateTokenBody", "name"))
      })}
      <fieldset class="scopes" aria-labelledby="scope-legend">
        <legend id="scope-legend">${msg("Scope")}</legend>
        ${scopes().map(
          ({ scope, help }) => html`<label>
            <input type="radio" name="scope" value=${scope} ?checked=${scope === "api"} aria-describedby=${`scope-${scope}`} />
            <span>${scope}</span>
            <span class="hint" id=${`scope-${scope}`}>${help}</span>
          </label>`
        )}
      </fieldset>
      <div class="field">
        <label for="f-days">${msg("Expires in (days)")}</label>
        <div class="expiry">
          <input
            id="f-days"
            name="days"
            type="number"
            inputmode="numeric"
            min="1"
            max=${MAXIMUM_DAYS}
            step="1"
            .defaultValue=${String(DEFAULT_DAYS)}
            aria-invalid=${daysError === undefined ? "false" : "true"}
            aria-describedby=${daysError === undefined ? "days-hint" : "e-days days-hint"}
            @input=${(event: Event) => {
              const never = (event.target as HTMLInputElement).form?.elements.namedItem("never")
              if (never instanceof HTMLInputElement) never.checked = false
            }}
          />
          <label><input type="checkbox" name="never" /> ${msg("Never expires")}</label>
        </div>
        <span class="hint" id="days-hint">${msg(str`1 to ${MAXIMUM_DAYS} days; ${DEFAULT_DAYS} unless you say.`)}</span>
        ${daysError === undefined ? nothing : html`<span class="error" id="e-days">${daysError}</span>`}
      </div>
    `
  }

  #check(form: HTMLFormElement) {
    const data = new FormData(form)
    const days = String(data.get("days") ?? "").trim()
    const count = Number(days)
    return problems([
      ["name", problemOf(constraintOf("CreateTokenBody", "name"), msg("Name"), String(data.get("name") ?? ""))],
      [
        "days",
        data.get("never") !== null || (Number.isInteger(count) && count >= 1 && count <= MAXIMUM_DAYS)
          ? undefined
          : msg(str`Expires in: a whole number of days from 1 to ${MAXIMUM_DAYS}, or Never expires.`)
      ]
    ])
  }

  async #create(client: UserManagerClient, form: HTMLFormElement) {
    if (client.createToken === undefined) return
    const data = new FormData(form)
    const never = data.get("never") !== null
    const created = await client.createToken({
      name: String(data.get("name") ?? ""),
      scope: String(data.get("scope") ?? "api") as TokenScope,
      expiresAt: never ? null : new Date(Date.now() + Number(data.get("days")) * DAY).toISOString()
    })
    this.#created = created
    this.#showCreated = true
    this.#copied = "no"
    this.dispatchEvent(new UserManagerChangeEvent("token-created", created.apiToken))
    this.#feedback.changed({ message: msg(str`Created token ${created.apiToken.name}.`), key: created.apiToken.name })
  }

  override updated() {
    // Once the New token dialog has closed, so that the two modal dialogs never hand the focus to each other.
    if (!this.#showCreated || this.#form.editing !== undefined) return
    this.#showCreated = false
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>("#token-created")
    if (dialog !== null && !dialog.open) dialog.showModal()
    dialog?.querySelector<HTMLInputElement>("#token-value")?.select()
  }

  /** The new token's value, shown this once, read-only, with Copy; closing the dialog forgets it. */
  #renderCreated() {
    const created = this.#created
    return html`<dialog
      id="token-created"
      class="form"
      part="dialog"
      aria-labelledby="token-created-title"
      aria-describedby="token-created-note"
      @keydown=${trapFocus}
      @close=${() => {
        this.#created = undefined
        this.requestUpdate()
        this.#list.restoreFocus()
      }}
    >
      ${
        created === undefined
          ? nothing
          : html`<h2 id="token-created-title">${msg(str`Token ${created.apiToken.name} created`)}</h2>
            <p id="token-created-note">
              ${msg("Copy the token now and keep it safe: it will not be shown again. Send it as")}
              <code>Authorization: Bearer …</code>.
            </p>
            <div class="field">
              <label for="token-value">${msg("Token")}</label>
              <div class="copy">
                <input
                  id="token-value"
                  readonly
                  spellcheck="false"
                  autocomplete="off"
                  .value=${created.token}
                  @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
                />
                <button part="button" @click=${() => void this.#copy(created.token)}>${msg("Copy")}</button>
              </div>
              <span class="hint" role="status">${
                this.#copied === "yes"
                  ? msg("Copied to the clipboard.")
                  : this.#copied === "failed"
                    ? msg("The clipboard refused: the token is selected, copy it with Ctrl+C (⌘C).")
                    : ""
              }</span>
            </div>
            <div class="actions">
              <button
                class="primary"
                part="button"
                @click=${() => this.renderRoot.querySelector<HTMLDialogElement>("#token-created")?.close()}
              >
                ${msg("Done")}
              </button>
            </div>`
      }
    </dialog>`
  }

  async #copy(token: string) {
    try {
      await navigator.clipboard.writeText(token)
      this.#copied = "yes"
    } catch {
      this.#copied = "failed"
      this.renderRoot.querySelector<HTMLInputElement>("#token-value")?.select()
    }
    this.requestUpdate()
  }
}
