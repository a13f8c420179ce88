/**
 * The handlers of every endpoint: thin calls into the core services on behalf of the request's actor. No rule is
 * decided here; refusals of the core are answered with their status and the one error shape.
 *
 * @since 0.1.0
 */

import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import {
  Actor,
  Audit,
  type Errors,
  Group,
  Groups,
  type Page,
  Permissions,
  Sessions,
  Settings,
  SignInThrottle,
  Tokens,
  User,
  Users
} from "@user-manager/core"
import { Effect, Layer, Predicate, Redacted } from "effect"
import { Api, CurrentActor } from "./Api.js"
import * as ApiError from "./ApiError.js"
import { CSRF_COOKIE, checkCsrf, credential, csrfToken, remoteAddress, SESSION_COOKIE } from "./Auth.js"
import { GroupAnswer } from "./internal/api/GroupsApi.js"
import { UserAnswer } from "./internal/api/UsersApi.js"
import * as EntityTags from "./internal/entityTags.js"
import { ServerConfig, type ThrottleOptions } from "./ServerConfig.js"

/**
 * Runs a sign-in (or a password change) under the throttle settings the host gave this API, over the core's own; the
 * core counts the attempt and refuses it (429) when it must.
 */
const throttled = (overrides: ThrottleOptions) => {
  const { maxFailuresPerUsername, ...options } = overrides
  const mapped =
    maxFailuresPerUsername === undefined ? options : { maxFailuresPerUserAddress: maxFailuresPerUsername, ...options }
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Object.keys(mapped).length === 0
      ? effect
      : Effect.flatMap(SignInThrottle.ThrottleConfig, (base) =>
          Effect.provideService(effect, SignInThrottle.ThrottleConfig, { ...base, ...mapped })
        )
}

/**
 * Runs a core operation, whose refusals the API answers with their status; a store failure is logged here, for it is
 * answered 503 without its details.
 */
const call = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.tapError(effect, (error) =>
    Predicate.isTagged(error, "StorageError")
      ? Effect.logError(`the user store failed: ${(error as unknown as Errors.StorageError).reason}`)
      : Effect.void
  )

/** The object without its `undefined` fields (the core's inputs are exact about optional fields). */
const defined = <T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }

/** How many ETags an `If-Match` may name: a client names the versions it saw, never thousands. */
const MAX_IF_MATCH_TAGS = 16

/**
 * The versions a change may be made at, by its `If-Match` (RFC 9110 §13.1.1): any without one or with `*`; else those
 * its strong ETags name (`"3", "4"`), which the core checks in the change's transaction. A weak ETag never matches, so
 * a header of only those lets no change through (412). A bare version (`3`), which earlier releases took, is `"3"`.
 */
const expectedVersion = (
  header: string | undefined
): Effect.Effect<Errors.ExpectedVersion | undefined, Errors.InvalidInput> => {
  if (header === undefined) return Effect.succeed(undefined)
  // A bare version is read as the strong ETag of those digits.
  if (/^\s*\d+\s*$/.test(header)) {
    return Effect.succeed(EntityTags.strongVersions([{ weak: false, opaque: header.trim() }]))
  }
  const condition = EntityTags.parse(header)
  if (condition === undefined) {
    return Effect.fail(
      ApiError.invalidInput("If-Match", 'it must be * or ETags separated by commas, such as "3" or "3", "4"')
    )
  }
  return condition !== "*" && condition.length > MAX_IF_MATCH_TAGS
    ? Effect.fail(ApiError.invalidInput("If-Match", `it names more than ${MAX_IF_MATCH_TAGS} ETags`))
    : Effect.succeed(EntityTags.strongVersions(condition))
}

/** Answers a created record with its `ETag` and its `Location` (RFC 9110 15.3.2): the path a `GET` reads it at. */
const created = <A extends { readonly version: number }>(record: A, path: string) =>
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "location", `/api/v1/${path}`))
    ),
    withETag(record)
  )

/** A delete's options: its dry run, and the version its `If-Match` names. */
const deleteOptions = (urlParams: { readonly dryRun?: boolean | undefined }, ifMatch: string | undefined) =>
  Effect.map(expectedVersion(ifMatch), (version) => defined({ ...dryRun(urlParams), expectedVersion: version }))

/** Sends the record's version as its `ETag`. */
const withETag = <A extends { readonly version: number }>(record: A) =>
  Effect.as(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "etag", EntityTags.strong(record.version)))
    ),
    record
  )

/** Ends the browser's session cookie, and the cookie that lets the page read its CSRF token, in the response. */
const clearCookie = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(
    HttpServerResponse.expireCookie(
      HttpServerResponse.expireCookie(response, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict" }),
      CSRF_COOKIE,
      { path: "/", sameSite: "strict" }
    )
  )
)

/**
 * A page of records answered as JSON written by the record's own `toJson` (equal to what the endpoint's schema would
 * encode, at a fraction of the cost: a page of 50 users is the API's most frequent answer).
 */
const jsonPage = <A, I>(page: Page.Page<A>, toJson: (item: A) => I) =>
  HttpServerResponse.unsafeJson({ ...page, items: page.items.map(toJson) })

