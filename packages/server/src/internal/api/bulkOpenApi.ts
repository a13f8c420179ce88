/**
 * The bulk routes in the OpenAPI document: served beside the HttpApi (which cannot stream a request body in Effect 3),
 * they are described here from the schemas they decode and encode with, with the refusals they answer, so that the
 * document lists every route the server has. `withSecurity` then gives them their security as it does every operation.
 */

import * as OpenApiJsonSchema from "@effect/platform/OpenApiJsonSchema"
import { SchemaAST as AST, Option, Schema } from "effect"
import * as ApiError from "../../ApiError.js"
import { EXPORT_PATH, IMPORT_PATH } from "../bulkPaths.js"
import { ExportParams, ImportParams, ImportResult } from "./BulkApi.js"
import type { Document } from "./openApiSecurity.js"

type Tag = keyof typeof ApiError.STATUS

/** The query parameters of a struct of optional fields, as the document lists them, each with its description. */
const parameters = (schema: Schema.Struct<Schema.Struct.Fields>, defs: Record<string, unknown>) => {
  const json = OpenApiJsonSchema.makeWithDefs(Schema.encodedSchema(schema), { defs }) as {
    readonly properties: Record<string, { readonly description?: string }>
  }
  const descriptions = new Map(
    AST.getPropertySignatures(schema.ast).map((field) => [
      String(field.name),
      Option.getOrUndefined(AST.getDescriptionAnnotation(field))
    ])
  )
  return Object.entries(json.properties).map(([name, { description: _, ...property }]) => {
    const description = descriptions.get(name)
    return {
      name,
      in: "query",
      schema: property,
      required: false,
      ...(description === undefined ? {} : { description })
    }
  })
}

/** The refusals of an operation, by status: each refusal's schema is the document's own (other endpoints give it). */
const refusals = (tags: ReadonlyArray<Tag>) => {
  const byStatus = new Map<number, Array<Tag>>()
  for (const tag of tags) byStatus.set(ApiError.STATUS[tag], [...(byStatus.get(ApiError.STATUS[tag]) ?? []), tag])
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => {
      const refs = group.map((tag) => ({ $ref: `#/components/schemas/${tag}` }))
      const description = (ApiError.Refusal[group[0] as Tag].ast.annotations[
        Symbol.for("effect/annotation/Description")
      ] ?? "Refused") as string
      return [
        String(status),
        { description, content: { "application/json": { schema: refs.length === 1 ? refs[0] : { anyOf: refs } } } }
      ]
    })
  )
}

/** The refusals of both routes: bad options, no actor or not an administrator (or no CSRF token), the store down. */
const COMMON: ReadonlyArray<Tag> = ["InvalidInput", "Unauthenticated", "CsrfTokenInvalid", "Forbidden", "StorageError"]

/** `POST /api/v1/import`, as the document describes it. */
const importOperation = (defs: Record<string, unknown>) => ({
  post: {
    tags: ["bulk"],
    operationId: "bulk.import",
    summary:
      "Import users, groups or a whole directory from a CSV, JSON Lines or JSON body, streamed, in batches (administrators)",
    description:
      "The body (text/csv; application/x-ndjson: one record a line; or application/json: a whole-directory document " +
      "as an export of kind directory writes it, groups with their GIDs, the GID ledger, users) is written to a " +
      "temporary file as it arrives, " +
      "then applied in batches of one transaction each. At most the server's import limit (512 MiB unless " +
      "configured): a larger one is refused before anything is written. A record the core refuses, or a line that " +
      "cannot be read, is listed in the answer with its location and reason, and the rest are still applied (unless " +
      "atomic). The fields of a record are those of the export.",
    parameters: parameters(ImportParams, defs),
    requestBody: {
      required: true,
      content: {
        "text/csv": { schema: { type: "string", description: "a header row of field names, then one record a row" } },
        "application/x-ndjson": { schema: { type: "string", description: "one JSON record a line" } },
        "application/json": {
          schema: {
            type: "object",
            description:
              'a whole-directory document: "format": "user-manager/directory", "version": 1, then "groups", "gids" ' +
              'and "users" in that order'
          }
        }
      }
    },
    responses: {
      "200": {
        description: "ImportResult",
        content: { "application/json": { schema: OpenApiJsonSchema.makeWithDefs(ImportResult, { defs }) } }
      },
      ...refusals([...COMMON, "PayloadTooLarge"])
    }
  }
})

/** `GET /api/v1/export`, as the document describes it. */
const exportOperation = (defs: Record<string, unknown>) => ({
  get: {
    tags: ["bulk"],
    operationId: "bulk.export",
    summary:
      "Export every user or group as CSV or JSON Lines, or the whole directory as one JSON document, streamed page by page (administrators)",
    description:
      "Written as it is read, so an export of a million users starts at once. The whole directory (kind=directory) " +
      "is the document an import reads back into an empty store as the same directory: groups with their GIDs, the " +
      "GID ledger (so that deleted GIDs stay unused), users with their groups. Password hashes only with " +
      "includePasswordHashes=true; the audit trail then records who exported them.",
    parameters: parameters(ExportParams, defs),
    responses: {
      "200": {
        description:
          "The records, one a line (JSON Lines) or one a row after a header row (CSV), or the whole-directory document (JSON)",
        content: {
          "application/x-ndjson": { schema: { type: "string" } },
          "text/csv": { schema: { type: "string" } },
          "application/json": { schema: { type: "object" } }
        }
      },
      ...refusals(COMMON)
    }
  }
})

/**
 * The document with the bulk routes, under the tag `bulk`: `POST /api/v1/import` (a CSV, JSON Lines or directory
 * document body, streamed) and `GET /api/v1/export` (streamed CSV, JSON Lines or directory document).
 */
export const withBulkRoutes = (spec: Document): Document => {
  const paths = spec.paths as Record<string, unknown>
  paths[IMPORT_PATH] = importOperation(spec.components.schemas)
  paths[EXPORT_PATH] = exportOperation(spec.components.schemas)
  return spec
}
