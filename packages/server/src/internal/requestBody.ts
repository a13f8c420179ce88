/**
 * The limits of a request body, checked before anything decodes it: JSON only, its size and its nesting depth.
 */
import { HttpMethod, HttpServerError, HttpServerRequest } from "@effect/platform"
import type { Errors } from "@user-manager/core"
import { JsonText } from "@user-manager/formats"
import { Effect } from "effect"
import * as ApiError from "../ApiError.js"

/** Whether the request carries no body, or a JSON one. */
export const jsonOnly = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const type = request.headers["content-type"]
  return !HttpMethod.hasBody(request.method) || type === undefined || /^application\/json\s*(;|$)/i.test(type)
}

/**
 * The deepest nesting of arrays and objects a request body may have: the API's own bodies nest two levels; a body
 * nested thousands deep would exhaust the stack of whatever walks it.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_JSON_DEPTH = 32

/** Whether a JSON text nests arrays and objects deeper than `max` (brackets inside strings do not count). */
const nestedDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === 92)
        index++ // a backslash escapes the next character
      else if (char === 34) inString = false
    } else if (char === 34) inString = true
    else if (char === 91 || char === 123) {
      if (++depth > max) return true
    } else if (char === 93 || char === 125) depth--
  }
  return false
}

const tooLarge = (max: number) => new ApiError.PayloadTooLarge({ max })

/** Whether reading a body failed because it grew past the limit (a body sent in chunks, without a length). */
const grewPastLimit = (error: unknown): boolean =>
  HttpServerError.isServerError(error) &&
  error._tag === "RequestError" &&
  error.cause instanceof Error &&
  error.cause.message === "maxBytes exceeded"

/**
 * The limits of a request body, checked before anything decodes it: its size (413: before a byte is read when its
 * declared length is larger; as soon as it grows past the limit when it comes in chunks without one) and its nesting
 * depth (400). Each refusal is logged as a warning.
 */
export const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<void, Errors.InvalidInput | ApiError.PayloadTooLarge> => {
  if (!HttpMethod.hasBody(request.method)) return Effect.void
  const length = Number(request.headers["content-length"] ?? "0")
  if (length > maxBytes) {
    return Effect.zipRight(
      Effect.logWarning(`refused a request body of ${length} bytes (the limit is ${maxBytes})`),
      Effect.fail(tooLarge(maxBytes))
    )
  }
  const refuseGrown = Effect.zipRight(
    Effect.logWarning(`refused a request body sent without a length that grew past the limit (${maxBytes} bytes)`),
    Effect.fail(tooLarge(maxBytes))
  )
  return Effect.flatMap(
    // Other failures to read the body (the client went away) are left to the handler's decoding.
    Effect.catchAll(request.text, (error) => (grewPastLimit(error) ? refuseGrown : Effect.succeed(""))),
    (text): Effect.Effect<void, Errors.InvalidInput | ApiError.PayloadTooLarge> =>
      // A body a host's server gave without bounding it (Server.webHandler) is held to the same limit.
      Buffer.byteLength(text) > maxBytes
        ? refuseGrown
        : nestedDeeperThan(text, MAX_JSON_DEPTH)
          ? Effect.zipRight(
              Effect.logWarning(`refused a request body nested deeper than ${MAX_JSON_DEPTH} levels`),
              Effect.fail(
                ApiError.invalidInput("body", `it nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`)
              )
            )
          : Effect.void
  )
}

/**
 * The refusal of a body the API could not decode, saying what is wrong with its JSON ("Invalid body: it is not valid
 * JSON (unexpected '}' at byte 12)."); the same words on every Node line. A body too large never gets here: `checkBody`
 * refuses it first (413).
 */
export const unreadableBody: Effect.Effect<Errors.InvalidInput, never, HttpServerRequest.HttpServerRequest> =
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    // The text is the one checkBody read (the request keeps it).
    Effect.map(Effect.option(request.text), (text) => {
      const problem = text._tag === "Some" ? JsonText.problem(text.value) : undefined
      return ApiError.invalidInput(
        "body",
        problem === undefined ? "it cannot be read" : `it is not valid JSON (${problem})`
      )
    })
  )
