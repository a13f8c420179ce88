/**
 * The audit trail use case: administrators list and filter the recorded changes.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { Actor } from "./Actor.js"
import { type AuditEntry, AuditQuery } from "./AuditEntry.js"
import { Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import { decodeInput } from "./internal/decode.js"
import { asAdmin } from "./internal/operation.js"
import { DEFAULT_PAGE_SIZE, type Page } from "./Page.js"

const decodeQuery = decodeInput(AuditQuery)

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig

  const list = Effect.fn("Audit.list")(function* (actor: Actor, query: AuditQuery = {}) {
    const { limit = DEFAULT_PAGE_SIZE, offset = 0, ...filter } = yield* decodeQuery(query)
    return yield* directory.readAfterCheck(
      (tx) => asAdmin(tx, config, actor, "read the audit trail", "read"),
      (tx) =>
        Effect.map(
          tx.listAudit({ ...filter, limit, offset }),
          ({ items, total }): Page<AuditEntry> => ({ items, total, totalExact: true, offset, limit })
        )
    )
  })

  return {
    /** Audit entries matching actor, target, action and time window, newest first (admins). */
    list
  }
})

/**
 * The audit trail use case.
 *
 * @category services
 * @since 0.1.0
 */
export class Audit extends Context.Tag("@user-manager/core/Audit")<Audit, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory`. */
  static readonly layer = Layer.effect(this, make)
}
