import { html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { ClientError, UserManagerClient } from "../Client.js"
import { asClientError, fieldOf } from "./errors.js"
import { trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import type { RowMenu } from "./row-menu.js"

/** Where a refusal is shown in a form: beside the field `key`, focusing `focus` (a selector) when it is given. */
export interface Placement {
  readonly key: string
  readonly focus?: string
}

/** How a tab's form dialog is named and how it behaves around the others. */
export interface FormDialogOptions {
  /** The dialog's id; its title's is `${id}-title`. */
  readonly id: string
  /** Whether closing hands the focus on (to the delete confirmation) instead of putting it back. */
  readonly handsOver: () => boolean
  /** Where a refusal naming `field` goes when it is not a field of the form with the id `f-${field}`. */
  readonly place?: (field: string) => Placement | undefined
}

/** What a form dialog shows for the record it edits. */
export interface FormContent<T> {
  readonly title: string
  /** The form's fields, between its title and its alert. */
  readonly fields: TemplateResult
  /** Whether the record cannot be changed: Close instead of Cancel and Save. */
  readonly readOnly?: boolean
  /** Delete, when the record can be deleted from the form. */
  readonly remove?: (() => void) | undefined
  /** Sends the form to the client; the dialog then closes and the list is read again. */
  readonly write: (client: UserManagerClient, form: HTMLFormElement, record: T | undefined) => Promise<void>
}

/**
 * The Add New and Update dialog of a tab: a modal form that starts from the record's values each time it opens, keeps
 * Tab inside, saves through the client, and shows each refusal beside the field it concerns (else above the buttons).
 * When it closes the focus goes back to the row or button it came from.
 */
export class FormDialog<T, S extends string> implements ReactiveController {
  /** What the dialog edits: undefined when closed; `record` undefined for Add New. */
  editing: { readonly record: T | undefined } | undefined
  fieldErrors: Readonly<Record<string, string>> = {}
  alert = ""
  saving = false
  #opening = false
  readonly #host: LitElement
  readonly #list: ListController<T, S>
  readonly #menu: RowMenu<T, S>
  readonly #options: FormDialogOptions

  constructor(host: LitElement, list: ListController<T, S>, menu: RowMenu<T, S>, options: FormDialogOptions) {
    this.#host = host
    this.#list = list
    this.#menu = menu
    this.#options = options
    host.addController(this)
  }

  #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector<HTMLDialogElement>(`#${this.#options.id}`)
  }

  hostUpdated(): void {
    if (!this.#opening) return
    this.#opening = false
    const dialog = this.#dialog()
    if (this.editing === undefined || dialog === null || dialog.open) return
    // Fields start from their defaults (the record's values) each time the dialog opens; typing is then kept.
    dialog.querySelector("form")?.reset()
    dialog.showModal()
  }

  /** Opens the dialog on `record` (undefined: a new one); the focus will go back to the row or control it came from. */
  open(record: T | undefined): void {
    const root = this.#host.renderRoot
    const active = root instanceof ShadowRoot ? root.activeElement : null
    if (!this.#menu.isOpen) this.#list.returnFocus = (active as HTMLElement | null) ?? undefined
    this.#menu.close()
    this.fieldErrors = {}
    this.alert = ""
    this.editing = { record }
    this.#opening = true
    this.#host.requestUpdate()
  }

  /** Points the open dialog at `record` (a record changed by a first step of Save), keeping what was typed. */
  retarget(record: T): void {
    this.editing = { record }
    this.#host.requestUpdate()
  }

  close(): void {
    this.#dialog()?.close()
  }

  /** Shows a failure to read what the form offers (the dialog stays usable). */
  showAlert(error: unknown): void {
    this.alert = asClientError(error).message
    this.#host.requestUpdate()
  }

  /** The dialog; its form while it is open. */
  render(content: FormContent<T> | undefined): TemplateResult {
    const id = this.#options.id
    return html`<dialog
      id=${id}
      part="dialog"
      @keydown=${trapFocus}
      aria-labelledby=${`${id}-title`}
      @close=${() => {
        this.editing = undefined
        this.#host.requestUpdate()
        if (!this.#options.handsOver()) this.#list.restoreFocus()
      }}
    >
      ${
        this.editing === undefined || content === undefined
          ? nothing
          : html`<form novalidate @submit=${(event: SubmitEvent) => this.#save(event, content.write)}>
            <h2 id=${`${id}-title`}>${content.title}</h2>
            ${content.fields}
            ${this.alert === "" ? nothing : html`<p class="alert" role="alert">${this.alert}</p>`}
            <div class="actions">
              ${
                content.remove === undefined
                  ? nothing
                  : html`<button type="button" class="danger" part="button" @click=${content.remove}>
                    Delete
                  </button>`
              }
              <span class="spacer"></span>
              <button type="button" part="button" @click=${() => this.close()}>
                ${content.readOnly === true ? "Close" : "Cancel"}
              </button>
              ${
                content.readOnly === true
                  ? nothing
                  : html`<button type="submit" class="primary" part="button" ?disabled=${this.saving}>
                    ${this.editing.record === undefined ? "Create" : "Save"}
                  </button>`
              }
            </div>
          </form>`
      }
    </dialog>`
  }

  async #save(event: SubmitEvent, write: FormContent<T>["write"]) {
    event.preventDefault()
    const client = this.#list.client()
    const record = this.editing?.record
    if (client === undefined || this.saving) return
    this.saving = true
    this.#host.requestUpdate()
    try {
      await write(client, event.target as HTMLFormElement, record)
      this.close()
      await this.#list.load()
    } catch (error) {
      this.#showError(asClientError(error))
    } finally {
      this.saving = false
      this.#host.requestUpdate()
    }
  }

  #showError(error: ClientError) {
    // A stale record: the table is read again, so reopening the record starts from its current version.
    if (error._tag === "ConcurrentModification") void this.#list.load()
    const field = fieldOf(error)
    const root = this.#host.renderRoot
    const place =
      field === undefined
        ? undefined
        : (this.#options.place?.(field) ??
          (root.querySelector(`#f-${field}`) === null ? undefined : { key: field, focus: `#f-${field}` }))
    if (place === undefined) {
      this.fieldErrors = {}
      this.alert = error.message
    } else {
      this.fieldErrors = { [place.key]: error.message }
      this.alert = ""
      const focus = place.focus
      if (focus !== undefined)
        void this.#host.updateComplete.then(() => root.querySelector<HTMLElement>(focus)?.focus())
    }
    this.#host.requestUpdate()
  }
}
