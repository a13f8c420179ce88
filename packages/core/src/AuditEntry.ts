/**
 * The audit trail's records: who changed what, when, and how (never a secret value).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Count, wholeBetween } from "./internal/counts.js"
import { MAX_PAGE_SIZE, SearchText } from "./Page.js"

/**
 * Every kind of change the audit trail records.
 *
 * @category models
 * @since 0.1.0
 */
export const AuditAction = Schema.Literal(
  "directory.bootstrap",
  "directory.settings",
  "directory.export",
  "directory.import",
  "user.create",
  "user.modify",
  "user.delete",
  "user.enable",
  "user.disable",
  "user.password",
  "user.unlock",
  "group.create",
  "group.rename",
  "group.modify",
  "group.delete",
  "group.members",
  "token.create",
  "token.revoke"
)

/**
 * A kind of change.
 *
 * @category models
 * @since 0.1.0
 */
export type AuditAction = typeof AuditAction.Type

/**
 * One recorded change. `changes` maps each changed field to its new value (passwords as `"changed"`).
 *
 * @category models
 * @since 0.1.0
 */
export class AuditEntry extends Schema.Class<AuditEntry>("AuditEntry")({
  id: Schema.Int,
  at: Schema.Date,
  actor: Schema.String,
  action: AuditAction,
  targetType: Schema.Literal("user", "group", "directory", "token"),
  target: Schema.String,
  changes: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {}

/**
 * An audit entry before the store numbers it, with its subjects: the other users and groups the change concerns (the
 * members of a membership change, the groups of a user's), which the store indexes so that a `target` filter finds the
 * entry under each of them as well as under its target.
 *
 * @category models
 * @since 0.1.0
 */
export type NewAuditEntry = Omit<AuditEntry, "id"> & { readonly subjects?: ReadonlyArray<string> }

/**
 * A bound of the time window: a date of the years 0–9999, the range in which entries' times compare as stored (ISO
 * text; a later year is written with a sign and six digits, and would sort before them).
 */
const WindowBound = Schema.Date.pipe(
  Schema.filter((date) => {
    const year = date.getUTCFullYear()
    return (year >= 0 && year <= 9999) || "it must be a date in the years 0000 to 9999"
  })
)

/**
 * Which audit entries to list: any of actor, target, action and a time window; newest first.
 *
 * @category queries
 * @since 0.1.0
 */
export const AuditQuery = Schema.Struct({
  actor: Schema.optional(SearchText),
  target: Schema.optional(SearchText),
  action: Schema.optional(AuditAction),
  since: Schema.optional(WindowBound),
  until: Schema.optional(WindowBound),
  limit: Schema.optional(wholeBetween(1, MAX_PAGE_SIZE)),
  offset: Schema.optional(Count)
})

/**
 * The input of `Audit.list`, as callers write it.
 *
 * @category queries
 * @since 0.1.0
 */
export type AuditQuery = typeof AuditQuery.Encoded
