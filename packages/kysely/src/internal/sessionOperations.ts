/**
 * Signed-in sessions, by the hash of their token.
 */
import type { SessionRow, SessionStore } from "@user-manager/core/Directory"
import type { Username } from "@user-manager/core/Names"
import { Effect, Option } from "effect"
import type { TransactionContext } from "./transactionContext.js"

/** Signed-in sessions, by the hash of their token., over a transaction's context. */
export const sessionOperations = (tx: TransactionContext): SessionStore => {
  const { db, findSessionWithUser, execute, first, joinedUser } = tx
  return {
    insertSession: (row) =>
      Effect.asVoid(
        execute(
          db.insertInto("sessions").values({
            token_hash: row.tokenHash,
            username: row.username,
            created_at: row.createdAt.toISOString(),
            expires_at: row.expiresAt.toISOString()
          })
        )
      ),
    findSession: (tokenHash) =>
      first(db.selectFrom("sessions").selectAll().where("token_hash", "=", tokenHash)).pipe(
        Effect.map((row) =>
          Option.fromNullable(row).pipe(
            Option.map(
              (found): SessionRow => ({
                tokenHash: found.token_hash,
                username: found.username as Username,
                createdAt: new Date(found.created_at),
                expiresAt: new Date(found.expires_at)
              })
            )
          )
        )
      ),
    findSessionUser: (tokenHash) =>
      joinedUser(findSessionWithUser.with([tokenHash])).pipe(
        Effect.map(
          Option.map(({ row, record }) => ({
            session: {
              tokenHash,
              username: record.username,
              createdAt: new Date(row.session_created_at),
              expiresAt: new Date(row.session_expires_at)
            },
            user: record
          }))
        )
      ),
    deleteSession: (tokenHash) => Effect.asVoid(execute(db.deleteFrom("sessions").where("token_hash", "=", tokenHash))),
    deleteUserSessions: (username) =>
      execute(db.deleteFrom("sessions").where("username", "=", username)).pipe(
        Effect.map((result) => Number(result.numAffectedRows ?? 0n))
      ),
    deleteExpiredSessions: (now) =>
      Effect.asVoid(execute(db.deleteFrom("sessions").where("expires_at", "<", now.toISOString())))
  }
}
