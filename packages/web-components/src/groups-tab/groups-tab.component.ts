import { msg, str } from "@lit/localize"
import { css, html, LitElement, nothing } from "lit"
import { property } from "lit/decorators.js"
import type { ClientError, Group, GroupChanges, GroupSort, Me, User, UserManagerClient } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { BulkActions, bulkStyles } from "../internal/bulk-actions.js"
import { ConfirmDialog } from "../internal/confirm-dialog.js"
import { usernamesOf } from "../internal/errors.js"
import { type Change, Feedback, feedbackStyles } from "../internal/feedback.js"
import { FormDialog } from "../internal/form-dialog.js"
import { textField } from "../internal/form-fields.js"
import { LanguageController } from "../internal/i18n.js"
import { debounce } from "../internal/keys.js"
import { ListController } from "../internal/list-controller.js"
import { type Column, listView } from "../internal/list-view.js"
import { type NumberFormat, numberFormatOf } from "../internal/locale.js"
import { phoneStyles } from "../internal/phone.js"
import { choice, FINDER_LIMIT, finder, PICKER_PAGE, pickerStyles } from "../internal/picker.js"
import { recordRefusalView, refusalView } from "../internal/refusals.js"
import { RowMenu } from "../internal/row-menu.js"
import { skeletonStyles } from "../internal/skeleton.js"
import { sharedStyles } from "../internal/styles.js"
import { constraintOf, isRequired, problemOf, problems } from "../internal/validation.js"

/** The columns, their headers in the element's language. */
const columns = (): ReadonlyArray<Column<GroupSort>> => [
  { sort: "name", label: msg("Name") },
  { sort: "gid", label: msg("GID") },
  { sort: "members", label: msg("Users") }
]

/** How many members' names the Users column shows (the group answer's preview holds at most this many). */
const MEMBERS_SHOWN = 10

/** The groups table's column widths: they stay put whatever a page or search shows (see `listView`). */
const columnStyles = css`
  col.col-name {
    width: 30%;
  }
  col.col-gid {
    width: 12%;
  }
  col.col-members {
    width: 58%;
  }
`

/**
 * The Users column of a group: how many members it has, and the first names of the answer's preview with how many
 * more there are ("3: alice, daemon, john"; "500,000: aaron, … and 499,990 more").
 */
const membersText = (group: Group, count: NumberFormat) => {
  const total = group.memberCount
  const shown = group.members.slice(0, MEMBERS_SHOWN)
  if (total === 0) return "0"
  const more = total - shown.length
  const all = count.format(total)
  const names = shown.join(", ")
  return more > 0 ? msg(str`${all}: ${names} and ${count.format(more)} more`) : `${all}: ${names}`
}

/** "alice, bob", or "3 users" beyond a few names. */
const someUsers = (usernames: ReadonlyArray<string>, count: NumberFormat) =>
  usernames.length <= 3 ? usernames.join(", ") : msg(str`${count.format(usernames.length)} users`)

/**
 * What a group's Save tells: what it renamed and whose membership it changed, with Undo when members changed (the
 * inverse change, renaming back too, applied at once as Save's was).
 */
const groupChange = (
  before: Group,
  after: Group,
  added: ReadonlyArray<string>,
  removed: ReadonlyArray<string>,
  undo: (inverse: GroupChanges) => Promise<void>,
  count: NumberFormat
): Change => {
  const renamed = before.name !== after.name
  const parts = [
    ...(renamed ? [msg(str`renamed ${before.name} to ${after.name}`)] : []),
    ...(added.length === 0 ? [] : [msg(str`added ${someUsers(added, count)}`)]),
    ...(removed.length === 0 ? [] : [msg(str`removed ${someUsers(removed, count)}`)])
  ]
  const joined = parts.join("; ")
  const said = parts.length === 0 ? msg(str`Saved group ${after.name}.`) : msg(str`Group ${after.name}: ${joined}.`)
  const members = added.length + removed.length > 0
  return {
    message: said,
    key: after.name,
    undo: members
      ? {
          run: () =>
            undo({
              ...(renamed ? { name: before.name } : {}),
              ...(removed.length === 0 ? {} : { addMembers: [...removed] }),
              ...(added.length === 0 ? {} : { removeMembers: [...added] })
            }),
          done: msg(str`Undid the change to group ${before.name}.`),
          key: before.name
        }
      : undefined
  }
}

