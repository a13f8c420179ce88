/**
 * The SCIM 2.0 endpoints (RFC 7644) under `/scim/v2`: raw routes beside the API, each authenticated by an API token
 * of scope `scim` and answered in `application/scim+json`, a failure as a SCIM error. Every change is a call into the
 * core's `Users`, `Groups` and `Provisioning` on behalf of the token: the core decides who may and every rule. The
 * Users and Groups endpoints' handlers are in userHandlers.ts and groupHandlers.ts; this file routes to them and
 * answers discovery.
 */
import { HttpApiBuilder, HttpRouter, HttpServerRequest } from "@effect/platform"
import { Groups, Provisioning, Tokens, Users } from "@user-manager/core"
import { Effect } from "effect"
import type { Options as ScimOptions } from "../../Scim.js"
import { ServerConfig } from "../../ServerConfig.js"
import { type Answer, type Call, failure, failWith, listAnswer, respond, type Services } from "./answers.js"
import * as Discovery from "./discovery.js"
import { notFound } from "./errors.js"
import { groupHandlers } from "./groupHandlers.js"
import { baseUrl, bearer, SCIM_PATH } from "./request.js"
import { userHandlers } from "./userHandlers.js"

const make = (services: Services) => {
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
        ? Effect.fail(notFound(`there is no resource type '${String(call.params.id).slice(0, 40)}'`))
        : Effect.succeed<Answer>({ status: 200, body: found })
    },
    schemas: (call: Call) => {
      const all = Discovery.schemas(call.base)
      return Effect.succeed(listAnswer(all, all.length, 1))
    },
    schema: (call: Call) => {
      const found = Discovery.schemas(call.base).find((schema) => schema.id === call.params.id)
      return found === undefined
        ? Effect.fail(notFound(`there is no schema '${String(call.params.id).slice(0, 40)}'`))
        : Effect.succeed<Answer>({ status: 200, body: found })
    },
    ...userHandlers(services),
    ...groupHandlers(services),
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
