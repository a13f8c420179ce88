import { msg } from "@lit/localize"
import { html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { ClientError, UserManagerClient } from "../Client.js"
import { asClientError } from "./errors.js"
import type { FormDialog } from "./form-dialog.js"
import { trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { refusalView } from "./refusals.js"
import type { RowMenu } from "./row-menu.js"

/** What the confirmation says of the record it would delete, and how it deletes it. */
export interface ConfirmContent<T> {
  readonly title: string
  readonly text: string
  /** The confirming button's word (by default "Delete"; "Revoke" for a token). */
  readonly action?: string
  /** How a refusal is shown (by default, its message). */
  readonly refusal?: (error: ClientError) => TemplateResult
  /** Deletes the record through the client; the dialog then closes and the list is read again. */
  readonly remove: (client: UserManagerClient, record: T) => Promise<void>
  /**
   * Asks the client whether the delete would be refused (a dry run) as the dialog opens: the rules that need the
   * directory (would users be left without a group, the last administrator) are the core's to decide, before the
   * reader confirms anything. A refusal is shown in place of the Delete button.
   */
  readonly check?: (client: UserManagerClient, record: T) => Promise<void>
}

/**
 * The delete confirmation of a tab (a modal WAI-ARIA alertdialog, Cancel focused first): asked from a row's menu, its
 * Delete key or the form dialog, it deletes only when Delete is pressed, shows a refusal in its own words, and puts the
 * focus back on the row it came from when it closes.
 */
export class ConfirmDialog<T, S extends string> implements ReactiveController {
  /** The record it asks about: undefined when closed. */
  target: T | undefined
  error: ClientError | undefined
  /** Whether the dry run is still out; `refused`: it said the delete would be refused (Delete is then not offered). */
  #check: "none" | "checking" | "allowed" | "refused" = "none"
  /** The question of the last render, whose `check` runs as the dialog opens. */
  #content: ((record: T) => ConfirmContent<T>) | undefined
  #opening = false
  readonly #host: LitElement
  readonly #list: ListController<T, S>
  readonly #menu: RowMenu<T, S>
  readonly #form: FormDialog<T, S>

  constructor(host: LitElement, list: ListController<T, S>, menu: RowMenu<T, S>, form: FormDialog<T, S>) {
    this.#host = host
    this.#list = list
    this.#menu = menu
    this.#form = form
    host.addController(this)
  }

  #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector<HTMLDialogElement>("#delete-dialog")
  }

  hostUpdated(): void {
    if (!this.#opening) return
    this.#opening = false
    const dialog = this.#dialog()
    if (this.target !== undefined && dialog?.open === false) {
      dialog.showModal()
      void this.#dryRun(this.target)
    }
  }

  async #dryRun(record: T) {
    const check = this.#content?.(record).check
    const client = this.#list.client()
    if (check === undefined || client === undefined) return
    this.#check = "checking"
    this.#host.requestUpdate()
    try {
      await check(client, record)
      if (this.target === record) this.#check = "allowed"
    } catch (error) {
      if (this.target !== record) return
      this.#check = "refused"
      this.error = asClientError(error)
    }
    this.#host.requestUpdate()
  }

  /** Asks whether to delete `record`, closing the menu or the form dialog it was asked from. */
  ask(record: T): void {
    if (this.#menu.isOpen) this.#menu.close()
    else if (this.#form.editing === undefined) this.#list.returnFocus = this.#list.rows()[this.#list.active]
    this.#form.close()
    this.error = undefined
    this.#check = "none"
    this.target = record
    this.#opening = true
    this.#host.requestUpdate()
  }

  /** The dialog; its question while it is open. */
  render(content: ((record: T) => ConfirmContent<T>) | undefined): TemplateResult {
    this.#content = content
    const record = this.target
    const shown = record === undefined ? undefined : content?.(record)
    const error = this.error
    return html`<dialog
      id="delete-dialog"
      part="dialog"
      @keydown=${trapFocus}
      role="alertdialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-text"
      @close=${() => {
        this.target = undefined
        this.#host.requestUpdate()
        this.#list.restoreFocus()
      }}
    >
      ${
        record === undefined || shown === undefined
          ? nothing
          : html`<h2 id="delete-title">${shown.title}</h2>
            <p id="delete-text">${shown.text}</p>
            ${
              error === undefined
                ? nothing
                : (shown.refusal?.(error) ?? html`<p class="alert" role="alert">${refusalView(error)}</p>`)
            }
            ${this.#check === "checking" ? html`<p class="hint" role="status">${msg("Checking whether it can be deleted…")}</p>` : nothing}
            <div class="actions">
              <button part="button" autofocus @click=${() => this.#dialog()?.close()}>
                ${this.#check === "refused" ? msg("Close") : msg("Cancel")}
              </button>
              ${
                this.#check === "refused"
                  ? nothing
                  : html`<button
                      class="danger"
                      part="button"
                      ?disabled=${this.#check === "checking"}
                      @click=${() => this.#confirm(record, shown.remove)}
                    >${shown.action ?? msg("Delete")}</button>`
              }
            </div>`
      }
    </dialog>`
  }

  async #confirm(record: T, remove: ConfirmContent<T>["remove"]) {
    const client = this.#list.client()
    if (client === undefined) return
    try {
      await remove(client, record)
      this.#list.returnFocus = undefined
      this.#dialog()?.close()
      await this.#list.load()
    } catch (error) {
      this.error = asClientError(error)
      this.#host.requestUpdate()
    }
  }
}
