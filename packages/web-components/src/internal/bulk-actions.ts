import { msg, str } from "@lit/localize"
import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit"
import { live } from "lit/directives/live.js"
import type { ImportFormat, ImportOptions, ImportResult, RecordKind } from "../Client.js"
import { UserManagerChangeEvent } from "../events.js"
import { renderImportOutcome, summary } from "./import-outcome.js"
import { trapFocus } from "./keys.js"
import type { ListController } from "./list-controller.js"
import { refusalOf } from "./refusals.js"

type OnConflict = NonNullable<ImportOptions["onConflict"]>

/**
 * Where the import dialog is: nothing chosen yet, the file being checked (a dry run), its plan shown, the file being
 * imported, or the import's result shown.
 */
type Phase = "choose" | "checking" | "planned" | "applying" | "done"

/** The words of each kind of record, and the fields its CSV header names. */
/** What the Import dialog says of each kind, in the element's language (the field names are the file's own). */
const words = (kind: RecordKind) =>
  kind === "users"
    ? {
        title: msg("Import users"),
        help: msg(
          str`A CSV file whose header row names the fields (${"username, firstName, lastName, email, groups, enabled, system, password"}; groups comma-separated, quoted), or a JSON Lines file with one user a line. The file is checked first; nothing is written until you press Import.`
        ),
        exists: msg("When a user of the file already exists"),
        choices: [
          { value: "fail", label: msg("Refuse the record: the existing user is not changed") },
          { value: "skip", label: msg("Skip the record: the existing user is kept as it is") },
          { value: "update", label: msg("Update the existing user with the record's fields") }
        ] as ReadonlyArray<{ readonly value: OnConflict; readonly label: string }>
      }
    : {
        title: msg("Import groups"),
        help: msg(
          str`A CSV file whose header row names the fields (${"name, gid, members"}; members comma-separated, quoted), or a JSON Lines file with one group a line. The file is checked first; nothing is written until you press Import.`
        ),
        exists: msg("When a group of the file already exists"),
        choices: [
          { value: "fail", label: msg("Refuse the record: the existing group is not changed") },
          { value: "skip", label: msg("Skip the record: the existing group is kept as it is") },
          { value: "update", label: msg("Update the existing group with the record's fields") }
        ] as ReadonlyArray<{ readonly value: OnConflict; readonly label: string }>
      }

/** The format of a chosen file, by its name (else its type), or undefined when it is neither CSV nor JSON Lines. */
const formatOf = (file: File): ImportFormat | undefined => {
  const name = file.name.toLowerCase()
  if (name.endsWith(".csv") || file.type === "text/csv") return "csv"
  if (/\.(jsonl|ndjson)$/.test(name) || file.type === "application/x-ndjson" || file.type === "application/jsonl") {
    return "ndjson"
  }
  return undefined
}

/** The look of the Import dialog: its counts table, progress bar and the scrolling list of refused records. */
export const bulkStyles = css`
  #import-dialog {
    width: min(40em, 92vw);
  }
  #import-dialog h3 {
    font-size: 1.05em;
    margin: 1em 0 0.4em;
  }
  .counts tbody tr {
    cursor: auto;
  }
  .counts tbody tr:hover {
    background: none;
  }
  .counts td {
    font-variant-numeric: tabular-nums;
  }
  .progress {
    display: flex;
    gap: 0.75em;
    align-items: center;
  }
  progress {
    flex: 1;
    accent-color: var(--_accent);
  }
  .refused {
    max-height: 14em;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.25em 0.75em;
  }
  .refused ol {
    margin: 0;
    padding-inline-start: 0;
    list-style: none;
  }
  .refused li {
    padding: 0.25em 0;
    border-bottom: 1px solid var(--_border);
  }
  .refused li:last-child {
    border-bottom: none;
  }
  button[aria-disabled="true"] {
    opacity: 0.6;
    cursor: not-allowed;
  }
`

