/**
 * The audit trail: entries appended with their subjects, and listed by filter.
 */

import { AuditEntry } from "@user-manager/core/AuditEntry"
import type { AuditStore } from "@user-manager/core/Directory"
import { Effect } from "effect"
import { sql } from "kysely"
import type { TransactionContext } from "./transactionContext.js"

/** The audit trail, over a transaction's context. */
/** How many subjects of an audit entry one insert writes (two parameters each, far below every engine's limit). */
const SUBJECTS_PER_INSERT = 1000

export const auditOperations = (tx: TransactionContext): AuditStore => {
  const { db, engine, execute, rows, single } = tx
  return {
    appendAudit: ({ subjects = [], ...entry }) =>
      Effect.gen(function* () {
        yield* execute(
          db.insertInto("audit").values({
            at: entry.at.toISOString(),
            actor: entry.actor,
            action: entry.action,
            target_type: entry.targetType,
            target: entry.target,
            changes: JSON.stringify(entry.changes)
          })
        )
        if (subjects.length === 0) return
        const { id } = yield* single(
          sql<{ readonly id: number | string }>`select ${engine.lastInsertId} as id`.compile(db)
        )
        const unique = [...new Set(subjects)]
        for (let start = 0; start < unique.length; start += SUBJECTS_PER_INSERT) {
          const batch = unique.slice(start, start + SUBJECTS_PER_INSERT)
          yield* execute(
            db.insertInto("audit_subjects").values(batch.map((subject) => ({ subject, entry_id: Number(id) })))
          )
        }
      }),
    listAudit: (filter) =>
      Effect.gen(function* () {
        const filtered = db
          .selectFrom("audit")
          .$if(filter.actor !== undefined, (q) => q.where("actor", "=", filter.actor as string))
          // The entries the target names, and those it is a subject of: each found by its own index.
          .$if(filter.target !== undefined, (q) =>
            q.where("id", "in", (eb) =>
              eb
                .selectFrom("audit")
                .select("id")
                .where("target", "=", filter.target as string)
                .union(
                  eb
                    .selectFrom("audit_subjects")
                    .select("entry_id as id")
                    .where("subject", "=", filter.target as string)
                )
            )
          )
          .$if(filter.action !== undefined, (q) => q.where("action", "=", filter.action as string))
          .$if(filter.since !== undefined, (q) => q.where("at", ">=", (filter.since as Date).toISOString()))
          .$if(filter.until !== undefined, (q) => q.where("at", "<=", (filter.until as Date).toISOString()))
        const counted = yield* single(filtered.select((eb) => eb.fn.countAll<number | string>().as("n")))
        const found = yield* rows(filtered.selectAll().orderBy("id", "desc").limit(filter.limit).offset(filter.offset))
        const items = found.map(
          (row) =>
            new AuditEntry(
              {
                id: Number(row.id),
                at: new Date(row.at),
                actor: row.actor,
                action: row.action as AuditEntry["action"],
                targetType: row.target_type as AuditEntry["targetType"],
                target: row.target,
                changes: JSON.parse(row.changes) as Record<string, unknown>
              },
              { disableValidation: true }
            )
        )
        return { items, total: Number(counted.n) }
      })
  }
}
