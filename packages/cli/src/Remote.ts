/**
 * Remote mode: the same `Users`, `Groups`, `Audit` and `SignInThrottle` operations over a `dt serve` HTTP API, so that every command
 * works unchanged against a server; and the stored session (`dt login`) that names the server and its token.
 *
 * @since 0.1.0
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import {
  type Audit,
  AuditEntry,
  Errors,
  Group,
  type Groups,
  Page,
  type SignInThrottle,
  User,
  type Users
} from "@user-manager/core"
import { Chunk, Effect, Option, Schema, Stream } from "effect"

/**
 * A signed-in session of the CLI: the server, the bearer token, the user, and when it ends.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoredSession {
  readonly server: string
  readonly token: string
  readonly username: string
  readonly expiresAt: string
}

/**
 * Where the session is kept: `$XDG_CONFIG_HOME/dt/session.json` (`~/.config/dt/session.json`), readable only by its owner.
 *
 * @category sessions
 * @since 0.1.0
 */
export const sessionFile = (): string =>
  join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "dt", "session.json")

/**
 * The stored session, if there is one.
 *
 * @category sessions
 * @since 0.1.0
 */
export const readSession = (): StoredSession | undefined => {
  try {
    return JSON.parse(readFileSync(sessionFile(), "utf8")) as StoredSession
  } catch {
    return undefined
  }
}

/**
 * Stores a session with mode 0600.
 *
 * @category sessions
 * @since 0.1.0
 */
export const writeSession = (session: StoredSession): void => {
  const file = sessionFile()
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, `${JSON.stringify(session)}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
}

/**
 * Forgets the stored session.
 *
 * @category sessions
 * @since 0.1.0
 */
export const removeSession = (): void => rmSync(sessionFile(), { force: true })

/**
 * The server the commands run against: `DT_SERVER`, else the one of the stored session; none means local mode.
 *
 * @category sessions
 * @since 0.1.0
 */
export const serverUrl = (): string | undefined => {
  const url = process.env.DT_SERVER || readSession()?.server
  return url === undefined || url === "" ? undefined : url.replace(/\/+$/, "")
}

/**
 * A server's URL as given (`--server`, `DT_SERVER`): http:// or https://, kept without trailing slashes.
 *
 * @category sessions
 * @since 0.1.0
 */
export const parseServer = (url: string): Effect.Effect<string, Errors.InvalidInput> =>
  /^https?:\/\/[^/]/.test(url)
    ? Effect.succeed(url.replace(/\/+$/, ""))
    : new Errors.InvalidInput({ field: "server", reason: `'${url}' is not an http:// or https:// URL` })

const domainErrors: Record<string, new (fields: never, options: { disableValidation: true }) => unknown> = {
  UserNotFound: Errors.UserNotFound,
  GroupNotFound: Errors.GroupNotFound,
  UsernameTaken: Errors.UsernameTaken,
  EmailTaken: Errors.EmailTaken,
  GroupNameTaken: Errors.GroupNameTaken,
  GidTaken: Errors.GidTaken,
  GidOutOfRange: Errors.GidOutOfRange,
  GidRangeExhausted: Errors.GidRangeExhausted,
  SystemUserImmutable: Errors.SystemUserImmutable,
  GroupMembershipRequired: Errors.GroupMembershipRequired,
  NotAMember: Errors.NotAMember,
  LastAdmin: Errors.LastAdmin,
  SelfLockout: Errors.SelfLockout,
  ProtectedGroup: Errors.ProtectedGroup,
  Forbidden: Errors.Forbidden,
  Unauthenticated: Errors.Unauthenticated,
  InvalidInput: Errors.InvalidInput,
  ConcurrentModification: Errors.ConcurrentModification,
  TooManyAttempts: Errors.TooManyAttempts
}

type Failure = Errors.DomainError | Errors.StorageError

/** The core's own error for a refusal the server answered, so that messages and exit codes are the same as local. */
const refusal = (status: number, body: Record<string, unknown>): Failure => {
  const { _tag: tag, message, status: _status, ...fields } = body
  const Class = typeof tag === "string" ? domainErrors[tag] : undefined
  if (Class !== undefined) return new Class(fields as never, { disableValidation: true }) as Failure
  const reason = typeof message === "string" ? message.replace(/\.$/, "") : `the server answered ${status}`
  if (status === 401) return new Errors.Unauthenticated({ reason })
  if (status === 403 || status === 429) return new Errors.Forbidden({ actor: "you", action: "do this", reason })
  if (status === 400) return new Errors.InvalidInput({ field: "", reason })
  return new Errors.StorageError({ reason: `the server failed: ${reason}` })
}

const UserPage = Schema.Struct({
  items: Schema.mutable(Schema.Array(User.User)),
  total: Schema.Number,
  offset: Schema.Number,
  limit: Schema.Number
})
const GroupPage = Schema.Struct({
  items: Schema.mutable(Schema.Array(Group.Group)),
  total: Schema.Number,
  offset: Schema.Number,
  limit: Schema.Number
})
const AuditPage = Schema.Struct({
  items: Schema.mutable(Schema.Array(AuditEntry.AuditEntry)),
  total: Schema.Number,
  offset: Schema.Number,
  limit: Schema.Number
})
const Me = Schema.Struct({ user: User.User, admin: Schema.Boolean })
const SignInLocks = Schema.Struct({
  items: Schema.mutable(
    Schema.Array(
      Schema.Struct({
        kind: Schema.Literal("user-address", "address", "user-delay"),
        username: Schema.NullOr(Schema.String),
        address: Schema.NullOr(Schema.String),
        failures: Schema.Number,
        until: Schema.Date
      })
    )
  )
})

/** The API's largest page: the core's. */
const MAX_LIMIT = Page.MAX_PAGE_SIZE

interface Call {
  readonly method: string
  readonly path: string
  readonly query?: Record<string, unknown>
  readonly body?: unknown
  readonly ifMatch?: number | undefined
}

/**
 * Sends one request to the API, with the bearer token if any; answers the decoded body or the core's error.
 *
 * @category requests
 * @since 0.1.0
 */
export const request = <A, I>(
  server: string,
  token: string | undefined,
  call: Call,
  schema?: Schema.Schema<A, I>
): Effect.Effect<A, Failure> =>
  Effect.gen(function* () {
    const url = new URL(`${server}/api/v1${call.path}`)
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value instanceof Date ? value.toISOString() : String(value))
    }
    const headers: Record<string, string> = {}
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    if (call.body !== undefined) headers["content-type"] = "application/json"
    if (call.ifMatch !== undefined) headers["if-match"] = `"${call.ifMatch}"`
    const response = yield* Effect.tryPromise({
      try: (signal) =>
        fetch(url, {
          method: call.method,
          headers,
          signal,
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) })
        }),
      catch: (cause) =>
        new Errors.StorageError({
          reason: `cannot reach the server ${server}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`,
          cause
        })
    })
    const text = yield* Effect.promise(() => response.text())
    let json: unknown
    try {
      json = text === "" ? undefined : JSON.parse(text)
    } catch {
      return yield* new Errors.StorageError({ reason: `the server ${server} did not answer JSON (${response.status})` })
    }
    if (!response.ok) return yield* Effect.fail(refusal(response.status, (json ?? {}) as Record<string, unknown>))
    if (schema === undefined) return undefined as A
    return yield* Schema.decodeUnknown(schema)(json).pipe(
      Effect.mapError(() => new Errors.StorageError({ reason: `the server ${server} answered an unexpected shape` }))
    )
  })

