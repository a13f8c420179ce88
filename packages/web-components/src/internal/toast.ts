import { msg, str } from "@lit/localize"
import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"

/** How long a toast stays, in ms, while the pointer and the focus are elsewhere (long enough to reach its Undo). */
export const TOAST_MS = 10_000

/** How many toasts are shown at once: a newer one pushes the oldest out. */
export const TOASTS_SHOWN = 3

/** A button of a toast (Undo, Show): pressing it runs `run` and dismisses the toast. */
export interface ToastAction {
  readonly label: string
  readonly run: () => void | Promise<void>
}

/** What a toast says, and what it offers. */
export interface ToastContent {
  readonly message: string
  /** `error`: something refused (an Undo the back end refused); the toast then reads as an error. */
  readonly tone?: "done" | "error"
  readonly action?: ToastAction | undefined
}

interface Toast extends ToastContent {
  readonly id: number
  /** The time left before it goes, counted only while the region is neither hovered nor focused. */
  left: number
  started: number
  timer: ReturnType<typeof setTimeout> | undefined
}

let toastIds = 0

/** The look of the toasts: a stack at the bottom start of the viewport, in the element's colours (light and dark). */
export const toastStyles = css`
  .toasts {
    position: fixed;
    inset-block-end: 1em;
    /* At the start side: the pager's Previous and Next sit at the end side of the last row of the page. */
    inset-inline-start: 1em;
    z-index: 20;
    display: grid;
    gap: 0.5em;
    justify-items: start;
    max-width: min(28em, calc(100vw - 2em));
    pointer-events: none;
  }
  .toast {
    pointer-events: auto;
    display: flex;
    gap: 0.6em;
    align-items: center;
    padding: 0.5em 0.6em 0.5em 0.9em;
    color: var(--_bg);
    background: var(--_fg);
    border-radius: var(--_radius);
    box-shadow: 0 4px 16px rgb(0 0 0 / 30%);
  }
  .toast.error {
    background: var(--_danger);
  }
  .toast button {
    color: inherit;
    background: transparent;
    border-color: currentColor;
    padding: 0.2em 0.7em;
  }
  .toast button.dismiss {
    border-color: transparent;
    padding: 0.2em 0.45em;
  }
  .toast :focus-visible {
    outline-color: var(--_bg);
  }
`

/**
 * The toasts of a tab: one sentence after each change, in a polite live region (`role="status"`) that is always in the
 * page so that screen readers announce what is added to it. A toast stays `TOAST_MS` (the clock stops while the pointer
 * is over the toasts or the focus is in them), can be dismissed, and may offer one action (Undo, Show); they stack,
 * newest last, at most `TOASTS_SHOWN`. Its buttons follow the tab's controls in the Tab order.
 */
export class Toasts implements ReactiveController {
  #toasts: ReadonlyArray<Toast> = []
  #held = false
  readonly #host: LitElement
  readonly #home: () => HTMLElement | undefined

  /** `home` is where the focus goes when the toast holding it goes (the tab's active row). */
  constructor(host: LitElement, home: () => HTMLElement | undefined) {
    this.#host = host
    this.#home = home
    host.addController(this)
  }

  hostDisconnected(): void {
    for (const toast of this.#toasts) clearTimeout(toast.timer)
    this.#toasts = []
  }

  /** The toasts shown now, as their sentences (oldest first). */
  get messages(): ReadonlyArray<string> {
    return this.#toasts.map((toast) => toast.message)
  }

  /** Shows a toast (pushing out the oldest beyond `TOASTS_SHOWN`). */
  show(content: ToastContent): void {
    const toast: Toast = { ...content, id: ++toastIds, left: TOAST_MS, started: Date.now(), timer: undefined }
    const kept = [...this.#toasts, toast]
    for (const old of kept.slice(0, Math.max(0, kept.length - TOASTS_SHOWN))) clearTimeout(old.timer)
    this.#toasts = kept.slice(-TOASTS_SHOWN)
    if (!this.#held) this.#start(toast)
    this.#host.requestUpdate()
  }

  /** Takes the toast `id` away; the focus it held goes back to the tab (its active row). */
  dismiss(id: number): void {
    const toast = this.#toasts.find((shown) => shown.id === id)
    if (toast === undefined) return
    clearTimeout(toast.timer)
    const focused = this.#focused()
    const hadFocus =
      focused !== null && this.#host.renderRoot.querySelector(`[data-toast="${id}"]`)?.contains(focused) === true
    this.#toasts = this.#toasts.filter((shown) => shown !== toast)
    this.#host.requestUpdate()
    if (hadFocus) {
      this.#home()?.focus()
      this.#hold(false)
    }
  }

  #start(toast: Toast) {
    toast.started = Date.now()
    toast.timer = setTimeout(() => this.dismiss(toast.id), toast.left)
  }

  /** Stops every toast's clock (the pointer is over them, or the focus in them), or starts them again. */
  #hold(held: boolean) {
    if (held === this.#held) return
    this.#held = held
    for (const toast of this.#toasts) {
      if (held) {
        clearTimeout(toast.timer)
        toast.left = Math.max(0, toast.left - (Date.now() - toast.started))
      } else {
        // Whoever just read it gets a moment more before it goes.
        toast.left = Math.max(toast.left, 3_000)
        this.#start(toast)
      }
    }
  }

  async #act(toast: Toast, action: ToastAction) {
    this.dismiss(toast.id)
    await action.run()
  }

  /** The live region and its toasts (the region is there, empty, before the first toast). */
  render(): TemplateResult {
    const region = (event: Event) => event.currentTarget as HTMLElement
    return html`<div
      class="toasts"
      role="status"
      aria-live="polite"
      aria-atomic="false"
      @mouseenter=${() => this.#hold(true)}
      @mouseleave=${(event: MouseEvent) => this.#hold(region(event).contains(this.#focused()))}
      @focusin=${() => this.#hold(true)}
      @focusout=${(event: FocusEvent) => {
        const to = event.relatedTarget as Node | null
        if (to === null || !region(event).contains(to)) this.#hold(region(event).matches(":hover"))
      }}
    >
      ${this.#toasts.map(
        (toast) => html`<div class="toast ${toast.tone ?? "done"}" data-toast=${toast.id}>
          <span dir="auto">${toast.message}</span>
          ${
            toast.action === undefined
              ? nothing
              : html`<button type="button" part="button" @click=${() => this.#act(toast, toast.action as ToastAction)}>
                  ${toast.action.label}
                </button>`
          }
          <button
            type="button"
            part="button"
            class="dismiss"
            aria-label=${msg(str`Dismiss: ${toast.message}`)}
            title=${msg("Dismiss")}
            @click=${() => this.dismiss(toast.id)}
          >
            ✕
          </button>
        </div>`
      )}
    </div>`
  }

  #focused(): Node | null {
    const root = this.#host.renderRoot
    return root instanceof ShadowRoot ? root.activeElement : null
  }
}
