import { Schema } from "effect"

/**
 * A refusal as data: the error's `_tag`, its sentence (`message`) and its fields, so that a program or a translated
 * interface words it from the tag and the data, and the English sentence stays the fallback. The one encoding of a
 * refusal the core answers with, for a record's refused actions (`Permissions`) and a bulk action's refused users.
 */

/** A refusal's `message`. */
const Sentence = Schema.String.annotations({
  description:
    "the refusal's sentence in English, as the change fails with it: shown where _tag and data cannot be worded"
})

/** The schema of one refusal as data: its `_tag`, its `message`, then the other fields of its error class. */
export const refusalSchema = <Tag extends string, Fields extends Schema.Struct.Fields>(
  Class: { readonly _tag: Tag; readonly fields: Fields },
  identifier: string,
  description: string
) => {
  const { _tag: _, ...data } = Class.fields
  return Schema.Struct({ _tag: Schema.Literal(Class._tag), message: Sentence, ...data }).annotations({
    identifier,
    description
  })
}

/**
 * The encoder of the refusals `schema` describes (one of them, or their union): a domain error as a refusal's data,
 * taken from the very error the write fails with — its tag, its sentence and the fields of its class (an optional
 * field it lacks is left out). Only an error whose `_tag` the schema names is taken.
 */
export const refusalEncoder = <A extends { readonly _tag: string; readonly message: string }, I>(
  schema: Schema.Schema<A, I>
) => {
  const validate = Schema.validateSync(schema)
  return <E extends { readonly _tag: A["_tag"]; readonly message: string }>(
    error: E
  ): Extract<A, { readonly _tag: E["_tag"] }> =>
    validate({ ...error, _tag: error._tag, message: error.message }) as Extract<A, { readonly _tag: E["_tag"] }>
}
