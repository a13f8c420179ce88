import type * as FindMyWay from "find-my-way-ts"

/**
 * How the API's router matches a path. A path parameter of any length reaches its handler, where the core refuses a
 * name it does not take in its own sentence: find-my-way's default (100 characters) answered a longer one 404
 * `RouteNotFound`, as if the route did not exist. (What bounds a request's path is the HTTP server: `dt serve` and
 * `Server.layer` run Node's, which refuses a request line and headers over 16 KiB; behind `Server.webHandler`, the
 * host's server.)
 */
export const ROUTER_CONFIG: Partial<FindMyWay.RouterConfig> = { maxParamLength: Number.POSITIVE_INFINITY }
