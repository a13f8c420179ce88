import { msg, str } from "@lit/localize"
import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { ListController } from "./list-controller.js"
import { refusalOf } from "./refusals.js"
import { Toasts, toastStyles } from "./toast.js"

/** How long a changed row stays highlighted, in ms. */
export const HIGHLIGHT_MS = 2_500

/** What a tab tells after a change it made. */
export interface Change {
  /** The toast's sentence ("Disabled bob."). */
  readonly message: string
  /** The record changed or created: once the list is read again its row is scrolled to and highlighted. */
  readonly key?: string | undefined
  /** A new record: when its row is not on the page shown, the toast says so and offers Show (a search for it). */
  readonly created?: boolean
  /**
   * The change's inverse, when it can be undone (the toast offers Undo), the sentence once it is undone, and the
   * record's key then (a rename undone names it as before).
   */
  readonly undo?: { readonly run: () => Promise<unknown>; readonly done: string; readonly key?: string } | undefined
}

/** A refusal shown by the row it concerns. */
interface Note {
  readonly key: string
  readonly message: string
  /** Whether the row and its note still have to be scrolled into view. */
  reveal: boolean
}

let noteIds = 0

/** The look of a tab's feedback: the toasts, the highlighted row, and a refusal shown under its row. */
export const feedbackStyles = [
  toastStyles,
  css`
    :host {
      position: relative;
    }
    tbody tr[data-highlight] > td {
      animation: um-highlight ${HIGHLIGHT_MS}ms ease-out;
    }
    @keyframes um-highlight {
      from,
      40% {
        background: color-mix(in srgb, var(--_accent) 22%, var(--_bg));
      }
      to {
        background: transparent;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      tbody tr[data-highlight] > td {
        animation: none;
        background: color-mix(in srgb, var(--_accent) 22%, var(--_bg));
      }
    }
    tbody tr[data-refused] > td {
      box-shadow: inset 0 -2px 0 var(--_danger);
    }
    .row-note {
      position: absolute;
      z-index: 5;
      display: flex;
      gap: 0.6em;
      align-items: center;
      margin: 0;
      padding: 0.4em 0.5em 0.4em 0.8em;
      color: var(--_danger);
      background: var(--_bg);
      border: 1px solid var(--_danger);
      border-radius: var(--_radius);
      box-shadow: 0 4px 12px rgb(0 0 0 / 20%);
      box-sizing: border-box;
    }
    .row-note button {
      border-color: transparent;
      padding: 0.1em 0.45em;
      margin-inline-start: auto;
    }
  `
]

/**
 * What a tab shows after a change, so that it is seen where it happened: a toast (with Undo when the change can be
 * undone), the changed or created row scrolled to and highlighted once the list is read again (or, for a new record on
 * another page, a Show that searches for it), and a refusal written under the row it concerns, scrolled into view and
 * announced, instead of at the top of a scrolled page. The rules stay the back end's: it only places their words.
 */
export class Feedback<T, S extends string> implements ReactiveController {
  readonly toasts: Toasts
  /** A change whose toast and highlight wait for the list to be read again (`loads` was this when it was told). */
  #pending: { readonly change: Change; readonly loads: number } | undefined
  #highlight: { key: string; reveal: boolean; timer: ReturnType<typeof setTimeout> | undefined } | undefined
  #note: Note | undefined
  /** The list's refusal last seen (a failed read of a page), scrolled into view when it changes. */
  #alert = ""
  readonly #noteId = `row-note-${++noteIds}`
  readonly #host: LitElement
  readonly #list: ListController<T, S>

  constructor(host: LitElement, list: ListController<T, S>) {
    this.#host = host
    this.#list = list
    this.toasts = new Toasts(host, () => list.rows()[list.active])
    host.addController(this)
  }

