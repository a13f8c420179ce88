/**
 * Names the client of each request to the store (`Directory.client`), so that a store that answers reads from a
 * replica lets each client read its own writes: a session by the hash of its token, any other client by its address.
 */
import { createHash } from "node:crypto"
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Directory } from "@user-manager/core"
import { Effect, Redacted } from "effect"
import * as Auth from "../Auth.js"

const clientOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const found = Auth.credential(request)
  return found.kind === "bearer" || found.kind === "cookie"
    ? `session:${createHash("sha256").update(Redacted.value(found.token)).digest("base64url")}`
    : `address:${Auth.remoteAddress(request)}`
}

/** The middleware that runs each request with its client named to the store. */
export const storeClient = HttpApiBuilder.middleware((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.locally(app, Directory.client, clientOf(request))
  )
)
