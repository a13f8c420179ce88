/**
 * The directory-wide settings: one row, locked shared by a writer that reads it and exclusively by a change of it.
 */
import type { SettingsStore } from "@user-manager/core/Directory"
import { Effect, Option } from "effect"
import { sql } from "kysely"
import type { TransactionContext } from "./transactionContext.js"

/** The key of the PostgreSQL advisory lock on the settings ("dtsettings" in ASCII, read as a number). */
const SETTINGS_LOCK_KEY = sql.raw("6474736574")

/** How a read of the settings locks their row: not at all (a reader), shared (a writer), or for a change. */
type Lock = "none" | "share" | "update"

/** The directory-wide settings of a transaction, over its context. */
export const settingsOperations = (tx: TransactionContext): SettingsStore => {
  const { db, engineName, execute, locks, shaped, single } = tx
  // Every operation reads them: compiled once per store, not built again in each transaction.
  const select = (lock: Lock) =>
    shaped(`settings:${lock}`, [], () => {
      const query = db
        .selectFrom("settings")
        .select(["admin_group", "gid_min", "gid_max", "min_password_length"])
        .where("id", "=", 1)
      if (lock === "update") return query.forUpdate().compile()
      if (lock === "none") return query.compile()
      return (engineName === "mysql" ? query.modifyEnd(sql`lock in share mode`) : query.forShare()).compile()
    })
  // PostgreSQL: a transaction-level advisory lock, shared by writers and exclusive for a change. A row's FOR SHARE let
  // new writers join the sharers while a change waited behind them, so a steady stream of writes starved the change;
  // the lock manager queues a shared request behind a waiting exclusive one. The change also locks the row, as
  // before, so that a process of an older version (which only locks the row) still waits on it.
  const advisory = (lock: Lock) =>
    shaped(`settings-advisory:${lock}`, [], () =>
      (lock === "update"
        ? sql`select pg_advisory_xact_lock(${SETTINGS_LOCK_KEY}) as locked`
        : sql`select pg_advisory_xact_lock_shared(${SETTINGS_LOCK_KEY}) as locked`
      ).compile(db)
    )
  const read = (lock: Lock) =>
    engineName === "postgres" && lock !== "none"
      ? Effect.zipRight(execute(advisory(lock)), single(select(lock === "update" ? "update" : "none")))
      : single(select(lock))
  return {
    // A writer's rules run on the settings as read until it ends: a change of them waits for it (and it for a change).
    readSettings: (options) =>
      read(!locks ? "none" : options?.forUpdate === true ? "update" : "share").pipe(
        Effect.map((row) =>
          row.admin_group === null || row.gid_min === null || row.gid_max === null || row.min_password_length === null
            ? Option.none()
            : Option.some({
                adminGroup: row.admin_group,
                gidMin: Number(row.gid_min),
                gidMax: Number(row.gid_max),
                minPasswordLength: row.min_password_length
              })
        )
      ),
    saveSettings: (settings) =>
      Effect.asVoid(
        execute(
          db
            .updateTable("settings")
            .set({
              admin_group: settings.adminGroup,
              gid_min: settings.gidMin,
              gid_max: settings.gidMax,
              min_password_length: settings.minPasswordLength
            })
            .where("id", "=", 1)
        )
      )
  }
}
