/**
 * The SCIM 2.0 endpoints (RFC 7644) under `/scim/v2`: raw routes beside the API, each authenticated by an API token
 * of scope `scim` and answered in `application/scim+json`, a failure as a SCIM error. Every change is a call into the
 * core's `Users`, `Groups` and `Provisioning` on behalf of the token: the core decides who may and every rule.
 */
import { HttpApiBuilder, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { type Actor, type Group, Groups, Page, Provisioning, Tokens, type User, Users } from "@user-manager/core"
import { Cause, Chunk, Effect, Option, Stream } from "effect"
import type { Options as ScimOptions } from "../../Scim.js"
import { ServerConfig, type ServerConfigShape } from "../../ServerConfig.js"
import * as Discovery from "./discovery.js"
import { errorBody, fromCore, invalidFilter, invalidSyntax, invalidValue, notFound, ScimError } from "./errors.js"
import { groupFilter, userFilter } from "./filter.js"
import {
  booleanOf,
  type GroupChanges,
  groupChanges,
  memberValues,
  operations,
  primaryEmail,
  type UserChanges,
  userChanges
} from "./patch.js"
import {
  baseUrl,
  bearer,
  body,
  GROUP_SORT,
  ifMatch,
  SCIM_CONTENT_TYPE,
  SCIM_PATH,
  shownOf,
  sorting,
  USER_SORT,
  window
} from "./request.js"
import { etag, type GroupRef, groupResource, LIST_SCHEMA, userResource, versionOf } from "./resources.js"

/** An answer: its status, body and headers. */
interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

interface Services {
  readonly users: Users.Users["Type"]
  readonly groups: Groups.Groups["Type"]
  readonly provisioning: Provisioning.Provisioning["Type"]
  readonly tokens: Tokens.Tokens["Type"]
  readonly config: ServerConfigShape
  readonly options: ScimOptions
}

/** What each handler is given: the services, the request, its actor, its base URL and its path parameters. */
interface Call {
  readonly request: HttpServerRequest.HttpServerRequest
  readonly actor: Actor.Actor
  readonly base: string
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
}

const CONTENT_TYPE = `${SCIM_CONTENT_TYPE}; charset=utf-8`

/** How many groups one read of users' groups names (within the core's `MAX_FILTER_CONDITIONS`). */
const GROUPS_PER_READ = 100

const respond = (answer: Answer) =>
  answer.body === undefined
    ? HttpServerResponse.empty({ status: answer.status, headers: answer.headers ?? {} })
    : HttpServerResponse.text(JSON.stringify(answer.body), {
        status: answer.status,
        contentType: CONTENT_TYPE,
        headers: answer.headers ?? {}
      })

/** A core refusal, a SCIM error or a defect, answered as a SCIM error. */
const failure = (cause: Cause.Cause<unknown>) => {
  const error = Option.getOrUndefined(Cause.failureOption(cause))
  const scim = error instanceof ScimError ? error : fromCore(error)
  if (scim !== undefined) {
    const headers: Record<string, string> =
      scim.status === 401 ? { "www-authenticate": 'Bearer realm="scim", error="invalid_token"' } : {}
    return Effect.succeed(respond({ status: scim.status, body: errorBody(scim), headers }))
  }
  return Effect.as(
    Effect.logError("SCIM request failed", cause),
    respond({ status: 500, body: errorBody(new ScimError({ status: 500, detail: "The server failed." })) })
  )
}

const failWith = <A>(value: A | ScimError): Effect.Effect<A, ScimError> =>
  value instanceof ScimError ? Effect.fail(value) : Effect.succeed(value)

/** 412 when a resource read for a removal is not at the version `If-Match` names. */
const checkVersion = (expected: number | undefined, version: number) =>
  expected === undefined || expected === version
    ? Effect.void
    : Effect.fail(
        new ScimError({ status: 412, detail: `the resource is at version ${version}, not ${expected} (If-Match)` })
      )

const listAnswer = (items: ReadonlyArray<unknown>, total: number, startIndex: number): Answer => ({
  status: 200,
  body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: items.length, Resources: items }
})

