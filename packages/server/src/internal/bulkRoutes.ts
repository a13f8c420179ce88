/**
 * The bulk routes, `POST /api/v1/import` and `GET /api/v1/export`: raw routes beside the HttpApi (which cannot stream a
 * request body in Effect 3), behind the same authentication, CSRF check, security headers and error shape. Both are
 * thin calls into the core's `Imports` and `Exports` on behalf of the request's actor: the core decides who may.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Exports, Imports } from "@user-manager/core"
import { Effect } from "effect"
import { ServerConfig } from "../ServerConfig.js"
import { Authentication } from "./api/Authentication.js"
import { EXPORT_PATH, IMPORT_PATH } from "./bulkPaths.js"
import type { BulkServices } from "./bulkServices.js"
import { exportRoute } from "./exportRoute.js"
import { importRoute } from "./importRoute.js"

/** The bulk routes, for `HttpApiBuilder`'s router, over the core's services and the API's authentication. */
export const bulkRoutes = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const services: BulkServices = {
      actor: yield* Authentication,
      config: yield* ServerConfig,
      exports: yield* Exports.Exports,
      imports: yield* Imports.Imports
    }
    yield* router.post(IMPORT_PATH, importRoute(services))
    yield* router.get(EXPORT_PATH, exportRoute(services))
  })
)
