/**
 * A real API server on 127.0.0.1 (an ephemeral port) over a real database, a client that records every answer, and
 * the directory every test starts from.
 */

import { HttpServer } from "@effect/platform"
import { Actor, Audit, Groups, type PasswordHasher, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory } from "@user-manager/kysely"
import {
  migrate,
  pglite,
  postgresServer,
  postgresUrl,
  reset,
  sqliteFile,
  type TestDatabase
} from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Context, Effect, Exit, Layer, Logger, Scope } from "effect"
import * as Server from "../../src/Server.js"

/** The passwords of the seeded users: no answer and no log line may ever contain one. */
export const PASSWORDS = {
  admin: "admin's long secret",
  john: "john's long secret",
  carol: "carol's long secret"
} as const

/** The stores the suites run on: SQLite, and PostgreSQL (the server of DT_TEST_POSTGRES_URL, else PGlite). */
export const stores: ReadonlyArray<readonly [string, () => Promise<TestDatabase>]> = [
  ["SQLite", sqliteFile],
  postgresUrl === undefined
    ? ["PostgreSQL (PGlite)", pglite]
    : ["PostgreSQL (server)", () => postgresServer(postgresUrl as string)]
]

/** One answer, as the client saw it. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body of any shape
  readonly body: any
}

/** How a request is signed in: a bearer token, or a session cookie with (or without) its CSRF token. */
export type Credentials =
  | { readonly bearer: string }
  | { readonly cookie: string; readonly csrf?: string }
  | Record<string, never>

/** What a request carries. */
export interface Request {
  readonly body?: unknown
  /** A raw body, sent as is (malformed JSON). */
  readonly raw?: string
  readonly as?: Credentials
  readonly headers?: Record<string, string>
}

/** A running server and what it recorded. */
export interface Running {
  readonly url: string
  readonly database: TestDatabase
  /** Every answer's body and headers, and every log line, for the leak checks. */
  readonly captured: Array<string>
  readonly request: (method: string, path: string, options?: Request) => Promise<Answer>
  /** Empties the database and seeds the directory every test starts from. */
  readonly reseed: () => Promise<void>
  readonly run: <A, E>(effect: Effect.Effect<A, E, Server.Services>) => Promise<A>
  /** Stops the server (releases its layer, as `dt serve` does at SIGTERM), leaving the database. */
  readonly stop: () => Promise<void>
  readonly close: () => Promise<void>
}

/** The directory every test starts from. */
export const seed = Effect.gen(function* () {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const admin = Actor.user("admin")
  yield* users.bootstrap({ username: "admin", firstName: "Ada", lastName: "Admin", password: PASSWORDS.admin })
  yield* groups.create(admin, { name: "developers" })
  yield* groups.create(admin, { name: "analysts" })
  yield* groups.create(admin, { name: "empty" })
  yield* users.create(admin, { username: "root", firstName: "Rita", lastName: "Root", groups: ["admins"] })
  yield* users.create(admin, {
    username: "john",
    firstName: "John",
    lastName: "Doe",
    email: "john@example.com",
    password: PASSWORDS.john,
    groups: ["developers"]
  })
  yield* users.create(admin, { username: "alice", firstName: "Alice", groups: ["developers", "analysts"] })
  yield* users.create(admin, { username: "bob", firstName: "Bob", groups: ["analysts"] })
  yield* users.create(admin, {
    username: "carol",
    firstName: "Carol",
    password: PASSWORDS.carol,
    groups: ["developers"]
  })
  yield* users.create(admin, { username: "svc", firstName: "Service", groups: ["developers"], system: true })
})