/** What the bulk actions of a tab need from it: its kind of record, and whether the signed-in user is an administrator. */
export interface BulkOptions {
  readonly kind: RecordKind
  readonly admin: () => boolean
}

/**
 * Import and Export of a tab, for administrators and when the client offers them. Import opens a dialog: a CSV or
 * JSON Lines file is checked at once (a dry run) and its plan shown (the counts, warnings, and every refused record with
 * its line and reason); changing what an existing record does checks it again; Import then applies it, showing how much
 * of the file has been sent and then a busy bar until the result, and the table is read again. Export downloads the
 * tab's records as CSV. Every rule is the back end's: the dialog only shows what it answers.
 */
export class BulkActions<T, S extends string> implements ReactiveController {
  #file: File | undefined
  #format: ImportFormat | undefined
  #onConflict: OnConflict = "fail"
  #atomic = false
  #phase: Phase = "choose"
  /** The plan of a dry run, or the result of the import. */
  #outcome: ImportResult | undefined
  #sent = 0
  #size = 0
  #alert = ""
  #exporting = false
  /** The latest check or import: the answer to an earlier one (a file since replaced) is not shown. */
  #run = 0
  #isOpen = false
  #opening = false
  readonly #host: LitElement
  readonly #list: ListController<T, S>
  readonly #options: BulkOptions

  constructor(host: LitElement, list: ListController<T, S>, options: BulkOptions) {
    this.#host = host
    this.#list = list
    this.#options = options
    host.addController(this)
  }

