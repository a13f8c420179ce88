// The ceiling of the HTTP benchmark on PostgreSQL (bench/http.bench.ts with a `postgres://` BENCH_DATABASE): a bare
// node:http handler that answers `GET /api/v1/groups` with the same SQL as the API on `pg`, with no framework and no
// validation. As the API does, it runs the request in one read-only repeatable-read transaction on one connection of a
// pool of 10 (dt serve's default), with the statements prepared on each connection: the bearer session (by its token's
// SHA-256) with its user and whether that user is in `admins`, then the count, a page of groups by name, and each
// group's first 10 members (one index range per group, in one statement).
// Usage: node bench/bare-http-postgres.mjs postgres://user@host:5432/database
import { createHash } from "node:crypto"
import { createServer } from "node:http"
import pg from "pg"
import { groupPage, withMembers } from "./bare-groups.mjs"

const pool = new pg.Pool({ connectionString: process.argv[2], max: 10 })
const PREVIEW = 10

const findAdmin = {
  name: "bare_admin",
  text: `select s.expires_at, u.enabled,
    exists (select 1 from memberships m where m.username = u.username and m.group_name = 'admins') as admin
    from sessions s join users u on u.username = s.username where s.token_hash = $1`
}
const countGroups = { name: "bare_count", text: "select count(*) as n from groups" }
const pageGroups = { name: "bare_page", text: "select * from groups order by name asc limit $1 offset $2" }
/** The statement of the first `PREVIEW` members of `count` groups, one for each count. */
const previewOf = (count) => ({
  name: `bare_preview_${count}`,
  text: Array.from(
    { length: count },
    (_, index) =>
      `select * from (select group_name, username from memberships where group_name = $${index + 1} order by username limit ${PREVIEW}) as p${index}`
  ).join(" union all ")
})

/** Whether the request's bearer session names an enabled administrator. */
const isAdmin = async (client, authorization) => {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1]
  if (token === undefined) return false
  const { rows } = await client.query({ ...findAdmin, values: [createHash("sha256").update(token).digest("hex")] })
  const row = rows[0]
  return row !== undefined && Date.parse(row.expires_at) > Date.now() && row.enabled === 1 && row.admin
}

const listGroups = async (client, limit, offset) => {
  const total = Number((await client.query(countGroups)).rows[0].n)
  const groups = (await client.query({ ...pageGroups, values: [limit, offset] })).rows
  const named = withMembers(groups)
  const previews = named.length === 0 ? [] : (await client.query({ ...previewOf(named.length), values: named })).rows
  return groupPage({ groups, previews, total, offset, limit })
}

const answer = async (request) => {
  const url = new URL(request.url ?? "/", "http://localhost")
  if (url.pathname !== "/api/v1/groups") return { status: 404, body: '{"_tag":"NotFound"}' }
  const limit = Number(url.searchParams.get("limit") ?? 50)
  const offset = Number(url.searchParams.get("offset") ?? 0)
  const client = await pool.connect()
  try {
    await client.query("begin isolation level repeatable read read only")
    try {
      if (!(await isAdmin(client, request.headers.authorization))) {
        return { status: 401, body: '{"_tag":"Unauthenticated"}' }
      }
      return { status: 200, body: JSON.stringify(await listGroups(client, limit, offset)) }
    } finally {
      await client.query("rollback")
    }
  } finally {
    client.release()
  }
}

const server = createServer((request, response) => {
  answer(request).then(
    ({ status, body }) => response.writeHead(status, { "content-type": "application/json" }).end(body),
    (error) => response.writeHead(500, { "content-type": "text/plain" }).end(String(error))
  )
})

server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`))
process.once("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))))
