/**
 * The sessions of an in-memory transaction: create, find, and delete them.
 */
import { Effect, Option } from "effect"
import type { SessionStore } from "../../Directory.js"
import { drop, dropWhere, type MemoryContext, put } from "./state.js"

/** The sessions of a transaction, over its context. */
export const sessionOperations = ({ state, mutate, userRecord }: MemoryContext): SessionStore => ({
  insertSession: (row) => mutate((log) => put(log, state.sessions, row.tokenHash, row)),
  findSession: (tokenHash) => Effect.sync(() => Option.fromNullable(state.sessions.get(tokenHash))),
  findSessionUser: (tokenHash) =>
    Effect.sync(() =>
      Option.flatMap(Option.fromNullable(state.sessions.get(tokenHash)), (session) =>
        Option.map(Option.fromNullable(state.users.get(session.username)), (user) => ({
          session,
          user: userRecord(user)
        }))
      )
    ),
  deleteSession: (tokenHash) => mutate((log) => drop(log, state.sessions, tokenHash)),
  deleteUserSessions: (username) => mutate((log) => dropWhere(log, state.sessions, (row) => row.username === username)),
  deleteExpiredSessions: (now) =>
    mutate((log) => {
      dropWhere(log, state.sessions, (row) => row.expiresAt < now)
    })
})
