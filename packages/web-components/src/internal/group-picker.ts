import { msg } from "@lit/localize"
import { html, type LitElement } from "lit"
import type { UserManagerClient } from "../Client.js"
import { debounce } from "./keys.js"
import { choice, finder, findGroups } from "./picker.js"

/**
 * The groups of a user's Add New and Update dialogs: the boxes of the groups chosen, and a finder that searches the
 * groups as one types (the first few by name until something is typed), so that a directory of thousands of groups is
 * never read whole.
 */
export class GroupPicker {
  readonly #host: LitElement
  readonly #client: () => UserManagerClient | undefined
  readonly #failed: (error: unknown) => void
  /** The groups the form would save: the user's when the dialog opened, with the changes made since. */
  #chosen: ReadonlySet<string> = new Set()
  /**
   * The groups with a box above the finder: the user's when the dialog opened and those picked since (moved there at
   * the next search). A box stays where it is when it is (un)checked, so that the keyboard focus stays on it.
   */
  #listed: ReadonlyArray<string> = []
  /** The groups the finder found: the first few by name until something is typed (never every group). */
  #found: ReadonlyArray<string> = []
  /** Whether the finder found more groups than it shows. */
  #moreFound = false
  /** Counts the finder's reads, so that an answer overtaken by a newer search is dropped. */
  #read = 0
  #findLater = debounce((text: string) => void this.#find(text), 250)

  /** `failed` shows a finder's read that failed (in the dialog's alert). */
  constructor(host: LitElement, client: () => UserManagerClient | undefined, failed: (error: unknown) => void) {
    this.#host = host
    this.#client = client
    this.#failed = failed
  }

  /** Starts over with these groups chosen (a dialog opening), and asks for the first groups by name. */
  open(groups: ReadonlyArray<string>): void {
    this.#chosen = new Set(groups)
    this.#listed = [...this.#chosen].sort()
    this.#found = []
    this.#moreFound = false
    void this.#find("")
  }

  /** The groups chosen now, by name. */
  chosen(): Array<string> {
    return [...this.#chosen].sort()
  }

  /** The boxes of the groups listed, the finder, and the boxes of the groups it found. */
  render() {
    return html`<div class="choices" role="group" aria-label=${msg("Chosen groups")}>
        ${this.#listed.map((name) => this.#box(name))}
      </div>
      ${finder(
        "f-find-groups",
        msg("Find groups"),
        (text) => this.#findLater(text),
        this.#moreFound ? msg("More groups match: type to narrow the list.") : undefined
      )}
      <div class="choices" role="group" aria-label=${msg("Groups found")}>
        ${this.#found.filter((name) => !this.#listed.includes(name)).map((name) => this.#box(name))}
      </div>`
  }

  /** Asks for the first groups whose name contains `text` (the first by name when it is empty). */
  async #find(text: string) {
    const client = this.#client()
    if (client === undefined) return
    const read = ++this.#read
    this.#listed = [...new Set([...this.#listed.filter((name) => this.#chosen.has(name)), ...this.#chosen])].sort()
    this.#host.requestUpdate()
    try {
      const page = await findGroups(client, text)
      if (read !== this.#read) return
      this.#found = page.items.map((group) => group.name)
      this.#moreFound = page.totalExact === false || page.total > page.items.length
      this.#host.requestUpdate()
    } catch (error) {
      if (read === this.#read) this.#failed(error)
    }
  }

  #box(name: string) {
    return choice(name, this.#chosen.has(name), (checked) => this.#toggle(name, checked))
  }

  #toggle(name: string, checked: boolean) {
    const chosen = new Set(this.#chosen)
    if (checked) chosen.add(name)
    else chosen.delete(name)
    this.#chosen = chosen
    this.#host.requestUpdate()
  }
}
