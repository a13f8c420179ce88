/**
 * The sign-in throttle's counters in an in-memory transaction: lock, save, trim and list them.
 */
import { Effect } from "effect"
import type { SignInCounter, SignInCounterStore } from "../../Directory.js"
import { drop, dropWhere, type MemoryContext, put } from "./state.js"

/** The map key of a sign-in counter (a username has no newline). */
const counterKey = (key: { readonly username: string; readonly address: string }) => `${key.username}\n${key.address}`

/** The sign-in counters of a transaction, over its context. */
export const signInCounterOperations = ({ state, mutate }: MemoryContext): SignInCounterStore => ({
  lockSignInCounters: (keys, now) =>
    mutate((log) =>
      keys.map((key) => {
        const found = state.signInCounters.get(counterKey(key))
        if (found !== undefined) return found
        const counter: SignInCounter = { ...key, failures: 0, windowStart: now, lastFailureAt: 0 }
        put(log, state.signInCounters, counterKey(key), counter)
        return counter
      })
    ),
  saveSignInCounters: (counters) =>
    mutate((log) => {
      for (const counter of counters) put(log, state.signInCounters, counterKey(counter), counter)
    }),
  deleteSignInCounters: (username) =>
    mutate((log) => {
      const held = [...state.signInCounters.values()].filter(
        (counter) => counter.username === username && counter.failures > 0
      ).length
      dropWhere(log, state.signInCounters, (counter) => counter.username === username)
      return held
    }),
  trimSignInCounters: (before, maxCounters) =>
    mutate((log) => {
      dropWhere(log, state.signInCounters, (counter) => counter.windowStart < before)
      const excess = state.signInCounters.size - maxCounters
      if (excess <= 0) return
      const oldest = [...state.signInCounters].sort(([, a], [, b]) => a.windowStart - b.windowStart)
      for (const [key] of oldest.slice(0, excess)) drop(log, state.signInCounters, key)
    }),
  listSignInCounters: (query) =>
    Effect.sync(() =>
      [...state.signInCounters.values()]
        .filter((counter) => counter.windowStart >= query.since && counter.failures >= query.minFailures)
        .sort((a, b) => b.lastFailureAt - a.lastFailureAt)
        .slice(0, query.limit)
    )
})
