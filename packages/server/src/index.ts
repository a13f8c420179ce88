/**
 * @since 0.1.0
 */
export * as Api from "./Api.js"
export * as ApiError from "./ApiError.js"
export * as Auth from "./Auth.js"
export * as ClientAddress from "./ClientAddress.js"
export * as Handlers from "./Handlers.js"
export * as Scim from "./Scim.js"
export * as Server from "./Server.js"
export * as ServerConfig from "./ServerConfig.js"
