/**
 * The in-memory GID allocator's high-water mark and the ledger of every GID ever used.
 */
import { Effect } from "effect"
import type { GidLedger } from "../../Directory.js"
import type { MemoryContext } from "./state.js"

/** The GID high-water mark and ledger of a transaction, over its context. */
export const gidLedgerOperations = ({ state, mutate }: MemoryContext): GidLedger => ({
  gidHighWaterMark: Effect.sync(() => state.highWaterMark),
  setGidHighWaterMark: (gid) =>
    mutate((log) => {
      const previous = state.highWaterMark
      state.highWaterMark = gid
      log.push(() => {
        state.highWaterMark = previous
      })
    }),
  gidEverUsed: (gid) => Effect.sync(() => state.gidLedger.has(gid)),
  gidsEverUsed: Effect.sync(() => [...state.gidLedger].sort((a, b) => a - b)),
  recordGidsUsed: (gids) =>
    mutate((log) => {
      for (const gid of new Set(gids)) {
        if (state.gidLedger.has(gid)) continue
        state.gidLedger.add(gid)
        log.push(() => {
          state.gidLedger.delete(gid)
        })
      }
    })
})