  #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector<HTMLDialogElement>("#import-dialog")
  }

  hostUpdated(): void {
    if (!this.#opening) return
    this.#opening = false
    const dialog = this.#dialog()
    if (this.#isOpen && dialog?.open === false) dialog.showModal()
  }

  /** The toolbar's Import and Export buttons: only for an administrator, each when the client can do it. */
  renderButtons(): TemplateResult | typeof nothing {
    const client = this.#list.client()
    if (client === undefined || !this.#options.admin()) return nothing
    return html`${
      client.importRecords === undefined
        ? nothing
        : html`<button part="button" aria-haspopup="dialog" @click=${() => this.#open()}>${msg("Import")}</button>`
    }${
      client.exportCsv === undefined
        ? nothing
        : html`<button part="button" aria-busy=${this.#exporting ? "true" : "false"} @click=${() => this.#export()}>
            ${this.#exporting ? msg("Exporting…") : msg("Export CSV")}
          </button>`
    }`
  }

  #open() {
    const root = this.#host.renderRoot
    this.#list.returnFocus =
      ((root instanceof ShadowRoot ? root.activeElement : null) as HTMLElement | null) ?? undefined
    this.#isOpen = true
    this.#opening = true
    // An import still running (its dialog was closed) is shown again as it goes on, not replaced by a new one.
    if (this.#phase === "applying") {
      this.#host.requestUpdate()
      return
    }
    this.#file = undefined
    this.#format = undefined
    this.#onConflict = "fail"
    this.#atomic = false
    this.#phase = "choose"
    this.#outcome = undefined
    this.#alert = ""
    this.#host.requestUpdate()
  }

  async #export() {
    const client = this.#list.client()
    if (client?.exportCsv === undefined || this.#exporting) return
    const { kind } = this.#options
    this.#exporting = true
    this.#host.requestUpdate()
    try {
      const csv = await client.exportCsv(kind)
      const url = URL.createObjectURL(csv)
      const link = document.createElement("a")
      link.href = url
      link.download = `${kind}.csv`
      link.hidden = true
      this.#host.renderRoot.append(link)
      link.click()
      link.remove()
      // The download has its own copy once it starts; the URL is kept a while for a browser that reads it late.
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      this.#list.alert = ""
    } catch (error) {
      this.#list.alert = refusalOf(error)
    } finally {
      this.#exporting = false
      this.#host.requestUpdate()
    }
  }

  #pick(event: Event) {
    const file = (event.target as HTMLInputElement).files?.[0]
    this.#file = file
    this.#format = file === undefined ? undefined : formatOf(file)
    this.#outcome = undefined
    this.#phase = "choose"
    this.#run++
    this.#alert =
      file !== undefined && this.#format === undefined
        ? msg(
            str`${file.name} is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson): choose a file in one of these formats.`
          )
        : ""
    this.#host.requestUpdate()
    void this.#check()
  }

  #choose(change: () => void) {
    change()
    this.#host.requestUpdate()
    void this.#check()
  }

  /** Sends the file as a dry run (again), for the plan of the options chosen now. */
  async #check() {
    const done = await this.#send(true)
    if (done === undefined) return
    this.#phase = done.ok ? "planned" : "choose"
    this.#host.requestUpdate()
  }

  async #apply(event: SubmitEvent) {
    event.preventDefault()
    if (!this.#canApply()) return
    const done = await this.#send(false)
    if (done === undefined) return
    if (!done.ok) {
      this.#phase = "planned"
      this.#host.requestUpdate()
      return
    }
    this.#phase = "done"
    const { kind } = this.#options
    this.#host.dispatchEvent(
      new UserManagerChangeEvent(kind === "users" ? "users-imported" : "groups-imported", done.result)
    )
    this.#host.requestUpdate()
    await this.#host.updateComplete
    this.#dialog()?.querySelector<HTMLElement>("#import-close")?.focus()
    await this.#list.load()
  }

  /**
   * Sends the chosen file with the chosen options, following its upload; undefined when there is nothing to send or a
   * later request has replaced this one.
   */
  async #send(dryRun: boolean): Promise<{ ok: true; result: ImportResult } | { ok: false } | undefined> {
    const client = this.#list.client()
    const file = this.#file
    const format = this.#format
    if (client?.importRecords === undefined || file === undefined || format === undefined) return undefined
    const run = ++this.#run
    this.#phase = dryRun ? "checking" : "applying"
    if (dryRun) this.#outcome = undefined
    this.#alert = ""
    this.#sent = 0
    this.#size = file.size
    this.#host.requestUpdate()
    try {
      const result = await client.importRecords(file, {
        kind: this.#options.kind,
        format,
        onConflict: this.#onConflict,
        atomic: this.#atomic,
        dryRun,
        onUploadProgress: (sent, size) => {
          if (run !== this.#run) return
          this.#sent = sent
          this.#size = size
          this.#host.requestUpdate()
        }
      })
      if (run !== this.#run) return undefined
      this.#outcome = result
      return { ok: true, result }
    } catch (error) {
      if (run !== this.#run) return undefined
      this.#alert = refusalOf(error)
      return { ok: false }
    }
  }

  /** Whether Import applies anything: a plan is shown and it would create or update a record. */
  #canApply(): boolean {
    const plan = this.#outcome
    if (this.#phase !== "planned" || plan === undefined) return false
    return plan.users.created + plan.users.updated + plan.groups.created + plan.groups.updated > 0
  }

  /** The Import dialog; its form while it is open. */
  renderDialog(): TemplateResult {
    const { kind } = this.#options
    const word = words(kind)
    const busy = this.#phase === "checking" || this.#phase === "applying"
    const applying = this.#phase === "applying"
    return html`<dialog
      id="import-dialog"
      part="dialog"
      aria-labelledby="import-title"
      aria-describedby="import-help"
      @keydown=${trapFocus}
      @cancel=${(event: Event) => {
        // The import goes on at the server: the dialog stays to show what it did.
        if (this.#phase === "applying") event.preventDefault()
      }}
      @close=${() => {
        this.#isOpen = false
        // A check is forgotten; an import goes on at the server, and its end still reads the table again.
        if (this.#phase !== "applying") this.#run++
        this.#host.requestUpdate()
        this.#list.restoreFocus()
      }}
    >
      ${
        !this.#isOpen
          ? nothing
          : html`<form novalidate @submit=${(event: SubmitEvent) => this.#apply(event)}>
            <h2 id="import-title">${word.title}</h2>
            <p class="hint" id="import-help">${word.help}</p>
            <div class="field">
              <label for="import-file">${msg("File (CSV or JSON Lines)")}</label>
              <input
                id="import-file"
                type="file"
                accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
                ?disabled=${applying || this.#phase === "done"}
                @change=${(event: Event) => this.#pick(event)}
              />
            </div>
            <fieldset ?disabled=${applying || this.#phase === "done"}>
              <legend>${word.exists}</legend>
              ${word.choices.map(
                (choice) => html`<label
                    ><input
                      type="radio"
                      name="onConflict"
                      .value=${choice.value}
                      .checked=${live(this.#onConflict === choice.value)}
                      @change=${() => this.#choose(() => (this.#onConflict = choice.value))}
                    />
                    ${choice.label}</label
                  ><br />`
              )}
            </fieldset>
            <div class="field">
              <label
                ><input
                  type="checkbox"
                  name="atomic"
                  .checked=${live(this.#atomic)}
                  ?disabled=${applying || this.#phase === "done"}
                  @change=${(event: Event) => this.#choose(() => (this.#atomic = (event.target as HTMLInputElement).checked))}
                />
                ${msg("All or nothing: write nothing if any record is refused")}</label
              >
            </div>
            ${this.#renderProgress(busy)} ${this.#phase === "checking" ? nothing : renderImportOutcome(this.#outcome, this.#options.kind)}
            ${this.#alert === "" ? nothing : html`<p class="alert" role="alert">${this.#alert}</p>`}
            <div class="actions">
              <span class="spacer"></span>
              ${
                this.#phase === "done"
                  ? html`<button type="button" id="import-close" class="primary" part="button" @click=${() => this.#dialog()?.close()}>
                      ${msg("Close")}
                    </button>`
                  : html`<button
                        type="button"
                        part="button"
                        aria-disabled=${applying ? "true" : "false"}
                        @click=${() => {
                          if (!applying) this.#dialog()?.close()
                        }}
                      >
                        ${msg("Cancel")}
                      </button>
                      <button type="submit" class="primary" part="button" aria-disabled=${this.#canApply() ? "false" : "true"}>
                        ${msg("Import")}
                      </button>`
              }
            </div>
          </form>`
      }
    </dialog>`
  }

  #renderProgress(busy: boolean) {
    const uploading = busy && this.#size > 0 && this.#sent < this.#size
    const percent = this.#size === 0 ? 0 : Math.floor((this.#sent / this.#size) * 100)
    const status = (() => {
      const outcome = this.#outcome
      switch (this.#phase) {
        case "checking":
          return msg("Checking the file…")
        case "applying":
          return msg("Importing…")
        case "planned":
          return this.#canApply()
            ? msg("Checked: nothing has been written yet. Press Import to apply the plan.")
            : msg("Checked: the file would create or update nothing.")
        case "done":
          return outcome === undefined
            ? ""
            : outcome.stopped
              ? msg(str`Import finished early: ${summary(outcome[this.#options.kind], this.#options.kind)}.`)
              : msg(str`Import finished: ${summary(outcome[this.#options.kind], this.#options.kind)}.`)
        default:
          return ""
      }
    })()
    return html`<div class="progress">
      ${
        busy
          ? html`<progress
              aria-label=${this.#phase === "checking" ? msg("Checking") : msg("Importing")}
              max=${uploading ? this.#size : nothing}
              value=${uploading ? this.#sent : nothing}
            ></progress>
            <span class="hint">${uploading ? msg(str`${percent}% of the file sent`) : msg("The server is working…")}</span>`
          : nothing
      }
    </div>
    <p role="status" id="import-status">${status}</p>`
  }
}
