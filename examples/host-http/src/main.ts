/**
 * A host application on plain node:http. It has its own sign-in (here, a fixed table of API keys standing for the
 * host's real sessions) and mounts the User Manager API under its own path, `/backoffice`: the host names the actor of
 * each request, and the manager's core decides what that actor may do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { Readable } from "node:stream"
import { Actor, UserManager } from "@user-manager/core"
import { Argon2Hasher, SqliteDirectory } from "@user-manager/kysely"
import { Auth, Server } from "@user-manager/server"
import { Effect } from "effect"

const DATABASE = process.env.HOST_DATABASE ?? "host-http.db"
const PORT = Number(process.env.PORT ?? 3000)

/** The host's own authentication: who holds which key. A real host would look up its own session here. */
const HOST_KEYS: Record<string, string> = { "key-of-the-boss": "boss", "key-of-a-clerk": "clerk" }

const services = UserManager.layer({
  directory: SqliteDirectory.layer({ filename: DATABASE }),
  hasher: Argon2Hasher.layer
})

// The first run creates the admin group with the host's boss in it, and a clerk without admin access.
const manager = UserManager.make({
  directory: SqliteDirectory.layer({ filename: DATABASE }),
  hasher: Argon2Hasher.layer
})
const boss = Actor.user("boss")
await manager.users.bootstrap({ username: "boss", firstName: "The", lastName: "Boss" }).then(
  async () => {
    await manager.groups.create(boss, { name: "staff" })
    await manager.users.create(boss, { username: "clerk", firstName: "A", lastName: "Clerk", groups: ["staff"] })
  },
  () => undefined // not empty: already set up by an earlier run
)
await manager.dispose()

const api = Server.webHandler({
  services,
  basePath: "/backoffice",
  page: false,
  authentication: Auth.fromRequest((request) => {
    const user = HOST_KEYS[request.headers["x-host-key"] ?? ""]
    return Effect.succeed(user === undefined ? Actor.anonymous : Actor.user(user))
  })
})

/** Turns node:http's request into a web `Request` and writes the `Response` back. */
const forward = async (req: IncomingMessage, res: ServerResponse) => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value)
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD"
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {})
  })
  // The connection's address, for the sign-in throttle (a web Request carries none).
  const response = await api.handler(request, { remoteAddress: req.socket.remoteAddress })
  res.writeHead(response.status, [...response.headers].flat())
  res.end(Buffer.from(await response.arrayBuffer()))
}

const server = createServer((req, res) => {
  if (req.url?.startsWith("/backoffice/")) {
    forward(req, res).catch(() => {
      res.writeHead(500).end()
    })
    return
  }
  res
    .writeHead(200, { "content-type": "text/plain" })
    .end("The host's own pages live here; the manager is at /backoffice/api/v1\n")
})

server.listen(PORT, "127.0.0.1", () => {
  console.log(`Host on http://127.0.0.1:${PORT}/ — try:`)
  console.log(`  curl -H 'x-host-key: key-of-the-boss' http://127.0.0.1:${PORT}/backoffice/api/v1/users`)
})

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => void api.dispose()))
}
