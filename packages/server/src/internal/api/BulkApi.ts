/**
 * What the bulk routes take and answer: the import's and the export's query parameters, and the import's result as
 * the API sends it. The routes themselves are raw routes beside
 * the HttpApi (`internal/bulkRoutes.ts`), for Effect 3's HttpApi cannot stream a request body; `bulkOpenApi.ts`
 * describes them in the OpenAPI document from these schemas.
 */

import { Schema } from "effect"

/** A switch in a query: `true` or `false`. */
const Switch = Schema.transformLiterals(["true", true], ["false", false])

/**
 * The query of `POST /api/v1/import`: what the body holds and how it is applied (the rules and ranges of each option
 * are the core's).
 *
 * @category schemas
 * @since 0.1.0
 */
export const ImportParams = Schema.Struct({
  kind: Schema.optional(Schema.Literal("users", "groups", "mixed", "directory")).annotations({
    description:
      "what the body holds (default users; directory for a JSON body): users, groups, or a mix in JSON Lines, each " +
      'line naming its kind ("kind": "user", "group" or "gids"); directory, a whole-directory document ' +
      "(application/json, as an export of kind directory writes it) or the same mix in JSON Lines"
  }),
  onConflict: Schema.optional(Schema.Literal("fail", "skip", "update")).annotations({
    description:
      "what a record whose user or group exists does (default fail): refused, skipped, or replacing its fields"
  }),
  atomic: Schema.optional(Switch).annotations({
    description: "all or nothing: one refused record and nothing is written (default false)"
  }),
  batchSize: Schema.optional(Schema.NumberFromString.pipe(Schema.int())).annotations({
    description: "records written in each transaction, 1–10,000 (default 1,000)"
  }),
  dryRun: Schema.optional(Switch).annotations({
    description: "check every rule and answer with the plan, writing nothing (default false)"
  }),
  prune: Schema.optional(Switch).annotations({
    description:
      "also delete the users and groups the body does not name, by the rules of every deletion (never system " +
      "users, the admin group, yourself or the last administrator); always atomic (default false)"
  }),
  listChanges: Schema.optional(Switch).annotations({
    description: "list each change with the fields it changes in the answer's changes (default false)"
  })
})

/**
 * The query of `POST /api/v1/import`, as a client writes it.
 *
 * @category schemas
 * @since 0.1.0
 */
export type ImportParams = typeof ImportParams.Encoded

/**
 * The query of `GET /api/v1/export`.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ExportParams = Schema.Struct({
  kind: Schema.optional(Schema.Literal("users", "groups", "directory")).annotations({
    description:
      "what to export (default users): users, groups, or the whole directory (groups with their GIDs, the GID " +
      "ledger, users with their groups)"
  }),
  format: Schema.optional(Schema.Literal("ndjson", "csv", "json")).annotations({
    description:
      "JSON Lines (application/x-ndjson), CSV (text/csv; users or groups) or one JSON document (application/json; " +
      "the whole directory); without it, the Accept header chooses (default ndjson, json for the whole directory)"
  }),
  includePasswordHashes: Schema.optional(Switch).annotations({
    description: "write each user's password hash (administrators; the audit trail records who exported them)"
  })
})

/**
 * The query of `GET /api/v1/export`, as a client writes it.
 *
 * @category schemas
 * @since 0.1.0
 */
export type ExportParams = typeof ExportParams.Encoded

const Count = Schema.NonNegativeInt

const KindCounts = (identifier: string) =>
  Schema.Struct({
    created: Count,
    updated: Count,
    unchanged: Count,
    skipped: Count,
    refused: Count
  }).annotations({ identifier })

/**
 * A record an import refused: where it is in the body, what it is, and why, in one sentence. The record itself is not
 * sent back (it may hold a password).
 *
 * @category schemas
 * @since 0.1.0
 */
export const ImportRefusal = Schema.Struct({
  location: Schema.optional(Schema.String).annotations({ description: 'where in the body: "line 17"' }),
  kind: Schema.String.annotations({ description: "user, group, gids, or malformed (a line that could not be read)" }),
  name: Schema.optional(Schema.String).annotations({ description: "the username or group name, when it was read" }),
  reason: Schema.String
}).annotations({ identifier: "ImportRefusal" })

/**
 * One change of an import, listed when asked (`listChanges=true`): what is created, updated or deleted, and each field
 * that changes, from its stored value to its new one.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ImportChange = Schema.Struct({
  action: Schema.Literal("create", "update", "delete"),
  kind: Schema.Literal("user", "group"),
  name: Schema.String,
  fields: Schema.Record({
    key: Schema.String,
    value: Schema.Struct({ from: Schema.Unknown, to: Schema.Unknown })
  }).annotations({ description: 'each changed field, from → to (null for none; a password shows as "(set)")' })
}).annotations({ identifier: "ImportChange" })

/**
 * The answer of `POST /api/v1/import`: what was (or, in a dry run, would be) created, updated, left unchanged,
 * skipped and refused, each refused record with its location and reason.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ImportResult = Schema.Struct({
  importId: Schema.String.annotations({ description: "the id under which the audit trail records every change" }),
  dryRun: Schema.Boolean,
  read: Count.annotations({ description: "the entries read from the body" }),
  users: KindCounts("ImportUserCounts"),
  groups: KindCounts("ImportGroupCounts"),
  refused: Schema.Array(ImportRefusal),
  warnings: Schema.Array(Schema.String),
  deleted: Schema.Struct({ users: Count, groups: Count }).annotations({
    description: "the users and groups prune deleted (a dry run: would delete)"
  }),
  changes: Schema.Array(ImportChange).annotations({ description: "each change, with listChanges (else empty)" }),
  batches: Count.annotations({ description: "the transactions committed" }),
  stopped: Schema.Boolean.annotations({ description: "whether the import stopped before the end of the body" }),
  passwordsHashed: Count
}).annotations({ identifier: "ImportResult" })
