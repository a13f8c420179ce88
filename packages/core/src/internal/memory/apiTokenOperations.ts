/**
 * The API tokens of an in-memory transaction: create, find, list, touch and delete them.
 */
import { Effect, Option } from "effect"
import type { ApiTokenRow, ApiTokenStore } from "../../Directory.js"
import { TokenNameTaken } from "../../Errors.js"
import { drop, type MemoryContext, put } from "./state.js"

/** The API tokens of a transaction, over its context. */
export const apiTokenOperations = ({ state, mutate }: MemoryContext): ApiTokenStore => {
  const byHash = (tokenHash: string): ApiTokenRow | undefined => {
    for (const row of state.apiTokens.values()) if (row.tokenHash === tokenHash) return row
    return undefined
  }
  return {
    insertApiToken: (row) =>
      state.apiTokens.has(row.name)
        ? Effect.fail(new TokenNameTaken({ name: row.name }))
        : mutate((log) => put(log, state.apiTokens, row.name, row)),
    findApiToken: (tokenHash) => Effect.sync(() => Option.fromNullable(byHash(tokenHash))),
    listApiTokens: () =>
      Effect.sync(() => [...state.apiTokens.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))),
    deleteApiToken: (name) =>
      mutate((log) => {
        const had = state.apiTokens.has(name)
        drop(log, state.apiTokens, name)
        return had
      }),
    touchApiToken: (tokenHash, at) =>
      mutate((log) => {
        const row = byHash(tokenHash)
        if (row !== undefined) put(log, state.apiTokens, row.name, { ...row, lastUsedAt: at })
      })
  }
}
