/**
 * The HTTP stack's floor, for bench/http.bench.ts: the users list endpoint declared with @effect/platform's HttpApi as
 * dt's API declares it (the same path, query schema and success schema), served by NodeHttpServer, answering the first
 * page of users of the file read once at start-up, written by `User.toJson` as dt's API writes it. No authentication,
 * no store, no domain rules: what dt serve costs beyond this is its own.
 *
 *   node --conditions=@user-manager/source --import tsx bench/http-floor.ts FILE
 */
import { createServer } from "node:http"
import {
  HttpApi,
  HttpApiBuilder,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpServer,
  HttpServerResponse
} from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { User } from "@user-manager/core"
import { Api as DtApi } from "@user-manager/server"
import Database from "better-sqlite3"
import { Effect, Layer } from "effect"

interface Row {
  readonly username: string
  readonly first_name: string
  readonly last_name: string
  readonly email: string | null
  readonly external_id: string | null
  readonly external_name: string | null
  readonly enabled: number
  readonly system: number
  readonly created_at: string
  readonly updated_at: string
  readonly version: number
}

const db = new Database(process.argv[2] as string, { readonly: true })
const total = (db.prepare("select count(*) as n from users").get() as { n: number }).n
const groups = db.prepare("select group_name from memberships where username = ? order by group_name").pluck()
const users = (db.prepare("select * from users order by username limit 50").all() as Array<Row>).map(
  (row) =>
    new User.User({
      username: row.username as User.User["username"],
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      externalId: row.external_id,
      externalName: row.external_name,
      enabled: row.enabled === 1,
      system: row.system === 1,
      groups: groups.all(row.username) as User.User["groups"],
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      version: row.version
    })
)
db.close()

const Api = HttpApi.make("floor")
  .add(
    HttpApiGroup.make("users").add(
      HttpApiEndpoint.get("list", "/users")
        .setUrlParams(DtApi.UserListParams)
        .addSuccess(DtApi.Page(User.User, "UserPage"))
    )
  )
  .prefix("/api/v1")

const Users = HttpApiBuilder.group(Api, "users", (handlers) =>
  handlers.handle("list", ({ urlParams }) =>
    Effect.succeed(
      HttpServerResponse.unsafeJson({
        items: users.slice(0, urlParams.limit ?? 50).map(User.toJson),
        total,
        offset: urlParams.offset ?? 0,
        limit: urlParams.limit ?? 50
      })
    )
  )
)

const served = HttpApiBuilder.serve().pipe(
  Layer.provide(HttpApiBuilder.api(Api).pipe(Layer.provide(Users))),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

Effect.gen(function* () {
  const { address } = yield* HttpServer.HttpServer
  console.log(`listening on ${address._tag === "TcpAddress" ? address.port : address.path}`)
  return yield* Effect.never
}).pipe(Effect.provide(served), NodeRuntime.runMain)
