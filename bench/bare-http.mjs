// The ceiling of the HTTP benchmark (bench/http.bench.ts): a bare node:http handler that runs the same SQL as the API's
// `GET /api/v1/users` on better-sqlite3 and answers the same JSON, with no framework and no validation. As the API
// does, it runs the request in one read transaction: the bearer session (by its token's SHA-256) and its user with
// the user's groups (an enabled member of `admins`), then the count, one page ordered by username and the page's
// memberships. `--no-session` leaves out the session, the user and the transaction (the ceiling as the first
// sessions measured it: the listing's three statements alone). `GET /api/v1/groups` the same way: the count, a page of
// groups by name, and each group's first 10 members (one index range per group, in one statement).
// Usage: node bench/bare-http.mjs FILE [--no-session]
import { createHash } from "node:crypto"
import { createServer } from "node:http"
import Database from "better-sqlite3"
import { groupPage, withMembers } from "./bare-groups.mjs"

const db = new Database(process.argv[2], { readonly: true })
db.pragma("journal_mode = WAL")
const withSession = !process.argv.includes("--no-session")
// The columns the API's listing reads (never the password hash).
const LISTING = "username, first_name, last_name, email, enabled, system, created_at, updated_at, version"
const begin = db.prepare("begin")
const rollback = db.prepare("rollback")
const findSession = db.prepare("select * from sessions where token_hash = ?")
const findUser = db.prepare(
  "select users.*, memberships.group_name from users left join memberships on memberships.username = users.username where users.username = ? order by memberships.group_name"
)
const countAll = db.prepare("select count(*) as n from users")
const pageAll = db.prepare(`select ${LISTING} from users order by username asc limit ? offset ?`)
const countSearch = db.prepare("select count(*) as n from users_fts where search_text match ?")
const pageSearch = db.prepare(
  `select ${LISTING} from users where username in (select username from users_fts_key where id in (select rowid from users_fts where search_text match ?)) order by username asc limit ? offset ?`
)

const countGroups = db.prepare("select count(*) as n from groups")
const pageGroups = db.prepare("select * from groups order by name asc limit ? offset ?")
const PREVIEW = 10
const previews = new Map()
/** The statement of the first `PREVIEW` members of `count` groups, compiled once for each count. */
const previewOf = (count) => {
  let statement = previews.get(count)
  if (statement === undefined) {
    const one = (index) =>
      `select * from (select group_name, username from memberships where group_name = ? order by username limit ${PREVIEW}) as p${index}`
    statement = db.prepare(Array.from({ length: count }, (_, index) => one(index)).join(" union all "))
    previews.set(count, statement)
  }
  return statement
}

const listGroups = (limit, offset) => {
  const total = countGroups.get().n
  const groups = pageGroups.all(limit, offset)
  const named = withMembers(groups)
  const previews = named.length === 0 ? [] : previewOf(named.length).all(...named)
  return groupPage({ groups, previews, total, offset, limit })
}

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

/** Whether the request's bearer session names an enabled administrator. */
const isAdmin = (authorization) => {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1]
  if (token === undefined) return false
  const session = findSession.get(createHash("sha256").update(token).digest("hex"))
  if (session === undefined || Date.parse(session.expires_at) <= Date.now()) return false
  const rows = findUser.all(session.username)
  return rows.length > 0 && rows[0].enabled === 1 && rows.some((row) => row.group_name === "admins")
}

const list = (search, limit, offset) => {
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
  return { items: rows.map((row) => json(row, groups.get(row.username) ?? [])), total, offset, limit }
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost")
  const limit = Number(url.searchParams.get("limit") ?? 50)
  const offset = Number(url.searchParams.get("offset") ?? 0)
  const search = (url.searchParams.get("search") ?? "").toLowerCase()
  const answer = url.pathname === "/api/v1/groups" ? () => listGroups(limit, offset) : () => list(search, limit, offset)
  let page
  if (withSession) {
    begin.run()
    try {
      page = isAdmin(request.headers.authorization) ? answer() : undefined
    } finally {
      rollback.run()
    }
  } else {
    page = answer()
  }
  if (page === undefined) {
    response.writeHead(401, { "content-type": "application/json" }).end('{"_tag":"Unauthenticated"}')
    return
  }
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page))
})

server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`))
process.once("SIGTERM", () => server.close(() => process.exit(0)))
