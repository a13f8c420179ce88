/** HTTP below the client libraries: bytes written on a socket, for what a well-behaved client would never send. */
import { connect } from "node:net"

/** An answer read off the socket, and how long the connection stayed open. */
export interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly openMs: number
}

/** Sends `request` as it is, nothing more, and reads the whole answer (the server closes the connection after it). */
export const raw = (url: string, request: string) =>
  new Promise<RawAnswer>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const started = Date.now()
    const socket = connect(Number(port), hostname)
    let text = ""
    socket.setEncoding("latin1")
    socket.on("data", (chunk) => {
      text += chunk
    })
    socket.on("error", reject)
    socket.on("close", () => {
      const [head = "", body = ""] = text.split("\r\n\r\n")
      const [statusLine = "", ...lines] = head.split("\r\n")
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(":")
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body, openMs: Date.now() - started })
    })
    socket.write(request)
  })
