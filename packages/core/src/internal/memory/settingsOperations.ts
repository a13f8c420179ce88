/**
 * The in-memory store's directory-wide settings.
 */
import { Effect, Option } from "effect"
import type { SettingsStore } from "../../Directory.js"
import type { MemoryContext } from "./state.js"

/** The stored settings of a transaction, over its context (transactions are serialised: nothing to lock). */
export const settingsOperations = ({ state, mutate }: MemoryContext): SettingsStore => ({
  readSettings: () => Effect.sync(() => Option.fromNullable(state.settings)),
  saveSettings: (settings) =>
    mutate((log) => {
      const previous = state.settings
      state.settings = { ...settings }
      log.push(() => {
        state.settings = previous
      })
    })
})