/** Starts a server over a fresh database. */
export const start = async (
  open: () => Promise<TestDatabase>,
  options: {
    readonly hasher?: "argon2" | "test" | Layer.Layer<PasswordHasher.PasswordHasher>
    /** How many matches a user list counts exactly (the core's default when unset). */
    readonly exactTotalLimit?: number
  } & Server.Options = {}
): Promise<Running> => {
  const database = await open()
  await migrate(database)
  const captured: Array<string> = []
  const capture = Logger.make(({ message, cause, annotations, logLevel }) => {
    captured.push(
      JSON.stringify({ level: logLevel.label, message, cause: String(cause), annotations: [...annotations] })
    )
  })
  const hasher: Layer.Layer<PasswordHasher.PasswordHasher> =
    options.hasher === "argon2"
      ? Argon2Hasher.layer
      : options.hasher === undefined || options.hasher === "test"
        ? TestHasher
        : options.hasher
  const services = UserManager.layer({
    directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
    hasher,
    ...(options.exactTotalLimit === undefined ? {} : { exactTotalLimit: options.exactTotalLimit })
  })
  const { exactTotalLimit: _, ...serverOptions } = options
  const layer = Server.node({ ...serverOptions, port: 0, host: "127.0.0.1" }).pipe(
    Layer.provideMerge(services),
    Layer.provide(Logger.replace(Logger.defaultLogger, capture))
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") throw new Error("not a TCP server")
  const url = `http://127.0.0.1:${address.port}`
  const run = <A, E>(effect: Effect.Effect<A, E, Server.Services>) =>
    Effect.runPromise(
      Effect.provide(effect, context).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)))
    )

  const request = async (method: string, path: string, options: Request = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers }
    const as = options.as ?? {}
    if ("bearer" in as) headers.authorization = `Bearer ${as.bearer}`
    if ("cookie" in as) {
      headers.cookie = `dt_session=${as.cookie}`
      if (as.csrf !== undefined) headers["x-csrf-token"] = as.csrf
    }
    let body: string | undefined = options.raw
    if (options.body !== undefined) body = JSON.stringify(options.body)
    if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json"
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    captured.push(text, JSON.stringify([...response.headers]))
    let parsed: unknown
    try {
      parsed = text === "" ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    return { status: response.status, headers: response.headers, text, body: parsed }
  }

  return {
    url,
    database,
    captured,
    request,
    run,
    reseed: async () => {
      await reset(database.db)
      await run(seed)
    },
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void)),
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await database.drop()
    }
  }
}

/** Signs in with a bearer session and returns its token. */
export const bearer = async (server: Running, username: string, password: string): Promise<{ bearer: string }> => {
  const answer = await server.request("POST", "/api/v1/auth/login", {
    body: { username, password, session: "bearer" }
  })
  if (answer.status !== 200) throw new Error(`cannot sign in as ${username}: ${answer.text}`)
  return { bearer: answer.body.token as string }
}

/** Signs in with a session cookie and returns the cookie's value and the CSRF token. */
export const cookie = async (
  server: Running,
  username: string,
  password: string
): Promise<{ cookie: string; csrf: string }> => {
  const answer = await server.request("POST", "/api/v1/auth/login", { body: { username, password } })
  if (answer.status !== 200) throw new Error(`cannot sign in as ${username}: ${answer.text}`)
  const setCookie = answer.headers.get("set-cookie") ?? ""
  const value = /dt_session=([^;]+)/.exec(setCookie)?.[1] ?? ""
  return { cookie: value, csrf: answer.body.csrfToken as string }
}

/** Everything a refused request must leave as it was: every user and group, the audit trail, the sessions. */
export const snapshot = (server: Running) =>
  Promise.all([
    server.run(
      Effect.gen(function* () {
        const admin = Actor.user("admin")
        const users = yield* (yield* Users.Users).list(admin, { limit: 1000 })
        const groups = yield* (yield* Groups.Groups).list(admin, { limit: 1000 })
        const audit = yield* (yield* Audit.Audit).list(admin, { limit: 1 })
        return { users: JSON.stringify(users.items), groups: JSON.stringify(groups.items), audit: audit.total }
      })
    ),
    server.database.db
      .selectFrom("sessions")
      .select(["token_hash", "username", "expires_at"])
      .orderBy("token_hash")
      .execute()
  ]).then(([directory, sessions]) => ({ ...directory, sessions }))

/** Every secret that must never appear in an answer or a log line: hashes and the known passwords. */
export const leaks = (server: Running, passwords: ReadonlyArray<string> = []): Array<string> => {
  const secrets = [...Object.values(PASSWORDS), ...passwords]
  const found: Array<string> = []
  for (const text of server.captured) {
    if (text.includes("$argon2")) found.push(`an argon2 hash in: ${text.slice(0, 200)}`)
    if (text.includes("$test$")) found.push(`a test hash in: ${text.slice(0, 200)}`)
    for (const secret of secrets) {
      if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) {
        found.push(`a password in: ${text.slice(0, 200)}`)
      }
    }
  }
  return found
}
