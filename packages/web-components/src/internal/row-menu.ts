import { msg } from "@lit/localize"
import { html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import type { RecordRefusal } from "../Client.js"
import { keepOwnMenu, nextIndex } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { recordRefusalText, recordRefusalView } from "./refusals.js"

/** One entry of a row's context menu. */
export interface MenuItem {
  readonly label: string
  readonly run: () => void
  /**
   * Why the item cannot be chosen (the core's refusal, worded in the element's language): it stays focusable, greyed
   * out, and says why.
   */
  readonly disabled?: RecordRefusal | undefined
}

let menuIds = 0

/**
 * Where the menu is open: for the row named `key` (a list read again may move the rows under it), at `x`, `y`; right to
 * left (`rtl`), `x` is where its right edge goes until it is placed (then its left edge, as always).
 */
interface OpenMenu {
  readonly key: string
  readonly x: number
  readonly y: number
  readonly rtl?: boolean
}

/**
 * A row's context menu (WAI-ARIA menu): opened by the pointer where it is, by the ContextMenu key or Shift+F10 below
 * the focused row, or by the row's "⋯" button (`renderButton`) below that button; arrow keys, Home and End move in it,
 * Enter and Space choose, Escape and Tab close it and give the focus back to the row (or the button). It stays on its
 * row as the list is read again, and closes when that row is no longer listed. Every tab's rows use this one menu and
 * this one button, so that they open, move, stay in the window and grey out refused items alike.
 */
export class RowMenu<T, S extends string> implements ReactiveController {
  #open: OpenMenu | undefined
  #focusFirst = false
  /** Whether the menu was open on a row as the pointer went down on its "⋯" button (the press itself closes it). */
  #wasOpen = false
  /** Prefixes the ids of the disabled items' reasons. */
  readonly #id = `row-menu-${++menuIds}`
  readonly #host: LitElement
  readonly #list: ListController<T, S>

  constructor(host: LitElement, list: ListController<T, S>) {
    this.#host = host
    this.#list = list
    host.addController(this)
  }

  /** Whether the menu is open. */
  get isOpen(): boolean {
    return this.#open !== undefined
  }

  /** Whether the menu is open on the row named `key`. */
  isOpenFor(key: string): boolean {
    return this.#open?.key === key
  }

  /** The item whose menu is open, if any. */
  get target(): T | undefined {
    return this.#list.find(this.#open?.key)
  }

  hostUpdate(): void {
    if (this.#open !== undefined && this.target === undefined) this.#open = undefined
  }

  hostUpdated(): void {
    if (!this.#focusFirst) return
    this.#focusFirst = false
    const menu = this.#host.renderRoot.querySelector<HTMLElement>(`ul[data-menu="${this.#id}"]`)
    if (menu !== null && this.#open !== undefined) this.#keepInView(menu, this.#open)
    menu?.querySelector<HTMLElement>("[role=menuitem]")?.focus()
  }

  /**
   * Places the menu and keeps it inside the window: it opens towards the end of the line from the pointer (rightwards,
   * or leftwards right to left), towards the start when the window has no room for it there, and above the pointer
   * when too tall for the space below (a row near a bottom corner).
   */
  #keepInView(menu: HTMLElement, open: OpenMenu) {
    const { width, height } = menu.getBoundingClientRect()
    const margin = 4
    const inside = (x: number) => Math.max(margin, Math.min(x, window.innerWidth - width - margin))
    const x =
      open.rtl === true
        ? open.x - width >= margin
          ? open.x - width
          : inside(open.x)
        : open.x + width + margin > window.innerWidth
          ? Math.max(margin, open.x - width)
          : open.x
    const y = open.y + height + margin > window.innerHeight ? Math.max(margin, open.y - height) : open.y
    if (x === open.x && y === open.y && open.rtl !== true) return
    this.#open = { key: open.key, x, y }
    menu.style.left = `${x}px`
    menu.style.top = `${y}px`
  }

  /** The menu of the row under the pointer: its item is the one the row shows now, whatever the list does next. */
  openAtPointer(event: MouseEvent, row: HTMLElement, key: string, index: number): void {
    event.preventDefault()
    // A keyboard-opened menu is already open; the browser's own contextmenu that follows must not move it.
    if (this.#open?.key === key) return
    this.#list.active = index
    this.#list.returnFocus = row
    this.#show({ key, x: event.clientX, y: event.clientY, rtl: this.#rtl() })
  }

  /** The menu of the focused row (the ContextMenu key, Shift+F10), below it. */
  openBelow(row: HTMLElement, key: string): void {
    const box = row.getBoundingClientRect()
    this.#list.returnFocus = row
    const rtl = this.#rtl()
    this.#show({ key, x: rtl ? box.right - 16 : box.left + 16, y: box.bottom, rtl })
  }

  /** Whether the host's lines run right to left (`dir="rtl"` on it, an ancestor or the page). */
  #rtl(): boolean {
    return getComputedStyle(this.#host).direction === "rtl"
  }

  /**
   * A row's "⋯" button, in a cell of its own (after the row's columns, under `renderHeaderCell`'s header): reached with
   * Tab from the row (`tabIndex`, the row's), `aria-haspopup="menu"`, `aria-expanded` while the menu is open on its
   * row; a click opens the menu below it, a second click closes it.
   */
  renderButton(key: string, label: string, tabIndex: number): TemplateResult {
    return html`<td class="control more">
      <button
        part="button"
        class="row-actions"
        aria-label=${label}
        aria-haspopup="menu"
        aria-expanded=${this.isOpenFor(key) ? "true" : "false"}
        tabindex=${tabIndex}
        @pointerdown=${() => {
          this.#wasOpen = this.isOpenFor(key)
        }}
        @click=${(event: MouseEvent) => {
          const open = this.#wasOpen || this.isOpenFor(key)
          this.#wasOpen = false
          if (open) this.close(true)
          else this.openBelow(event.currentTarget as HTMLElement, key)
        }}
      >
        ⋯
      </button>
    </td>`
  }

  /** The header cell over the rows' "⋯" buttons (named for screen readers only). */
  renderHeaderCell(): TemplateResult {
    return html`<th scope="col" class="control"><span class="visually-hidden">${msg("Actions")}</span></th>`
  }

  /** Closes the menu; with `restore`, the focus goes back to its row. */
  close(restore = false): void {
    if (this.#open !== undefined) {
      this.#open = undefined
      this.#host.requestUpdate()
    }
    if (restore) this.#list.returnFocus?.focus()
  }

  #show(open: OpenMenu) {
    this.#open = open
    this.#focusFirst = true
    this.#host.requestUpdate()
  }

  /** The menu, named `label`, with `items`; nothing while it is closed. */
  render(label: string, items: ReadonlyArray<MenuItem>): TemplateResult | typeof nothing {
    const open = this.#open
    if (open === undefined) return nothing
    const activate = (item: MenuItem) => {
      if (item.disabled !== undefined) return
      this.close()
      item.run()
    }
    const id = this.#id
    return html`<ul
      role="menu"
      part="menu"
      data-menu=${this.#id}
      aria-label=${label}
      style=${`left:${open.x}px;top:${open.y}px`}
      @contextmenu=${keepOwnMenu}
      @focusout=${(event: FocusEvent) => {
        const to = event.relatedTarget as Node | null
        if (to === null || !(event.currentTarget as HTMLElement).contains(to)) this.close()
      }}
      @keydown=${(event: KeyboardEvent) => {
        const entries = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[role=menuitem]")]
        const current = entries.indexOf(event.target as HTMLElement)
        const next = nextIndex(event.key, current, entries.length, true)
        if (next !== undefined) {
          event.preventDefault()
          entries[next]?.focus()
        } else if (event.key === "Escape" || event.key === "Tab") {
          event.preventDefault()
          this.close(true)
        } else if (event.key === "Enter" || event.key === " ") {
          event.preventDefault()
          const item = items[current]
          if (item !== undefined) activate(item)
        }
      }}
    >
      ${items.map((item, index) =>
        item.disabled === undefined
          ? html`<li role="menuitem" tabindex="-1" @click=${() => activate(item)}>${item.label}</li>`
          : html`<li
              role="menuitem"
              tabindex="-1"
              aria-disabled="true"
              title=${recordRefusalText(item.disabled)}
              aria-describedby=${`${id}-${index}`}
            >${item.label}</li>`
      )}
    </ul>
    <div hidden>
      ${items.map((item, index) =>
        item.disabled === undefined
          ? nothing
          : html`<span id=${`${id}-${index}`}>${recordRefusalView(item.disabled)}</span>`
      )}
    </div>`
  }
}
