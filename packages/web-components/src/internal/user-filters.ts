import { msg } from "@lit/localize"
import { html, type LitElement } from "lit"
import type { User, UserSort } from "../Client.js"
import { debounce } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { findGroups } from "./picker.js"

/**
 * The Users tab's filters: status (enabled or disabled), system or regular users, and a group picked from the groups
 * whose name contains what is typed. Each choice goes to the list, which reads its first page again.
 */
export class UserFilters {
  readonly #host: LitElement
  readonly #list: ListController<User, UserSort>
  /** The groups the group filter suggests, for what was typed last. */
  #groups: ReadonlyArray<string> = []
  #read = 0
  #findLater = debounce((text: string) => void this.#find(text), 250)

  constructor(host: LitElement, list: ListController<User, UserSort>) {
    this.#host = host
    this.#list = list
  }

  render() {
    const filters = this.#list.filters
    const choose = (name: "enabled" | "system", value: string) =>
      this.#list.filterBy({ [name]: value === "" ? undefined : value === "true" })
    const state = (value: string | boolean | undefined) => (value === undefined ? "" : String(value))
    return html`<div class="filters" part="filters" role="group" aria-label=${msg("Filters")}>
      <select
        part="filter"
        aria-label=${msg("Status")}
        .value=${state(filters.enabled)}
        @change=${(event: Event) => choose("enabled", (event.target as HTMLSelectElement).value)}
      >
        <option value="" ?selected=${filters.enabled === undefined}>${msg("All statuses")}</option>
        <option value="true" ?selected=${filters.enabled === true}>${msg("Enabled")}</option>
        <option value="false" ?selected=${filters.enabled === false}>${msg("Disabled")}</option>
      </select>
      <select
        part="filter"
        aria-label=${msg("System users")}
        .value=${state(filters.system)}
        @change=${(event: Event) => choose("system", (event.target as HTMLSelectElement).value)}
      >
        <option value="" ?selected=${filters.system === undefined}>${msg("System and regular")}</option>
        <option value="true" ?selected=${filters.system === true}>${msg("System users")}</option>
        <option value="false" ?selected=${filters.system === false}>${msg("Regular users")}</option>
      </select>
      <input
        type="search"
        part="filter"
        aria-label=${msg("Group")}
        placeholder=${msg("Any group")}
        list="filter-groups"
        autocomplete="off"
        .value=${typeof filters.group === "string" ? filters.group : ""}
        @focus=${(event: FocusEvent) => this.#findLater((event.target as HTMLInputElement).value)}
        @input=${(event: InputEvent) => {
          const text = (event.target as HTMLInputElement).value.trim()
          this.#findLater(text)
          // A name picked from the list, or the field emptied, applies at once; a typed one on Enter or leaving it.
          if (text === "" || this.#groups.includes(text)) this.#byGroup(text)
        }}
        @change=${(event: Event) => this.#byGroup((event.target as HTMLInputElement).value.trim())}
      />
      <datalist id="filter-groups">${this.#groups.map((name) => html`<option value=${name}></option>`)}</datalist>
    </div>`
  }

  #byGroup(name: string) {
    const group = name === "" ? undefined : name
    if (group !== this.#list.filters.group) this.#list.filterBy({ group })
  }

  async #find(text: string) {
    const client = this.#list.client()
    if (client === undefined) return
    const read = ++this.#read
    try {
      const page = await findGroups(client, text)
      if (read !== this.#read) return
      this.#groups = page.items.map((group) => group.name)
      this.#host.requestUpdate()
    } catch {
      // The list only helps typing: a name typed in full still filters.
    }
  }
}
