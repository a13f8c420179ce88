/**
 * `dt` in remote mode against a server of another release, whose refusals have an older shape or whose routes take
 * other methods: each still reaches the user as the core's error with the server's own words.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Remote from "../src/Remote.js"

let server: Server
let url: string

beforeAll(async () => {
  // As 0.1.0's server refuses a non-administrator: Forbidden's reason is a sentence, not a rule's tag and data.
  server = createServer((request, response) => {
    // A server whose groups route takes other methods than this client's (a release apart).
    if (request.url?.startsWith("/api/v1/groups")) {
      response.writeHead(405, { "content-type": "application/json", allow: "POST, OPTIONS" })
      response.end(
        JSON.stringify({
          _tag: "MethodNotAllowed",
          method: "GET",
          path: "/api/v1/groups",
          allowed: ["POST"],
          message: "GET is not allowed on /api/v1/groups; it takes POST.",
          status: 405
        })
      )
      return
    }
    response.writeHead(403, { "content-type": "application/json" })
    response.end(
      JSON.stringify({
        _tag: "Forbidden",
        actor: "john",
        action: "list users",
        reason: "only enabled members of the admin group 'admins' may",
        message: "'john' may not list users: only enabled members of the admin group 'admins' may."
      })
    )
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe("remote mode against an older server", () => {
  it("reports a Forbidden whose reason is text (0.1.0) as Forbidden with the server's sentence", async () => {
    const services = await Effect.runPromise(Remote.services(url, "a-session-token"))
    const error = await Effect.runPromise(Effect.flip(services.users.list({ _tag: "Anonymous" }, {})))
    expect(error._tag).toBe("Forbidden")
    expect(error.message).toBe("'john' may not list users: only enabled members of the admin group 'admins' may.")
  })

  it("reports a method the server's route does not take (405) as the server failing, in the server's sentence", async () => {
    const services = await Effect.runPromise(Remote.services(url, "a-session-token"))
    const error = await Effect.runPromise(Effect.flip(services.groups.list({ _tag: "Anonymous" }, {})))
    expect(error._tag).toBe("StorageError")
    expect(error.message).toBe(
      "The user store failed: the server failed: GET is not allowed on /api/v1/groups; it takes POST."
    )
  })
})
