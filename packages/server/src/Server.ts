/**
 * The API as layers: the routes with their handlers, authentication, the OpenAPI document and the sign-in page, ready
 * to serve on Node or to mount in a host application's own server.
 *
 * @since 0.1.0
 */
import { createServer, type ServerResponse, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import {
  HttpApiBuilder,
  HttpApiError,
  HttpApp,
  HttpIncomingMessage,
  HttpMethod,
  HttpMiddleware,
  HttpServer,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Audit, Errors, Groups, Sessions, SignInThrottle, Users } from "@user-manager/core"
import { Cause, Context, Effect, FiberRef, Layer, Option } from "effect"
import { Api, type Authentication } from "./Api.js"
import * as ApiError from "./ApiError.js"
import * as Auth from "./Auth.js"
import { clientAddress, type TrustProxy } from "./ClientAddress.js"
import * as Handlers from "./Handlers.js"
import { stopsGracefully } from "./internal/gracefulStop.js"
import { BodyDroppingRequest } from "./internal/nodeServer.js"
import { appJs, indexHtml } from "./internal/page.js"
import { ServerConfig, type ServerConfigShape } from "./ServerConfig.js"

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
  readonly authentication?: Layer.Layer<Authentication, never, Sessions.Sessions>
  /**
   * The page at `/` (default true): a sign-in form that hosts `<user-manager>` once signed in, when `element` is the
   * text of the element's bundle (`packages/web-components/dist/user-manager.js`, served at `/user-manager.js`);
   * `false` serves no page.
   */
  readonly page?: boolean | PageOptions
  /** How long a client may take (`Server.node` only): see `Timeouts`. */
  readonly timeouts?: Partial<Timeouts>
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
}

/** The core services the API runs on. */
type Services = Users.Users | Groups.Groups | Audit.Audit | Sessions.Sessions | SignInThrottle.SignInThrottle

const jsonOnly = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const type = request.headers["content-type"]
  return !HttpMethod.hasBody(request.method) || type === undefined || /^application\/json\s*(;|$)/i.test(type)
}

/**
 * The deepest nesting of arrays and objects a request body may have: the API's own bodies nest two levels; a body
 * nested thousands deep would exhaust the stack of whatever walks it.
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_JSON_DEPTH = 32

/** Whether a JSON text nests arrays and objects deeper than `max` (brackets inside strings do not count). */
const nestedDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === 92)
        index++ // a backslash escapes the next character
      else if (char === 34) inString = false
    } else if (char === 34) inString = true
    else if (char === 91 || char === 123) {
      if (++depth > max) return true
    } else if (char === 93 || char === 125) depth--
  }
  return false
}

const tooLarge = (max: number) => new ApiError.PayloadTooLarge({ max })

/** Whether reading a body failed because it grew past the limit (a body sent in chunks, without a length). */
const grewPastLimit = (error: unknown): boolean =>
  HttpServerError.isServerError(error) &&
  error._tag === "RequestError" &&
  error.cause instanceof Error &&
  error.cause.message === "maxBytes exceeded"

/**
 * The limits of a request body, checked before anything decodes it: its size (413: before a byte is read when its
 * declared length is larger; as soon as it grows past the limit when it comes in chunks without one) and its nesting
 * depth (400). Each refusal is logged as a warning.
 */
const checkBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<void, Errors.InvalidInput | ApiError.PayloadTooLarge> => {
  if (!HttpMethod.hasBody(request.method)) return Effect.void
  const length = Number(request.headers["content-length"] ?? "0")
  if (length > maxBytes) {
    return Effect.zipRight(
      Effect.logWarning(`refused a request body of ${length} bytes (the limit is ${maxBytes})`),
      Effect.fail(tooLarge(maxBytes))
    )
  }
  const refuseGrown = Effect.zipRight(
    Effect.logWarning(`refused a request body sent without a length that grew past the limit (${maxBytes} bytes)`),
    Effect.fail(tooLarge(maxBytes))
  )
  return Effect.flatMap(
    // Other failures to read the body (the client went away) are left to the handler's decoding.
    Effect.catchAll(request.text, (error) => (grewPastLimit(error) ? refuseGrown : Effect.succeed(""))),
    (text): Effect.Effect<void, Errors.InvalidInput | ApiError.PayloadTooLarge> =>
      // A body a host's server gave without bounding it (Server.webHandler) is held to the same limit.
      Buffer.byteLength(text) > maxBytes
        ? refuseGrown
        : nestedDeeperThan(text, MAX_JSON_DEPTH)
          ? Effect.zipRight(
              Effect.logWarning(`refused a request body nested deeper than ${MAX_JSON_DEPTH} levels`),
              Effect.fail(
                ApiError.invalidInput("body", `it nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`)
              )
            )
          : Effect.void
  )
}

/** The address of the connection's other end, as a host gives it to `webHandler` (a web `Request` has none). */
class PeerAddress extends Context.Reference<PeerAddress>()("@user-manager/server/Server/PeerAddress", {
  defaultValue: (): string | undefined => undefined
}) {}

/**
 * Runs `effect` on the request as from the client's address (`ClientAddress`: the connection's, or behind trusted
 * proxies the client they name), which the sign-in throttle counts by.
 */
const fromClientAddress = (trust: TrustProxy) => {
  const addressOf = clientAddress(trust)
  return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (received) =>
      Effect.flatMap(PeerAddress, (given) => {
        const address = addressOf(Option.getOrUndefined(received.remoteAddress) ?? given, received.headers)
        // Changed only when it must be: a changed request reads its body anew.
        return address === undefined || Option.contains(received.remoteAddress, address)
          ? effect
          : Effect.provideService(
              effect,
              HttpServerRequest.HttpServerRequest,
              received.modify({ remoteAddress: address })
            )
      })
    )
}

/**
 * Answers every request the API cannot read with the one error shape: a body that is not JSON, too large or too
 * deep, a field of the wrong type or unknown, an unknown route; and caps the size of request bodies.
 */
const normalizeRefusals = HttpApiBuilder.middleware(
  Effect.map(
    ServerConfig,
    (config) => (app) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
        // Only JSON bodies: a form another site posts (urlencoded, multipart, text) never reaches a handler.
        jsonOnly(request)
          ? Effect.zipRight(checkBody(request, config.maxBodyBytes), app)
          : Effect.fail(ApiError.invalidInput("content-type", "the API accepts application/json only"))
      ).pipe(
        Effect.catchAllCause((cause): Effect.Effect<never, unknown> => {
          const failure: unknown = Option.getOrUndefined(Cause.failureOption(cause))
          if (failure instanceof HttpApiError.HttpApiDecodeError)
            return Effect.fail(ApiError.fromIssues(failure.issues))
          if (HttpServerError.isServerError(failure) && failure._tag === "RouteNotFound") {
            return Effect.fail(new ApiError.RouteNotFound())
          }
          const defect: unknown = Option.getOrUndefined(Cause.dieOption(cause))
          if (HttpServerError.isServerError(defect) && defect._tag === "RequestError") {
            return Effect.fail(
              ApiError.invalidInput("body", "it is not valid JSON, or is larger than the server accepts")
            )
          }
          return Effect.failCause(cause)
        }),
        HttpIncomingMessage.withMaxBodySize(Option.some(config.maxBodyBytes)),
        // Outermost: the body checks and the handlers read one request, and it is from the client's address.
        fromClientAddress(config.trustProxy)
      ) as typeof app
  )
)

