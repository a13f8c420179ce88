/**
 * The host application of the React example: it serves its page and the built React app, signs its staff in its own
 * way (here a stand-in: every visitor of `/` becomes the host's `boss`, with a session cookie of the host's own), and
 * mounts the User Manager API under `/backoffice`, naming the actor of each request from that session.
 *
 *   npm start --workspace=examples/react-app     # builds dist/app.js, then serves http://127.0.0.1:3100/
 */
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { fileURLToPath } from "node:url"
import { Actor, UserManager } from "@user-manager/core"
import { Argon2Hasher, SqliteDirectory } from "@user-manager/kysely"
import { Auth, Server } from "@user-manager/server"
import { Effect } from "effect"

const SESSION_COOKIE = "acme_session"

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme back office</title>
<style>
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: #1c1917; background: #fafaf9; }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .75rem 1.25rem; background: #134e4a; color: #f0fdfa; }
  .content { display: flex; gap: 1.25rem; padding: 1.25rem; align-items: flex-start; }
  main { flex: 1; min-width: 0; }
  aside { width: 16rem; background: #fff; border: 1px solid #d6d3d1; border-radius: 8px; padding: .75rem 1rem; }
  aside h2 { font-size: 1rem; margin: 0 0 .5rem; }
  /* Theming <user-manager> from the host: its custom properties and ::part. */
  user-manager { --um-accent: #0f766e; --um-focus-ring: #0f766e; --um-radius: 10px; }
  user-manager::part(tab) { text-transform: uppercase; letter-spacing: .03em; }
</style>
<script type="module" src="/app.js"></script>
</head>
<body><div id="root"></div></body>
</html>
`

/** The host's own sessions: token → the staff member signed in. */
const sessions = new Map<string, string>()

const cookie = (header: string | undefined, name: string) =>
  header
    ?.split(";")
    .map((part) => part.trim().split("="))
    .find(([key]) => key === name)?.[1]

/** Starts the host on `port` (0: any free one) over the SQLite file `database`; the first run fills it. */
export const startHost = async (options: { readonly port: number; readonly database: string }) => {
  const app = readFileSync(fileURLToPath(new URL("../dist/app.js", import.meta.url)), "utf8")
  const directory = SqliteDirectory.layer({ filename: options.database })
  const setup = UserManager.make({ directory, hasher: Argon2Hasher.layer })
  const boss = Actor.user("boss")
  await setup.users.bootstrap({ username: "boss", firstName: "The", lastName: "Boss" }).then(
    async () => {
      await setup.groups.create(boss, { name: "staff" })
      await setup.users.create(boss, { username: "clerk", firstName: "A", lastName: "Clerk", groups: ["staff"] })
    },
    () => undefined // not empty: set up by an earlier run
  )
  await setup.dispose()

  const api = Server.webHandler({
    services: UserManager.layer({ directory, hasher: Argon2Hasher.layer }),
    basePath: "/backoffice",
    page: false,
    authentication: Auth.fromRequest((request) => {
      const user = sessions.get(cookie(request.headers.cookie, SESSION_COOKIE) ?? "")
      return Effect.succeed(user === undefined ? Actor.anonymous : Actor.user(user))
    })
  })

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value)
    const hasBody = req.method !== "GET" && req.method !== "HEAD"
    const response = await api.handler(
      new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {})
      })
    )
    res.writeHead(response.status, [...response.headers].flat())
    res.end(Buffer.from(await response.arrayBuffer()))
  }

  const server = createServer((req, res) => {
    if (req.url?.startsWith("/backoffice/")) {
      forward(req, res).catch(() => res.writeHead(500).end())
    } else if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(app)
    } else if (req.url === "/") {
      // The host's sign-in stands here: this example signs every visitor in as its boss.
      const token = randomBytes(32).toString("base64url")
      sessions.set(token, "boss")
      res
        .writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "set-cookie": `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
        })
        .end(page)
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n")
    }
  })
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => void api.dispose().then(resolve))
      })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const host = await startHost({
    port: Number(process.env.PORT ?? 3100),
    database: process.env.HOST_DATABASE ?? "react-app.db"
  })
  console.log(`The React host app is at ${host.url}/`)
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void host.close())
}
