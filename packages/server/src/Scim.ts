/**
 * SCIM 2.0 (RFC 7643 / RFC 7644) at `/scim/v2`: identity providers (Microsoft Entra ID, Okta, Google Workspace,
 * OneLogin, …) create, change and remove users and groups, authenticated by an API token of scope `scim`. Served by
 * `Server.layer`, `Server.node` and `Server.webHandler` (option `scim`), so that a host application that mounts the API
 * mounts SCIM with it; `routes` is the piece itself, for a host that builds its own `HttpApiBuilder` router.
 *
 * Every change is made by the core's `Users`, `Groups` and `Provisioning` on behalf of the token: a refusal is the
 * core's, answered as a SCIM error whose `detail` is the core's sentence.
 *
 * @since 0.2.0
 */
import { SCIM_CONTENT_TYPE, SCIM_PATH } from "./internal/scim/request.js"
import { scimRoutes } from "./internal/scim/routes.js"

export {
  /**
   * The media type of SCIM bodies: `application/scim+json` (requests may send `application/json`).
   *
   * @category constants
   * @since 0.2.0
   */
  SCIM_CONTENT_TYPE,
  /**
   * Where the SCIM endpoints are served: `/scim/v2`.
   *
   * @category constants
   * @since 0.2.0
   */
  SCIM_PATH
}

/**
 * How the SCIM endpoints are served.
 *
 * @category models
 * @since 0.2.0
 */
export interface Options {
  /**
   * The public URL of the SCIM endpoints (`https://id.example.com/scim/v2`), for `meta.location` and `Location`;
   * without it, the request's `Host` header (and `X-Forwarded-Proto`, for `https`), `basePath` and `/scim/v2`.
   */
  readonly baseUrl?: string
  /** The path the server is mounted under (`Server.webHandler` sets it to its own `basePath`). */
  readonly basePath?: string
}

/**
 * The SCIM routes for `HttpApiBuilder`'s router, over the core's `Users`, `Groups`, `Provisioning` and `Tokens`.
 *
 * @category layers
 * @since 0.2.0
 */
export const routes = (options: Options = {}) => scimRoutes(options)