/**
 * The headers every answer carries, refusals and Node's own answers (431, 400, 408) included: nothing is cached or
 * sniffed; no referrer leaves; the page runs only its own script and is never framed; no powerful browser feature
 * (camera, microphone, location, payment, USB, …) is granted to it; no other site's window keeps a handle on it
 * (`Cross-Origin-Opener-Policy`); and no other site can load its answers (`Cross-Origin-Resource-Policy`): the page,
 * its scripts and the API are served from one origin.
 *
 * @category constants
 * @since 0.1.0
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  "permissions-policy": [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking"
  ]
    .map((feature) => `${feature}=()`)
    .join(", "),
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin"
}

/**
 * Headers every answer carries, refusals included. (A pre-response handler, because a server middleware sees the
 * response only after it was written.)
 */
const securityHeaders = HttpApiBuilder.middleware((app) =>
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeaders(response, SECURITY_HEADERS))
    ),
    app
  )
)

const javascript = (code: string) => HttpServerResponse.text(code, { contentType: "text/javascript; charset=utf-8" })

const page = (options: PageOptions) => {
  const element = options.element !== undefined
  const signIn = HttpServerResponse.html(indexHtml({ element, signedIn: false }))
  const signedIn = HttpServerResponse.html(indexHtml({ element, signedIn: true }))
  return HttpApiBuilder.Router.use((router) =>
    Effect.all([
      // A browser that comes with a session cookie gets the signed-in page at once (whether the session is still
      // good is the API's to say, when the page and the element ask it).
      router.get(
        "/",
        Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
          Auth.credential(request).kind === "cookie" ? signedIn : signIn
        )
      ),
      router.get("/app.js", javascript(appJs)),
      ...(options.element === undefined ? [] : [router.get("/user-manager.js", javascript(options.element))])
    ])
  )
}

/**
 * The API: every route under `/api/v1` with its handlers, the OpenAPI document at `/api/openapi.json`, and (unless
 * `page: false`) the sign-in page at `/` with the `<user-manager>` element it is given. Runs on the core services.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options = {}) => {
  const api = HttpApiBuilder.api(Api).pipe(
    Layer.provide(Handlers.layer),
    Layer.provide(options.authentication ?? Auth.sessions)
  )
  return Layer.mergeAll(
    HttpApiBuilder.middlewareOpenApi({ path: "/api/openapi.json" }),
    normalizeRefusals,
    securityHeaders,
    options.page === false ? Layer.empty : page(options.page === true || options.page === undefined ? {} : options.page)
  ).pipe(Layer.provideMerge(api), Layer.provide(ServerConfig.layer(options.config ?? {})))
}

/** What Node answers a request it cannot parse, by the parser's error code (anything else is a 400). */
const clientErrors: Record<string, readonly [status: number, tag: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, "HeadersTooLarge", "The request's headers are larger than the server accepts."],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "PayloadTooLarge", "The request's chunk extensions are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "RequestTimeout", "The request took too long to arrive."]
}

/**
 * Node's own answer to a request it cannot parse (headers too large, malformed HTTP, too slow), as Node writes it
 * but in the error shape and with the security headers, which Node's default answer (a bare status line) lacks.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
  if (
    error.code !== "ECONNRESET" &&
    socket.writable &&
    (inFlight === undefined || inFlight === null || !inFlight.headersSent)
  ) {
    const [status, tag, message] = clientErrors[error.code ?? ""] ?? [
      400,
      "BadRequest",
      "The request is not valid HTTP."
    ]
    const body = JSON.stringify({ _tag: tag, message, status })
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
      "connection: close",
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(body)}`,
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`)
    ]
    socket.write(`${head.join("\r\n")}\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/**
 * A Node HTTP server that answers the requests Node refuses itself with the security headers, gives clients
 * `timeouts` to send their requests, and keeps a connection up to answer a body cut short (`BodyDroppingRequest`).
 */
const nodeServer = (timeouts: Timeouts) =>
  createServer({
    IncomingMessage: BodyDroppingRequest,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often Node looks for requests past their time (its default, 30 s, would let one take that much longer).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs)
  }).on("clientError", answerClientError)

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
  const { dispose, handler } = HttpApiBuilder.toWebHandler(
    Layer.mergeAll(layer(options), HttpServer.layerContext).pipe(Layer.provide(options.services))
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