const dryRun = (params: { readonly dryRun?: boolean | undefined }) => ({ dryRun: params.dryRun === true })

/**
 * The `/users` handlers.
 *
 * @category handlers
 * @since 0.1.0
 */
export const users = HttpApiBuilder.group(Api, "users", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Users.Users
    const throttle = yield* SignInThrottle.SignInThrottle
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.listWithPermissions(actor, defined(urlParams)))).pipe(
          Effect.map(({ page, context }) =>
            jsonPage(page, (user) => ({
              ...User.toJson(user),
              refused: Permissions.refusals(Permissions.forUser(context, user))
            }))
          )
        )
      )
      .handle("bulk", ({ payload }) => Effect.flatMap(CurrentActor, (actor) => call(service.bulk(actor, payload))))
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.getWithPermissions(actor, path.username))).pipe(
          Effect.map(
            ({ user, context }) =>
              new UserAnswer({ ...user, refused: Permissions.refusals(Permissions.forUser(context, user)) })
          ),
          Effect.flatMap(withETag)
        )
      )
      .handle("create", ({ payload }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.create(actor, payload))).pipe(
          Effect.flatMap((user) => created(user, `users/${encodeURIComponent(user.username)}`))
        )
      )
      .handle("modify", ({ path, payload, headers }) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          const version = yield* expectedVersion(headers["if-match"])
          const user = yield* call(
            service.modify(actor, path.username, defined({ ...payload, expectedVersion: version }))
          )
          return yield* withETag(user)
        })
      )
      .handle("delete", ({ path, urlParams, headers }) =>
        Effect.flatMap(Effect.zip(CurrentActor, deleteOptions(urlParams, headers["if-match"])), ([actor, options]) =>
          call(service.remove(actor, path.username, options))
        )
      )
      .handle("enable", ({ path, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.enable(actor, path.username, dryRun(urlParams))))
      )
      .handle("disable", ({ path, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.disable(actor, path.username, dryRun(urlParams))))
      )
      .handle("resetPassword", ({ path, payload }) =>
        Effect.flatMap(CurrentActor, (actor) =>
          call(service.resetPassword(actor, path.username, payload.password)).pipe(Effect.asVoid)
        )
      )
      .handle("addToGroup", ({ path, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) =>
          call(service.addToGroup(actor, path.username, path.group, dryRun(urlParams)))
        )
      )
      .handle("removeFromGroup", ({ path, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) =>
          call(service.removeFromGroup(actor, path.username, path.group, dryRun(urlParams)))
        )
      )
      .handle("unlock", ({ path }) =>
        Effect.flatMap(CurrentActor, (actor) => call(throttle.unlock(actor, path.username))).pipe(
          Effect.map((cleared) => ({ cleared }))
        )
      )
  })
)

/**
 * The `/groups` handlers.
 *
 * @category handlers
 * @since 0.1.0
 */
export const groups = HttpApiBuilder.group(Api, "groups", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Groups.Groups
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.listWithPermissions(actor, defined(urlParams)))).pipe(
          Effect.map(({ page, context }) =>
            jsonPage(page, (group) => ({
              ...Group.toJson(group),
              refused: Permissions.refusals(Permissions.forGroup(context, group))
            }))
          )
        )
      )
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.getWithPermissions(actor, path.name))).pipe(
          Effect.map(
            ({ group, context }) =>
              new GroupAnswer({ ...group, refused: Permissions.refusals(Permissions.forGroup(context, group)) })
          ),
          Effect.flatMap(withETag)
        )
      )
      .handle("members", ({ path, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.members(actor, path.name, defined(urlParams))))
      )
      .handle("create", ({ payload }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.create(actor, payload))).pipe(
          Effect.flatMap((group) => created(group, `groups/${encodeURIComponent(group.name)}`))
        )
      )
      .handle("modify", ({ path, payload, headers }) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          const version = yield* expectedVersion(headers["if-match"])
          const group = yield* call(
            service.modify(actor, path.name, defined(payload), defined({ expectedVersion: version }))
          )
          return yield* withETag(group)
        })
      )
      .handle("delete", ({ path, urlParams, headers }) =>
        Effect.flatMap(Effect.zip(CurrentActor, deleteOptions(urlParams, headers["if-match"])), ([actor, options]) =>
          call(service.remove(actor, path.name, options))
        )
      )
      .handle("addMembers", ({ path, payload, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) =>
          call(service.addMembers(actor, path.name, payload.usernames, dryRun(urlParams)))
        )
      )
      .handle("removeMembers", ({ path, payload, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) =>
          call(service.removeMembers(actor, path.name, payload.usernames, dryRun(urlParams)))
        )
      )
  })
)

/**
 * The `/me` handlers.
 *
 * @category handlers
 * @since 0.1.0
 */
