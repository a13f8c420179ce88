/**
 * The OpenAPI document as the server really answers: its security schemes, the refusals of malformed input in the
 * API's own shape, and an unknown route only where a request can be one.
 */

import { CSRF_HEADER, SESSION_COOKIE } from "./Authentication.js"

/** A schema of the OpenAPI document, as far as `withSecurity` reads it. */
interface JsonSchema {
  readonly $ref?: string
  readonly anyOf?: ReadonlyArray<JsonSchema>
}

/** The parts of the OpenAPI document that `withSecurity` reads and writes. */
export interface Document {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        readonly operationId: string
        security?: unknown
        readonly responses?: Record<
          string,
          { description: string; readonly content?: Record<string, { schema: JsonSchema }> }
        >
      }
    >
  >
  readonly components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
  readonly security?: unknown
}

const DECODE_ERROR = "#/components/schemas/HttpApiDecodeError"
const ROUTE_NOT_FOUND = "#/components/schemas/RouteNotFound"
const METHOD_NOT_ALLOWED = "#/components/schemas/MethodNotAllowed"
const CSRF_TOKEN_INVALID = "#/components/schemas/CsrfTokenInvalid"

type Operation = Document["paths"][string][string]

/** Takes `ref` out of the operation's refusals at `status`, and the status itself when nothing else is left there. */
const withoutRefusal = (operation: Operation, status: string, ref: string): void => {
  const response = operation.responses?.[status]
  const body = response?.content?.["application/json"]
  if (body === undefined) return
  const members = (body.schema.anyOf ?? [body.schema]).filter((member) => member.$ref !== ref)
  if (members[0] === undefined) delete operation.responses?.[status]
  else body.schema = members.length === 1 ? members[0] : { anyOf: members }
}

/** Requests that change nothing: a cookie session alone is enough for them. */
const SAFE_METHODS = new Set(["get", "head", "options"])

/**
 * The document's security as the server really checks it: a bearer token (the CLI) or the session cookie (browsers),
 * with the CSRF header on cookie requests that change something; none to sign in. (Without credentials a request runs
 * as nobody, and the core refuses what needs a user with 401.) The framework's own decoding error, which the API
 * always answers as `InvalidInput`, is left out, and so is an unknown route on the operations whose path has no
 * parameter (an endpoint with no input, whose operation never refuses one, is never answered 400), and a CSRF refusal on
 * the requests that change nothing; and a method the path does not take (405), which no operation answers.
 */
export const withSecurity = (spec: Document): Document => {
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.security =
        operation.operationId === "auth.login"
          ? []
          : [{ bearer: [] }, SAFE_METHODS.has(method) ? { cookie: [] } : { cookie: [], csrf: [] }]
      withoutRefusal(operation, "400", DECODE_ERROR)
      const invalid = operation.responses?.["400"]
      if (invalid !== undefined) invalid.description = "An input is malformed"
      // The CSRF header is checked only on requests that change something.
      if (SAFE_METHODS.has(method)) withoutRefusal(operation, "403", CSRF_TOKEN_INVALID)
      // The router refuses a path it has no route for, which an empty path parameter makes of one that has a
      // parameter (`/users//groups/dev`); a parameter of any length is matched (`internal/routerConfig.ts`).
      if (!path.includes("{")) withoutRefusal(operation, "404", ROUTE_NOT_FOUND)
      // A 405 answers a method the path has no operation for: never an operation's own answer (the paths say which
      // methods each takes).
      withoutRefusal(operation, "405", METHOD_NOT_ALLOWED)
    }
  }
  for (const unused of ["HttpApiDecodeError", "Issue", "PropertyKey", "MethodNotAllowed"]) {
    delete spec.components.schemas[unused]
  }
  spec.components.securitySchemes = {
    bearer: { type: "http", scheme: "bearer", description: "the token of a bearer sign-in (session: bearer)" },
    cookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "the session of a cookie sign-in" },
    csrf: {
      type: "apiKey",
      in: "header",
      name: CSRF_HEADER,
      description: "the CSRF token a cookie sign-in answers, on every request that changes something"
    }
  }
  return spec
}
