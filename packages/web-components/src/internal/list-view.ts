import { msg, str } from "@lit/localize"
import { html, nothing, type TemplateResult } from "lit"
import { isMenuKey, nextIndex } from "./keys.js"
import { type ListController, PAGE_SIZES } from "./list-controller.js"
import { formatTotal, type NumberFormat } from "./locale.js"
import type { RowMenu } from "./row-menu.js"
import { skeletonRows } from "./skeleton.js"

/** What a list says of its records, in the element's language. */
export interface ListWords {
  /** The search field's placeholder ("Search users"). */
  readonly placeholder: string
  /** The hint of an empty list ("No users match."). */
  readonly empty: string
  /** The pager's status while the first page loads ("Loading users…"). */
  readonly loading: string
  /** The pager's name ("Users pages"). */
  readonly pages: string
  /**
   * How many the list holds (`total` already written, "100,001"; `one`: exactly one), or how many match `search`
   * when there is one: "3 users", "1 user matches “smith”".
   */
  readonly summary: (total: string, one: boolean, search: string) => string
}

/** A column of a list's table: the sort it asks for when its header is pressed, and its header's text. */
export interface Column<S extends string> {
  readonly sort: S
  readonly label: string
}

/** What a tab shows in its list, and what a row does when it is chosen. */
export interface ListViewOptions<T, S extends string> {
  /** The table's name ("Users"), in the element's language. */
  readonly name: string
  /** The list's own sentences, in the element's language (each tab's, since a language's words differ by record). */
  readonly words: ListWords
  /** The search field's accessible name: what it searches. */
  readonly searchLabel: string
  readonly columns: ReadonlyArray<Column<S>>
  /** A body row: a `<tr part="row">` with the list's `tabIndexOf` and `rowIndexOf` the row. */
  readonly row: (item: T, index: number) => TemplateResult
  /** The toolbar's button that makes a new item (by default "Add New"). */
  readonly addLabel?: string
  /** Whether the toolbar offers that button (`false`: the client cannot make one). */
  readonly canAdd?: boolean
  /** Opens the dialog of an item, or of a new one (Add New). */
  readonly open: (item: T | undefined) => void
  /** Asks to delete an item (the Delete key on its row). */
  readonly remove: (item: T) => void
  /** More buttons of the toolbar, before Add New (Import, Export). */
  readonly actions?: TemplateResult | typeof nothing
  /** A header cell before the columns' (the checkbox selecting the page). */
  readonly lead?: TemplateResult | typeof nothing
  /** A header cell after the columns' (over the rows' "⋯" buttons). */
  readonly trail?: TemplateResult | typeof nothing
  /** What shows between the toolbar and the table (the bar of actions on a selection). */
  readonly bar?: TemplateResult | typeof nothing
  /** How counts are written: in the page's language (see `numberFormatOf`). */
  readonly numbers: NumberFormat
  /** The list's filter controls, shown after the search field. */
  readonly filters?: TemplateResult | typeof nothing
}

/** The row a table event concerns: the row element, its index on the page and its item. */
const rowOf = <T, S extends string>(list: ListController<T, S>, event: Event) => {
  const row = (event.target as Element).closest<HTMLTableRowElement>("tbody tr")
  const item = row === null ? undefined : list.page.items[row.sectionRowIndex]
  return row === null || item === undefined ? undefined : { row, index: row.sectionRowIndex, item }
}

/**
 * A tab's list: the toolbar (search, Add New), how many match, the table with its sortable headers (a WAI-ARIA grid's
 * roving focus: arrow keys, Home and End move between rows; Enter or Space opens one, Delete deletes it, the
 * ContextMenu key or Shift+F10 opens its menu), and the pager. The columns' widths are fixed by the tab's styles on
 * `col.col-${sort}`, so that they stay put whatever a page or search shows. The rows' events are handled once, on the
 * table's body. The counts' sentences run in their own words' direction (`dir="auto"`): on a right-to-left page in a
 * left-to-right language they read "5 users", not "users 5".
 */