export const me = HttpApiBuilder.group(Api, "me", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Users.Users
    const withThrottle = throttled((yield* ServerConfig).throttle)
    return handlers
      .handle("me", () => Effect.flatMap(CurrentActor, (actor) => call(service.whoAmI(actor))))
      .handle("changePassword", ({ payload, request }) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          // Throttled as sign-in is, by the core: a stolen session must not be a way to guess the password.
          yield* call(
            withThrottle(
              service.changePassword(
                actor,
                { current: payload.current, next: payload.next },
                { address: remoteAddress(request) }
              )
            )
          )
          yield* clearCookie
        })
      )
  })
)

/**
 * The `/audit` handlers.
 *
 * @category handlers
 * @since 0.1.0
 */
export const audit = HttpApiBuilder.group(Api, "audit", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Audit.Audit
    return handlers.handle("list", ({ urlParams }) =>
      Effect.flatMap(CurrentActor, (actor) => call(service.list(actor, defined(urlParams))))
    )
  })
)

/**
 * The `/auth` handlers: sign-in (throttled per username and per address) and sign-out.
 *
 * @category handlers
 * @since 0.1.0
 */
export const auth = HttpApiBuilder.group(Api, "auth", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* Sessions.Sessions
    const users = yield* Users.Users
    const config = yield* ServerConfig
    const withThrottle = throttled(config.throttle)

    return handlers
      .handle("login", ({ payload, request }) =>
        Effect.gen(function* () {
          // The core counts the attempt before the password is checked (per username, address, and both).
          const session = yield* call(
            withThrottle(
              sessions.login(payload.username, payload.password, {
                ttl: config.sessionTtl,
                address: remoteAddress(request)
              })
            )
          )
          const { admin } = yield* call(users.whoAmI(Actor.user(session.user.username)))
          const result = { user: session.user, admin, expiresAt: session.expiresAt }
          if (payload.session === "bearer") return { ...result, token: Redacted.value(session.token) }
          yield* HttpApp.appendPreResponseHandler((_request, response) =>
            Effect.succeed(
              HttpServerResponse.unsafeSetCookie(
                HttpServerResponse.unsafeSetCookie(response, SESSION_COOKIE, Redacted.value(session.token), {
                  path: "/",
                  httpOnly: true,
                  sameSite: "strict",
                  secure: config.secureCookies,
                  expires: session.expiresAt
                }),
                // Readable by the page's scripts (the <user-manager> element sends it back as the CSRF header after a
                // reload); only a page of this site can read it, and it is worth nothing without the session cookie.
                CSRF_COOKIE,
                csrfToken(session.token),
                { path: "/", sameSite: "strict", secure: config.secureCookies, expires: session.expiresAt }
              )
            )
          )
          return { ...result, csrfToken: csrfToken(session.token) }
        })
      )
      .handle("logout", ({ request }) =>
        Effect.gen(function* () {
          const found = credential(request)
          if (found.kind === "cookie") yield* checkCsrf(request, found.token)
          if (found.kind === "cookie" || found.kind === "bearer") yield* call(sessions.logout(found.token))
          yield* clearCookie
        })
      )
  })
)

/**
 * The `/sign-in-locks` handlers: the sign-ins the throttle refuses now (administrators), by the same settings as this
 * API's sign-ins.
 *
 * @category handlers
 * @since 0.1.0
 */
export const signInLocks = HttpApiBuilder.group(Api, "signInLocks", (handlers) =>
  Effect.gen(function* () {
    const service = yield* SignInThrottle.SignInThrottle
    const withThrottle = throttled((yield* ServerConfig).throttle)
    return handlers.handle("list", () =>
      Effect.flatMap(CurrentActor, (actor) => call(withThrottle(service.locks(actor)))).pipe(
        Effect.map((items) => ({ items }))
      )
    )
  })
)

/**
 * The `/config` handlers: the directory-wide settings (administrators).
 *
 * @category handlers
 * @since 0.1.0
 */
export const settings = HttpApiBuilder.group(Api, "settings", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Settings.Settings
    return handlers
      .handle("get", () => Effect.flatMap(CurrentActor, (actor) => call(service.get(actor))))
      .handle("set", ({ payload, urlParams }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.set(actor, defined(payload), defined(urlParams))))
      )
  })
)

/**
 * The `/tokens` handlers: API tokens (administrators).
 *
 * @category handlers
 * @since 0.2.0
 */
export const tokens = HttpApiBuilder.group(Api, "tokens", (handlers) =>
  Effect.gen(function* () {
    const service = yield* Tokens.Tokens
    return handlers
      .handle("list", () =>
        Effect.flatMap(CurrentActor, (actor) => call(service.list(actor))).pipe(Effect.map((items) => ({ items })))
      )
      .handle("create", ({ payload }) =>
        Effect.flatMap(CurrentActor, (actor) => call(service.create(actor, payload))).pipe(
          Effect.map(({ token, apiToken }) => ({ token: Redacted.value(token), apiToken }))
        )
      )
      .handle("revoke", ({ path }) => Effect.flatMap(CurrentActor, (actor) => call(service.revoke(actor, path.name))))
  })
)

/**
 * Every handler of the API.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = Layer.mergeAll(users, groups, me, audit, auth, signInLocks, settings, tokens)
