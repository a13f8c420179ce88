/**
 * Remote mode: the same `Users`, `Groups`, `Audit` and `SignInThrottle` operations over a `dt serve` HTTP API, so that
 * every command works unchanged against a server. The client is derived from the API's own definition
 * (`HttpApiClient` over `@user-manager/server/Api`): its routes, inputs and answers, and its refusals, which decode
 * into the core's own errors, so that messages and exit codes are those of local mode.
 *
 * Loaded by `import()` in remote mode only: local commands never build the API's definition.
 *
 * @since 0.1.0
 */

import * as Http from "node:http"
import * as Https from "node:https"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import {
  type Audit,
  Errors,
  type Groups,
  Page,
  type Settings,
  type SignInThrottle,
  type Tokens,
  type User,
  type Users
} from "@user-manager/core"
import { Api } from "@user-manager/server/Api"
import { Chunk, Effect, Option, ParseResult, Redacted, Stream } from "effect"
import { type Failure, refusal, screen, toCore, unreachable } from "./internal/remoteFailures.js"

/** The API's largest page: the core's. */
const MAX_LIMIT = Page.MAX_PAGE_SIZE

/** A service whose operations fail with any refusal of the core (the server decides which). */
type Loose<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, infer _R>
    ? (...args: P) => Effect.Effect<A, Failure>
    : S[K] extends (...args: infer P) => Stream.Stream<infer A, infer _E, infer _R>
      ? (...args: P) => Stream.Stream<A, Failure>
      : never
}

/** What the API does not take: a list's filter tree (`where`) is for local stores (SCIM has its own syntax). */
const FILTER_TREE = "filter a list by a condition tree (where)"

/** A path parameter: the client puts it in the path as it is given. */
const segment = encodeURIComponent

const clamp = <Q extends { readonly limit?: number | undefined }>(query: Q): Q =>
  query.limit === undefined || query.limit <= MAX_LIMIT ? query : { ...query, limit: MAX_LIMIT }

/** A page as the core's services answer it. */
const mutablePage = <A>(page: Page.Page<A>) => ({ ...page, items: [...page.items] })

const dry = (options?: { readonly dryRun?: boolean }) => ({ dryRun: options?.dryRun === true ? true : undefined })
/**
 * The `If-Match` of the version a caller saw, or of the versions it names, if it gave any. An empty list allows no
 * version: it is sent as the one ETag that names none (`""`), for an empty header would not be a condition.
 */
const ifMatch = (version: Errors.ExpectedVersion | undefined) =>
  version === undefined
    ? undefined
    : typeof version === "number"
      ? `"${version}"`
      : version.length === 0
        ? '""'
        : version.map((each) => `"${each}"`).join(", ")

/** The client of the whole API, as `HttpApiClient.makeWith` types it (only its type is used). */
const typed = (httpClient: HttpClient.HttpClient.With<Failure>) => HttpApiClient.makeWith(Api, { httpClient })

/** The API's client: `client.users.get(request)` and so on. */
type ApiClient = Effect.Effect.Success<ReturnType<typeof typed>>

/**
 * The API's client for `server`, with the bearer token if any: each endpoint of the API's definition as a function,
 * failing with the core's errors. Each endpoint's client is made when it is first called (`HttpApiClient.endpoint`):
 * a command calls one or two, and making the whole API's client at once would cost every remote command's start.
 *
 * @category constructors
 * @since 0.1.0
 */
export const client = (server: string, token: string | undefined): Effect.Effect<ApiClient> =>
  Effect.map(HttpClient.HttpClient, (http) => {
    const options = {
      baseUrl: server,
      httpClient: http.pipe(
        token === undefined ? (self) => self : HttpClient.mapRequest(HttpClientRequest.bearerToken(token)),
        HttpClient.transformResponse((answer) =>
          Effect.flatMap(
            Effect.mapError(answer, (error) => unreachable(server, error.cause)),
            screen(server)
          )
        )
      ),
      // An answer the definition cannot decode is the server's fault, not the request's.
      transformResponse: (decoding: Effect.Effect<unknown, unknown>) =>
        Effect.catchIf(decoding, ParseResult.isParseError, () =>
          Effect.fail(new Errors.StorageError({ reason: `the server ${server} answered an unexpected shape` }))
        )
    }
    const made = new Map<string, Effect.Effect<(request: unknown) => Effect.Effect<unknown, unknown>>>()
    const endpoint = (group: string, name: string) => {
      const key = `${group}.${name}`
      let method = made.get(key)
      if (method === undefined) {
        method = Effect.cached(
          HttpApiClient.endpoint(Api, { ...options, group: group as "users", endpoint: name as "get" })
        ).pipe(Effect.runSync) as unknown as Effect.Effect<(request: unknown) => Effect.Effect<unknown, unknown>>
        made.set(key, method)
      }
      return method
    }
    return new Proxy({} as ApiClient, {
      get: (_, group: string) =>
        new Proxy(
          {},
          {
            get:
              (_, name: string) =>
              (request: unknown): Effect.Effect<unknown, unknown> =>
                Effect.flatMap(endpoint(group, name), (method) => method(request))
          }
        )
    })
  }).pipe(
    // Node's own HTTP client, not `fetch`: fetch loads undici, whose parser is WebAssembly that V8 keeps compiling in
    // the background, and Node waits for that work before it exits (~200 ms on every remote command). The global
    // agents' idle sockets do not keep the process alive.
    Effect.provide(NodeHttpClient.layerWithoutAgent),
    Effect.provideService(NodeHttpClient.HttpAgent, {
      [NodeHttpClient.HttpAgentTypeId]: NodeHttpClient.HttpAgentTypeId,
      http: Http.globalAgent,
      https: Https.globalAgent
    })
  )