export const listView = <T, S extends string>(
  list: ListController<T, S>,
  menu: RowMenu<T, S>,
  options: ListViewOptions<T, S>
) => {
  const { items, total } = list.page
  // A total the server stopped counting is a lower bound: "10,000+", and Next stays on while pages come back full.
  const exact = list.exact()
  const first = items.length === 0 ? 0 : list.offset + 1
  const size = list.limit
  const hasNext = exact ? list.offset + size < total : items.length === size
  const pages = list.pageCount()
  // The pager's page number: a page past the last goes to the last, and an emptied field goes nowhere.
  const jump = (input: HTMLInputElement) => {
    if (input.value !== "") list.goToPage(Number(input.value))
  }
  const words = options.words
  const count = options.numbers
  const shownTotal = formatTotal(count, total, exact)
  const search = list.search.trim()
  const onRowKey = (event: KeyboardEvent) => {
    const at = rowOf(list, event)
    // A key on a control of the row (its checkbox, its "⋯" button) is that control's.
    if (at === undefined || event.target !== at.row) return
    if (isMenuKey(event)) {
      event.preventDefault()
      menu.openBelow(at.row, list.keyOf(at.item))
      return
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault()
      options.open(at.item)
      return
    }
    if (event.key === "Delete") {
      event.preventDefault()
      options.remove(at.item)
      return
    }
    const next = nextIndex(event.key, at.index, items.length, false)
    if (next !== undefined) {
      event.preventDefault()
      list.focusRow(next)
    }
  }
  return html`
      <div class="toolbar" part="toolbar">
        <input
          type="search"
          part="search"
          aria-label=${options.searchLabel}
          placeholder=${words.placeholder}
          .value=${list.search}
          @input=${(event: InputEvent) => list.searchFor((event.target as HTMLInputElement).value)}
        />
        ${options.filters ?? nothing}
        <span class="spacer"></span>
        ${options.actions ?? nothing}
        ${
          options.canAdd === false
            ? nothing
            : html`<button class="primary" part="button" @click=${() => options.open(undefined)}>${options.addLabel ?? msg("Add New")}</button>`
        }
      </div>
      ${options.bar ?? nothing}
      ${list.alert === "" ? nothing : html`<p class="alert" role="alert">${list.alert}</p>`}
      <p class="summary hint" part="summary">
        <span dir="auto">${words.summary(shownTotal, total === 1 && exact, search)}</span>
      </p>
      <div class="scroll">
      <table part="table" aria-label=${options.name} aria-rowcount=${exact ? total + 1 : -1} aria-busy=${list.loading ? "true" : "false"}>
        <colgroup>
          ${options.lead === undefined ? nothing : html`<col class="col-control" />`}
          ${options.columns.map((column) => html`<col class=${`col-${column.sort}`} />`)}
          ${options.trail === undefined ? nothing : html`<col class="col-control" />`}
        </colgroup>
        <thead>
          <tr aria-rowindex="1">
            ${options.lead ?? nothing}
            ${options.columns.map(
              (column) => html`<th
                scope="col"
                title=${column.label}
                aria-sort=${list.sort === column.sort ? (list.order === "asc" ? "ascending" : "descending") : "none"}
              >
                <button part="button" @click=${() => list.sortBy(column.sort)}>
                  ${column.label}${list.sort === column.sort ? (list.order === "asc" ? " ▲" : " ▼") : ""}
                </button>
              </th>`
            )}
            ${options.trail ?? nothing}
          </tr>
        </thead>
        <tbody
          @click=${(event: MouseEvent) => {
            // A click on a control of the row (its checkbox, its "⋯" button) does only what that control does.
            if ((event.target as Element).closest("input, button, label") !== null) return
            const at = rowOf(list, event)
            if (at !== undefined) options.open(at.item)
          }}
          @contextmenu=${(event: MouseEvent) => {
            const at = rowOf(list, event)
            if (at !== undefined) menu.openAtPointer(event, at.row, list.keyOf(at.item), at.index)
          }}
          @keydown=${onRowKey}
          @focusin=${(event: FocusEvent) => {
            const at = rowOf(list, event)
            if (at !== undefined) list.setActive(at.index)
          }}
        >
          ${items.length === 0 && list.loading ? skeletonRows(options.columns.length + (options.lead === undefined ? 0 : 1) + (options.trail === undefined ? 0 : 1)) : items.map((item, index) => options.row(item, index))}
        </tbody>
      </table>
      </div>
      ${items.length === 0 && !list.loading ? html`<p class="hint">${words.empty}</p>` : nothing}
      <nav class="pager" part="pager" aria-label=${words.pages}>
        <label class="page-size">
          ${msg("Rows per page")}
          <select
            part="page-size"
            @change=${(event: Event) => list.setLimit(Number((event.target as HTMLSelectElement).value))}
          >
            ${PAGE_SIZES.map((n) => html`<option value=${n} ?selected=${n === size}>${n}</option>`)}
          </select>
        </label>
        <span role="status" dir="auto">${
          items.length === 0 && list.loading
            ? words.loading
            : msg(str`${count.format(first)}–${count.format(list.offset + items.length)} of ${shownTotal}`)
        }</span>
        <button part="button" ?disabled=${list.offset === 0} @click=${() => list.goTo(0)}>${msg("First")}</button>
        <button part="button" ?disabled=${list.offset === 0} @click=${() => list.goTo(list.offset - size)}>
          ${msg("Previous")}
        </button>
        ${
          pages === undefined
            ? html`<span class="hint" id="page-note" dir="auto">${msg(str`Page ${count.format(list.pageNumber())} (Last and page numbers need an exact total)`)}</span>`
            : html`<span class="jump">
                <label>
                  ${msg("Page")}
                  <input
                    name="page"
                    part="page"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max=${pages}
                    .value=${String(list.pageNumber())}
                    @keydown=${(event: KeyboardEvent) => {
                      if (event.key !== "Enter") return
                      event.preventDefault()
                      jump(event.target as HTMLInputElement)
                    }}
                  />
                </label>
                ${msg(str`of ${count.format(pages)}`)}
                <button
                  part="button"
                  @click=${(event: MouseEvent) =>
                    jump((event.target as HTMLElement).closest(".jump")?.querySelector("input") as HTMLInputElement)}
                >
                  ${msg("Go")}
                </button>
              </span>`
        }
        <button part="button" ?disabled=${!hasNext} @click=${() => list.goTo(list.offset + size)}>${msg("Next")}</button>
        ${
          pages === undefined
            ? nothing
            : html`<button part="button" ?disabled=${!hasNext} @click=${() => list.goToPage(pages)}>${msg("Last")}</button>`
        }
      </nav>
  `
}
