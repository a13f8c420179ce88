/**
 * The pieces the endpoint groups share: strict JSON bodies, the paging and sorting parameters, the dry-run switch, the
 * path parameters, the page of a list and the `If-Match` header.
 */

import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { DEFAULT_EXACT_TOTAL_LIMIT, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@user-manager/core/Page"
import { Option, Schema, SchemaAST } from "effect"

/** A JSON object that refuses fields it does not know, so that a typo is an error and not silently ignored. */
export const strict = <F extends Schema.Struct.Fields>(identifier: string, fields: F) =>
  Schema.Struct(fields).annotations({ identifier, parseOptions: { onExcessProperty: "error" } })

/**
 * Text the core decodes (so that its refusal, in its own words, is the answer), documented with the core schema's
 * constraints (`jsonSchema`: length, pattern) so that the OpenAPI document, and the forms generated from it, say them.
 */
export const documented = (core: Schema.Schema.Any) => documentedAs(Schema.String, core)

/** `schema` documented with the constraints of `core` (a core field schema), as `documented` does for text. */
export const documentedAs = <S extends Schema.Schema.Any>(schema: S, core: Schema.Schema.Any): S =>
  Option.match(SchemaAST.getJSONSchemaAnnotation(core.ast), {
    onNone: () => schema,
    // The body's own type stays: only the constraints (and the core's description) are taken.
    onSome: ({ type: _type, ...constraints }: { readonly type?: unknown }) =>
      schema.annotations({
        jsonSchema: constraints,
        ...Option.match(SchemaAST.getDescriptionAnnotation(core.ast), {
          onNone: () => ({}),
          onSome: (description) => ({ description })
        })
      }) as S
  })

/**
 * A whole number of a query, in decimal digits only: not "1e2", "0x10" or " 5", which `Number` would take. Refused in
 * the sentence the core says for the same number.
 */
const decimal = (sentence: string, description: string, max?: number) => {
  const saying = { message: () => ({ message: sentence, override: true }) }
  return Schema.compose(
    Schema.String.pipe(Schema.pattern(/^[0-9]{1,15}$/)).annotations(saying),
    max === undefined ? Schema.NumberFromString : Schema.NumberFromString.pipe(Schema.between(1, max, saying))
  ).annotations({ ...saying, description })
}

// The core's page-size limit: the API refuses what the core would.
export const Limit = decimal(
  `it must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
  `page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}), in digits`,
  MAX_PAGE_SIZE
)
export const Offset = decimal("it must be a whole number, 0 or more", "how many matches to skip (default 0), in digits")
export const Order = Schema.Literal("asc", "desc")
export const DryRun = Schema.Struct({
  dryRun: Schema.optional(Schema.BooleanFromString).annotations({
    description: "check every rule and answer with the result, changing nothing"
  })
})

export const usernameParam = HttpApiSchema.param("username", Schema.String)
export const groupParam = HttpApiSchema.param("group", Schema.String)
export const nameParam = HttpApiSchema.param("name", Schema.String)

/**
 * One page of a list and the number of matches, exact when `totalExact` (else a lower bound: see `ExactTotalLimit`).
 *
 * @category schemas
 * @since 0.1.0
 */
const LIMIT_SHOWN = DEFAULT_EXACT_TOTAL_LIMIT.toLocaleString("en-US")

export const Page = <A, I>(item: Schema.Schema<A, I>, identifier: string) =>
  Schema.Struct({
    items: Schema.Array(item),
    total: Schema.Int.annotations({
      description:
        "the number of matches: exact when totalExact is true, otherwise a lower bound (at least this many; a full page past the limit reaches further)"
    }),
    totalExact: Schema.Boolean.annotations({
      description: `false when the list stopped counting at its limit (users: ${LIMIT_SHOWN} matches by default; dt serve --exact-total-limit): show it as "${LIMIT_SHOWN}+"`
    }),
    offset: Schema.Int,
    limit: Schema.Int
  }).annotations({ identifier })

/**
 * The `If-Match` header: the ETag of the version the caller saw, a list of ETags, or `*`.
 *
 * @category schemas
 * @since 0.1.0
 */
export const IfMatch = Schema.Struct({
  "if-match": Schema.optional(Schema.String).annotations({
    description:
      'the ETag of the version the caller saw ("3"), or of each version the change may be made at ("3", "4"), or * ' +
      'for any; compared strongly, so a weak ETag (W/"3") never matches: 412 when none names the current version'
  })
})
