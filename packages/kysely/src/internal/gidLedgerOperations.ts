/**
 * The GID allocator's high-water mark and the ledger of every GID ever used.
 */
import type { GidLedger } from "@user-manager/core/Directory"
import { Effect } from "effect"
import type { TransactionContext } from "./transactionContext.js"

/** How many GIDs one statement records (two parameters each, well under every engine's limit). */
const LEDGER_CHUNK = 500

/** The GID allocator's high-water mark and the ledger of every GID ever used, over a transaction's context. */
export const gidLedgerOperations = (tx: TransactionContext): GidLedger => {
  const { db, engineName, execute, locks, first, single, rows } = tx
  return {
    gidHighWaterMark: Effect.suspend(() => {
      const query = db.selectFrom("meta").select("value").where("key", "=", "gid_high_water")
      return single(locks ? query.forUpdate() : query)
    }).pipe(Effect.map((row) => Number(row.value))),
    setGidHighWaterMark: (gid) =>
      Effect.asVoid(execute(db.updateTable("meta").set({ value: gid }).where("key", "=", "gid_high_water"))),
    gidEverUsed: (gid) =>
      first(db.selectFrom("gid_ledger").select("gid").where("gid", "=", gid)).pipe(
        Effect.map((row) => row !== undefined)
      ),
    gidsEverUsed: rows(db.selectFrom("gid_ledger").select("gid").orderBy("gid")).pipe(
      Effect.map((found) => found.map((row) => Number(row.gid)))
    ),
    recordGidsUsed: (gids) =>
      Effect.gen(function* () {
        const unique = [...new Set(gids)]
        // A GID used by no group of this directory is recorded without a group name.
        for (let start = 0; start < unique.length; start += LEDGER_CHUNK) {
          const values = unique.slice(start, start + LEDGER_CHUNK).map((gid) => ({ gid, group_name: "" }))
          const insert = db.insertInto("gid_ledger").values(values)
          yield* execute(
            engineName === "mysql"
              ? insert.ignore()
              : insert.onConflict((conflict) => conflict.column("gid").doNothing())
          )
        }
      })
  }
}