/**
 * The Groups tab: a server-side searched, sorted and paged table of groups (each with its member count and first
 * members), the Add New and Update dialogs (name; the members a page at a time, searched within the group; users to
 * add found by search; the additions and removals staged and applied at Save in one change), a context menu (Update,
 * Delete) opened by a right-click, the keyboard or each row's "⋯" button, and the delete confirmation, which lists the users a refusal names. An
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
 * @csspart summary - How many groups the list holds (or the search matches), above the table.
 * @csspart table - The groups table.
 * @csspart row - Each group's row.
 * @csspart menu - The context menu.
 * @csspart dialog - The group, import and confirmation dialogs.
 */
export class GroupsTab extends LitElement {
  /** The styles every tab shares (themed through the `--um-*` custom properties). */
  static override styles = [
    sharedStyles,
    bulkStyles,
    pickerStyles,
    feedbackStyles,
    skeletonStyles,
    columnStyles,
    phoneStyles
  ]

  constructor() {
    super()
    // Renders again in the language of `lang` when it changes (on its own, or inside `<user-manager>`).
    new LanguageController(this)
  }

  /** Where the groups come from and where changes go. */
  @property({ attribute: false }) accessor client: UserManagerClient | undefined
  /** The signed-in user: an administrator is offered Import and Export. */
  @property({ attribute: false }) accessor me: Me | undefined

