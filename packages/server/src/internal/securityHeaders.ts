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
 * Headers every answer carries, refusals included. (A pre-response handler, because a server middleware sees the
 * response only after it was written.)
 */
export const securityHeaders = HttpApiBuilder.middleware((app) =>
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeaders(response, SECURITY_HEADERS))
    ),
    app
  )
)
