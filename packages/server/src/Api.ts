/**
 * The HTTP API, defined once: every endpoint, its inputs, its answers and its refusals. The OpenAPI document at
 * `/api/openapi.json` is generated from this definition.
 *
 * Inputs are described here with their JSON types; the rules of each field (a username's pattern, a password's length)
 * are checked by the core, which answers `InvalidInput` (400) naming the field. Each endpoint declares the refusals
 * of the core operation it runs, and no other (`internal/api/refusals.ts`).
 *
 * @since 0.1.0
 */

import * as HttpApi from "@effect/platform/HttpApi"
import * as OpenApi from "@effect/platform/OpenApi"
import * as ApiError from "./ApiError.js"
import { AuditApi } from "./internal/api/AuditApi.js"
import { AuthApi } from "./internal/api/AuthApi.js"
import { withBulkRoutes } from "./internal/api/bulkOpenApi.js"
import { GroupsApi } from "./internal/api/GroupsApi.js"
import { MeApi } from "./internal/api/MeApi.js"
import { type Document, withSecurity } from "./internal/api/openApiSecurity.js"
import { SettingsApi } from "./internal/api/SettingsApi.js"
import { SignInLocksApi } from "./internal/api/SignInLocksApi.js"
import { TokensApi } from "./internal/api/TokensApi.js"
import { UsersApi } from "./internal/api/UsersApi.js"

export { AuditApi, AuditParams } from "./internal/api/AuditApi.js"
export { AuthApi, LoginBody, LoginResult } from "./internal/api/AuthApi.js"
export { Authentication, CSRF_HEADER, CurrentActor, SESSION_COOKIE } from "./internal/api/Authentication.js"
export { ExportParams, ImportChange, ImportParams, ImportRefusal, ImportResult } from "./internal/api/BulkApi.js"
export { IfMatch, Page } from "./internal/api/fields.js"
export { CreateGroupBody, GroupListParams, GroupsApi, MembersBody, ModifyGroupBody } from "./internal/api/GroupsApi.js"
export { ChangePasswordBody, Me, MeApi } from "./internal/api/MeApi.js"
export { DirectorySettings, SettingsApi, SettingsBody } from "./internal/api/SettingsApi.js"
export { SignInLock, SignInLocksApi } from "./internal/api/SignInLocksApi.js"
export { CreatedToken, CreateTokenBody, TokensApi } from "./internal/api/TokensApi.js"
export {
  BulkBody,
  CreateUserBody,
  ModifyUserBody,
  PasswordBody,
  UserListParams,
  UsersApi
} from "./internal/api/UsersApi.js"

/**
 * The whole API, under `/api/v1`.
 *
 * @category api
 * @since 0.1.0
 */
export class Api extends HttpApi.make("dt")
  .add(UsersApi)
  .add(GroupsApi)
  .add(MeApi)
  .add(AuditApi)
  .add(SignInLocksApi)
  .add(SettingsApi)
  .add(TokensApi)
  .add(AuthApi)
  // The router's own refusal, of a path no route matches: the API answers it in its shape.
  .addError(ApiError.Refusal.RouteNotFound)
  // A method the path does not take: answered by `normalizeRefusals`, declared so that a client decodes it.
  .addError(ApiError.Refusal.MethodNotAllowed)
  .prefix("/api/v1")
  .annotate(OpenApi.Servers, [
    { url: "/", description: "the server this document is served by (a host that mounts the API under a path adds it)" }
  ])
  .annotate(OpenApi.Transform, (spec) => withSecurity(withBulkRoutes(spec as Document)) as typeof spec)
  .annotate(OpenApi.Title, "User Manager API")
  .annotate(OpenApi.Version, "0.1.0") {}
