import { createServer, IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import type { Timeouts } from "../Server.js"
import { SECURITY_HEADERS } from "./securityHeaders.js"

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

/** What Node answers a request it cannot parse, by the parser's error code (anything else is a 400). */
const clientErrors: Record<string, readonly [status: number, tag: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, "HeadersTooLarge", "The request's headers are larger than the server accepts."],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "PayloadTooLarge", "The request's chunk extensions are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "RequestTimeout", "The request took too long to arrive."]
}

/**
 * Node's own answer to a request it cannot parse (headers too large, malformed HTTP, too slow), as Node writes it
 * but in the error shape and with the security headers, which Node's default answer (a bare status line) lacks.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
  if (
    error.code !== "ECONNRESET" &&
    socket.writable &&
    (inFlight === undefined || inFlight === null || !inFlight.headersSent)
  ) {
    const [status, tag, message] = clientErrors[error.code ?? ""] ?? [
      400,
      "BadRequest",
      "The request is not valid HTTP."
    ]
    const body = JSON.stringify({ _tag: tag, message, status })
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
      "connection: close",
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(body)}`,
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`)
    ]
    socket.write(`${head.join("\r\n")}\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/**
 * A Node HTTP server that answers the requests Node refuses itself with the security headers, gives clients
 * `timeouts` to send their requests, and keeps a connection up to answer a body cut short (`BodyDroppingRequest`).
 */
export const nodeServer = (timeouts: Timeouts) =>
  createServer({
    IncomingMessage: BodyDroppingRequest,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often Node looks for requests past their time (its default, 30 s, would let one take that much longer).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs)
  }).on("clientError", answerClientError)