const make = (services: Services) => {
  const { users, groups, provisioning } = services

  /** The groups of users, by name: their GIDs and shown names, read by one list per hundred groups. */
  const groupRefs = (actor: Actor.Actor, names: ReadonlyArray<string>) => {
    const distinct = [...new Set(names)]
    const chunks = Array.from({ length: Math.ceil(distinct.length / GROUPS_PER_READ) }, (_, index) =>
      distinct.slice(index * GROUPS_PER_READ, (index + 1) * GROUPS_PER_READ)
    )
    return Effect.forEach(chunks, (chunk) =>
      groups.list(actor, {
        where: {
          _tag: "Or",
          filters: chunk.map((name) => ({ _tag: "Compare", field: "name", operator: "eq", value: name }))
        },
        limit: chunk.length
      })
    ).pipe(
      Effect.map(
        (pages) =>
          new Map<string, GroupRef>(
            pages.flatMap((page) =>
              page.items.map(
                (group) => [group.name, { gid: group.gid, display: group.externalName ?? group.name }] as const
              )
            )
          )
      )
    )
  }

  const userAnswer = (call: Call, user: User.User, status = 200): Effect.Effect<Answer, unknown> =>
    Effect.gen(function* () {
      const shown = shownOf(call.query)
      const refs = shown.wants("groups") ? yield* groupRefs(call.actor, user.groups) : undefined
      const resource = userResource(
        call.base,
        user,
        refs === undefined ? undefined : user.groups.flatMap((name) => refs.get(name) ?? [])
      )
      return {
        status,
        body: shown.apply(resource),
        headers: {
          etag: etag(user.version),
          ...(status === 201 ? { location: String((resource.meta as { location: string }).location) } : {})
        }
      }
    })

  /** Every member of a group, page by page. */
  const allMembers = (actor: Actor.Actor, name: string) =>
    Effect.map(Stream.runCollect(groups.memberStream(actor, name)), Chunk.toReadonlyArray)

  const groupAnswer = (call: Call, group: Group.Group, status = 200): Effect.Effect<Answer, unknown> =>
    Effect.gen(function* () {
      const shown = shownOf(call.query)
      const members = shown.wants("members") ? yield* allMembers(call.actor, group.name) : undefined
      const resource = groupResource(call.base, group, members)
      return {
        status,
        body: shown.apply(resource),
        headers: {
          etag: etag(group.version),
          ...(status === 201 ? { location: String((resource.meta as { location: string }).location) } : {})
        }
      }
    })

  /** The group whose id (GID) is `id`, or 404. */
  const groupById = (actor: Actor.Actor, id: string | undefined): Effect.Effect<Group.Group, unknown> => {
    const gid = id !== undefined && /^\d{1,10}$/.test(id) ? Number(id) : undefined
    if (gid === undefined) return Effect.fail(notFound(`there is no group with id '${String(id).slice(0, 40)}'`))
    return groups.getByGid(actor, gid)
  }

  const notModified = (call: Call, version: number): Answer | undefined =>
    versionOf(call.request.headers["if-none-match"]) === version
      ? { status: 304, headers: { etag: etag(version) } }
      : undefined

  /** Makes a user's changes, its enabled state with its details, in one `Users.modify` (one transaction). */
  const applyUserChanges = (
    call: Call,
    username: string,
    changes: UserChanges,
    expectedVersion: number | undefined
  ) => {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(changes)) if (value !== undefined) fields[key] = value
    return Object.keys(fields).length > 0 || expectedVersion !== undefined
      ? users.modify(call.actor, username, {
          ...fields,
          ...(expectedVersion === undefined ? {} : { expectedVersion })
        })
      : users.get(call.actor, username)
  }

  /** A user's fields in a POST or PUT body. */
  const userFields = (value: unknown): Effect.Effect<UserChanges & { externalName: string }, ScimError> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return Effect.fail(invalidSyntax("a user is a JSON object"))
    }
    const resource = value as Record<string, unknown>
    const userName = resource.userName
    if (typeof userName !== "string" || userName.trim() === "") return Effect.fail(invalidValue("userName is required"))
    const name =
      typeof resource.name === "object" && resource.name !== null ? (resource.name as Record<string, unknown>) : {}
    const text = (field: unknown, attribute: string) =>
      field === undefined || field === null
        ? null
        : typeof field === "string"
          ? field
          : invalidValue(`${attribute} is a string`)
    const firstName = text(name.givenName, "name.givenName")
    const lastName = text(name.familyName, "name.familyName")
    const externalId = text(resource.externalId, "externalId")
    const email = resource.emails === undefined ? null : primaryEmail(resource.emails)
    const enabled = resource.active === undefined ? true : booleanOf(resource.active)
    for (const part of [firstName, lastName, externalId]) if (part instanceof ScimError) return Effect.fail(part)
    if (email === undefined) return Effect.fail(invalidValue("emails is a list of { value, type, primary }"))
    if (enabled === undefined) return Effect.fail(invalidValue("active is true or false"))
    return Effect.succeed({
      externalName: userName,
      firstName: firstName as string | null,
      lastName: lastName as string | null,
      externalId: externalId as string | null,
      email,
      enabled
    })
  }

  /** A group's fields in a POST or PUT body. */
  const groupFields = (value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return Effect.fail(invalidSyntax("a group is a JSON object"))
    }
    const resource = value as Record<string, unknown>
    const displayName = resource.displayName
    if (typeof displayName !== "string" || displayName.trim() === "") {
      return Effect.fail(invalidValue("displayName is required"))
    }
    const members = resource.members === undefined || resource.members === null ? [] : memberValues(resource.members)
    if (members instanceof ScimError) return Effect.fail(members)
    const externalId = resource.externalId
    if (externalId !== undefined && externalId !== null && typeof externalId !== "string") {
      return Effect.fail(invalidValue("externalId is a string"))
    }
    return Effect.succeed({ displayName, members, externalId: (externalId ?? null) as string | null })
  }

  /** A member named who is not a user is the request's mistake (400), not a missing resource (404). */
  const membersExist = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.catchIf(
      effect,
      (error) => typeof error === "object" && error !== null && (error as { _tag?: string })._tag === "UserNotFound",
      (error) => Effect.fail(invalidValue((error as unknown as Error).message))
    )

  /** Applies a group's changes in one `Groups.modify` (one transaction). */
  const applyGroupChanges = (
    call: Call,
    group: Group.Group,
    changes: GroupChanges,
    expectedVersion: number | undefined
  ) => {
    const input: Record<string, unknown> = {}
    if (changes.members !== undefined) input.members = changes.members
    if (changes.addMembers.length > 0) input.addMembers = changes.addMembers
    if (changes.removeMembers.length > 0) {
      input.removeMembers = changes.removeMembers
      // RFC 7644 §3.5.2.2: a remove takes away the members it matches; matching no one (a user who already left, or
      // never existed) changes nothing and succeeds, so that a provider's sync can send it again.
      input.absentRemovals = "ignore"
    }
    if (changes.externalName !== undefined) input.externalName = changes.externalName
    if (changes.externalId !== undefined) input.externalId = changes.externalId
    if (Object.keys(input).length === 0 && expectedVersion === undefined) return Effect.succeed(group)
    return membersExist(
      groups.modify(call.actor, group.name, input, expectedVersion === undefined ? {} : { expectedVersion })
    )
  }

  /** A list request's window, sort, filter (as the core's) and projection. */
  const listRequest = <S extends string, F>(
    call: Call,
    columns: Record<string, S>,
    fallback: S,
    parse: (text: string) => F | ScimError
  ) =>
    Effect.gen(function* () {
      const { startIndex, count } = yield* window(call.query)
      const { sort, order } = yield* sorting(call.query, columns, fallback)
      const filterText = call.query.get("filter")
      const where = filterText === null || filterText === "" ? undefined : yield* failWith(parse(filterText))
      const query = {
        sort,
        order,
        limit: Math.max(1, count),
        offset: startIndex - 1,
        ...(where === undefined ? {} : { where })
      }
      return { startIndex, count, query, shown: shownOf(call.query) }
    })

  /** A filter the core refuses (an operator its field does not take) is the request's filter's fault. */
  const filterRefused = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.catchIf(
      effect,
      (error) =>
        (error as { _tag?: string; field?: string })._tag === "InvalidInput" &&
        /^where/.test(String((error as { field?: string }).field)),
      (error) => Effect.fail(invalidFilter((error as unknown as Error).message))
    )

  const listUsers = (call: Call) =>
    Effect.gen(function* () {
      const { startIndex, count, query, shown } = yield* listRequest(call, USER_SORT, "username", userFilter)
      // The page's users and their groups' GIDs and names in one read transaction when the groups are shown.
      const { page, refs } =
        shown.wants("groups") && count > 0
          ? yield* Effect.map(filterRefused(users.listWithGroups(call.actor, query)), ({ page, groups }) => ({
              page,
              refs: new Map(
                [...groups.values()].map(
                  (group) => [group.name, { gid: group.gid, display: group.externalName ?? group.name }] as const
                )
              )
            }))
          : { page: yield* filterRefused(users.list(call.actor, query)), refs: undefined }
      const items = count === 0 ? [] : page.items
      const resources = items.map((user) =>
        shown.apply(
          userResource(
            call.base,
            user,
            refs === undefined ? undefined : user.groups.flatMap((name) => refs.get(name) ?? [])
          )
        )
      )
      return listAnswer(resources, page.total, startIndex)
    }).pipe(
      // totalResults is every match (RFC 7644 §3.4.2): a provider pages until it has read that many, where the API's
      // bounded total ("10,000+") would end its import early.
      Effect.provideService(Page.ExactTotalLimit, 0)
    )

  const listGroups = (call: Call) =>
    Effect.gen(function* () {
      const { startIndex, count, query, shown } = yield* listRequest(call, GROUP_SORT, "gid", groupFilter)
      const page = yield* filterRefused(groups.list(call.actor, query))
      const items = count === 0 ? [] : page.items
      const resources = yield* Effect.forEach(items, (group) =>
        Effect.map(shown.wants("members") ? allMembers(call.actor, group.name) : Effect.succeed(undefined), (members) =>
          shown.apply(groupResource(call.base, group, members))
        )
      )
      return listAnswer(resources, page.total, startIndex)
    })

  const handlers = {
    serviceProviderConfig: (call: Call) =>
      Effect.succeed<Answer>({ status: 200, body: Discovery.serviceProviderConfig(call.base) }),
    resourceTypes: (call: Call) => {
      const all = Discovery.resourceTypes(call.base)
      return Effect.succeed(listAnswer(all, all.length, 1))
    },
    resourceType: (call: Call) => {
      const found = Discovery.resourceTypes(call.base).find((type) => type.id === call.params.id)
      return found === undefined
        ? Effect.fail(notFound(`there is no resource type '${call.params.id}'`))
        : Effect.succeed<Answer>({ status: 200, body: found })
    },
    schemas: (call: Call) => {
      const all = Discovery.schemas(call.base)
      return Effect.succeed(listAnswer(all, all.length, 1))
    },
    schema: (call: Call) => {
      const found = Discovery.schemas(call.base).find((schema) => schema.id === call.params.id)
      return found === undefined
        ? Effect.fail(notFound(`there is no schema '${call.params.id}'`))
        : Effect.succeed<Answer>({ status: 200, body: found })
    },
    listUsers,
    createUser: (call: Call) =>
      Effect.gen(function* () {
        const fields = yield* userFields(yield* body(call.request, services.config))
        const created = yield* provisioning.createUser(call.actor, {
          externalName: fields.externalName,
          externalId: fields.externalId,
          ...(fields.firstName === null || fields.firstName === undefined ? {} : { firstName: fields.firstName }),
          ...(fields.lastName === null || fields.lastName === undefined ? {} : { lastName: fields.lastName }),
          ...(fields.email === null || fields.email === undefined ? {} : { email: fields.email }),
          enabled: fields.enabled ?? true
        })
        return yield* userAnswer(call, created, 201)
      }),
    getUser: (call: Call) =>
      Effect.gen(function* () {
        const user = yield* users.get(call.actor, call.params.id ?? "")
        return notModified(call, user.version) ?? (yield* userAnswer(call, user))
      }),
    replaceUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const fields = yield* userFields(yield* body(call.request, services.config))
        const user = yield* applyUserChanges(call, call.params.id ?? "", fields, expected)
        return yield* userAnswer(call, user)
      }),
    patchUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const ops = yield* failWith(operations(yield* body(call.request, services.config)))
        const changes = yield* failWith(userChanges(ops))
        const user = yield* applyUserChanges(call, call.params.id ?? "", changes, expected)
        return yield* userAnswer(call, user)
      }),
    deleteUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const username = call.params.id ?? ""
        if (expected !== undefined) yield* checkVersion(expected, (yield* users.get(call.actor, username)).version)
        yield* provisioning.removeUser(call.actor, username)
        return { status: 204 } satisfies Answer
      }),
    listGroups,
    createGroup: (call: Call) =>
      Effect.gen(function* () {
        const fields = yield* groupFields(yield* body(call.request, services.config))
        const created = yield* membersExist(
          provisioning.createGroup(call.actor, {
            externalName: fields.displayName,
            externalId: fields.externalId,
            members: fields.members
          })
        )
        return yield* groupAnswer(call, created, 201)
      }),
    getGroup: (call: Call) =>
      Effect.gen(function* () {
        const group = yield* groupById(call.actor, call.params.id)
        return notModified(call, group.version) ?? (yield* groupAnswer(call, group))
      }),
    replaceGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const fields = yield* groupFields(yield* body(call.request, services.config))
        const group = yield* groupById(call.actor, call.params.id)
        const changed = yield* applyGroupChanges(
          call,
          group,
          {
            externalName: fields.displayName,
            externalId: fields.externalId,
            members: fields.members,
            addMembers: [],
            removeMembers: []
          },
          expected
        )
        return yield* groupAnswer(call, changed)
      }),
    patchGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const ops = yield* failWith(operations(yield* body(call.request, services.config)))
        const changes = yield* failWith(groupChanges(ops))
        const group = yield* groupById(call.actor, call.params.id)
        const changed = yield* applyGroupChanges(call, group, changes, expected)
        // The group itself only when asked for (`attributes`): a huge group's members are not sent back on each change.
        if (call.query.get("attributes") === null)
          return { status: 204, headers: { etag: etag(changed.version) } } satisfies Answer
        return yield* groupAnswer(call, changed)
      }),
    deleteGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const group = yield* groupById(call.actor, call.params.id)
        yield* checkVersion(expected, group.version)
        yield* groups.remove(call.actor, group.name)
        return { status: 204 } satisfies Answer
      }),
    notFound: (call: Call) =>
      Effect.fail(notFound(`there is no SCIM endpoint ${call.request.method} ${call.request.url.split("?")[0]}`))
  }

  /** A handler as a route: authenticated, its failures answered as SCIM errors. */
  const route = (handler: (call: Call) => Effect.Effect<Answer, unknown>) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = yield* HttpRouter.params
      const token = yield* failWith(bearer(request))
      // The token's last use is recorded (at most once a minute); a failure to record it fails no request.
      yield* Effect.ignore(services.tokens.noteUse(token))
      const url = new URL(request.url, "http://localhost")
      return respond(
        yield* handler({
          request,
          actor: Tokens.actor(token, "scim"),
          base: baseUrl(request, services.options),
          params,
          query: url.searchParams
        })
      )
    }).pipe(Effect.catchAllCause(failure))

  return { handlers, route }
}

