/** The security headers every answer must carry, with the values an admin UI served from one origin needs. */
import { expect } from "vitest"

const EXPECTED = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin"
}

const POWERFUL_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]

export const expectSecurityHeaders = (headers: Headers | Record<string, string | undefined>, what: string) => {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name])
  for (const [name, value] of Object.entries(EXPECTED)) expect(get(name), `${name} on ${what}`).toBe(value)
  const policy = get("permissions-policy") ?? ""
  for (const feature of POWERFUL_FEATURES) expect(policy, `permissions-policy on ${what}`).toContain(`${feature}=()`)
}
