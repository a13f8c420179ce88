import { html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import { live } from "lit/directives/live.js"
import type { ClientError, Group, GroupSort, Me, User, UserManagerClient } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { BulkActions, bulkStyles } from "../internal/bulk-actions.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { usernamesOf } from "../internal/errors.js"
import { FormDialog } from "../internal/form-dialog.js"
import { textField } from "../internal/form-fields.js"
import { debounce } from "../internal/keys.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { RowMenu } from "../internal/row-menu.js"
import { sharedStyles } from "../internal/styles.js"

const columns: ReadonlyArray<Column<GroupSort>> = [
  { sort: "name", label: "Name" },
  { sort: "gid", label: "GID" },
  { sort: "members", label: "Users" }
]

/** How many members' names the Users column shows before it says how many more there are. */
const MEMBERS_SHOWN = 10

/**
 * The Users column of a group: its members' names; for a large group the first `MEMBERS_SHOWN` and how many more
 * (thousands of names in one cell would make the row thousands of lines tall; Update lists them all).
 */
const membersText = ({ members, memberCount }: Group) =>
  memberCount <= members.length
    ? members.join(", ")
    : `${members.slice(0, MEMBERS_SHOWN).join(", ")} and ${(memberCount - Math.min(members.length, MEMBERS_SHOWN)).toLocaleString("en-US")} more`

/**
 * The Groups tab: a server-side searched, sorted and paged table of groups, the Add New and Update dialogs (name and
 * members), a context menu (Update, Delete) and the delete confirmation, which lists the users a refusal names. An
 * administrator (`me`) whose client can also imports groups from a CSV or JSON Lines file (checked first, its plan
 * shown, then applied with its progress) and exports them as CSV.
 *
 * @event group-created - A group was created; `detail` is the group.
 * @event group-updated - A group was renamed or its members changed; `detail` is the group.
 * @event group-deleted - A group was deleted; `detail` is `{ name }`.
 * @event groups-imported - Groups were imported from a file; `detail` is the import's result.
 * @csspart toolbar - The row holding the search field and Add New.
 * @csspart search - The search field.
 * @csspart button - Every button.
 * @csspart table - The groups table.
 * @csspart row - Each group's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The group, import and confirmation dialogs.
 */
export class GroupsTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [sharedStyles, bulkStyles]

  /** Where the groups come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user: an administrator is offered Import and Export. */
  @property({ attribute: false }) accessor me: Me | undefined

  /** The members the form would save. */
  #members: ReadonlySet<string> = new Set()
  /**
   * The users with a box above the finder: the members when the dialog opened and those picked since. A box stays where
   * it is when it is (un)checked, so that the keyboard focus stays on it; picked users move here at the next search.
   */
  #listed: ReadonlyArray<string> = []
  /** The users the finder found. */
  #candidates: ReadonlyArray<User> = []
  #findLater = debounce((text: string) => this.#findCandidates(text), 250)

  readonly #list = new ListController<Group, GroupSort>(this, {
    client: () => this.client,
    key: (group) => group.name,
    sort: "name",
    read: async (client, query) => ({ page: await client.listGroups(query) })
  })
  readonly #menu = new RowMenu(this, this.#list)
  readonly #form: FormDialog<Group, GroupSort> = new FormDialog(this, this.#list, this.#menu, {
    id: "group-dialog",
    handsOver: () => this.#confirm.target !== undefined,
    place: (field) => (["groups", "members", "usernames"].includes(field) ? { key: "members" } : undefined)
  })
  readonly #confirm = new ConfirmDialog(this, this.#list, this.#menu, this.#form)
  readonly #bulk = new BulkActions(this, this.#list, { kind: "groups", admin: () => this.me?.admin === true })

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.#list.load()
  }

  override render() {
    const group = this.#menu.target
    return html`
      ${listView(this.#list, this.#menu, {
        name: "Groups",
        searchLabel: "Search groups by name",
        columns,
        row: (group, index) => html`<tr
          part="row"
          tabindex=${this.#list.tabIndexOf(index)}
          aria-rowindex=${this.#list.rowIndexOf(index)}
          data-name=${group.name}
        >
          <td>${group.name}</td>
          <td>${group.gid}</td>
          <td>${membersText(group)}</td>
        </tr>`,
        open: (group) => this.#openEditor(group),
        actions: this.#bulk.renderButtons(),
        remove: (group) => this.#confirm.ask(group)
      })}
      ${
        group === undefined
          ? nothing
          : this.#menu.render(`Actions for ${group.name}`, [
              { label: "Update", run: () => this.#openEditor(group) },
              { label: "Delete", run: () => this.#confirm.ask(group) }
            ])
      }
      ${this.#renderEditor()} ${this.#bulk.renderDialog()}
      ${this.#confirm.render((group) => ({
        title: `Delete group ${group.name}?`,
        text: `The group ${group.name} (GID ${group.gid}) will be deleted. This cannot be undone.`,
        refusal: (error) => this.#refusal(error),
        remove: async (client, group) => {
          await client.deleteGroup(group.name)
          this.dispatchEvent(new UserManagerChangeEvent("group-deleted", { name: group.name }))
        }
      }))}
    `
  }

  #openEditor(group: Group | undefined) {
    this.#members = new Set(group?.members ?? [])
    this.#listed = [...this.#members].sort()
    this.#candidates = []
    this.#form.open(group)
  }

  async #findCandidates(text: string) {
    const client = this.client
    if (client === undefined) return
    this.#listed = [...new Set([...this.#listed, ...this.#members])].sort()
    this.requestUpdate()
    if (text.trim() === "") {
      this.#candidates = []
      return
    }
    try {
      this.#candidates = (await client.listUsers({ search: text, sort: "username", limit: 10 })).items
      this.requestUpdate()
    } catch (error) {
      this.#form.showAlert(error)
    }
  }

  #toggleMember(username: string, checked: boolean) {
    const next = new Set(this.#members)
    if (checked) next.add(username)
    else next.delete(username)
    this.#members = next
    this.requestUpdate()
  }

  #renderEditor() {
    const group = this.#form.editing?.record
    const membersError = this.#form.fieldErrors.members
    const member = (username: string) =>
      html`<label
          ><input
            type="checkbox"
            .checked=${live(this.#members.has(username))}
            .defaultChecked=${this.#members.has(username)}
            @change=${(event: Event) => this.#toggleMember(username, (event.target as HTMLInputElement).checked)}
          />
          ${username}</label
        ><br />`
    return this.#form.render({
      title: group === undefined ? "Add New Group" : `Update ${group.name}`,
      remove: group === undefined ? undefined : () => this.#confirm.ask(group),
      write: (client, form, group) => this.#save(client, String(new FormData(form).get("name") ?? ""), group),
      fields: html`${textField(this.#form.fieldErrors, { name: "name", label: "Name", value: group?.name ?? "" })}
            <fieldset>
              <legend>Members</legend>
              ${this.#members.size === 0 ? html`<span class="hint">No members yet.</span>` : nothing}
              ${this.#listed.map(member)}
              <div class="field">
                <label for="f-find">Add members: find users</label>
                <input
                  id="f-find"
                  type="search"
                  autocomplete="off"
                  @input=${(event: InputEvent) => this.#findLater((event.target as HTMLInputElement).value)}
                  @keydown=${(event: KeyboardEvent) => {
                    // Enter in the finder must not submit the form.
                    if (event.key === "Enter") event.preventDefault()
                  }}
                />
              </div>
              ${this.#candidates.filter((user) => !this.#listed.includes(user.username)).map((user) => member(user.username))}
            </fieldset>
            ${membersError === undefined ? nothing : html`<p class="alert" role="alert">${membersError}</p>`}`
    })
  }

  async #save(client: UserManagerClient, name: string, group: Group | undefined) {
    const members = [...this.#members]
    if (group === undefined) {
      const created = await client.createGroup({ name, members })
      this.dispatchEvent(new UserManagerChangeEvent("group-created", created))
      return
    }
    // The dialog knows only the members it showed: it sends what changed among them, never a whole list, and the
    // rename with it in one request, applied all or nothing.
    const before = new Set(group.members)
    const addMembers = members.filter((username) => !before.has(username))
    const removeMembers = group.members.filter((username) => !this.#members.has(username))
    const changes = {
      ...(name === group.name ? {} : { name }),
      ...(addMembers.length === 0 ? {} : { addMembers }),
      ...(removeMembers.length === 0 ? {} : { removeMembers })
    }
    const current =
      Object.keys(changes).length === 0 ? group : await client.modifyGroup(group.name, changes, group.version)
    this.dispatchEvent(new UserManagerChangeEvent("group-updated", current))
  }

  /** A refused deletion, with the users it would leave without a group. */
  #refusal(error: ClientError) {
    const stranded = usernamesOf(error)
    return html`<div class="alert" role="alert">
      <p>${error.message}</p>
      ${
        stranded.length === 0
          ? nothing
          : html`<p>Users who would be left without a group:</p>
            <ul aria-label="Users who would be left without a group">
              ${stranded.map((username) => html`<li>${username}</li>`)}
            </ul>`
      }
    </div>`
  }
}
