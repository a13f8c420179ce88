/**
 * The methods each path of the API takes, read from the API's own definition (and the bulk routes beside it) and found
 * as the API's router finds a route: a request whose path is the API's but whose method is not is answered 405 with
 * `Allow` (RFC 9110 15.5.6), and `OPTIONS` with the same `Allow`, where the router alone would answer 404.
 */
import * as FindMyWay from "find-my-way-ts"
import type { Route } from "./queryParameters.js"
import { ROUTER_CONFIG } from "./routerConfig.js"

/** A route as far as its method and path go. */
type Routed = Pick<Route, "method" | "path" | "template">

/** The order the methods are listed in, in sentences and in `Allow`. */
const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

/** What a path of the API takes. */
export interface Allowed {
  /** The path as the API documents it (`/api/v1/users/{username}`), never the request's own text. */
  readonly path: string
  /** The methods its routes take, as the API documents them. */
  readonly methods: ReadonlyArray<string>
  /** The methods the server answers on it: also HEAD where it takes GET (the router answers it so), and OPTIONS. */
  readonly allow: string
}

/** The number of path parameters of a documented path. */
const parameters = (path: string) => path.split("{").length - 1

/**
 * What the path of `url` takes, by the routes of `routes` that the router would match it to with some method, or
 * undefined when none would (a path the API does not have).
 */
export const allowedMethods = (routes: ReadonlyArray<Routed>): ((url: string) => Allowed | undefined) => {
  const router = FindMyWay.make<Routed>(ROUTER_CONFIG)
  for (const route of routes) router.on(route.method, route.template as FindMyWay.PathInput, route)
  const methods = ORDER.filter((method) => routes.some((route) => route.method === method))
  return (url) => {
    const matched = methods.flatMap((method) => router.find(method, url)?.handler ?? [])
    const [first] = matched
    if (first === undefined) return undefined
    const taken = matched.map((route) => route.method)
    const answered = new Set([...taken, ...(taken.includes("GET") ? ["HEAD"] : []), "OPTIONS"])
    return {
      // Where the methods match different routes (`/users/bulk` and `/users/{username}`), the one of fewest parameters.
      path: matched.reduce((best, route) => (parameters(route.path) < parameters(best.path) ? route : best), first)
        .path,
      methods: taken,
      allow: ORDER.filter((method) => answered.has(method)).join(", ")
    }
  }
}
