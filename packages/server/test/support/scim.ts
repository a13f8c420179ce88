/**
 * A real server (the harness's) with an API token of scope `scim`, and a SCIM client that sends what an identity
 * provider sends: `application/scim+json` bodies and the token as a bearer token.
 */
import { Actor, Tokens } from "@user-manager/core"
import { Effect, Redacted } from "effect"
import { type Answer, type Running, start, type stores } from "./harness.js"

export const SCIM = "/scim/v2"
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

/** A server, its scim token, and a client that sends with it. */
export interface ScimServer {
  readonly server: Running
  readonly token: string
  /** Sends a SCIM request with the scim token (or `as`), a JSON body as `application/scim+json`. */
  readonly scim: (
    method: string,
    path: string,
    options?: { readonly body?: unknown; readonly headers?: Record<string, string>; readonly bearer?: string | null }
  ) => Promise<Answer>
  /** Empties the database, seeds it, and makes the scim token again. */
  readonly reseed: () => Promise<void>
}

/** Makes an API token as the administrator. */
export const makeToken = (server: Running, name: string, scope: "scim" | "api" | "read") =>
  server.run(
    Effect.gen(function* () {
      const created = yield* (yield* Tokens.Tokens).create(Actor.user("admin"), { name, scope })
      return Redacted.value(created.token)
    })
  )

export const startScim = async (
  open: (typeof stores)[number][1],
  options: Parameters<typeof start>[1] = {}
): Promise<ScimServer> => {
  const server = await start(open, options)
  let token = ""
  const reseed = async () => {
    await server.reseed()
    token = await makeToken(server, "idp", "scim")
  }
  await reseed()
  return {
    server,
    get token() {
      return token
    },
    reseed,
    scim: (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers }
      if (options.body !== undefined && headers["content-type"] === undefined) {
        headers["content-type"] = "application/scim+json"
      }
      const bearer = options.bearer === undefined ? token : options.bearer
      return server.request(method, `${SCIM}${path}`, {
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(bearer === null ? {} : { as: { bearer } }),
        headers
      })
    }
  }
}
