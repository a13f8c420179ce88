/**
 * `GET /metrics`: the server's figures in the Prometheus text format (prom-client), served only when the host gives a
 * bearer token and only to a scraper that sends it. Requests are counted by method, route template (never a path with
 * a user's or group's name in it) and status; their time to the response's headers goes into a histogram; sign-ins are
 * counted by outcome; and the store's failures, its connection pool and the process's own figures (CPU, memory, event
 * loop, garbage collection) are there too. Nothing in it names a user, a group or an address.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { Headers, HttpApi, HttpApiBuilder, HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, Option, Redacted } from "effect"
import * as FindMyWay from "find-my-way-ts"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"
import { Api } from "../Api.js"
import { BULK_ROUTES } from "./bulkPaths.js"
import { ROUTER_CONFIG } from "./routerConfig.js"

/** How many connections a store's pool may hold, how many are lent out, and how many callers wait for one. */
export interface PoolUse {
  readonly size: number
  readonly inUse: number
  readonly waiting: number
}

/** Who may read `/metrics`, and what the host knows of its store. */
export interface MetricsOptions {
  /** The bearer token a scraper sends (`Authorization: Bearer …`). */
  readonly token: Redacted.Redacted<string>
  /** The store's pool now, when it has one (PostgreSQL, MySQL). */
  readonly pool?: (() => PoolUse) | undefined
  /** How many reads the primary and the read replica answered so far, when the store has a replica. */
  readonly reads?: (() => { readonly primary: number; readonly replica: number }) | undefined
}

/** The path of the metrics. */
export const METRICS_PATH = "/metrics"

/** The routes that are not endpoints of the HttpApi, by method. */
const RAW_ROUTES: ReadonlyArray<readonly ["GET" | "POST", string]> = [
  ...BULK_ROUTES.map(({ method, path }) => [method, path] as const),
  ["GET", "/api/openapi.json"],
  ["GET", "/healthz"],
  ["GET", "/readyz"],
  ["GET", METRICS_PATH],
  ["GET", "/"],
  ["GET", "/user-manager.js"],
  ["GET", "/user-manager.:language.js"]
]

/** The label of a request that matched no route: one value, however many paths strangers try. */
const UNMATCHED = "(unmatched)"

/** The route template a request matched (`/api/v1/users/:username`), found as the server's router finds it. */
const routeTemplates = () => {
  const router = FindMyWay.make<string>({ ...ROUTER_CONFIG, ignoreTrailingSlash: false })
  const add = (method: string, path: string) => router.on(method as "GET", path as `/${string}`, path)
  HttpApi.reflect(Api, { onGroup: () => {}, onEndpoint: ({ endpoint }) => add(endpoint.method, endpoint.path) })
  for (const [method, path] of RAW_ROUTES) add(method, path)
  return (method: string, url: string): string =>
    router.find(method as "GET", url.split("?")[0] ?? "")?.handler ?? UNMATCHED
}

/** The sign-in route, whose answers are counted by outcome. */
const SIGN_IN = "/api/v1/auth/login"

const signInOutcome = (status: number): string | undefined =>
  status === 200 ? "success" : status === 401 ? "rejected" : status === 429 ? "throttled" : undefined

/** The same digest for any two equal tokens, compared in constant time whatever their lengths. */
const digest = (text: string) => createHash("sha256").update(text).digest()

/** The registry and the recorders of one server. */
const makeMetrics = (options: MetricsOptions) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const requests = new Counter({
    name: "dt_http_requests_total",
    help: "HTTP requests answered, by method, route template and status.",
    labelNames: ["method", "route", "status"] as const,
    registers
  })
  const duration = new Histogram({
    name: "dt_http_request_duration_seconds",
    help: "Time from a request's arrival to its response's headers, by method and route template.",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers
  })
  const signIns = new Counter({
    name: "dt_sign_ins_total",
    help: "Sign-in attempts by outcome: success, rejected (wrong name or password), throttled (locked out for a while).",
    labelNames: ["outcome"] as const,
    registers
  })
  const storeErrors = new Counter({
    name: "dt_store_errors_total",
    help: "Requests answered 503 because the store failed or could not be reached.",
    registers
  })
  const { pool } = options
  if (pool !== undefined) {
    const gauge = (name: string, help: string, read: (use: PoolUse) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(pool()))
        }
      })
    gauge("dt_store_pool_size", "Connections the store's pool may hold.", (use) => use.size)
    gauge("dt_store_pool_in_use", "Connections of the store's pool lent out to requests now.", (use) => use.inUse)
    gauge("dt_store_pool_waiting", "Requests waiting for a connection of the store's pool now.", (use) => use.waiting)
  }
  const { reads } = options
  if (reads !== undefined) {
    new Counter({
      name: "dt_store_reads_total",
      help: "Lists, searches and reads of records, by the database that answered them: primary or replica.",
      labelNames: ["served_by"] as const,
      registers,
      collect() {
        const counts = reads()
        this.reset()
        this.inc({ served_by: "primary" }, counts.primary)
        this.inc({ served_by: "replica" }, counts.replica)
      }
    })
  }
  const route = routeTemplates()
  const record = (method: string, url: string, status: number, seconds: number) => {
    const template = route(method, url)
    requests.inc({ method, route: template, status: String(status) })
    duration.observe({ method, route: template }, seconds)
    if (template === SIGN_IN && method === "POST") {
      const outcome = signInOutcome(status)
      if (outcome !== undefined) signIns.inc({ outcome })
    }
    if (status === 503 && template !== "/readyz") storeErrors.inc()
  }
  return { registry, record }
}

const unauthorized = HttpServerResponse.unsafeJson(
  { _tag: "Unauthenticated", message: "Send the metrics token as a bearer token.", status: 401 },
  { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } }
)

/**
 * `GET /metrics` behind its bearer token, and the middleware that records every request: both over one registry of
 * their own, so that servers in one process keep apart.
 */
export const metricsLayer = (options: MetricsOptions) =>
  Layer.unwrapEffect(
    Effect.sync(() => {
      const { registry, record } = makeMetrics(options)
      const expected = digest(Redacted.value(options.token))
      const allowed = (authorization: string | undefined) => {
        const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "")
        return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)
      }
      const route = HttpApiBuilder.Router.use((router) =>
        router.get(
          METRICS_PATH,
          Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
            allowed(Option.getOrUndefined(Headers.get(request.headers, "authorization")))
              ? Effect.map(
                  Effect.promise(() => registry.metrics()),
                  (text) => HttpServerResponse.text(text, { contentType: registry.contentType })
                )
              : Effect.succeed(unauthorized)
          )
        )
      )
      const recorder = HttpApiBuilder.middleware((app) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          const started = performance.now()
          return Effect.zipRight(
            HttpApp.appendPreResponseHandler((_request, response) =>
              Effect.sync(() => {
                record(request.method, request.url, response.status, (performance.now() - started) / 1000)
                return response
              })
            ),
            app
          )
        })
      )
      return Layer.merge(route, recorder)
    })
  )
