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
    /* A button that does nothing looks it: faded, and no pointer. */
    opacity: 0.45;
    cursor: not-allowed;
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
  .toolbar {
    display: flex;
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
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    padding: 0.4em 0.6em;
    border-bottom: 1px solid var(--_border);
  }
  th button {
    border: none;
    padding: 0;
    font-weight: 600;
    background: none;
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
  .badge.locked {
    background: transparent;
    color: var(--_danger);
    border: 1px solid currentColor;
  }
  .alert {
    color: var(--_danger);
    margin: 0.5em 0;
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
  [role="menuitem"][aria-disabled="true"] {
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
