/**
 * The audit trail of an in-memory transaction: append to it and list it.
 */
import { Effect } from "effect"
import { AuditEntry, type NewAuditEntry } from "../../AuditEntry.js"
import type { AuditFilter, AuditStore } from "../../Directory.js"
import { type MemoryContext, page } from "./state.js"

/** The audit trail of a transaction, over its context. */
export const auditOperations = ({ state, mutate }: MemoryContext): AuditStore => {
  const appendAudit = ({ subjects = [], ...entry }: NewAuditEntry) =>
    mutate((log) => {
      const id = state.audit.length + 1
      state.audit.push(new AuditEntry({ ...entry, id }, { disableValidation: true }))
      log.push(() => state.audit.pop())
      if (subjects.length > 0) {
        state.auditSubjects.set(id, new Set(subjects))
        log.push(() => state.auditSubjects.delete(id))
      }
    })
  return {
    appendAudit,
    appendAudits: (entries) => Effect.forEach(entries, appendAudit, { discard: true }),
    listAudit: (filter: AuditFilter) =>
      Effect.sync(() => {
        const matches: Array<AuditEntry> = []
        for (let index = state.audit.length - 1; index >= 0; index--) {
          const entry = state.audit[index] as AuditEntry
          if (filter.actor !== undefined && entry.actor !== filter.actor) continue
          if (
            filter.target !== undefined &&
            entry.target !== filter.target &&
            state.auditSubjects.get(entry.id)?.has(filter.target) !== true
          ) {
            continue
          }
          if (filter.action !== undefined && entry.action !== filter.action) continue
          if (filter.since !== undefined && entry.at < filter.since) continue
          if (filter.until !== undefined && entry.at > filter.until) continue
          matches.push(entry)
        }
        return page(matches, filter)
      })
  }
}
