import { msg, str } from "@lit/localize"
import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import { type BulkAction, type BulkRefusal, type BulkResult, ClientError, type User } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { asClientError } from "./errors.js"
import { formatNumber } from "./i18n.js"
import { debounce, trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { findGroups } from "./picker.js"
import { refusalView } from "./refusals.js"

type ActionName = BulkAction["action"]

/** A toolbar action: its button, the words of its outcome, and whether it names a group. */
interface Choice {
  readonly action: ActionName
  readonly label: string
  /** The dialog's title and its button: "Delete 3 users" (`users`: "3 users"). */
  readonly title: (users: string) => string
  /** "can be …" and "… were …": deleted, added to 'staff'. */
  readonly done: (group: string) => string
  readonly group?: boolean
  readonly danger?: boolean
}

/** The actions on a selection, in the element's language. */
const choices = (): ReadonlyArray<Choice> => [
  { action: "enable", label: msg("Enable"), title: (users) => msg(str`Enable ${users}`), done: () => msg("enabled") },
  {
    action: "disable",
    label: msg("Disable"),
    title: (users) => msg(str`Disable ${users}`),
    done: () => msg("disabled")
  },
  {
    action: "addToGroup",
    label: msg("Add to group"),
    title: (users) => msg(str`Add ${users} to a group`),
    done: (group) => msg(str`added to '${group}'`),
    group: true
  },
  {
    action: "removeFromGroup",
    label: msg("Remove from group"),
    title: (users) => msg(str`Remove ${users} from a group`),
    done: (group) => msg(str`removed from '${group}'`),
    group: true
  },
  {
    action: "delete",
    label: msg("Delete"),
    title: (users) => msg(str`Delete ${users}`),
    done: () => msg("deleted"),
    danger: true
  }
]

/**
 * How a summary names the users refused for one reason, by the refusal's tag (the core decided each refusal; this is
 * only its wording in a count). A tag not named here reads "N refused"; each user's own sentence is listed below it.
 */
const reason = (kind: string, count: number): string => {
  const n = formatNumber(count)
  switch (kind) {
    case "SystemUserImmutable":
      return count === 1 ? msg("1 is a system user") : msg(str`${n} are system users`)
    case "SelfLockout":
      return msg("1 is yourself")
    case "GroupMembershipRequired":
      return count === 1 ? msg("1 would be left without a group") : msg(str`${n} would be left without a group`)
    case "LastAdmin":
      return count === 1
        ? msg("1 would leave the admin group without an administrator")
        : msg(str`${n} would leave the admin group without an administrator`)
    case "NotAMember":
      return count === 1 ? msg("1 is not a member of the group") : msg(str`${n} are not members of the group`)
    case "UserNotFound":
      return count === 1 ? msg("1 no longer exists") : msg(str`${n} no longer exist`)
    case "GroupNotFound":
      return count === 1
        ? msg("1 is refused as the group does not exist")
        : msg(str`${n} are refused as the group does not exist`)
    case "InvalidInput":
      return count === 1 ? msg("1 is not a valid username") : msg(str`${n} are not valid usernames`)
    case "InvalidGroupName":
      return count === 1
        ? msg("1 is refused as the group name is not valid")
        : msg(str`${n} are refused as the group name is not valid`)
    case "Forbidden":
      return count === 1 ? msg("1 is not yours to change") : msg(str`${n} are not yours to change`)
    case "Unauthenticated":
      return count === 1
        ? msg("1 is refused as your session has ended")
        : msg(str`${n} are refused as your session has ended`)
    default:
      return msg(str`${n} refused`)
  }
}

/** What a summary counts a refused user under: its refusal's tag, and a malformed group name apart from a username. */
const kindOf = (error: BulkRefusal | undefined): string =>
  error === undefined
    ? "Error"
    : error._tag === "InvalidInput" && error.field === "group name"
      ? "InvalidGroupName"
      : error._tag

/** "3 users" (the subject of a title or a button). */
const users = (count: number) => (count === 1 ? msg("1 user") : msg(str`${formatNumber(count)} users`))

/** "3 of 5 can be deleted: 2 are system users." — a dry run's answer in one sentence, or an outcome's. */
export const bulkSummary = (result: BulkResult, done: string): string => {
  const total = result.applied + result.refused
  const counts = new Map<string, number>()
  for (const item of result.results) {
    if (item.outcome === "refused") {
      const kind = kindOf(item.error)
      counts.set(kind, (counts.get(kind) ?? 0) + 1)
    }
  }
  const reasons = [...counts].map(([kind, count]) => reason(kind, count))
  const applied = formatNumber(result.applied)
  const all = formatNumber(total)
  const one = result.applied === 1
  const head = result.dryRun
    ? total === 1
      ? msg(str`${applied} of 1 user can be ${done}`)
      : one
        ? msg(str`${applied} of ${all} users can be ${done}`, { id: "bulk-can-one" })
        : msg(str`${applied} of ${all} users can be ${done}`)
    : total === 1
      ? one
        ? msg(str`${applied} of 1 user was ${done}`)
        : msg(str`${applied} of 1 user were ${done}`)
      : one
        ? msg(str`${applied} of ${all} users was ${done}`)
        : msg(str`${applied} of ${all} users were ${done}`)
  const why = reasons.join(", ")
  return reasons.length === 0 ? msg(str`${head}.`, { id: "sentence" }) : msg(str`${head}: ${why}.`)
}

/** Where the bulk dialog is: closed, asking for the group, checking (the dry run), planned, applying, or done. */
type Phase = "closed" | "group" | "checking" | "planned" | "applying" | "done"

/** The look of the selection's bar and of the bulk dialog's list of refused users. */
export const bulkChangeStyles = css`
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
        aria-label=${msg("Select every user on this page")}
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
        aria-label=${msg(str`Select ${user.username}`)}
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
    return html`<div class="selection" part="selection" role="group" aria-label=${msg("Selected users")}>
      <span class="count" role="status">${msg(str`${formatNumber(count)} selected`)}</span>
      ${choices().map(
        (choice) =>
          html`<button
            part="button"
            class=${choice.danger === true ? "danger" : ""}
            @click=${(event: Event) => this.#start(choice, event.currentTarget as HTMLElement)}
          >
            ${choice.label}
          </button>`
      )}
      <button part="button" @click=${() => this.#select(new Set())}>${msg("Clear selection")}</button>
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
          ? msg(str`${choice.label}: done`)
          : choice.title(users(result === undefined ? count : result.applied + result.refused))
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
                  ? msg(str`Checking ${users(count)}…`)
                  : phase === "applying"
                    ? msg(str`Applying to ${users(result?.applied ?? count)}…`)
                    : result !== undefined && (phase === "planned" || phase === "done")
                      ? bulkSummary(result, done)
                      : ""
              }
            </p>
            ${
              refused.length === 0 || (phase !== "planned" && phase !== "done")
                ? nothing
                : html`<ul aria-label=${msg("Refused users")}>
                    ${refused.map((item) => html`<li><strong>${item.username}</strong>: ${item.error === undefined ? "" : refusalView(ClientError.from(item.error))}</li>`)}
                  </ul>`
            }
            ${this.#error === undefined ? nothing : html`<p class="alert" role="alert">${refusalView(this.#error)}</p>`}
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
        <label for="bulk-group">${choice.action === "addToGroup" ? msg("Group to add them to") : msg("Group to remove them from")}</label>
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
    const cancel = html`<button part="button" @click=${() => this.#close()}>${phase === "done" ? msg("Close") : msg("Cancel")}</button>`
    if (phase === "done")
      return html`<button part="button" autofocus @click=${() => this.#close()}>${msg("Close")}</button>`
    if (phase === "group") {
      return html`${cancel}<button part="button" class="primary" type="submit" form="bulk-group-form" ?disabled=${this.#group.trim() === ""}>
          ${msg("Check")}
        </button>`
    }
    const applicable = result?.applied ?? 0
    return html`<button part="button" autofocus @click=${() => this.#close()}>${msg("Cancel")}</button>
      <button
        part="button"
        class=${choice.danger === true ? "danger" : "primary"}
        ?disabled=${phase !== "planned" || applicable === 0}
        @click=${() => void this.#apply()}
      >
        ${choice.title(users(applicable))}
      </button>`
  }
}
