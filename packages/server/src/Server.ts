/**
 * The API as layers: the routes with their handlers, authentication, the OpenAPI document and the sign-in page, ready
 * to serve on Node or to mount in a host application's own server.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpMiddleware, HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type {
  Audit,
  Exports,
  Groups,
  Imports,
  Provisioning,
  Sessions,
  Settings,
  SignInThrottle,
  Tokens,
  Users
} from "@user-manager/core"
import { Context, Effect, FiberRef, Layer } from "effect"
import { Api, type Authentication } from "./Api.js"
import * as Auth from "./Auth.js"
import * as Handlers from "./Handlers.js"
import { bulkRoutes } from "./internal/bulkRoutes.js"
import { stopsGracefully } from "./internal/gracefulStop.js"
import { healthRoutes } from "./internal/healthRoutes.js"
import { type MetricsOptions, metricsLayer } from "./internal/metrics.js"
import { nodeServer } from "./internal/nodeServer.js"
import { normalizeRefusals } from "./internal/normalizeRefusals.js"
import { page } from "./internal/pageRoutes.js"
import { PeerAddress } from "./internal/peerAddress.js"
import { ROUTER_CONFIG } from "./internal/routerConfig.js"
import { SECURITY_HEADERS, securityHeaders } from "./internal/securityHeaders.js"
import { storeClient } from "./internal/storeClient.js"
import * as Scim from "./Scim.js"
import { ServerConfig, type ServerConfigShape } from "./ServerConfig.js"

export type { MetricsOptions, PoolUse } from "./internal/metrics.js"
export { MAX_JSON_DEPTH } from "./internal/requestBody.js"
export { SECURITY_HEADERS } from "./internal/securityHeaders.js"

/**
 * How the API is put together.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Session lifetime, sign-in throttle, cookie and body-size settings. */
  readonly config?: Partial<ServerConfigShape>
  /**
   * How the actor of a request is found. The default is the built-in sessions (`Auth.sessions`); a host application
   * passes `Auth.fromRequest(...)` to use its own authentication instead.
   */
  readonly authentication?: Layer.Layer<Authentication, never, Sessions.Sessions | Tokens.Tokens>
  /**
   * The page at `/` (default true): a sign-in form that hosts `<user-manager>` once signed in, when `element` is the
   * text of the element's bundle (`packages/web-components/dist/user-manager.js`, served at `/user-manager.js`, with
   * its `catalogs`);
   * `false` serves no page.
   */
  readonly page?: boolean | PageOptions
  /** How long a client may take (`Server.node` only): see `Timeouts`. */
  readonly timeouts?: Partial<Timeouts>
  /**
   * What `GET /readyz` checks: fails with one sentence (for an operator, never a secret) when the instance should not
   * be sent requests. By default the server is ready whenever it answers; `dt serve` checks that the store answers
   * and that its schema is one this version runs on. `GET /healthz` always answers 200 while the process serves.
   */
  readonly readiness?: Effect.Effect<void, string>
  /** What `GET /readyz` says beside `"status":"ready"` (`dt serve`: `replica`, the read replica's state). */
  readonly readyDetails?: () => Readonly<Record<string, string>>
  /**
   * `GET /metrics` in the Prometheus text format, for a scraper that sends `token` as a bearer token (without it, or
   * with another, 401). Without this option there is no `/metrics` (404). Requests by method, route template and
   * status, their latency, sign-ins by outcome, store failures, the pool's connections when `pool` is given, and the
   * process's own figures; never a user's, group's or client's name or address.
   */
  readonly metrics?: MetricsOptions
  /**
   * SCIM 2.0 at `/scim/v2` for identity providers, authenticated by API tokens of scope `scim` (default true; `false`
   * serves none): see `Scim`.
   */
  readonly scim?: boolean | Scim.Options
}

/**
 * How long a client of `Server.node` may take, in milliseconds. A client slower than that is answered 408 (in the
 * error shape, with the security headers) and disconnected, so that slow clients neither hold connections open nor
 * hold up a shutdown for longer than `requestMs`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Timeouts {
  /** To send the request's headers (default 10,000; Node's own is 60,000). */
  readonly headersMs: number
  /** To send the whole request, headers and body (default 30,000; Node's own is 300,000). */
  readonly requestMs: number
  /** Idle between two requests on a kept-alive connection (default 5,000, as Node's). */
  readonly keepAliveMs: number
  /**
   * For the requests in flight to be answered once the server is stopping (its layer released: `dt serve` at SIGTERM
   * or SIGINT), before their connections are closed (default 10,000). The server stops accepting connections at once
   * and closes the idle ones.
   */
  readonly graceMs: number
}

/**
 * The defaults of `Timeouts`.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, graceMs: 10_000 }

/**
 * What the page at `/` serves besides the sign-in form.
 *
 * @category models
 * @since 0.1.0
 */
export interface PageOptions {
  /** The JavaScript of the `<user-manager>` bundle; without it, the signed-in page says that the element is missing. */
  readonly element?: string | undefined
  /**
   * The bundle's language catalogs, by language: `{ de: … }`, the text of `dist/user-manager.de.js`. Each is served
   * beside the bundle, at `/user-manager.de.js`, where the bundle loads it when an element is to speak that language;
   * without it, such an element stays in English.
   */
  readonly catalogs?: Readonly<Record<string, string>> | undefined
}

