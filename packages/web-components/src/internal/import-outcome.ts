import { html, nothing, type TemplateResult } from "lit"
import type { ImportCounts, ImportResult, RecordKind } from "../Client.js"

/** How many refused records the dialog lists (the rest are counted): a list of thousands helps nobody read it. */
const REFUSALS_SHOWN = 1000

const countColumns: ReadonlyArray<{ readonly key: keyof ImportCounts; readonly label: string }> = [
  { key: "created", label: "Created" },
  { key: "updated", label: "Updated" },
  { key: "unchanged", label: "Unchanged" },
  { key: "skipped", label: "Skipped" },
  { key: "refused", label: "Refused" }
]

/** The counts of a kind in words: "3 users created, 1 updated, 0 unchanged, 0 skipped, 1 refused". */
export const summary = (counts: ImportCounts, many: string) =>
  `${counts.created} ${many} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.refused} refused`

/**
 * An import's plan or result, as the Import dialog shows it: the counts of the tab's kind (and of the other kind when
 * the file held any), the warnings, and the refused records (the first thousand listed, the rest counted).
 */
export const renderImportOutcome = (
  outcome: ImportResult | undefined,
  kind: RecordKind
): TemplateResult | typeof nothing => {
  if (outcome === undefined) return nothing
  const other: RecordKind = kind === "users" ? "groups" : "users"
  const nonZero = (counts: ImportCounts) => countColumns.some((column) => counts[column.key] > 0)
  const rows: ReadonlyArray<RecordKind> = nonZero(outcome[other]) ? [kind, other] : [kind]
  const refused = outcome.refused
  const shown = refused.slice(0, REFUSALS_SHOWN)
  return html`<h3 id="outcome-title">
      ${outcome.dryRun ? "Plan (nothing written yet)" : outcome.stopped ? "Result (stopped before the end)" : "Result"}
    </h3>
    <table class="counts" aria-labelledby="outcome-title">
      <thead>
        <tr>
          <td></td>
          ${countColumns.map((column) => html`<th scope="col">${column.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr>
            <th scope="row">${row === "users" ? "Users" : "Groups"}</th>
            ${countColumns.map((column) => html`<td>${outcome[row][column.key].toLocaleString("en-US")}</td>`)}
          </tr>`
        )}
      </tbody>
    </table>
    ${
      outcome.warnings.length === 0
        ? nothing
        : html`<h3 id="warnings-title">Warnings</h3>
          <ul aria-labelledby="warnings-title">
            ${outcome.warnings.map((warning) => html`<li>${warning}</li>`)}
          </ul>`
    }
    ${
      refused.length === 0
        ? nothing
        : html`<h3 id="refused-title">Refused records (${refused.length.toLocaleString("en-US")})</h3>
          <div class="refused" role="region" aria-labelledby="refused-title" tabindex="0">
            <ol>
              ${shown.map(
                (refusal) => html`<li>
                  <strong>${refusal.location ?? "Record"}</strong>${refusal.name === undefined ? nothing : html` (${refusal.name})`}:
                  ${refusal.reason}
                </li>`
              )}
            </ol>
            ${
              refused.length > shown.length
                ? html`<p class="hint">…and ${(refused.length - shown.length).toLocaleString("en-US")} more.</p>`
                : nothing
            }
          </div>`
    }`
}
