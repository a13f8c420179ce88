// The ceiling of the HTTP benchmark (bench/http.bench.ts): a bare node:http handler that runs the same SQL as the API's
// `GET /api/v1/users` on better-sqlite3 (count, one page ordered by username, the page's memberships) and answers
// the same JSON, with no framework, no authentication and no validation. Usage: node bench/bare-http.mjs FILE
import { createServer } from "node:http"
import Database from "better-sqlite3"

const db = new Database(process.argv[2], { readonly: true })
db.pragma("journal_mode = WAL")
// The columns the API's listing reads (never the password hash).
const LISTING = "username, first_name, last_name, email, enabled, system, created_at, updated_at, version"
const countAll = db.prepare("select count(*) as n from users")
const pageAll = db.prepare(`select ${LISTING} from users order by username asc limit ? offset ?`)
const countSearch = db.prepare("select count(*) as n from users_fts where users_fts match ?")
const pageSearch = db.prepare(
  `select ${LISTING} from users where username in (select username from users_fts_key where id in (select rowid from users_fts where users_fts match ?)) order by username asc limit ? offset ?`
)

const json = (row, groups) => ({
  username: row.username,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  enabled: row.enabled === 1,
  system: row.system === 1,
  groups,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
  version: row.version
})

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost")
  const limit = Number(url.searchParams.get("limit") ?? 50)
  const offset = Number(url.searchParams.get("offset") ?? 0)
  const search = (url.searchParams.get("search") ?? "").toLowerCase()
  const phrase = `"${search.replace(/"/g, '""')}"`
  const total = search === "" ? countAll.get().n : countSearch.get(phrase).n
  const rows = search === "" ? pageAll.all(limit, offset) : pageSearch.all(phrase, limit, offset)
  const groups = new Map()
  if (rows.length > 0) {
    const names = rows.map((row) => row.username)
    const memberships = db
      .prepare(
        `select username, group_name from memberships where username in (${names.map(() => "?").join(",")}) order by group_name`
      )
      .all(...names)
    for (const { username, group_name } of memberships)
      groups.set(username, [...(groups.get(username) ?? []), group_name])
  }
  const body = JSON.stringify({
    items: rows.map((row) => json(row, groups.get(row.username) ?? [])),
    total,
    offset,
    limit
  })
  response.writeHead(200, { "content-type": "application/json" }).end(body)
})

server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`))
process.once("SIGTERM", () => server.close(() => process.exit(0)))