  hostDisconnected(): void {
    clearTimeout(this.#highlight?.timer)
    this.#highlight = undefined
  }

  /**
   * Tells of a change the tab has just made (the list is about to be read again): its toast and highlight come once
   * the list shows the result; a refusal shown earlier goes.
   */
  changed(change: Change): void {
    this.#note = undefined
    if (change.key === undefined) this.#toast(change)
    else this.#pending = { change, loads: this.#list.loads }
    this.#host.requestUpdate()
  }

  /**
   * Shows why a change to the row `key` was refused, under that row (and scrolled into view), until it is dismissed or
   * another row becomes the active one.
   */
  refused(key: string, error: unknown): void {
    this.#note = { key, message: refusalOf(error), reveal: true }
    // Its row becomes the one Tab reaches (it may have been acted on from elsewhere than its own focus).
    const index = this.#list.page.items.findIndex((item) => this.#list.keyOf(item) === key)
    if (index >= 0) this.#list.setActive(index)
    this.#host.requestUpdate()
  }

  hostUpdate(): void {
    // Decided before the tab renders, so that the toast and the active row come in this update, not another.
    const pending = this.#pending
    if (pending !== undefined && !this.#list.loading && this.#list.loads > pending.loads) {
      this.#pending = undefined
      this.#toast(pending.change)
    }
    // A refusal stays while its row does and has the keyboard's row: moving on to another row takes it away.
    const note = this.#note
    const active = this.#list.page.items[this.#list.active]
    if (
      note !== undefined &&
      !this.#list.loading &&
      (this.#list.find(note.key) === undefined || (active !== undefined && this.#list.keyOf(active) !== note.key))
    ) {
      this.#note = undefined
    }
  }

  hostUpdated(): void {
    this.#mark()
    if (this.#list.alert !== this.#alert) {
      this.#alert = this.#list.alert
      // Above the table: a page asked for from the pager, at the bottom, must not fail out of sight.
      if (this.#alert !== "")
        this.#host.renderRoot.querySelector(".toolbar + .alert")?.scrollIntoView({ block: "nearest" })
    }
  }

  /** The toast of a change whose result the list now shows, and its row's highlight. */
  #toast(change: Change) {
    const key = change.key
    const listed = key !== undefined && this.#list.find(key) !== undefined
    if (key !== undefined && listed) this.#highlightRow(key)
    const undo = change.undo
    if (key !== undefined && change.created === true && !listed) {
      this.toasts.show({
        message: msg(str`${change.message} It is not on this page.`),
        action: { label: msg("Show"), run: () => this.#showRecord(key) }
      })
      return
    }
    this.toasts.show({
      message: change.message,
      action:
        undo === undefined
          ? undefined
          : {
              label: msg("Undo"),
              run: async () => {
                try {
                  await undo.run()
                  this.changed({ message: undo.done, key: undo.key ?? key })
                } catch (error) {
                  this.toasts.show({ message: refusalOf(error), tone: "error" })
                }
                await this.#list.load()
              }
            }
    })
  }

  /** Shows the record `key` on another page: searches for it from the first page, then highlights its row. */
  async #showRecord(key: string) {
    const list = this.#list
    list.search = key
    list.offset = 0
    list.active = 0
    await list.load()
    if (list.find(key) !== undefined) this.#highlightRow(key)
    this.#host.requestUpdate()
  }

  #highlightRow(key: string) {
    clearTimeout(this.#highlight?.timer)
    const index = this.#list.page.items.findIndex((item) => this.#list.keyOf(item) === key)
    if (index >= 0) this.#list.setActive(index)
    const highlight = {
      key,
      reveal: true,
      timer: setTimeout(() => {
        if (this.#highlight === highlight) this.#highlight = undefined
        this.#host.requestUpdate()
      }, HIGHLIGHT_MS)
    }
    this.#highlight = highlight
    this.#host.requestUpdate()
  }

  /** Marks the highlighted and the refused rows (by key: a list read again may move them), and places the note. */
  #mark() {
    const list = this.#list
    const rows = list.rows()
    const keys = list.page.items.map((item) => list.keyOf(item))
    const highlight = this.#highlight
    const note = this.#note
    rows.forEach((row, index) => {
      const key = keys[index]
      row.toggleAttribute("data-highlight", key !== undefined && key === highlight?.key)
      const refused = key !== undefined && key === note?.key
      row.toggleAttribute("data-refused", refused)
      if (refused) row.setAttribute("aria-describedby", this.#noteId)
      else if (row.getAttribute("aria-describedby") === this.#noteId) row.removeAttribute("aria-describedby")
    })
    if (highlight?.reveal === true) {
      highlight.reveal = false
      rows[keys.indexOf(highlight.key)]?.scrollIntoView({ block: "nearest" })
    }
    const element = this.#host.renderRoot.querySelector<HTMLElement>(`#${this.#noteId}`)
    const row = note === undefined ? undefined : rows[keys.indexOf(note.key)]
    if (element === null || row === undefined || note === undefined) return
    const host = this.#host.getBoundingClientRect()
    const box = row.getBoundingClientRect()
    element.style.top = `${box.bottom - host.top}px`
    element.style.left = `${Math.max(0, box.left - host.left)}px`
    element.style.width = `${Math.min(box.width, host.width)}px`
    if (note.reveal) {
      note.reveal = false
      row.scrollIntoView({ block: "nearest" })
      element.scrollIntoView({ block: "nearest" })
    }
  }

  /** The refusal under its row (while there is one) and the toasts' live region. */
  render(): TemplateResult {
    const note = this.#note
    return html`${
      note === undefined
        ? nothing
        : html`<p class="row-note" role="alert" id=${this.#noteId}>
            <span dir="auto">${note.message}</span>
            <button
              type="button"
              part="button"
              aria-label=${msg(str`Dismiss: ${note.message}`)}
              title=${msg("Dismiss")}
              @click=${() => {
                this.#note = undefined
                this.#host.requestUpdate()
                this.#list.rows()[this.#list.active]?.focus()
              }}
            >
              ✕
            </button>
          </p>`
    }${this.toasts.render()}`
  }
}
