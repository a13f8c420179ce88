import { IncomingMessage, type Server, type ServerResponse } from "node:http"
import { Effect } from "effect"

/**
 * A request whose body the API stopped reading before its end (it grew past `maxBodyBytes`, sent in chunks without a
 * length) is not aborted: aborting it would close the connection before the 413 is written. The rest of the body is
 * read and dropped as it comes, never kept (as Node drops any body a handler left unread), within the request's time.
 */
export class BodyDroppingRequest extends IncomingMessage {
  override destroy(error?: Error): this {
    if (error === undefined && !this.complete && !this.socket.destroyed) {
      // Whoever stopped reading may have left a listener that would keep what comes.
      this.removeAllListeners("data")
      this.resume()
      return this
    }
    return super.destroy(error)
  }
}

/**
 * Stops a Node server gracefully, as the layer of `Server.node` is released (`dt serve` at SIGTERM or SIGINT): it
 * stops accepting connections and closes the idle kept-alive ones at once; requests in flight get `graceMs` to be
 * answered, each answer closing its connection (`Connection: close`); past it, the connections still open are closed
 * and the requests on them cut, with a warning. Call it on the server before it listens (it tracks the responses).
 */
export const gracefulStop = (server: Server): ((graceMs: number) => Effect.Effect<void>) => {
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
