/**
 * A record filter as a field of a list query's schema.
 */
import { Schema } from "effect"
import type { RecordFilter } from "../RecordFilter.js"

/**
 * A filter as a query's field: any object, taken as it is; `checkFilter` checks it (a schema of the recursive tree
 * would only say less precisely what is wrong).
 */
export const filterSchema = <T extends RecordFilter<string>>(identifier: string) =>
  Schema.declare((input: unknown): input is T => typeof input === "object" && input !== null, {
    identifier,
    description: "a filter over the records' fields (RecordFilter)"
  })
