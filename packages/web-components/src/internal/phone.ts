import { css } from "lit"

/**
 * The phone layout of a tab, below 720 px by a container query on the tab itself (the element's width, not the
 * window's: it may be embedded in a narrow column of a wide page): the toolbar wraps (the search field on a line of
 * its own, Add New beside the other buttons, never cut off), the table's rows become cards (a row's checkbox, its name
 * with its badges, full name, group chips and email, and its "⋯" button; the Enabled column is the Disabled badge),
 * the header row becomes a row of sort buttons, and every control a finger presses (a row of the Groups tab's table
too) is at least 44 px high. The rows'
 * cells are placed by their classes (`select`, `name`, `full`, `groups`, `email`, `enabled`, `more`), so a tab
 * without cards (the Groups tab's three short columns) keeps its table, which fits. Dialogs are the window's width less
 * a margin, their buttons as tall as a finger, the password's buttons under its field: they open over the whole window, so they follow the window's width.
 */
export const phoneStyles = css`
  :host {
    container: um-tab / inline-size;
  }
  td.groups .sep {
    /* On a wide layout the groups read "a, b"; on a card they are chips. */
    white-space: pre;
  }
  .chip {
    white-space: nowrap;
  }
  @container um-tab (max-width: 720px) {
    .toolbar {
      flex-wrap: wrap;
      gap: 0.5em;
    }
    .toolbar input[type="search"] {
      flex: 1 1 100%;
      min-height: 44px;
      box-sizing: border-box;
    }
    .toolbar .spacer {
      display: none;
    }
    /* The filters take a line of their own, each at least a finger tall, wrapping rather than running off. */
    .filters {
      flex: 1 1 100%;
      flex-wrap: wrap;
      min-width: 0;
    }
    .filters select,
    .filters input {
      flex: 1 1 9em;
      min-width: 0;
      min-height: 44px;
      box-sizing: border-box;
    }
    .pager select,
    .pager input {
      min-height: 44px;
      box-sizing: border-box;
    }
    button {
      min-height: 44px;
      min-width: 44px;
    }
    .pager,
    .selection {
      flex-wrap: wrap;
    }
    .scroll {
      overflow-x: visible;
    }
    /* A row left a table (the Groups tab's) is as tall as a finger, and a GID shows whole. */
    tbody > tr:not(.skeleton) > td {
      box-sizing: border-box;
      height: 44px;
    }
    col.col-gid {
      width: 4.5em;
    }
    /* The "⋯" button of a row left a table fills its column (a finger's width) whole. */
    td.more {
      padding: 0;
    }
    table:has(> tbody > tr > td.name) {
      display: block;
    }
    table:has(> tbody > tr > td.name) > colgroup {
      display: none;
    }
    table:has(> tbody > tr > td.name) > thead,
    table:has(> tbody > tr > td.name) > tbody {
      display: block;
    }
    /* The header row: the page's checkbox and one button per sort, wrapped. */
    table:has(> tbody > tr > td.name) > thead > tr {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25em 0.5em;
      padding-bottom: 0.4em;
      border-bottom: 1px solid var(--_border);
    }
    table:has(> tbody > tr > td.name) > thead th {
      display: block;
      padding: 0;
      border: none;
      width: auto;
    }
    table:has(> tbody > tr > td.name) > thead th:empty,
    table:has(> tbody > tr > td.name) > thead th.control:not(:has(input)) {
      display: none;
    }
    table:has(> tbody > tr > td.name) > thead th button {
      padding: 0 0.6em;
      border: 1px solid var(--_border);
      font-weight: normal;
    }
    table:has(> tbody > tr > td.name) > thead th[aria-sort="ascending"] button,
    table:has(> tbody > tr > td.name) > thead th[aria-sort="descending"] button {
      font-weight: 600;
      border-color: var(--_accent);
    }
    /* A row is a card: checkbox | name, full name, groups, email | "⋯". */
    tbody > tr:has(> td.name) {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      align-items: center;
      padding: 0.35em 0;
      border-bottom: 1px solid var(--_border);
    }
    tbody > tr:has(> td.name) > td {
      display: block;
      height: auto;
      grid-column: 2;
      padding: 0.05em 0.5em;
      border: none;
    }
    tbody > tr:has(> td.name) > td.select {
      grid-column: 1;
      grid-row: 1 / span 4;
      align-self: start;
      width: auto;
      padding: 0;
    }
    tbody > tr:has(> td.name) > td.more {
      grid-column: 3;
      grid-row: 1 / span 4;
      align-self: start;
      width: auto;
      padding: 0;
    }
    tbody > tr:has(> td.name) > td.name {
      font-weight: 600;
    }
    tbody > tr:has(> td.name) > td.email {
      color: var(--_muted);
    }
    tbody > tr.disabled > td.email {
      color: var(--_disabled-fg);
    }
    tbody > tr:has(> td.name) > td.enabled {
      display: none;
    }
    tbody > tr > td.groups {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25em;
      white-space: normal;
    }
    td.groups .sep {
      display: none;
    }
    td.groups .chip {
      padding: 0 0.5em;
      border: 1px solid var(--_border);
      border-radius: 999px;
      font-size: 0.85em;
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    td.select input,
    th.control input {
      /* A 24 px box in a 44 px target. */
      width: 24px;
      height: 24px;
      margin: 10px;
    }
    button.row-actions {
      font-size: 1.2em;
    }
    .toast button {
      /* A toast's Undo keeps its word whole beside a long sentence. */
      flex: none;
    }
    [role="menuitem"] {
      display: flex;
      align-items: center;
      min-height: 44px;
      box-sizing: border-box;
    }
  }
  @media (max-width: 720px) {
    dialog,
    dialog.form,
    #bulk-dialog {
      box-sizing: border-box;
      width: calc(100vw - 1.5rem);
      min-width: 0;
      max-width: calc(100vw - 1.5rem);
      max-height: calc(100dvh - 1.5rem);
      padding: 0.75rem;
    }
    dialog .actions {
      flex-wrap: wrap;
    }
    /* The password on a line of its own, Show password and Generate below it. */
    dialog .password {
      flex-wrap: wrap;
    }
    dialog .password input {
      flex: 1 1 100%;
    }
    dialog button {
      min-height: 44px;
    }
    dialog input:not([type="checkbox"]) {
      min-height: 44px;
      box-sizing: border-box;
    }
  }
`
