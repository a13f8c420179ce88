/**
 * SCIM's error answers (RFC 7644 §3.12): `{ schemas: [Error], status: "409", scimType, detail }`, for every failure,
 * the core's refusals included: their status is the API's (`ApiError.STATUS`, the one table where the core's errors
 * meet HTTP) and their `detail` the core's own sentence, which names the rule.
 */
import { Data } from "effect"
import { STATUS } from "../../ApiError.js"

/** The URN of SCIM's error message. */
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

/** The `scimType`s of RFC 7644 §3.12 this server gives. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive"

/** A refusal of the SCIM layer itself, or a core refusal translated. */
export class ScimError extends Data.TaggedError("ScimError")<{
  readonly status: number
  readonly detail: string
  readonly scimType?: ScimType | undefined
}> {}

export const invalidValue = (detail: string) => new ScimError({ status: 400, scimType: "invalidValue", detail })
export const invalidSyntax = (detail: string) => new ScimError({ status: 400, scimType: "invalidSyntax", detail })
export const invalidFilter = (detail: string) => new ScimError({ status: 400, scimType: "invalidFilter", detail })
export const invalidPath = (detail: string) => new ScimError({ status: 400, scimType: "invalidPath", detail })
export const noTarget = (detail: string) => new ScimError({ status: 400, scimType: "noTarget", detail })
export const mutability = (detail: string) => new ScimError({ status: 400, scimType: "mutability", detail })
export const notFound = (detail: string) => new ScimError({ status: 404, detail })

/** The `scimType` of the core's refusals that have one. */
const SCIM_TYPES: Partial<Record<keyof typeof STATUS, ScimType>> = {
  InvalidInput: "invalidValue",
  UsernameTaken: "uniqueness",
  EmailTaken: "uniqueness",
  GroupNameTaken: "uniqueness",
  GidTaken: "uniqueness",
  NotAMember: "noTarget"
}

/** A core refusal (a tagged error with a message) as a SCIM error, or nothing when it is not one. */
export const fromCore = (error: unknown): ScimError | undefined => {
  if (typeof error !== "object" || error === null || !("_tag" in error) || !("message" in error)) return undefined
  const tag = String(error._tag)
  if (!(tag in STATUS)) return undefined
  const status = STATUS[tag as keyof typeof STATUS]
  // A store failure says no more than that: its reason may name a host or a query.
  const detail = tag === "StorageError" ? "The user store is unavailable." : String(error.message)
  return new ScimError({ status, detail, scimType: SCIM_TYPES[tag as keyof typeof STATUS] })
}

/** The body of a SCIM error answer. */
export const errorBody = (error: ScimError) => ({
  schemas: [ERROR_SCHEMA],
  status: String(error.status),
  ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
  detail: error.detail
})
