import type { Server, ServerResponse } from "node:http"
import { HttpServer } from "@effect/platform"
import { Effect, Layer } from "effect"

/**
 * Stops a Node server gracefully, as the layer of `Server.node` is released (`dt serve` at SIGTERM or SIGINT): it
 * stops accepting connections and closes the idle kept-alive ones at once; requests in flight get `graceMs` to be
 * answered, each answer closing its connection (`Connection: close`); past it, the connections still open are closed
 * and the requests on them cut, with a warning. Call it on the server before it listens (it tracks the responses).
 */
const gracefulStop = (server: Server): ((graceMs: number) => Effect.Effect<void>) => {
  const inFlight = new Set<ServerResponse>()
  let stopping = false
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader("connection", "close")
  }
  server.on("request", (_request, response: ServerResponse) => {
    inFlight.add(response)
    response.once("close", () => inFlight.delete(response))
    if (stopping) closeAfter(response)
  })
  return (graceMs) =>
    Effect.flatMap(
      Effect.async<number>((resume) => {
        if (!server.listening) return resume(Effect.succeed(0))
        stopping = true
        for (const response of inFlight) closeAfter(response)
        let cut = 0
        const timer = setTimeout(() => {
          cut = inFlight.size
          server.closeAllConnections()
        }, graceMs)
        // No new connections; the idle ones are closed now, the others once their answer is written (or cut).
        server.close(() => {
          clearTimeout(timer)
          resume(Effect.succeed(cut))
        })
      }),
      (cut) =>
        cut === 0
          ? Effect.void
          : Effect.logWarning(
              `stopped with ${cut} request(s) still unanswered after the grace period (${graceMs} ms): their connections were closed`
            )
    )
}

/**
 * A layer that, built after the server's own and so released before it, stops `server` gracefully (`gracefulStop`)
 * when released: the requests in flight keep their handler while they finish.
 */
export const stopsGracefully = (server: Server, graceMs: number): Layer.Layer<never, never, HttpServer.HttpServer> => {
  const stop = gracefulStop(server)
  return Layer.scopedDiscard(
    Effect.zipRight(
      HttpServer.HttpServer,
      Effect.addFinalizer(() => stop(graceMs))
    )
  )
}
