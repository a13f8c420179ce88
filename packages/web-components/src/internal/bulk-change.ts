import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { BulkAction, BulkResult, ClientError, User } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { asClientError } from "./errors.js"
import { debounce, trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { findGroups } from "./picker.js"

type ActionName = BulkAction["action"]

/** A toolbar action: its button, the words of its outcome, and whether it names a group. */
interface Choice {
  readonly action: ActionName
  readonly label: string
  /** "can be …" and "… were …": deleted, added to 'staff'. */
  readonly done: (group: string) => string
  readonly group?: boolean
  readonly danger?: boolean
}

const CHOICES: ReadonlyArray<Choice> = [
  { action: "enable", label: "Enable", done: () => "enabled" },
  { action: "disable", label: "Disable", done: () => "disabled" },
  { action: "addToGroup", label: "Add to group", done: (group) => `added to '${group}'`, group: true },
  { action: "removeFromGroup", label: "Remove from group", done: (group) => `removed from '${group}'`, group: true },
  { action: "delete", label: "Delete", done: () => "deleted", danger: true }
]

/**
 * How a summary names the users refused for one reason, by the refusal's tag (the core decided each refusal; this is
 * only its wording in a count). A tag not named here reads "N refused"; each user's own sentence is listed below it.
 */
const REASONS: Readonly<Record<string, (count: number) => string>> = {
  SystemUserImmutable: (n) => (n === 1 ? "1 is a system user" : `${n} are system users`),
  SelfLockout: () => "1 is yourself",
  GroupMembershipRequired: (n) => `${n} would be left without a group`,
  LastAdmin: (n) => `${n} would leave the admin group without an administrator`,
  NotAMember: (n) => (n === 1 ? "1 is not a member of the group" : `${n} are not members of the group`),
  UserNotFound: (n) => (n === 1 ? "1 no longer exists" : `${n} no longer exist`)
}

const users = (count: number) => (count === 1 ? "1 user" : `${count.toLocaleString()} users`)

/** "3 of 5 can be deleted: 2 are system users." — a dry run's answer in one sentence, or an outcome's. */
export const bulkSummary = (result: BulkResult, done: string): string => {
  const total = result.applied + result.refused
  const counts = new Map<string, number>()
  for (const item of result.results) {
    if (item.outcome === "refused") {
      const tag = item.error?._tag ?? "Error"
      counts.set(tag, (counts.get(tag) ?? 0) + 1)
    }
  }
  const reasons = [...counts].map(([tag, count]) => (REASONS[tag] ?? ((n: number) => `${n} refused`))(count))
  const head = result.dryRun
    ? `${result.applied.toLocaleString()} of ${users(total)} can be ${done}`
    : `${result.applied.toLocaleString()} of ${users(total)} ${result.applied === 1 ? "was" : "were"} ${done}`
  return reasons.length === 0 ? `${head}.` : `${head}: ${reasons.join(", ")}.`
}

/** Where the bulk dialog is: closed, asking for the group, checking (the dry run), planned, applying, or done. */
type Phase = "closed" | "group" | "checking" | "planned" | "applying" | "done"

/** The look of the selection's bar and of the bulk dialog's list of refused users. */
export const bulkChangeStyles = css`
  td.control,
  th.control {
    width: 2.25em;
    text-align: center;
    /* Narrow padding, so that the "⋯" button fits its column whole (not cut to "…"). */
    padding-inline: 0.25em;
  }
  td.control input,
  th.control input {
    margin: 0;
  }
  .selection {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
    padding: 0.4em 0.6em;
    margin-bottom: 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .selection .count {
    font-weight: 600;
    margin-inline-end: 0.5em;
  }
  #bulk-dialog {
    width: min(36em, 92vw);
  }
  #bulk-dialog ul {
    max-height: 12em;
    overflow: auto;
    padding-inline-start: 1.2em;
  }
  button.row-actions {
    padding: 0 0.5em;
    line-height: 1.4;
  }
`

/**
 * The selection of users and what is done to it: a checkbox on each row and one that selects every user of the page
 * (indeterminate when some are), the bar of actions that appears with a selection ("N selected": Enable, Disable, Add
 * to group, Remove from group, Delete), and the dialog that checks the chosen action first (the client's dry run: "3 of
 * 5 can be deleted: 2 are system users.", listing each refused user with the core's reason), then applies it in one
 * request and reports each user. The selection is kept across pages and searches, and cleared once applied.
 */
export class BulkChange<S extends string> implements ReactiveController {
  #selected: ReadonlySet<string> = new Set()
  #phase: Phase = "closed"
  #choice: Choice | undefined
  #group = ""
  #groups: ReadonlyArray<string> = []
  #findRead = 0
  #findLater = debounce((text: string) => void this.#findGroups(text), 250)
  #result: BulkResult | undefined
  #error: ClientError | undefined
  #opening = false
  /** The button that opened the dialog, where the focus goes back. */
  #returnFocus: HTMLElement | undefined
  readonly #host: LitElement
  readonly #list: ListController<User, S>

  constructor(host: LitElement, list: ListController<User, S>) {
    this.#host = host
    this.#list = list
    host.addController(this)
  }

  /** Whether the client can apply bulk actions (else there is no selection at all). */
  get available(): boolean {
    return this.#list.client()?.bulkUsers !== undefined
  }

  /** The selected usernames, in the order chosen. */
  get selected(): ReadonlyArray<string> {
    return [...this.#selected]
  }

  hostUpdated(): void {
    if (!this.#opening) return
    this.#opening = false
    const dialog = this.#dialog()
    if (dialog !== null && !dialog.open) dialog.showModal()
  }

  #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector<HTMLDialogElement>("#bulk-dialog")
  }

  #select(next: ReadonlySet<string>) {
    this.#selected = next
    this.#host.requestUpdate()
  }

  #toggle(username: string, checked: boolean) {
    const next = new Set(this.#selected)
    if (checked) next.add(username)
    else next.delete(username)
    this.#select(next)
  }

  #togglePage(checked: boolean) {
    const next = new Set(this.#selected)
    for (const user of this.#list.page.items) {
      if (checked) next.add(user.username)
      else next.delete(user.username)
    }
    this.#select(next)
  }

  /** The header cell: a checkbox selecting every user of the page, indeterminate when only some are. */
  renderHeaderCell(): TemplateResult | typeof nothing {
    if (!this.available) return nothing
    const items = this.#list.page.items
    const chosen = items.filter((user) => this.#selected.has(user.username)).length
    const all = items.length > 0 && chosen === items.length
    return html`<th scope="col" class="control">
      <input
        type="checkbox"
        aria-label="Select every user on this page"
        .checked=${all}
        .indeterminate=${chosen > 0 && !all}
        ?disabled=${items.length === 0}
        @change=${(event: Event) => this.#togglePage((event.target as HTMLInputElement).checked)}
      />
    </th>`
  }

  /** A row's cell: the checkbox selecting its user, reached with Tab only on the row that has the focus. */
  renderCell(user: User, index: number): TemplateResult | typeof nothing {
    if (!this.available) return nothing
    return html`<td class="control select">
      <input
        type="checkbox"
        aria-label=${`Select ${user.username}`}
        tabindex=${this.#list.tabIndexOf(index)}
        .checked=${this.#selected.has(user.username)}
        @change=${(event: Event) => this.#toggle(user.username, (event.target as HTMLInputElement).checked)}
      />
    </td>`
  }

  /** The bar of actions on the selection, shown while there is one. */
  renderBar(): TemplateResult | typeof nothing {
    const count = this.#selected.size
    if (!this.available || count === 0) return nothing
    return html`<div class="selection" part="selection" role="group" aria-label="Selected users">
      <span class="count" role="status">${count.toLocaleString()} selected</span>
      ${CHOICES.map(
        (choice) =>
          html`<button
            part="button"
            class=${choice.danger === true ? "danger" : ""}
            @click=${(event: Event) => this.#start(choice, event.currentTarget as HTMLElement)}
          >
            ${choice.label}
          </button>`
      )}
      <button part="button" @click=${() => this.#select(new Set())}>Clear selection</button>
    </div>`
  }

  #start(choice: Choice, from: HTMLElement) {
    this.#choice = choice
    this.#returnFocus = from
    this.#result = undefined
    this.#error = undefined
    this.#opening = true
    if (choice.group === true) {
      this.#phase = "group"
      this.#group = ""
      void this.#findGroups("")
      this.#host.requestUpdate()
    } else {
      void this.#check()
    }
  }

  async #findGroups(text: string) {
    const client = this.#list.client()
    if (client === undefined) return
    const read = ++this.#findRead
    try {
      const page = await findGroups(client, text)
      if (read !== this.#findRead) return
      this.#groups = page.items.map((group) => group.name)
      this.#host.requestUpdate()
    } catch {
      // The list of suggestions is a help: the group can still be typed.
    }
  }

  #body(dryRun: boolean): BulkAction {
    const choice = this.#choice as Choice
    return {
      action: choice.action,
      usernames: this.selected,
      ...(choice.group === true ? { group: this.#group.trim() } : {}),
      ...(dryRun ? { dryRun: true } : {})
    }
  }

  /** The dry run: every selected user checked by the core's rules, nothing changed. */
  async #check() {
    const client = this.#list.client()
    if (client?.bulkUsers === undefined) return
    this.#phase = "checking"
    this.#error = undefined
    this.#host.requestUpdate()
    try {
      this.#result = await client.bulkUsers(this.#body(true))
      this.#phase = "planned"
    } catch (error) {
      this.#error = asClientError(error)
      this.#phase = this.#choice?.group === true ? "group" : "planned"
      this.#result = undefined
    }
    this.#host.requestUpdate()
    await this.#host.updateComplete
    this.#dialog()?.querySelector<HTMLElement>("[autofocus]")?.focus()
  }

  /** Applies the action in one request; the selection is cleared and the list read again. */
  async #apply() {
    const client = this.#list.client()
    if (client?.bulkUsers === undefined) return
    this.#phase = "applying"
    this.#host.requestUpdate()
    try {
      const result = await client.bulkUsers(this.#body(false))
      this.#result = result
      this.#phase = "done"
      this.#select(new Set())
      this.#host.dispatchEvent(new UserManagerChangeEvent("users-changed", result))
      await this.#list.load()
    } catch (error) {
      this.#error = asClientError(error)
      this.#phase = "planned"
    }
    this.#host.requestUpdate()
    await this.#host.updateComplete
    this.#dialog()?.querySelector<HTMLElement>("[autofocus]")?.focus()
  }

  #close() {
    this.#dialog()?.close()
  }

  /** The dialog of the chosen action: its group, its dry run's summary, and its outcome. */
  renderDialog(): TemplateResult {
    const choice = this.#choice
    const phase = this.#phase
    const result = this.#result
    const count = this.#selected.size
    const done = choice?.done(this.#group.trim()) ?? ""
    const refused = result?.results.filter((item) => item.outcome === "refused") ?? []
    const title =
      choice === undefined
        ? ""
        : phase === "done"
          ? `${choice.label}: done`
          : `${choice.label} ${users(result === undefined ? count : result.applied + result.refused)}`
    return html`<dialog
      id="bulk-dialog"
      part="dialog"
      aria-labelledby="bulk-title"
      aria-describedby="bulk-summary"
      aria-busy=${phase === "checking" || phase === "applying" ? "true" : "false"}
      @keydown=${trapFocus}
      @close=${() => {
        this.#phase = "closed"
        this.#host.requestUpdate()
        if (this.#returnFocus?.isConnected === true) this.#returnFocus.focus()
        else this.#list.rows()[this.#list.active]?.focus()
      }}
    >
      ${
        choice === undefined || phase === "closed"
          ? nothing
          : html`<h2 id="bulk-title">${title}</h2>
            ${phase === "group" ? this.#renderGroup(choice) : nothing}
            <p id="bulk-summary" role="status">
              ${
                phase === "checking"
                  ? `Checking ${users(count)}…`
                  : phase === "applying"
                    ? `Applying to ${users(result?.applied ?? count)}…`
                    : result !== undefined && (phase === "planned" || phase === "done")
                      ? bulkSummary(result, done)
                      : ""
              }
            </p>
            ${
              refused.length === 0 || (phase !== "planned" && phase !== "done")
                ? nothing
                : html`<ul aria-label="Refused users">
                    ${refused.map((item) => html`<li><strong>${item.username}</strong>: ${item.error?.message ?? ""}</li>`)}
                  </ul>`
            }
            ${this.#error === undefined ? nothing : html`<p class="alert" role="alert">${this.#error.message}</p>`}
            <div class="actions">${this.#renderButtons(choice, phase, result)}</div>`
      }
    </dialog>`
  }

  #renderGroup(choice: Choice) {
    return html`<form
      id="bulk-group-form"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault()
        if (this.#group.trim() !== "") void this.#check()
      }}
    >
      <div class="field">
        <label for="bulk-group">${choice.action === "addToGroup" ? "Group to add them to" : "Group to remove them from"}</label>
        <input
          id="bulk-group"
          name="group"
          list="bulk-groups"
          autocomplete="off"
          required
          autofocus
          .value=${this.#group}
          @input=${(event: InputEvent) => {
            this.#group = (event.target as HTMLInputElement).value
            this.#findLater(this.#group)
            this.#host.requestUpdate()
          }}
        />
        <datalist id="bulk-groups">${this.#groups.map((name) => html`<option value=${name}></option>`)}</datalist>
      </div>
    </form>`
  }

  #renderButtons(choice: Choice, phase: Phase, result: BulkResult | undefined) {
    const cancel = html`<button part="button" @click=${() => this.#close()}>${phase === "done" ? "Close" : "Cancel"}</button>`
    if (phase === "done") return html`<button part="button" autofocus @click=${() => this.#close()}>Close</button>`
    if (phase === "group") {
      return html`${cancel}<button part="button" class="primary" type="submit" form="bulk-group-form" ?disabled=${this.#group.trim() === ""}>
          Check
        </button>`
    }
    const applicable = result?.applied ?? 0
    return html`<button part="button" autofocus @click=${() => this.#close()}>Cancel</button>
      <button
        part="button"
        class=${choice.danger === true ? "danger" : "primary"}
        ?disabled=${phase !== "planned" || applicable === 0}
        @click=${() => void this.#apply()}
      >
        ${choice.label} ${users(applicable)}
      </button>`
  }
}
