import { msg } from "@lit/localize"
import { html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { ClientError, RecordRefusal, UserManagerClient } from "../Client.js"
import { asClientError, fieldOf } from "./errors.js"
import { trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { recordRefusalText, recordRefusalView, refusalOf, refusalText } from "./refusals.js"
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
  /** Why the core refuses to delete the record (`refused.delete`): Delete is shown greyed, with this reason. */
  readonly removeRefused?: RecordRefusal | undefined
  /**
   * Checks the form's fields against the API document's constraints before anything is sent: each field's problem by
   * its name (the key of `fieldErrors`). Every field is checked at Save, and a field again as it loses the focus; the
   * client's refusal stays the final word.
   */
  readonly check?: (form: HTMLFormElement) => Readonly<Record<string, string>>
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
  /** The field whose error is the client's refusal: kept until the field changes (a blur's check does not clear it). */
  #refused: string | undefined
  #opening = false
  /** Resolves just after the click of a pointer pressed in the dialog; undefined when none is pressed. */
  #pressed: Promise<void> | undefined
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
    this.#refused = undefined
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
    this.alert = refusalOf(error)
    this.#host.requestUpdate()
  }

  /** The dialog; its form while it is open. */
  render(content: FormContent<T> | undefined): TemplateResult {
    const id = this.#options.id
    return html`<dialog
      id=${id}
      class="form"
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
          : html`<form
            novalidate
            @submit=${(event: SubmitEvent) => this.#save(event, content)}
            @pointerdown=${() => this.#press()}
            @focusout=${(event: FocusEvent) => this.#checkOnBlur(event, content)}
            @input=${(event: Event) => this.#clearOnChange(event)}
          >
            <h2 id=${`${id}-title`}>${content.title}</h2>
            ${
              content.readOnly === true || content.check === undefined
                ? nothing
                : html`<p class="hint required-note" aria-hidden="true">${msg("Fields marked * are required.")}</p>`
            }
            ${content.fields}
            ${this.alert === "" ? nothing : html`<p class="alert" role="alert">${this.alert}</p>`}
            <div class="actions">
              ${content.remove === undefined ? nothing : this.#deleteButton(id, content.remove, content.removeRefused)}
              <span class="spacer"></span>
              <button type="button" part="button" @click=${() => this.close()}>
                ${content.readOnly === true ? msg("Close") : msg("Cancel")}
              </button>
              ${
                content.readOnly === true
                  ? nothing
                  : html`<button type="submit" class="primary" part="button" ?disabled=${this.saving}>
                    ${this.editing.record === undefined ? msg("Create") : msg("Save")}
                  </button>`
              }
            </div>
          </form>`
      }
    </dialog>`
  }

  /** The error key of a form control: its fieldset's `data-field` (a list of boxes), else its name. */
  #keyOf(target: EventTarget | null): string | undefined {
    if (!(target instanceof HTMLInputElement)) return undefined
    const fieldset = target.closest<HTMLElement>("[data-field]")
    return fieldset?.dataset.field ?? (target.name === "" ? undefined : target.name)
  }

  /**
   * A text field that loses the focus is checked again: its problem is shown, or its error cleared. When a press of the
   * pointer took the focus (a box, another field), the check waits for that press's click: an error appearing at once
   * would move what was pressed from under the pointer, and the click would be lost.
   */
  /** Delete; greyed out, with the core's reason as its title and description, when the core refuses it. */
  #deleteButton(id: string, remove: () => void, refused: RecordRefusal | undefined): TemplateResult {
    const reason = `${id}-delete-refused`
    return html`<button
        type="button"
        class="danger"
        part="button"
        aria-disabled=${refused === undefined ? nothing : "true"}
        title=${refused === undefined ? nothing : recordRefusalText(refused)}
        aria-describedby=${refused === undefined ? nothing : reason}
        @click=${refused === undefined ? remove : nothing}
      >
        ${msg("Delete")}
      </button>
      ${refused === undefined ? nothing : html`<span id=${reason} hidden>${recordRefusalView(refused)}</span>`}`
  }

  #checkOnBlur(event: FocusEvent, content: FormContent<T>) {
    const target = event.target
    const key = this.#keyOf(target)
    const check = content.check
    if (!(target instanceof HTMLInputElement) || key === undefined || check === undefined) return
    if (target.type === "checkbox" || target.type === "search" || target.readOnly || target.disabled) return
    // Moving to Cancel, Delete or Save: Save checks every field anyway, and Cancel and Delete need none.
    if (event.relatedTarget instanceof Element && event.relatedTarget.closest(".actions") !== null) return
    const form = target.form
    if (form === null) return
    if (this.#pressed === undefined) this.#checkField(key, form, check)
    else void this.#pressed.then(() => this.#checkField(key, form, check))
  }

  /** Marks a press of the pointer in the dialog, until just after its click (see `#checkOnBlur`). */
  #press() {
    this.#pressed = new Promise((resolve) => {
      const end = () => {
        removeEventListener("pointerup", end, true)
        removeEventListener("pointercancel", end, true)
        // The click comes after the pointer is released, in the same task: the check runs after it.
        setTimeout(() => {
          this.#pressed = undefined
          resolve()
        })
      }
      addEventListener("pointerup", end, true)
      addEventListener("pointercancel", end, true)
    })
  }

  #checkField(key: string, form: HTMLFormElement, check: NonNullable<FormContent<T>["check"]>) {
    if (this.editing === undefined || !form.isConnected) return
    const problem = check(form)[key]
    if (problem === this.fieldErrors[key] || (problem === undefined && key === this.#refused)) return
    const { [key]: _, ...others } = this.fieldErrors
    this.fieldErrors = problem === undefined ? others : { ...others, [key]: problem }
    this.#host.requestUpdate()
  }

  /** A field's error goes as soon as the field changes (typing, or a box (un)checked); a search is no change. */
  #clearOnChange(event: Event) {
    const target = event.target
    const key = this.#keyOf(target)
    if (key === undefined || (target as HTMLInputElement).type === "search" || this.fieldErrors[key] === undefined)
      return
    const { [key]: _, ...others } = this.fieldErrors
    this.fieldErrors = others
    if (key === this.#refused) this.#refused = undefined
    this.#host.requestUpdate()
  }

  /** Shows every problem the form's check finds at once, focusing the first field that has one. */
  #showProblems(problems: Readonly<Record<string, string>>) {
    this.fieldErrors = problems
    this.#refused = undefined
    this.alert = ""
    this.#host.requestUpdate()
    void this.#host.updateComplete.then(() => {
      const first = this.#dialog()?.querySelector<HTMLElement>("[aria-invalid=true]")
      const focus = first instanceof HTMLInputElement ? first : first?.querySelector<HTMLElement>("input")
      focus?.focus()
    })
  }

  async #save(event: SubmitEvent, content: FormContent<T>) {
    event.preventDefault()
    const client = this.#list.client()
    const record = this.editing?.record
    if (client === undefined || this.saving) return
    const problems = content.check?.(event.target as HTMLFormElement) ?? {}
    if (Object.keys(problems).length > 0) {
      this.#showProblems(problems)
      return
    }
    this.saving = true
    this.#host.requestUpdate()
    try {
      await content.write(client, event.target as HTMLFormElement, record)
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
      this.#refused = undefined
      this.alert = refusalText(error)
    } else {
      this.fieldErrors = { [place.key]: refusalText(error) }
      this.#refused = place.key
      this.alert = ""
      const focus = place.focus
      if (focus !== undefined)
        void this.#host.updateComplete.then(() => root.querySelector<HTMLElement>(focus)?.focus())
    }
    this.#host.requestUpdate()
  }
}
