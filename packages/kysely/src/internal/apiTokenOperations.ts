/**
 * API tokens, by name and by the hash of their value.
 */
import type { ApiTokenRow, ApiTokenStore } from "@user-manager/core/Directory"
import { TokenNameTaken } from "@user-manager/core/Errors"
import type { TokenName } from "@user-manager/core/Names"
import { Effect, Option } from "effect"
import type { ApiTokensTable } from "./schema.js"
import type { TransactionContext } from "./transactionContext.js"

const date = (text: string | null): Date | null => (text === null ? null : new Date(text))

const toRow = (row: ApiTokensTable): ApiTokenRow => ({
  name: row.name as TokenName,
  tokenHash: row.token_hash,
  scope: row.scope as ApiTokenRow["scope"],
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  expiresAt: date(row.expires_at),
  lastUsedAt: date(row.last_used_at)
})

/** API tokens, over a transaction's context. */
export const apiTokenOperations = (tx: TransactionContext): ApiTokenStore => {
  const { db, execute, rows, first } = tx
  return {
    insertApiToken: (row) =>
      Effect.gen(function* () {
        if ((yield* first(db.selectFrom("api_tokens").select("name").where("name", "=", row.name))) !== undefined) {
          return yield* new TokenNameTaken({ name: row.name })
        }
        yield* execute(
          db.insertInto("api_tokens").values({
            name: row.name,
            token_hash: row.tokenHash,
            scope: row.scope,
            created_by: row.createdBy,
            created_at: row.createdAt.toISOString(),
            expires_at: row.expiresAt?.toISOString() ?? null,
            last_used_at: row.lastUsedAt?.toISOString() ?? null
          })
        )
      }),
    findApiToken: (tokenHash) =>
      first(db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash)).pipe(
        Effect.map((row) => Option.map(Option.fromNullable(row), toRow))
      ),
    listApiTokens: () =>
      rows(db.selectFrom("api_tokens").selectAll().orderBy("name")).pipe(Effect.map((found) => found.map(toRow))),
    deleteApiToken: (name) =>
      execute(db.deleteFrom("api_tokens").where("name", "=", name)).pipe(
        Effect.map((result) => Number(result.numAffectedRows ?? 0n) > 0)
      ),
    touchApiToken: (tokenHash, at) =>
      Effect.asVoid(
        execute(
          db.updateTable("api_tokens").set({ last_used_at: at.toISOString() }).where("token_hash", "=", tokenHash)
        )
      )
  }
}
