import type { LitElement, ReactiveController } from "lit"
import type { ListQuery, Page, UserManagerClient } from "../Client.js"
import { debounce, restoreFocus } from "./keys.js"
import { refusalOf } from "./refusals.js"

/** How many rows a tab shows at a time, until the reader chooses another of `PAGE_SIZES`. */
export const PAGE_SIZE = 50

/**
 * Tells the tab's element (not bubbling: `<user-manager>` listens on its tabs) how many records its whole list holds,
 * each time a page of it without a search is read.
 */
export class TotalEvent extends Event {
  static readonly type = "um-total"
  constructor(
    readonly total: number,
    /** False when the server stopped counting: there are more than `total`. */
    readonly exact: boolean
  ) {
    super(TotalEvent.type)
  }
}

/** The page sizes a reader can choose. */
export const PAGE_SIZES: ReadonlyArray<number> = [25, 50, 100, 200]

/** A list's filters: each keeps only some items (left out: no filter). */
export type Filters = Readonly<Record<string, string | boolean | undefined>>

/** A page read for a list, and a way to keep what was read beside it, called only if that answer is still the latest. */
export interface Listing<T> {
  readonly page: Page<T>
  readonly keep?: () => void
}

/** What a tab tells its list: where the client is, how to read a page, how a row is named, and the first sort. */
export interface ListOptions<T, S extends string> {
  readonly client: () => UserManagerClient | undefined
  /** Reads a page: the list query, and the filters set (only those set). */
  readonly read: (client: UserManagerClient, query: Required<ListQuery<S>>, filters: Filters) => Promise<Listing<T>>
  readonly key: (item: T) => string
  readonly sort: S
}

/** Whether two sets of filters keep the same items (a filter left out is one set to undefined). */
const sameFilters = (a: Filters, b: Filters) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((key) => a[key] === b[key])

/**
 * The state of a tab's server-side list: the page shown, its search, sort and window, whether it is loading and why it
 * failed, the row that holds the keyboard focus, and where the focus goes back when a menu or dialog closes. Only the
 * answer to the latest request is shown (a slow answer to an earlier search never replaces a newer one).
 */
export class ListController<T, S extends string> implements ReactiveController {
  page: Page<T> = { items: [], total: 0 }
  search = ""
  sort: S
  order: "asc" | "desc" = "asc"
  offset = 0
  /** How many rows a page holds. */
  limit = PAGE_SIZE
  /** The filters set; a filter left out (or undefined) keeps every item. */
  filters: Filters = {}
  loading = false
  /** How many reads have ended (shown or failed): a change's feedback waits for the read that follows it. */
  loads = 0
  alert = ""
  /** The row that Tab reaches in the table (the others are reached with the arrow keys). */
  active = 0
  /** The row or control the focus goes back to when a menu or dialog closes. */
  returnFocus: HTMLElement | undefined

  readonly #host: LitElement
  readonly #options: ListOptions<T, S>
  #request = 0
  #client: UserManagerClient | undefined
  /** Settles when the first read ends (shown or failed). */
  readonly #firstRead: Promise<void>
  #firstReadEnded: () => void = () => undefined
  #searchLater = debounce(() => this.load(), 250)