  /** The users the dialog will add to the group at Save. */
  #added: ReadonlySet<string> = new Set()
  /** The members the dialog will remove from the group at Save. */
  #removed: ReadonlySet<string> = new Set()
  /**
   * The members shown: the pages of the group's members read so far for the current member search (a page at a time,
   * never the whole list). A box stays where it is when it is (un)checked, so that the keyboard focus stays on it.
   */
  #members: ReadonlyArray<string> = []
  /** The `after` of the next page of members, when more follow. */
  #nextMembers: string | undefined
  #memberSearch = ""
  #membersBusy = false
  /** Counts the member reads, so that an answer overtaken by a newer search is dropped. */
  #membersRead = 0
  /** The users with a box above the finder: those picked to add, moved there at the next search. */
  #listed: ReadonlyArray<string> = []
  /** The users the finder found. */
  #candidates: ReadonlyArray<User> = []
  #findRead = 0
  #findLater = debounce((text: string) => this.#findCandidates(text), 250)
  #searchMembersLater = debounce((text: string) => {
    this.#memberSearch = text.trim()
    void this.#loadMembers(false)
  }, 250)

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
    place: (field) =>
      ["groups", "members", "usernames", "addMembers", "removeMembers"].includes(field) ? { key: "members" } : undefined
  })
  readonly #confirm = new ConfirmDialog(this, this.#list, this.#menu, this.#form)
  readonly #bulk = new BulkActions(this, this.#list, { kind: "groups", admin: () => this.me?.admin === true })
  readonly #feedback = new Feedback(this, this.#list)

  /** Reads the current page again (after a change made elsewhere). */
  refresh(): Promise<void> {
    return this.#list.load()
  }

  override render() {
    const group = this.#menu.target
    const count = numberFormatOf(this)
    return html`
      ${listView(this.#list, this.#menu, {
        name: msg("Groups"),
        words: {
          placeholder: msg("Search groups"),
          empty: msg("No groups match."),
          loading: msg("Loading groups…"),
          pages: msg("Groups pages"),
          summary: (total, one, search) =>
            search === ""
              ? one
                ? msg("1 group")
                : msg(str`${total} groups`)
              : one
                ? msg(str`1 group matches “${search}”`)
                : msg(str`${total} groups match “${search}”`)
        },
        numbers: count,
        searchLabel: msg("Search groups by name"),
        columns: columns(),
        row: (group, index) => html`<tr
          part="row"
          tabindex=${this.#list.tabIndexOf(index)}
          aria-rowindex=${this.#list.rowIndexOf(index)}
          data-name=${group.name}
        >
          <td title=${group.name}>${group.name}</td>
          <td>${group.gid}</td>
          <td title=${membersText(group, count)}>${membersText(group, count)}</td>
          ${this.#menu.renderButton(group.name, msg(str`Actions for ${group.name}`), this.#list.tabIndexOf(index))}
        </tr>`,
        trail: this.#menu.renderHeaderCell(),
        open: (group) => this.#openEditor(group),
        actions: this.#bulk.renderButtons(),
        remove: (group) => this.#confirm.ask(group)
      })}
      ${
        group === undefined
          ? nothing
          : this.#menu.render(msg(str`Actions for ${group.name}`), [
              // The Update dialog renames and changes members: refused only when both are.
              {
                label: msg("Update"),
                run: () => this.#openEditor(group),
                disabled: group.refused?.changeMembers === undefined ? undefined : group.refused.rename
              },
              { label: msg("Delete"), run: () => this.#confirm.ask(group), disabled: group.refused?.delete }
            ])
      }
      ${this.#renderEditor()} ${this.#bulk.renderDialog()} ${this.#feedback.render()}
      ${this.#confirm.render((group) => ({
        title: msg(str`Delete group ${group.name}?`),
        text: msg(str`The group ${group.name} (GID ${group.gid}) will be deleted. This cannot be undone.`),
        refusal: (error) => this.#refusal(error),
        check: (client, group) => client.deleteGroup(group.name, { dryRun: true }),
        remove: async (client, group) => {
          await client.deleteGroup(group.name)
          this.dispatchEvent(new UserManagerChangeEvent("group-deleted", { name: group.name }))
          this.#feedback.changed({ message: msg(str`Deleted group ${group.name}.`) })
        }
      }))}
    `
  }

  #openEditor(group: Group | undefined) {
    this.#added = new Set()
    this.#removed = new Set()
    this.#members = []
    this.#nextMembers = undefined
    this.#memberSearch = ""
    this.#listed = []
    this.#candidates = []
    this.#findRead++
    this.#form.open(group)
    if (group !== undefined) void this.#loadMembers(false)
  }

  /**
   * Reads the first page of the group's members matching the member search, or (`more`) the next page, appended;
   * after Show more, the focus goes to the first member it brought.
   */
  async #loadMembers(more: boolean) {
    const client = this.client
    const group = this.#form.editing?.record
    if (client === undefined || group === undefined) return
    const read = ++this.#membersRead
    this.#membersBusy = true
    this.requestUpdate()
    try {
      const page = await client.listMembers(group.name, {
        limit: PICKER_PAGE,
        ...(this.#memberSearch === "" ? {} : { search: this.#memberSearch }),
        ...(more && this.#nextMembers !== undefined ? { after: this.#nextMembers } : {})
      })
      if (read !== this.#membersRead) return
      const first = more ? this.#members.length : 0
      this.#members = more ? [...this.#members, ...page.items] : page.items
      this.#nextMembers = page.next
      this.#membersBusy = false
      this.requestUpdate()
      if (more) {
        await this.updateComplete
        this.renderRoot.querySelectorAll<HTMLInputElement>("#member-list input")[first]?.focus()
      }
    } catch (error) {
      if (read !== this.#membersRead) return
      this.#membersBusy = false
      this.#form.showAlert(error)
    }
  }

  async #findCandidates(text: string) {
    const client = this.client
    if (client === undefined) return
    const read = ++this.#findRead
    this.#listed = [...this.#added].sort()
    this.requestUpdate()
    if (text.trim() === "") {
      this.#candidates = []
      return
    }
    try {
      const found = (await client.listUsers({ search: text, sort: "username", limit: FINDER_LIMIT })).items
      if (read !== this.#findRead) return
      this.#candidates = found
      this.requestUpdate()
    } catch (error) {
      // A search overtaken by a newer one says nothing, as its answer would have.
      if (read === this.#findRead) this.#form.showAlert(error)
    }
  }

  /** Stages adding (a user not in the group) or removing (a member) `username`, or takes that back. */
  #toggle(username: string, member: boolean, checked: boolean) {
    const staged = new Set(member ? this.#removed : this.#added)
    if (checked === member) staged.delete(username)
    else staged.add(username)
    if (member) this.#removed = staged
    else this.#added = staged
    this.requestUpdate()
  }

  #box(username: string, member: boolean) {
    const checked = member ? !this.#removed.has(username) : this.#added.has(username)
    return choice(username, checked, (now) => this.#toggle(username, member, now), {
      removed: member && !checked
    })
  }

  #renderEditor() {
    const count = numberFormatOf(this)
    const group = this.#form.editing?.record
    const membersError = this.#form.fieldErrors.members
    const staged = [
      ...(this.#added.size === 0 ? [] : [msg(str`${count.format(this.#added.size)} to add`)]),
      ...(this.#removed.size === 0 ? [] : [msg(str`${count.format(this.#removed.size)} to remove`)])
    ]
    const members =
      group === undefined
        ? nothing
        : html`<fieldset class="picker">
            <legend>${msg(str`Members (${count.format(group.memberCount)})`)}</legend>
            ${finder("f-member-search", msg("Search members"), (text) => this.#searchMembersLater(text))}
            <div
              id="member-list"
              class="choices"
              role="group"
              aria-label=${msg(str`Members of ${group.name}`)}
              aria-busy=${this.#membersBusy ? "true" : "false"}
            >
              ${this.#members.map((username) => this.#box(username, true))}
            </div>
            ${
              this.#members.length === 0 && !this.#membersBusy
                ? html`<p class="hint">
                    ${this.#memberSearch === "" ? msg("No members yet.") : msg(str`No member matches “${this.#memberSearch}”.`)}
                  </p>`
                : nothing
            }
            ${
              this.#nextMembers === undefined
                ? nothing
                : html`<button
                    type="button"
                    part="button"
                    ?disabled=${this.#membersBusy}
                    @click=${() => void this.#loadMembers(true)}
                  >
                    ${msg("Show more members")}
                  </button>`
            }
          </fieldset>`
    const body = group === undefined ? "CreateGroup" : "ModifyGroup"
    // The core's word on what may change (`refused`): the admin group keeps its name.
    const renameRefused = group?.refused?.rename
    return this.#form.render({
      title: group === undefined ? msg("Add New Group") : msg(str`Update ${group.name}`),
      remove: group === undefined ? undefined : () => this.#confirm.ask(group),
      removeRefused: group?.refused?.delete,
      check: (form) =>
        problems([
          ["name", problemOf(constraintOf(body, "name"), msg("Name"), String(new FormData(form).get("name") ?? ""))]
        ]),
      write: (client, form, group) => this.#save(client, String(new FormData(form).get("name") ?? ""), group),
      fields: html`${textField(this.#form.fieldErrors, {
        name: "name",
        label: msg("Name"),
        value: group?.name ?? "",
        required: isRequired(constraintOf(body, "name")),
        readOnly: renameRefused !== undefined,
        reason: "rename-refused"
      })}
            ${renameRefused === undefined ? nothing : html`<p class="hint read-only" id="rename-refused">${recordRefusalView(renameRefused)}</p>`}
            ${members}
            <fieldset class="picker">
              <legend>${msg("Add members")}</legend>
              <div class="choices" role="group" aria-label=${msg("Users to add")}>
                ${this.#listed.map((username) => this.#box(username, false))}
              </div>
              ${finder("f-find", msg("Find users to add"), (text) => this.#findLater(text))}
              <div class="choices" role="group" aria-label=${msg("Users found")}>
                ${this.#candidates
                  .filter((user) => !this.#listed.includes(user.username))
                  .map((user) => this.#box(user.username, group !== undefined && user.groups.includes(group.name)))}
              </div>
            </fieldset>
            <p class="hint" role="status">
              ${staged.length === 0 ? "" : msg(str`Save will apply: ${staged.join(", ")}.`)}
            </p>
            ${membersError === undefined ? nothing : html`<p class="alert" role="alert">${membersError}</p>`}`
    })
  }

  async #save(client: UserManagerClient, name: string, group: Group | undefined) {
    const addMembers = [...this.#added].sort()
    const removeMembers = [...this.#removed].sort()
    if (group === undefined) {
      const created = await client.createGroup({ name, members: addMembers })
      this.dispatchEvent(new UserManagerChangeEvent("group-created", created))
      this.#feedback.changed({ message: msg(str`Created group ${created.name}.`), key: created.name, created: true })
      return
    }
    // Every change in one request, applied all together or not at all.
    const changes: GroupChanges = {
      ...(name === group.name ? {} : { name }),
      ...(addMembers.length === 0 ? {} : { addMembers }),
      ...(removeMembers.length === 0 ? {} : { removeMembers })
    }
    const updated =
      Object.keys(changes).length === 0 ? group : await client.modifyGroup(group.name, changes, group.version)
    this.dispatchEvent(new UserManagerChangeEvent("group-updated", updated))
    this.#feedback.changed(
      groupChange(
        group,
        updated,
        addMembers,
        removeMembers,
        (inverse) => this.#undo(updated, inverse),
        numberFormatOf(this)
      )
    )
  }

  /** Takes back a change of members (and the rename that came with it) in one change, as Save made it. */
  async #undo(group: Group, inverse: GroupChanges) {
    const client = this.client
    if (client === undefined) return
    const undone = await client.modifyGroup(group.name, inverse, group.version)
    this.dispatchEvent(new UserManagerChangeEvent("group-updated", undone))
  }

  /** A refused deletion, with the users it would leave without a group. */
  #refusal(error: ClientError) {
    const stranded = usernamesOf(error)
    return html`<div class="alert" role="alert">
      <p>${refusalView(error)}</p>
      ${
        stranded.length === 0
          ? nothing
          : html`<p>${msg("Users who would be left without a group:")}</p>
            <ul aria-label=${msg("Users who would be left without a group")}>
              ${stranded.map((username) => html`<li>${username}</li>`)}
            </ul>`
      }
    </div>`
  }
}
