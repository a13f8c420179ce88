/**
 * The headers every answer carries, and the middleware that sets them.
 */
import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

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
 * The `Retry-After` of a 429 (RFC 9110, 10.2.3): the `retryAfterSeconds` its body carries, for clients that read the
 * header only.
 */
const retryAfter = (response: HttpServerResponse.HttpServerResponse): string | undefined => {
  if (response.body._tag !== "Uint8Array") return undefined
  try {
    const seconds = (JSON.parse(new TextDecoder().decode(response.body.body)) as { retryAfterSeconds?: unknown })
      .retryAfterSeconds
    return typeof seconds === "number" && Number.isFinite(seconds) ? String(Math.max(1, Math.ceil(seconds))) : undefined
  } catch {
    return undefined
  }
}

/**
 * Headers every answer carries, refusals included; a 401 also names the scheme that signs in (`WWW-Authenticate:
 * Bearer`, RFC 9110 11.6.1) and a 429 when to try again. (A pre-response handler, because a server middleware sees the
 * response only after it was written.)
 */
export const securityHeaders = HttpApiBuilder.middleware((app) =>
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) => {
      const secured = HttpServerResponse.setHeaders(response, SECURITY_HEADERS)
      // SCIM and the metrics name their own realm.
      if (response.status === 401 && response.headers["www-authenticate"] === undefined) {
        return Effect.succeed(HttpServerResponse.setHeader(secured, "www-authenticate", "Bearer"))
      }
      const after = response.status === 429 ? retryAfter(response) : undefined
      return Effect.succeed(after === undefined ? secured : HttpServerResponse.setHeader(secured, "retry-after", after))
    }),
    app
  )
)
