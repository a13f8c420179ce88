import { msg } from "@lit/localize"
import { css, html, nothing, type TemplateResult } from "lit"
import { live } from "lit/directives/live.js"
import type { UserManagerClient } from "../Client.js"

/**
 * How many names a picker asks for at a time: a page of a group's members, the users or groups a finder shows. The
 * dialogs never read a whole member list or a whole directory; more come a page at a time.
 */
export const PICKER_PAGE = 20

/** How many matches a finder (search-as-you-type) shows. */
export const FINDER_LIMIT = 10

/**
 * The first `FINDER_LIMIT` groups, by name, whose name contains `text` (the first by name when it is empty): what every
 * group finder (a user's groups, the group filter, a bulk action's group) shows as it is typed.
 */
export const findGroups = (client: UserManagerClient, text: string) => {
  const search = text.trim()
  return client.listGroups({ sort: "name", limit: FINDER_LIMIT, ...(search === "" ? {} : { search }) })
}

/**
 * The look of a picker: a fieldset whose list of boxes scrolls on its own, under a search field that stays in view.
 */
export const pickerStyles = css`
  fieldset.picker {
    max-height: none;
    overflow: visible;
  }
  .choices {
    max-height: 12em;
    overflow: auto;
    margin: 0.3em 0;
  }
  .choices label {
    display: block;
  }
  .choices label.removed {
    color: var(--_muted);
    text-decoration: line-through;
  }
`

/**
 * One name with a box: checked when it is (or will be) chosen. The choice is taken at the box's `input`, the first
 * event of its change: a dialog that renders again on that event (clearing the field's problem) then renders it
 * chosen, where waiting for `change` let that render put the box back as it was.
 */
export const choice = (
  name: string,
  checked: boolean,
  toggle: (checked: boolean) => void,
  options: { readonly removed?: boolean; readonly value?: string } = {}
): TemplateResult =>
  html`<label class=${options.removed === true ? "removed" : ""}
    ><input
      type="checkbox"
      value=${options.value ?? name}
      .checked=${live(checked)}
      .defaultChecked=${checked}
      @input=${(event: Event) => toggle((event.target as HTMLInputElement).checked)}
    />
    ${name}${options.removed === true ? html`<span class="visually-hidden"> ${msg("(to be removed)")}</span>` : nothing}</label
  >`

/** A search field of a picker (`id`), which searches as one types and never submits the form with Enter. */
export const finder = (id: string, label: string, search: (text: string) => void, hint?: string): TemplateResult =>
  html`<div class="field">
    <label for=${id}>${label}</label>
    <input
      id=${id}
      type="search"
      autocomplete="off"
      aria-describedby=${hint === undefined ? nothing : `${id}-hint`}
      @input=${(event: InputEvent) => search((event.target as HTMLInputElement).value)}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === "Enter") event.preventDefault()
      }}
    />
    ${hint === undefined ? nothing : html`<span class="hint" id=${`${id}-hint`}>${hint}</span>`}
  </div>`