  constructor(host: LitElement, options: ListOptions<T, S>) {
    this.#host = host
    this.#options = options
    this.sort = options.sort
    this.#firstRead = new Promise((resolve) => {
      this.#firstReadEnded = resolve
    })
    host.addController(this)
  }

  /**
   * Starts the first read if the tab has a client, and settles once that read has ended or `ms` have passed (at once
   * without a client): a tab that waits for it before its first render shows its first page with its rows, not
   * placeholder rows first, whose layout and paint would come before the rows; an answer slower than `ms` still gets
   * the placeholders.
   */
  firstRead(ms: number): Promise<void> {
    this.hostUpdate()
    if (this.#client === undefined) return Promise.resolve()
    return Promise.race([this.#firstRead, new Promise<void>((resolve) => setTimeout(resolve, ms))])
  }

  /** The client the tab was given, if any. */
  client(): UserManagerClient | undefined {
    return this.#options.client()
  }

  /** The name of a listed item (a username, a group name). */
  keyOf(item: T): string {
    return this.#options.key(item)
  }

  /** The listed item named `key`, if the page shows it. */
  find(key: string | undefined): T | undefined {
    return key === undefined ? undefined : this.page.items.find((item) => this.#options.key(item) === key)
  }

  hostUpdate(): void {
    // A new client (the first, or another back end) shows its page at once; without one (nobody is signed in any more)
    // the tab shows no records, and keeps its search, sort and page for when a client comes back.
    const client = this.client()
    if (client === this.#client) return
    this.#client = client
    if (client !== undefined) void this.load()
    else {
      this.#request++
      this.page = { items: [], total: 0 }
      this.loading = false
    }
  }

  /** Reads the current page (again). */
  async load(): Promise<void> {
    const client = this.client()
    if (client === undefined) return
    const request = ++this.#request
    this.loading = true
    this.#host.requestUpdate()
    const { search, sort, order, offset, limit } = this
    const filters = Object.fromEntries(Object.entries(this.filters).filter(([, value]) => value !== undefined))
    try {
      const { page, keep } = await this.#options.read(client, { search, sort, order, limit, offset }, filters)
      if (request !== this.#request) return
      this.page = page
      keep?.()
      // The whole list's size, for the tab's label (`TotalEvent`): a search's is not.
      if (search.trim() === "") this.#host.dispatchEvent(new TotalEvent(page.total, page.totalExact !== false))
      this.active = Math.min(this.active, Math.max(0, page.items.length - 1))
      this.alert = ""
    } catch (error) {
      if (request === this.#request) this.alert = refusalOf(error)
    } finally {
      if (request === this.#request) {
        this.loading = false
        this.loads++
        this.#firstReadEnded()
      }
      this.#host.requestUpdate()
    }
  }

  /** Searches for `text` from the first page, once typing pauses. */
  searchFor(text: string): void {
    this.search = text
    this.offset = 0
    this.#host.requestUpdate()
    this.#searchLater()
  }

  /** Sorts by `sort` from the first page: ascending, or the other way when it is already the sort. */
  sortBy(sort: S): void {
    this.order = this.sort === sort && this.order === "asc" ? "desc" : "asc"
    this.sort = sort
    this.offset = 0
    void this.load()
  }

  /** Shows the page that starts at `offset`. */
  goTo(offset: number): void {
    this.offset = Math.max(0, offset)
    this.active = 0
    void this.load()
  }

  /** Whether the page's total is exact (a total the server stopped counting is only a lower bound). */
  exact(): boolean {
    return this.page.totalExact !== false
  }

  /** The page shown, from 1. */
  pageNumber(): number {
    return Math.floor(this.offset / this.limit) + 1
  }

  /** How many pages the list has, when its total is exact (at least one). */
  pageCount(): number | undefined {
    return this.exact() ? Math.max(1, Math.ceil(this.page.total / this.limit)) : undefined
  }

  /** Shows page `number` (from 1), kept within the pages there are when the total is exact. */
  goToPage(number: number): void {
    const last = this.pageCount() ?? Number.POSITIVE_INFINITY
    const page = Math.min(Math.max(1, Math.floor(number)), last)
    this.goTo((page - 1) * this.limit)
  }

  /** Shows `limit` rows a page, from the page that holds the first row shown now. */
  setLimit(limit: number): void {
    if (limit === this.limit) return
    this.offset = Math.floor(this.offset / limit) * limit
    this.limit = limit
    this.active = 0
    void this.load()
  }

  /**
   * Puts the list where `state` says (an address read back, a Back or Forward): its search, sort, filters and window,
   * read at once if the list has shown a page already (else its first read uses them).
   */
  restore(state: {
    readonly search: string
    readonly sort: S
    readonly order: "asc" | "desc"
    readonly offset: number
    readonly limit: number
    readonly filters: Filters
  }): void {
    const same =
      state.search === this.search &&
      state.sort === this.sort &&
      state.order === this.order &&
      state.offset === this.offset &&
      state.limit === this.limit &&
      sameFilters(state.filters, this.filters)
    if (same) return
    Object.assign(this, state)
    this.active = 0
    if (this.#client !== undefined) void this.load()
  }

  /** Sets filters (merged with those set; undefined clears one) and shows the first page. */
  filterBy(filters: Filters): void {
    this.filters = { ...this.filters, ...filters }
    this.offset = 0
    this.active = 0
    void this.load()
  }

  /** The list table's body rows, in order (not those of a table in a dialog). */
  rows(): Array<HTMLElement> {
    return [...this.#host.renderRoot.querySelectorAll<HTMLElement>('table[part="table"] > tbody > tr')]
  }

  /** The roving tabindex of body row `index`: only the active row is reached with Tab. */
  tabIndexOf(index: number): number {
    return index === this.active ? 0 : -1
  }

  /** The ARIA row index of body row `index` in the whole list (the header is row 1). */
  rowIndexOf(index: number): number {
    return this.offset + index + 2
  }

  /** Makes row `index` the one Tab reaches (as it takes the focus). */
  setActive(index: number): void {
    if (this.active === index) return
    this.active = index
    this.#host.requestUpdate()
  }

  /** Moves the keyboard focus to row `index` (the roving tabindex follows it). */
  focusRow(index: number): void {
    this.setActive(index)
    this.rows()[index]?.focus()
  }

  /** Puts the focus back where it was before a dialog opened (else on the active row), unless it has moved on. */
  restoreFocus(): void {
    restoreFocus(this.#host.renderRoot as ShadowRoot, this.returnFocus, () => this.rows()[this.active])
  }
}