/** The core services the API runs on. */
type Services =
  | Users.Users
  | Groups.Groups
  | Audit.Audit
  | Sessions.Sessions
  | SignInThrottle.SignInThrottle
  | Exports.Exports
  | Imports.Imports
  | Settings.Settings
  | Tokens.Tokens
  | Provisioning.Provisioning

/**
 * The API: every route under `/api/v1` with its handlers (the bulk import and export among them), the OpenAPI
 * document at `/api/openapi.json`, SCIM 2.0 at `/scim/v2` (unless `scim: false`), and (unless `page: false`) the sign-in page at `/` with the `<user-manager>` element
 * it is given. Runs on the core services.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options = {}) => {
  const authentication = options.authentication ?? Auth.sessions
  const api = HttpApiBuilder.api(Api).pipe(Layer.provide(Handlers.layer), Layer.provide(authentication))
  return Layer.mergeAll(
    HttpApiBuilder.middlewareOpenApi({ path: "/api/openapi.json" }),
    normalizeRefusals,
    securityHeaders,
    storeClient,
    // Raw routes beside the HttpApi, which cannot stream a request body, behind the same authentication.
    Layer.provide(bulkRoutes, authentication),
    healthRoutes(options.readiness ?? Effect.void, options.readyDetails),
    options.scim === false ? Layer.empty : Scim.routes(options.scim === true ? {} : options.scim),
    options.metrics === undefined ? Layer.empty : metricsLayer(options.metrics),
    options.page === false
      ? Layer.empty
      : page(options.page === true || options.page === undefined ? {} : options.page),
    // Read where the router is built (`HttpApiBuilder.serve`, `toWebHandler`): a long path parameter reaches its handler.
    HttpRouter.setRouterConfig(ROUTER_CONFIG)
  ).pipe(Layer.provideMerge(api), Layer.provide(ServerConfig.layer(options.config ?? {})))
}

/**
 * A Node HTTP server on `host:port` (port 0 picks a free one) serving the API. When the layer is released it stops
 * gracefully: no new connections, the idle ones closed at once, and the requests in flight given `timeouts.graceMs`
 * (10 s) to be answered before their connections are closed. `log: false` leaves out the request log. Where Effect's
 * tracer is off (`Layer.setTracerEnabled(false)`, as dt runs), no request opens a span either: the HTTP middleware
 * would still parse the URL, redact the headers and set attributes on every request for a span nobody records.
 *
 * @category layers
 * @since 0.1.0
 */
export const node = (options: Options & { readonly port: number; readonly host: string; readonly log?: boolean }) => {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
  const served = () => {
    const server = nodeServer(timeouts)
    return HttpApiBuilder.serve(options.log === false ? undefined : HttpMiddleware.logger).pipe(
      Layer.provide(layer(options)),
      Layer.provideMerge(NodeHttpServer.layer(() => server, { port: options.port, host: options.host })),
      (serving) => Layer.provideMerge(stopsGracefully(server, timeouts.graceMs), serving)
    )
  }
  return Layer.unwrapEffect(
    Effect.map(FiberRef.get(FiberRef.currentTracerEnabled), (traced) =>
      traced ? served() : HttpMiddleware.withTracerDisabledWhen(served(), () => true)
    )
  )
}

/**
 * The core services the API runs on.
 *
 * @category models
 * @since 0.1.0
 */
export type { Services }

/**
 * The API as a web-standard handler (`Request` in, `Response` out) for a host application's own server, over the
 * core services the host provides. `basePath` is where the host mounts it (say `/backoffice`): a request for
 * `/backoffice/api/v1/users` reaches `/api/v1/users`. `dispose` releases the services (and their store). A web
 * `Request` does not say where it came from: pass the connection's address as `handler(request, { remoteAddress })`
 * (`req.socket.remoteAddress` on `node:http`), else every client shares one address in the sign-in throttle.
 *
 * @category constructors
 * @since 0.1.0
 */
export const webHandler = <E>(
  options: Options & { readonly services: Layer.Layer<Services, E>; readonly basePath?: string }
): {
  readonly handler: (request: Request, peer?: { readonly remoteAddress?: string | undefined }) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const base = (options.basePath ?? "").replace(/\/+$/, "")
  // SCIM's resource URLs are under the host's path.
  const scim = options.scim === false ? false : { basePath: base, ...(options.scim === true ? {} : options.scim) }
  const { dispose, handler } = HttpApiBuilder.toWebHandler(
    Layer.mergeAll(layer({ ...options, scim }), HttpServer.layerContext).pipe(Layer.provide(options.services))
  )
  return {
    handler: (request, peer) => {
      const url = new URL(request.url)
      if (base !== "" && url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
        return Promise.resolve(
          Response.json(
            { _tag: "RouteNotFound", message: "Not under the API's path.", status: 404 },
            { status: 404, headers: SECURITY_HEADERS }
          )
        )
      }
      url.pathname = url.pathname.slice(base.length) || "/"
      return handler(new Request(url, request), Context.make(PeerAddress, peer?.remoteAddress))
    },
    dispose
  }
}
