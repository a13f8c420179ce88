/**
 * What the bulk routes take and answer: the export's query parameters. The routes themselves are raw routes beside
 * the HttpApi (`internal/bulkRoutes.ts`), for Effect 3's HttpApi cannot stream a request body; `bulkOpenApi.ts`
 * describes them in the OpenAPI document from these schemas.
 */

import { Schema } from "effect"

/** A switch in a query: `true` or `false`. */
const Switch = Schema.transformLiterals(["true", true], ["false", false])

/**
 * The query of `GET /api/v1/export`.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ExportParams = Schema.Struct({
  kind: Schema.optional(Schema.Literal("users", "groups")).annotations({
    description: "what to export (default users)"
  }),
  format: Schema.optional(Schema.Literal("ndjson", "csv")).annotations({
    description:
      "JSON Lines (application/x-ndjson) or CSV (text/csv); without it, the Accept header chooses (default ndjson)"
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
