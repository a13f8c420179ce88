/**
 * The audit trail: entries appended with their subjects, and listed by filter.
 */

import type { NewAuditEntry } from "@user-manager/core/AuditEntry"
import { AuditEntry } from "@user-manager/core/AuditEntry"
import type { AuditStore } from "@user-manager/core/Directory"
import type { StorageError } from "@user-manager/core/Errors"
import { Effect } from "effect"
import { type CompiledQuery, sql } from "kysely"
import { chunks, insertChunks, type TransactionContext } from "./transactionContext.js"

/** How many subjects of an audit entry one insert writes (two parameters each, far below every engine's limit). */
const SUBJECTS_PER_INSERT = 1000

/** The columns of an audit row a multi-row insert binds. */
const AUDIT_COLUMNS = 6

/** An audit entry as its row stores it. */
const auditRow = (entry: Omit<NewAuditEntry, "subjects">) => ({
  at: entry.at.toISOString(),
  actor: entry.actor,
  action: entry.action,
  target_type: entry.targetType,
  target: entry.target,
  changes: JSON.stringify(entry.changes)
})

/** The audit trail, over a transaction's context. */
export const auditOperations = (tx: TransactionContext): AuditStore => {
  const { db, engine, shaped, execute, rows, single } = tx

  /** Indexes the subjects of entries whose ids are known, in inserts of at most SUBJECTS_PER_INSERT rows. */
  const insertSubjects = (subjects: ReadonlyArray<{ readonly subject: string; readonly entry_id: number }>) =>
    Effect.forEach(
      chunks(subjects, SUBJECTS_PER_INSERT),
      (batch) => execute(db.insertInto("audit_subjects").values(batch)),
      { discard: true }
    )

  /** Indexes an entry's subjects, each once; a single subject by a statement compiled once. */
  const insertSubjectsOf = (id: number, subjects: ReadonlyArray<string>) => {
    const distinct = [...new Set(subjects)]
    const only = distinct.length === 1 ? distinct[0] : undefined
    return only === undefined
      ? insertSubjects(distinct.map((subject) => ({ subject, entry_id: id })))
      : execute(
          shaped("audit:subject", [only, id], ([subject, entry]) =>
            db
              .insertInto("audit_subjects")
              .values({ subject: subject as string, entry_id: entry as number })
              .compile()
          )
        )
  }

  /** The ids a multi-row insert of `count` entries gave, in the order of its rows. */
  const insertedIds = (
    chunk: ReadonlyArray<ReturnType<typeof auditRow>>
  ): Effect.Effect<ReadonlyArray<number>, StorageError> =>
    engine.returnsIds
      ? rows(db.insertInto("audit").values(chunk).returning("id")).pipe(
          Effect.map((inserted) => inserted.map((row) => Number(row.id)))
        )
      : execute(db.insertInto("audit").values(chunk)).pipe(
          Effect.zipRight(
            single(sql<{ readonly id: number | string }>`select ${engine.lastInsertId} as id`.compile(db))
          ),
          // MySQL gives a multi-row insert consecutive ids, from the one it reports as the last insert id.
          Effect.map(({ id }) => chunk.map((_, index) => Number(id) + index))
        )

  return {
    appendAudit: ({ subjects = [], ...entry }) =>
      Effect.gen(function* () {
        // Compiled once (an entry's row always has the same columns), as is the insert of a single subject. An entry
        // with subjects needs its id: returned by the insert where the engine can, else asked for after it.
        const row = auditRow(entry)
        const columns = Object.keys(row)
        const returning = subjects.length > 0 && engine.returnsIds
        const insert = shaped(
          `audit:insert:${columns.join(",")}${returning ? ":returning" : ""}`,
          Object.values(row),
          (slots) => {
            const values = db
              .insertInto("audit")
              .values(Object.fromEntries(columns.map((column, index) => [column, slots[index]])) as typeof row)
            // Its rows (the id) are read only when it returns them.
            return (returning ? values.returning("id") : values).compile() as CompiledQuery<{
              readonly id: number | string
            }>
          }
        )
        if (returning) {
          yield* insertSubjectsOf(Number((yield* single(insert)).id), subjects)
          return
        }
        yield* execute(insert)
        if (subjects.length === 0) return
        const { id } = yield* single(
          shaped("audit:last-id", [], () =>
            sql<{ readonly id: number | string }>`select ${engine.lastInsertId} as id`.compile(db)
          )
        )
        yield* insertSubjectsOf(Number(id), subjects)
      }),
    appendAudits: (entries) =>
      Effect.gen(function* () {
        const values = entries.map(({ subjects: _subjects, ...entry }) => auditRow(entry))
        let offset = 0
        for (const chunk of insertChunks(engine, values, AUDIT_COLUMNS)) {
          const ids = yield* insertedIds(chunk)
          const subjects = ids.flatMap((id, index) =>
            [...new Set(entries[offset + index]?.subjects ?? [])].map((subject) => ({ subject, entry_id: id }))
          )
          offset += chunk.length
          yield* insertSubjects(subjects)
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
