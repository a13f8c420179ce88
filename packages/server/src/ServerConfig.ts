/**
 * The settings of the HTTP API: how long sessions last, how failed sign-ins are throttled, and how cookies are sent.
 *
 * @since 0.1.0
 */
import { Sessions, type SignInThrottle } from "@user-manager/core"
import { Context, type Duration, Layer } from "effect"
import type { TrustProxy } from "./ClientAddress.js"

/**
 * The sign-in throttle's settings a host overrides for this API (the core's `SignInThrottle.ThrottleOptions`; the
 * rest keep the core's defaults, or what `UserManager.layer({ throttle })` set). `maxFailuresPerUsername`, the name
 * of the limit per username before the throttle moved to the store, is `maxFailuresPerUserAddress`.
 *
 * @category models
 * @since 0.1.0
 */
export type ThrottleOptions = Partial<SignInThrottle.ThrottleOptions> & { readonly maxFailuresPerUsername?: number }

/**
 * The API's settings.
 *
 * @category models
 * @since 0.1.0
 */
export interface ServerConfigShape {
  /** How long a session lasts (default 8 hours). */
  readonly sessionTtl: Duration.Duration
  /** The sign-in throttle's settings for this API, over the core's (default: none, the core's own). */
  readonly throttle: ThrottleOptions
  /** Whether the session cookie is marked `Secure` (sent over HTTPS only); on for anything but loopback. */
  readonly secureCookies: boolean
  /** The largest request body accepted, in bytes (default 256 KiB), bulk imports' aside. */
  readonly maxBodyBytes: number
  /**
   * The largest body `POST /api/v1/import` accepts, in bytes (default 512 MiB, `DEFAULT_MAX_IMPORT_BYTES`): an import
   * is streamed into the store batch by batch, never held whole in memory.
   */
  readonly maxImportBytes: number
  /**
   * The proxies trusted to name their client in `X-Forwarded-For` or `Forwarded` (default `false`: none, the client
   * is the connection's other end): their addresses, or how many there are (see `ClientAddress`).
   */
  readonly trustProxy: TrustProxy
}

/**
 * The default largest body of a bulk import, in bytes: 512 MiB, a few million users.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_MAX_IMPORT_BYTES = 512 * 1024 * 1024

/**
 * The API's settings, with defaults when no layer provides them.
 *
 * @category services
 * @since 0.1.0
 */
export class ServerConfig extends Context.Reference<ServerConfig>()("@user-manager/server/ServerConfig", {
  defaultValue: (): ServerConfigShape => ({
    sessionTtl: Sessions.DEFAULT_TTL,
    throttle: {},
    secureCookies: false,
    maxBodyBytes: 256 * 1024,
    maxImportBytes: DEFAULT_MAX_IMPORT_BYTES,
    trustProxy: false
  })
}) {
  /** Settings that override some defaults. */
  static readonly layer = (overrides: Partial<ServerConfigShape>) =>
    Layer.succeed(ServerConfig, { ...ServerConfig.defaultValue(), ...overrides })
}