/** A service whose operations fail with any refusal of the core (the server decides which). */
type Loose<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, infer _R>
    ? (...args: P) => Effect.Effect<A, Failure>
    : S[K] extends (...args: infer P) => Stream.Stream<infer A, infer _E, infer _R>
      ? (...args: P) => Stream.Stream<A, Failure>
      : never
}

const path = (...parts: ReadonlyArray<string>) => parts.map(encodeURIComponent).join("/")

const clamp = <Q extends { readonly limit?: number | undefined }>(query: Q): Q =>
  query.limit === undefined || query.limit <= MAX_LIMIT ? query : { ...query, limit: MAX_LIMIT }

/**
 * The services of the core, over the API of `server` with a bearer token. The actor of each call is the session's
 * user, whatever the caller passes; operations only a local store has (`bootstrap`, `authenticate`) are refused.
 *
 * @category constructors
 * @since 0.1.0
 */
export const services = (server: string, token: string | undefined) => {
  const send = <A, I>(call: Call, schema?: Schema.Schema<A, I>) => request(server, token, call, schema)
  const dry = (options?: { readonly dryRun?: boolean }) => (options?.dryRun === true ? { dryRun: true } : {})
  const localOnly = (action: string) =>
    Effect.fail(new Errors.Forbidden({ actor: "you", action, reason: "it needs a local store, not a server" }))

  const users: Loose<Users.Users["Type"]> = {
    bootstrap: () => localOnly("bootstrap a store"),
    authenticate: () => localOnly("check a password"),
    whoAmI: () => send({ method: "GET", path: "/me" }, Me),
    list: (_actor, query = {}) => send({ method: "GET", path: "/users", query: clamp(query) }, UserPage),
    // Every match through the API's pages (offset paging: the API pages by offset and counts each page).
    stream: (_actor, query = {}) => {
      const { limit, offset = 0, pageSize: _pageSize, ...rest } = query
      // A limit the core refuses goes to the server as it is, for the same refusal as on a local store.
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
        return Stream.fromIterableEffect(
          send({ method: "GET", path: "/users", query: { ...rest, limit, offset } }, UserPage).pipe(
            Effect.map((page) => page.items)
          )
        )
      }
      const end = limit === undefined ? Number.POSITIVE_INFINITY : offset + limit
      return Stream.paginateChunkEffect(offset, (at) => {
        const want = Math.min(MAX_LIMIT, end - at)
        if (want <= 0) return Effect.succeed([Chunk.empty<User.User>(), Option.none<number>()] as const)
        return send({ method: "GET", path: "/users", query: { ...rest, limit: want, offset: at } }, UserPage).pipe(
          Effect.map((page) => {
            const next = at + page.items.length
            const more = page.items.length === want && next < page.total && next < end
            return [Chunk.fromIterable(page.items), more ? Option.some(next) : Option.none<number>()] as const
          })
        )
      })
    },
    get: (_actor, username) => send({ method: "GET", path: `/users/${path(username)}` }, User.User),
    create: (_actor, input) => send({ method: "POST", path: "/users", body: input }, User.User),
    modify: (_actor, username, input) =>
      Effect.gen(function* () {
        const { password, expectedVersion, ...changes } = input
        if (password !== undefined && expectedVersion === undefined && Object.keys(changes).length === 0) {
          const read = send({ method: "GET", path: `/users/${path(username)}` }, User.User)
          const before = yield* read
          yield* send({ method: "PUT", path: `/users/${path(username)}/password`, body: { password } })
          // A new password ends the user's sessions, the caller's own too when it is its own password: the user as
          // read before is then the answer.
          return yield* read.pipe(
            Effect.catchIf(
              (error) => error._tag === "Unauthenticated",
              () => Effect.succeed(before)
            )
          )
        }
        if (password !== undefined) {
          yield* send({ method: "PUT", path: `/users/${path(username)}/password`, body: { password } })
        }
        return yield* send(
          { method: "PATCH", path: `/users/${path(username)}`, body: changes, ifMatch: expectedVersion },
          User.User
        )
      }),
    remove: (_actor, username, options) =>
      send({ method: "DELETE", path: `/users/${path(username)}`, query: dry(options) }, User.User),
    enable: (_actor, username) => send({ method: "POST", path: `/users/${path(username)}/enable` }, User.User),
    disable: (_actor, username, options) =>
      send({ method: "POST", path: `/users/${path(username)}/disable`, query: dry(options) }, User.User),
    addToGroup: (_actor, username, group) =>
      send({ method: "PUT", path: `/users/${path(username)}/groups/${path(group)}` }, User.User),
    removeFromGroup: (_actor, username, group, options) =>
      send(
        { method: "DELETE", path: `/users/${path(username)}/groups/${path(group)}`, query: dry(options) },
        User.User
      ),
    changePassword: (_actor, input) => send({ method: "PUT", path: "/me/password", body: input })
  }

  const groups: Loose<Groups.Groups["Type"]> = {
    list: (_actor, query = {}) => send({ method: "GET", path: "/groups", query: clamp(query) }, GroupPage),
    get: (_actor, name) => send({ method: "GET", path: `/groups/${path(name)}` }, Group.Group),
    create: (_actor, input) => send({ method: "POST", path: "/groups", body: input }, Group.Group),
    rename: (_actor, name, newName, options = {}) =>
      send(
        { method: "PATCH", path: `/groups/${path(name)}`, body: { name: newName }, ifMatch: options.expectedVersion },
        Group.Group
      ),
    remove: (_actor, name, options) =>
      send({ method: "DELETE", path: `/groups/${path(name)}`, query: dry(options) }, Group.Group),
    addMembers: (_actor, name, usernames) =>
      send({ method: "POST", path: `/groups/${path(name)}/members`, body: { usernames } }, Group.Group),
    removeMembers: (_actor, name, usernames, options) =>
      send(
        { method: "DELETE", path: `/groups/${path(name)}/members`, body: { usernames }, query: dry(options) },
        Group.Group
      ),
    modify: (_actor, name, changes, options = {}) =>
      send(
        { method: "PATCH", path: `/groups/${path(name)}`, body: changes, ifMatch: options.expectedVersion },
        Group.Group
      ),
    setMembers: (_actor, name, usernames, options = {}) =>
      send(
        {
          method: "PATCH",
          path: `/groups/${path(name)}`,
          body: { members: usernames },
          ifMatch: options.expectedVersion
        },
        Group.Group
      )
  }

  const audit: Loose<Audit.Audit["Type"]> = {
    list: (_actor, query = {}) => send({ method: "GET", path: "/audit", query: clamp(query) }, AuditPage)
  }

  const signInThrottle: Loose<SignInThrottle.SignInThrottle["Type"]> = {
    locks: () =>
      send({ method: "GET", path: "/sign-in-locks" }, SignInLocks).pipe(Effect.map((answer) => answer.items)),
    unlock: (_actor, username) => send({ method: "DELETE", path: `/users/${path(username)}/sign-in-lock` })
  }

  // The refusals are the core's own errors, rebuilt from the answers; their union is wider than each operation's.
  return {
    users: users as unknown as Users.Users["Type"],
    groups: groups as unknown as Groups.Groups["Type"],
    audit: audit as unknown as Audit.Audit["Type"],
    signInThrottle: signInThrottle as unknown as SignInThrottle.SignInThrottle["Type"]
  }
}
