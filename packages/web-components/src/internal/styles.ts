import { css } from "lit"

/** The look every part of the element shares: themeable colours (light and dark), focus ring, table, dialogs. */
export const sharedStyles = css`
  :host {
    --_bg: var(--um-background, #ffffff);
    --_fg: var(--um-color, #1f2937);
    --_muted: var(--um-muted-color, #4b5563);
    --_border: var(--um-border-color, #d1d5db);
    --_accent: var(--um-accent, #1d4ed8);
    --_on-accent: var(--um-on-accent, #ffffff);
    --_row-hover: var(--um-row-hover, #eef2ff);
    --_danger: var(--um-danger, #b91c1c);
    --_focus: var(--um-focus-ring, #1d4ed8);
    --_radius: var(--um-radius, 6px);
    --_readonly-bg: var(--um-readonly-background, #f3f4f6);
    --_disabled-row: var(--um-disabled-row, #f9fafb);
    --_disabled-fg: var(--um-disabled-color, #4b5563);
    display: block;
    color-scheme: light dark;
    color: var(--_fg);
    background: var(--_bg);
    font: var(--um-font, 14px/1.4 system-ui, sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--um-background, #111827);
      --_fg: var(--um-color, #f3f4f6);
      --_muted: var(--um-muted-color, #d1d5db);
      --_border: var(--um-border-color, #4b5563);
      --_accent: var(--um-accent, #93c5fd);
      --_on-accent: var(--um-on-accent, #111827);
      --_row-hover: var(--um-row-hover, #1f2937);
      --_danger: var(--um-danger, #fca5a5);
      --_focus: var(--um-focus-ring, #93c5fd);
      --_readonly-bg: var(--um-readonly-background, #1f2937);
      --_disabled-row: var(--um-disabled-row, #0b1220);
      --_disabled-fg: var(--um-disabled-color, #9ca3af);
    }
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.35em 0.9em;
    cursor: pointer;
  }
  button:disabled {
    /* Disabled controls look it: faded, no pointer (Previous on the first page, Save while saving). */
    cursor: not-allowed;
    opacity: 0.5;
  }
  button[aria-pressed="true"] {
    background: var(--_row-hover);
    border-color: var(--_accent);
  }
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.3em 0.4em;
  }
  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
    border-color: var(--_accent);
  }
  button.danger {
    background: var(--_danger);
    color: var(--_bg);
    border-color: var(--_danger);
  }
  input {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.3em 0.5em;
  }
  input[readonly],
  input:disabled {
    /* Read-only fields look it: no box to type into, only the value on a quiet background (still selectable). */
    background: var(--_readonly-bg);
    border-style: dashed;
  }
  input:disabled {
    cursor: not-allowed;
  }
  .required {
    color: var(--_danger);
  }
  .password {
    display: flex;
    gap: 0.4em;
  }
  .password input {
    flex: 1;
    min-width: 0;
  }
  .toolbar {
    display: flex;
    /* Between a phone and a wide desktop (900 px, longer German words) the buttons go on to a second line, not off the
       element's edge. */
    flex-wrap: wrap;
    gap: 0.75em;
    align-items: center;
    margin: 0.75em 0;
  }
  .toolbar .spacer {
    flex: 1;
  }
  .scroll {
    /* A narrow host scrolls the table inside the element rather than spilling it onto the page's own colours. */
    overflow-x: auto;
  }
  table {
    width: 100%;
    /* The columns keep the widths the tab gives them (its col elements), whatever a page or search shows. */
    table-layout: fixed;
    border-collapse: collapse;
  }
  /* A row's checkbox and its "⋯" button. */
  col.col-control {
    width: 2.75rem;
  }
  td.control,
  th.control {
    text-align: center;
    /* Narrow padding, so that the "⋯" button fits its column whole (not cut to "…"). */
    padding-inline: 0.25em;
  }
  button.row-actions {
    padding: 0 0.5em;
    line-height: 1.4;
  }
  th,
  td {
    text-align: start;
    padding: 0.4em 0.6em;
    border-bottom: 1px solid var(--_border);
    /* A long name ends in "…" (its cell's title shows it whole) rather than wrapping the row. */
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  th button {
    border: none;
    padding: 0;
    font-weight: 600;
    background: none;
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  tbody tr.disabled {
    /* A disabled user's row is greyed (and its name carries a Disabled badge). */
    color: var(--_disabled-fg);
    background: var(--_disabled-row);
  }
  tbody tr.disabled:hover {
    background: var(--_row-hover);
  }
  tbody tr {
    cursor: pointer;
  }
  tbody tr:hover {
    background: var(--_row-hover);
  }
  tbody tr:focus-visible {
    outline-offset: -2px;
  }
  .pager {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
    align-items: center;
    justify-content: flex-end;
    margin-top: 0.5em;
  }
  .pager .page-size {
    margin-inline-end: auto;
  }
  .pager .jump {
    display: flex;
    gap: 0.4em;
    align-items: center;
  }
  .pager .jump input {
    width: 6em;
  }
  .filters {
    display: flex;
    gap: 0.5em;
    align-items: center;
  }
  .badge {
    display: inline-block;
    margin-inline-start: 0.4em;
    padding: 0 0.4em;
    border-radius: 999px;
    font-size: 0.8em;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .badge.disabled {
    background: transparent;
    color: var(--_disabled-fg);
    border: 1px solid currentColor;
  }
  .badge.locked {
    background: transparent;
    color: var(--_danger);
    border: 1px solid currentColor;
  }
  .alert {
    color: var(--_danger);
    margin: 0.5em 0;
    overflow-wrap: anywhere;
  }
  .summary {
    margin: 0 0 0.4em;
  }
  .hint {
    color: var(--_muted);
  }
  dialog {
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    min-width: min(28em, 90vw);
  }
  dialog.form {
    /* A form dialog keeps its width whatever its errors say: they wrap instead. */
    box-sizing: border-box;
    width: min(32em, 92vw);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 40%);
  }
  dialog h2 {
    margin-top: 0;
    font-size: 1.2em;
  }
  .field {
    display: grid;
    gap: 0.2em;
    margin-bottom: 0.7em;
  }
  .field .error {
    color: var(--_danger);
    overflow-wrap: anywhere;
  }
  .read-only {
    border-inline-start: 3px solid var(--_border);
    padding-inline-start: 0.5em;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    max-height: 12em;
    overflow: auto;
    margin: 0 0 0.7em;
  }
  .actions {
    display: flex;
    gap: 0.5em;
    justify-content: flex-end;
    margin-top: 1em;
  }
  [role="menu"] {
    position: fixed;
    z-index: 10;
    margin: 0;
    padding: 0.25em 0;
    list-style: none;
    min-width: 10em;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 4px 16px rgb(0 0 0 / 25%);
  }
  [role="menuitem"] {
    padding: 0.35em 1em;
    cursor: pointer;
  }
  [role="menuitem"]:hover,
  [role="menuitem"]:focus {
    background: var(--_row-hover);
  }
  [role="menuitem"][aria-disabled="true"],
  button[aria-disabled="true"] {
    cursor: not-allowed;
    opacity: 0.5;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`
