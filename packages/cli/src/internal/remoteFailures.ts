/**
 * How the answers of a `dt serve` API become the core's errors in remote mode: a refusal the API's definition
 * describes decodes into the core's own error (so that messages and exit codes are those of local mode), and any other
 * answer, or no answer, is worded here from its status.
 */

import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Errors } from "@user-manager/core"
import * as ApiError from "@user-manager/server/ApiError"
import { Effect, ParseResult, Predicate, Schema } from "effect"

/** What a remote call fails with: any refusal of the core (the server decides which), or a storage error. */
export type Failure = Errors.DomainError | Errors.StorageError

const reasonOf = (message: unknown, status: number) =>
  typeof message === "string" ? message.replace(/\.$/, "") : `the server answered ${status}`

/**
 * The core's error for a refusal the API's definition does not describe (another server, a proxy, Node's own 408 or
 * 431), by its status.
 */
const undescribed = (status: number, body: Record<string, unknown>): Failure => {
  const reason = reasonOf(body.message, status)
  if (status === 401) return new Errors.Unauthenticated({ reason })
  if (status === 403 || status === 429) {
    return new Errors.Forbidden({ actor: "you", action: "do this", reason: { _tag: "Undescribed", text: reason } })
  }
  if (status === 400) return new Errors.InvalidInput({ field: "", reason })
  return new Errors.StorageError({ reason: `the server failed: ${reason}` })
}

export const unreachable = (server: string, cause: unknown) =>
  new Errors.StorageError({
    reason: `cannot reach the server ${server}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`,
    cause
  })

/**
 * The answer with its body already read: a Node response's body is a stream that can be read only once, and the
 * definition's decoder reads it after the screen below.
 */
const withBody = (
  response: HttpClientResponse.HttpClientResponse,
  buffer: ArrayBuffer,
  json: unknown
): HttpClientResponse.HttpClientResponse =>
  Object.create(response, {
    arrayBuffer: { value: Effect.succeed(buffer) },
    text: { value: Effect.sync(() => new TextDecoder().decode(buffer)) },
    json: { value: Effect.succeed(json ?? null) }
  })

/**
 * Lets through the answers the API's definition decodes (successes, and refusals in its shape at their status); any
 * other refusal, or an answer that is not JSON, fails here with the core's error.
 */
export const screen =
  (server: string) =>
  (response: HttpClientResponse.HttpClientResponse): Effect.Effect<HttpClientResponse.HttpClientResponse, Failure> =>
    // The body is read once: the definition's decoder reads the same buffer again.
    Effect.flatMap(
      Effect.mapError(response.arrayBuffer, (cause) => unreachable(server, cause)),
      (buffer): Effect.Effect<HttpClientResponse.HttpClientResponse, Failure> => {
        let json: unknown
        try {
          json = buffer.byteLength === 0 ? undefined : JSON.parse(new TextDecoder().decode(buffer))
        } catch {
          return new Errors.StorageError({ reason: `the server ${server} did not answer JSON (${response.status})` })
        }
        if (response.status < 400) return Effect.succeed(withBody(response, buffer, json))
        const body = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>
        const tag = body._tag
        // A server of 0.1 words Forbidden's reason as text, where this client reads a rule's tag and data.
        if (tag === "Forbidden" && typeof body.reason === "string") {
          return Effect.fail(
            new Errors.Forbidden({
              actor: typeof body.actor === "string" ? body.actor : "you",
              action: typeof body.action === "string" ? body.action : "do this",
              reason: { _tag: "Undescribed", text: body.reason }
            })
          )
        }
        return typeof tag === "string" && (ApiError.STATUS as Record<string, number>)[tag] === response.status
          ? Effect.succeed(withBody(response, buffer, json))
          : Effect.fail(undescribed(response.status, body))
      }
    )

/** The core's error for whatever else a call can fail with: the HTTP layer's own refusals, the client's. */
export const toCore =
  (server: string) =>
  (error: unknown): Failure => {
    if (
      Predicate.isTagged(error, "StorageError") ||
      (Errors.DOMAIN_ERROR_TAGS as ReadonlyArray<unknown>).includes((error as { readonly _tag?: unknown })._tag)
    ) {
      return error as Failure
    }
    // A request the API's schemas refuse never leaves: refused as the server would refuse it.
    if (ParseResult.isParseError(error)) return ApiError.fromIssues(ParseResult.ArrayFormatter.formatErrorSync(error))
    if (HttpClientError.isHttpClientError(error)) {
      return error._tag === "RequestError"
        ? unreachable(server, error.cause)
        : new Errors.StorageError({ reason: `the server ${server} answered an unexpected shape` })
    }
    if (error instanceof ApiError.CsrfTokenInvalid) {
      return new Errors.Forbidden({
        actor: "you",
        action: "do this",
        reason: { _tag: "Undescribed", text: reasonOf(error.message, 403) }
      })
    }
    const status = (ApiError.STATUS as Record<string, number>)[(error as { readonly _tag?: string })._tag ?? ""] ?? 500
    return undescribed(status, { message: (error as { readonly message?: unknown }).message })
  }

/**
 * A refusal of a bulk route as the core's error: one of the core's comes in its own shape, decoded so that it reads as
 * in local mode; any other by its status.
 */
export const refusal = (status: number, body: unknown): Effect.Effect<never, Failure> =>
  Schema.decodeUnknown(Schema.Union(...Errors.DOMAIN_ERRORS))(body).pipe(
    Effect.orElseSucceed(() =>
      undescribed(status, (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>)
    ),
    Effect.flip
  )