/**
 * The services of the core, over the API of `server` with a bearer token. The actor of each call is the session's
 * user, whatever the caller passes; operations only a local store has (`bootstrap`, `authenticate`) are refused.
 *
 * @category constructors
 * @since 0.1.0
 */
export const services = (server: string, token: string | undefined) =>
  Effect.map(client(server, token), (api) => {
    const core = Effect.mapError(toCore(server))
    const localOnly = (action: string) =>
      Effect.fail(new Errors.Forbidden({ actor: "you", action, reason: { _tag: "LocalStoreOnly" } }))
    const listUsers = (urlParams: Users.UserQuery) => core(Effect.map(api.users.list({ urlParams }), mutablePage))
    const getUser = (username: string) => core(api.users.get({ path: { username: segment(username) } }))
    const resetPassword = (username: string, password: string) =>
      core(api.users.resetPassword({ path: { username: segment(username) }, payload: { password } }))
    // The API answers a reset with no body: the user is read before and after it. A new password ends the user's
    // sessions, the caller's own too when it is its own password: the user as read before is then the answer.
    const resetAndRead = (username: string, password: string) =>
      Effect.gen(function* () {
        const before = yield* getUser(username)
        yield* resetPassword(username, password)
        return yield* getUser(username).pipe(
          Effect.catchIf(
            (error) => error._tag === "Unauthenticated",
            () => Effect.succeed(before)
          )
        )
      })
    const modifyGroup = (name: string, payload: Groups.GroupChanges, version: Errors.ExpectedVersion | undefined) =>
      core(
        api.groups.modify({
          path: { name: segment(name) },
          payload,
          headers: { "if-match": ifMatch(version) }
        })
      )

    const users: Loose<Users.Users["Type"]> = {
      bootstrap: () => localOnly("bootstrap a store"),
      bootstrapIfEmpty: () => localOnly("bootstrap a store"),
      authenticate: () => localOnly("check a password"),
      whoAmI: () => core(api.me.me()),
      // The server puts each record's permissions in its answers; the CLI has no use for the context they come from.
      permissionContext: () => localOnly("read the permission context"),
      listWithPermissions: () => localOnly("read the permission context"),
      getWithPermissions: () => localOnly("read the permission context"),
      listWithGroups: () => localOnly("read the groups' rows with a page of users"),
      list: (_actor, { where, ...query } = {}) =>
        where === undefined ? listUsers(clamp(query)) : localOnly(FILTER_TREE),
      // Every match through the API's pages (offset paging: the API pages by offset and counts each page).
      stream: (_actor, query = {}) => {
        if (query.where !== undefined) return Stream.fromEffect(localOnly(FILTER_TREE))
        const { limit, offset = 0, pageSize: _pageSize, ...rest } = query
        // A limit the core refuses goes to the server as it is, for the same refusal as on a local store.
        if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
          return Stream.fromIterableEffect(Effect.map(listUsers({ ...rest, limit, offset }), (page) => page.items))
        }
        const end = limit === undefined ? Number.POSITIVE_INFINITY : offset + limit
        return Stream.paginateChunkEffect(offset, (at) => {
          const want = Math.min(MAX_LIMIT, end - at)
          if (want <= 0) return Effect.succeed([Chunk.empty<User.User>(), Option.none<number>()] as const)
          return Effect.map(listUsers({ ...rest, limit: want, offset: at }), (page) => {
            const next = at + page.items.length
            const more = page.items.length === want && (next < page.total || !page.totalExact) && next < end
            return [Chunk.fromIterable(page.items), more ? Option.some(next) : Option.none<number>()] as const
          })
        })
      },
      get: (_actor, username) => getUser(username),
      create: (_actor, input) => core(api.users.create({ payload: input })),
      modify: (_actor, username, input) =>
        Effect.gen(function* () {
          const { password, expectedVersion, ...changes } = input
          if (password !== undefined && expectedVersion === undefined && Object.keys(changes).length === 0) {
            return yield* resetAndRead(username, password)
          }
          if (password !== undefined) yield* resetPassword(username, password)
          return yield* core(
            api.users.modify({
              path: { username: segment(username) },
              payload: changes,
              headers: { "if-match": ifMatch(expectedVersion) }
            })
          )
        }),
      resetPassword: (_actor, username, password) => resetAndRead(username, password),
      remove: (_actor, username, options) =>
        core(
          api.users.delete({
            path: { username: segment(username) },
            urlParams: dry(options),
            headers: { "if-match": ifMatch(options?.expectedVersion) }
          })
        ),
      enable: (_actor, username, options) =>
        core(api.users.enable({ path: { username: segment(username) }, urlParams: dry(options) })),
      disable: (_actor, username, options) =>
        core(api.users.disable({ path: { username: segment(username) }, urlParams: dry(options) })),
      addToGroup: (_actor, username, group, options) =>
        core(
          api.users.addToGroup({
            path: { username: segment(username), group: segment(group) },
            urlParams: dry(options)
          })
        ),
      removeFromGroup: (_actor, username, group, options) =>
        core(
          api.users.removeFromGroup({
            path: { username: segment(username), group: segment(group) },
            urlParams: dry(options)
          })
        ),
      bulk: (_actor, input) => core(api.users.bulk({ payload: input })),
      changePassword: (_actor, input) => core(api.me.changePassword({ payload: input }))
    }

    const groupMembers = (name: string, query: Groups.MemberQuery) =>
      core(api.groups.members({ path: { name: segment(name) }, urlParams: query }))

    const groups: Loose<Groups.Groups["Type"]> = {
      // The server puts each record's permissions in its answers; the CLI has no use for the context they come from.
      listWithPermissions: () => localOnly("read the permission context"),
      getWithPermissions: () => localOnly("read the permission context"),
      members: (_actor, name, query = {}) => groupMembers(name, query),
      // Every member through the API's keyset pages: each continues after the `next` of the one before.
      memberStream: (_actor, name, query = {}) => {
        const { pageSize = MAX_LIMIT, ...rest } = query
        return Stream.paginateChunkEffect(undefined as string | undefined, (after) =>
          Effect.map(
            groupMembers(
              name,
              after === undefined ? { ...rest, limit: pageSize } : { ...rest, limit: pageSize, after }
            ),
            (page) => [Chunk.fromIterable(page.items), Option.fromNullable(page.next as string | undefined)] as const
          )
        )
      },
      list: (_actor, { where, ...query } = {}) =>
        where === undefined
          ? core(Effect.map(api.groups.list({ urlParams: clamp(query) }), mutablePage))
          : localOnly(FILTER_TREE),
      get: (_actor, name) => core(api.groups.get({ path: { name: segment(name) } })),
      // The API names groups by name; a GID is looked up by the SCIM server, over a local store.
      getByGid: () => localOnly("find a group by its GID"),
      create: (_actor, input) => core(api.groups.create({ payload: input })),
      rename: (_actor, name, newName, options = {}) => modifyGroup(name, { name: newName }, options.expectedVersion),
      remove: (_actor, name, options) =>
        core(
          api.groups.delete({
            path: { name: segment(name) },
            urlParams: dry(options),
            headers: { "if-match": ifMatch(options?.expectedVersion) }
          })
        ),
      addMembers: (_actor, name, usernames, options) =>
        core(api.groups.addMembers({ path: { name: segment(name) }, payload: { usernames }, urlParams: dry(options) })),
      removeMembers: (_actor, name, usernames, options) =>
        core(
          api.groups.removeMembers({ path: { name: segment(name) }, payload: { usernames }, urlParams: dry(options) })
        ),
      modify: (_actor, name, changes, options = {}) => modifyGroup(name, changes, options.expectedVersion),
      setMembers: (_actor, name, usernames, options = {}) =>
        modifyGroup(name, { members: usernames }, options.expectedVersion)
    }

    const audit: Loose<Audit.Audit["Type"]> = {
      list: (_actor, query = {}) => core(api.audit.list({ urlParams: clamp(query) }))
    }

    const signInThrottle: Loose<SignInThrottle.SignInThrottle["Type"]> = {
      locks: () => core(Effect.map(api.signInLocks.list(), (answer) => [...answer.items])),
      unlock: (_actor, username) =>
        core(Effect.map(api.users.unlock({ path: { username: segment(username) } }), (answer) => answer.cleared))
    }

    const settings: Loose<Settings.Settings["Type"]> = {
      get: () => core(api.settings.get()),
      set: (_actor, change, options) => core(api.settings.set({ payload: change, urlParams: dry(options) }))
    }

    const tokens: Loose<Tokens.Tokens["Type"]> = {
      list: () => core(Effect.map(api.tokens.list(), (answer) => [...answer.items])),
      create: (_actor, input) =>
        core(
          Effect.map(api.tokens.create({ payload: input }), ({ token, apiToken }) => ({
            token: Redacted.make(token),
            apiToken
          }))
        ),
      revoke: (_actor, name) => core(api.tokens.revoke({ path: { name: segment(name) } })),
      noteUse: () => Effect.void
    }

    // The refusals are the core's own errors; their union is wider than each operation's.
    return {
      tokens: tokens as unknown as Tokens.Tokens["Type"],
      settings: settings as unknown as Settings.Settings["Type"],
      users: users as unknown as Users.Users["Type"],
      groups: groups as unknown as Groups.Groups["Type"],
      audit: audit as unknown as Audit.Audit["Type"],
      signInThrottle: signInThrottle as unknown as SignInThrottle.SignInThrottle["Type"]
    }
  })