/** The SCIM routes, for `HttpApiBuilder`'s router, over the core's services. */
export const scimRoutes = (options: ScimOptions = {}) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const { handlers, route } = make({
        users: yield* Users.Users,
        groups: yield* Groups.Groups,
        provisioning: yield* Provisioning.Provisioning,
        tokens: yield* Tokens.Tokens,
        config: yield* ServerConfig,
        options
      })
      const at = (path: string) => `${SCIM_PATH}${path}` as HttpRouter.PathInput
      yield* router.get(at("/ServiceProviderConfig"), route(handlers.serviceProviderConfig))
      yield* router.get(at("/ResourceTypes"), route(handlers.resourceTypes))
      yield* router.get(at("/ResourceTypes/:id"), route(handlers.resourceType))
      yield* router.get(at("/Schemas"), route(handlers.schemas))
      yield* router.get(at("/Schemas/:id"), route(handlers.schema))
      yield* router.get(at("/Users"), route(handlers.listUsers))
      yield* router.post(at("/Users"), route(handlers.createUser))
      yield* router.get(at("/Users/:id"), route(handlers.getUser))
      yield* router.put(at("/Users/:id"), route(handlers.replaceUser))
      yield* router.patch(at("/Users/:id"), route(handlers.patchUser))
      yield* router.del(at("/Users/:id"), route(handlers.deleteUser))
      yield* router.get(at("/Groups"), route(handlers.listGroups))
      yield* router.post(at("/Groups"), route(handlers.createGroup))
      yield* router.get(at("/Groups/:id"), route(handlers.getGroup))
      yield* router.put(at("/Groups/:id"), route(handlers.replaceGroup))
      yield* router.patch(at("/Groups/:id"), route(handlers.patchGroup))
      yield* router.del(at("/Groups/:id"), route(handlers.deleteGroup))
      yield* router.all(at("/*"), route(handlers.notFound))
      yield* router.all(SCIM_PATH as HttpRouter.PathInput, route(handlers.notFound))
    })
  )

/** Whether a request is for the SCIM endpoints (which answer their own errors, in their own shape). */
export const isScimRequest = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const path = request.url.split("?")[0] ?? ""
  return path === SCIM_PATH || path.startsWith(`${SCIM_PATH}/`)
}
