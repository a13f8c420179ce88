/**
 * The query parameters of each API route, read from the API's own definition: a request that names one its route does
 * not take, or names one twice, is refused in one sentence. A client's misspelt or unsupported option (`dryRun` on a
 * change that has no dry run) is never ignored while the change is made.
 */
import { HttpApi } from "@effect/platform"
import type { InvalidInput } from "@user-manager/core/Errors"
import { Option, SchemaAST } from "effect"
import * as ApiError from "../ApiError.js"
import { listed } from "./listed.js"

/** A route of the API, as its definition declares it. */
export interface Route {
  readonly method: string
  /** The path as the API documents it, with `{name}` for a path parameter. */
  readonly path: string
  /** The path as the router takes it, with `:name` for a path parameter. */
  readonly template: string
  readonly pattern: RegExp
  readonly parameters: ReadonlyArray<string>
}

/** The routes of `api`, each with the query parameters it takes. */
export const routesOf = (api: HttpApi.HttpApi.Any): ReadonlyArray<Route> => {
  const routes: Array<Route> = []
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint }) => {
      const parameters = Option.match(endpoint.urlParamsSchema, {
        onNone: () => [],
        onSome: (schema) => SchemaAST.getPropertySignatures(schema.ast).map((signature) => String(signature.name))
      })
      const segments = endpoint.path.split("/")
      routes.push({
        method: endpoint.method,
        path: segments.map((segment) => (segment.startsWith(":") ? `{${segment.slice(1)}}` : segment)).join("/"),
        template: endpoint.path,
        pattern: new RegExp(
          `^${segments.map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`
        ),
        parameters
      })
    }
  })
  return routes
}

/**
 * The refusal of a request's query, or undefined when its route takes every parameter it names, once each (a request
 * no route of the API answers is left to the router).
 */
export const checkQuery = (routes: ReadonlyArray<Route>, method: string, url: string): InvalidInput | undefined => {
  const query = url.indexOf("?")
  if (query === -1) return undefined
  const path = url.slice(0, query)
  const route = routes.find((candidate) => candidate.method === method && candidate.pattern.test(path))
  if (route === undefined) return undefined
  const seen = new Set<string>()
  for (const name of new URLSearchParams(url.slice(query + 1)).keys()) {
    if (!route.parameters.includes(name)) {
      const takes =
        route.parameters.length === 0 ? "takes no query parameters" : `takes only ${listed(route.parameters)}`
      // A name is echoed only when it reads as one: never a long or strange string.
      const field = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/.test(name) ? name : "query"
      return ApiError.invalidInput(field, `${route.method} ${route.path} ${takes}`)
    }
    if (seen.has(name)) return ApiError.invalidInput(name, "it is given more than once")
    seen.add(name)
  }
  return undefined
}