/**
 * Signs in to `server` for a bearer session (`dt login`).
 *
 * @category sessions
 * @since 0.1.0
 */
export const login = (server: string, username: string, password: string) =>
  Effect.flatMap(client(server, undefined), (api) =>
    Effect.mapError(api.auth.login({ payload: { username, password, session: "bearer" } }), toCore(server))
  )

/**
 * Ends the session of `token` on `server` (`dt logout`).
 *
 * @category sessions
 * @since 0.1.0
 */
export const logout = (server: string, token: string) =>
  Effect.flatMap(client(server, token), (api) => Effect.mapError(api.auth.logout(), toCore(server)))

/**
 * `GET /api/v1/export` on `server` with a bearer token (users, groups, or the whole directory): the answer's bytes as they arrive (flat memory at any size),
 * or the refusal (not signed in, not an administrator) as the core's error.
 *
 * @category bulk
 * @since 0.1.0
 */
export const exportBytes = (
  server: string,
  token: string | undefined,
  params: {
    readonly kind: "users" | "groups" | "directory"
    readonly format: "ndjson" | "csv" | "json"
    readonly includePasswordHashes: boolean
  }
): Stream.Stream<Uint8Array, Failure> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const query = new URLSearchParams({ kind: params.kind, format: params.format })
      if (params.includePasswordHashes) query.set("includePasswordHashes", "true")
      const answer = yield* Effect.tryPromise({
        try: (signal) =>
          fetch(`${server}/api/v1/export?${query}`, {
            signal,
            headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
          }),
        catch: (cause) => unreachable(server, cause)
      })
      if (!answer.ok || answer.body === null) {
        return yield* refusal(answer.status, yield* Effect.promise(() => answer.json().catch(() => ({}))))
      }
      return Stream.fromReadableStream({
        evaluate: () => answer.body as ReadableStream<Uint8Array>,
        onError: (cause) => unreachable(server, cause)
      })
    })
  )

/**
 * `POST /api/v1/import` on `server` with a bearer token: the body streamed from `body` as it is read (never held in
 * memory), and the server's result, or its refusal (not signed in, not an administrator, too large) as the core's error.
 *
 * @category bulk
 * @since 0.1.0
 */
export const importBytes = (
  server: string,
  token: string | undefined,
  body: ReadableStream<Uint8Array>,
  contentType: "text/csv" | "application/x-ndjson" | "application/json",
  params: Readonly<Record<string, string>>
): Effect.Effect<unknown, Failure> =>
  Effect.gen(function* () {
    const answer = yield* Effect.tryPromise({
      try: (signal) =>
        fetch(`${server}/api/v1/import?${new URLSearchParams(params)}`, {
          method: "POST",
          signal,
          body,
          duplex: "half",
          headers: { "content-type": contentType, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }
        } as RequestInit),
      catch: (cause) => unreachable(server, cause)
    })
    const json: unknown = yield* Effect.promise(() => answer.json().catch(() => ({})))
    if (answer.ok) return json
    return yield* refusal(answer.status, json)
  })
