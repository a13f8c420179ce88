import { msg, str } from "@lit/localize"
import { html, nothing, type TemplateResult } from "lit"
import type { ImportCounts, ImportResult, RecordKind } from "../Client.js"
import { formatNumber } from "./i18n.js"

/** How many refused records the dialog lists (the rest are counted): a list of thousands helps nobody read it. */
const REFUSALS_SHOWN = 1000

const countColumns = (): ReadonlyArray<{ readonly key: keyof ImportCounts; readonly label: string }> => [
  { key: "created", label: msg("Created") },
  { key: "updated", label: msg("Updated") },
  { key: "unchanged", label: msg("Unchanged") },
  { key: "skipped", label: msg("Skipped") },
  { key: "refused", label: msg("Refused") }
]

/** The counts of a kind in words: "3 users created, 1 updated, 0 unchanged, 0 skipped, 1 refused" ("1 user created"). */
export const summary = (counts: ImportCounts, kind: RecordKind) => {
  const [created, updated, unchanged, skipped, refused] = [
    counts.created,
    counts.updated,
    counts.unchanged,
    counts.skipped,
    counts.refused
  ].map(formatNumber)
  if (counts.created === 1) {
    return kind === "users"
      ? msg(str`1 user created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped, ${refused} refused`)
      : msg(str`1 group created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped, ${refused} refused`)
  }
  return kind === "users"
    ? msg(
        str`${created} users created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped, ${refused} refused`
      )
    : msg(
        str`${created} groups created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped, ${refused} refused`
      )
}

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
  const columns = countColumns()
  const nonZero = (counts: ImportCounts) => columns.some((column) => counts[column.key] > 0)
  const rows: ReadonlyArray<RecordKind> = nonZero(outcome[other]) ? [kind, other] : [kind]
  const refused = outcome.refused
  const shown = refused.slice(0, REFUSALS_SHOWN)
  return html`<h3 id="outcome-title">
      ${
        outcome.dryRun
          ? msg("Plan (nothing written yet)")
          : outcome.stopped
            ? msg("Result (stopped before the end)")
            : msg("Result")
      }
    </h3>
    <table class="counts" aria-labelledby="outcome-title">
      <thead>
        <tr>
          <td></td>
          ${columns.map((column) => html`<th scope="col">${column.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr>
            <th scope="row">${row === "users" ? msg("Users") : msg("Groups")}</th>
            ${columns.map((column) => html`<td>${formatNumber(outcome[row][column.key])}</td>`)}
          </tr>`
        )}
      </tbody>
    </table>
    ${
      outcome.warnings.length === 0
        ? nothing
        : html`<h3 id="warnings-title">${msg("Warnings")}</h3>
          <ul aria-labelledby="warnings-title">
            ${outcome.warnings.map((warning) => html`<li>${warning}</li>`)}
          </ul>`
    }
    ${
      refused.length === 0
        ? nothing
        : html`<h3 id="refused-title">${msg(str`Refused records (${formatNumber(refused.length)})`)}</h3>
          <div class="refused" role="region" aria-labelledby="refused-title" tabindex="0">
            <ol>
              ${shown.map(
                (refusal) => html`<li>
                  <strong>${refusal.location ?? msg("Record")}</strong>${refusal.name === undefined ? nothing : html` (${refusal.name})`}:
                  ${refusal.reason}
                </li>`
              )}
            </ol>
            ${
              refused.length > shown.length
                ? html`<p class="hint">${msg(str`…and ${formatNumber(refused.length - shown.length)} more.`)}</p>`
                : nothing
            }
          </div>`
    }`
}
