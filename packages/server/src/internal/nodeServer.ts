import { IncomingMessage } from "node:http"

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
