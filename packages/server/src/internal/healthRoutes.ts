/**
 * The probes of a load balancer or an orchestrator, outside `/api/v1` and without authentication: `GET /healthz`
 * (the process serves) and `GET /readyz` (the host's readiness check passes: for `dt serve`, the store answers and its
 * schema is one this version runs on). Neither says anything about the directory's data.
 */
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Duration, Effect } from "effect"

/**
 * Why an instance is not ready, in one sentence fit for an operator (never a connection string or a record), or
 * nothing when it is.
 */
export type Readiness = Effect.Effect<void, string>

/** What a ready answer says beside its status (`replica`: the read replica's state), for an operator. */
export type ReadyDetails = () => Readonly<Record<string, string>>

/** How long `/readyz` waits for the readiness check before it answers "not ready", in seconds. */
const READY_WITHIN_SECONDS = 2

const noStore = { "cache-control": "no-store" }

/** `/healthz` and `/readyz`, for `HttpApiBuilder`'s router. */
export const healthRoutes = (readiness: Readiness, details: ReadyDetails = () => ({})) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.all([
      router.get("/healthz", HttpServerResponse.unsafeJson({ status: "alive" }, { headers: noStore })),
      router.get(
        "/readyz",
        readiness.pipe(
          Effect.timeoutFail({
            duration: Duration.seconds(READY_WITHIN_SECONDS),
            onTimeout: () => `the store did not answer within ${READY_WITHIN_SECONDS} s`
          }),
          Effect.match({
            onSuccess: () => HttpServerResponse.unsafeJson({ status: "ready", ...details() }, { headers: noStore }),
            onFailure: (reason) =>
              HttpServerResponse.unsafeJson({ status: "not ready", reason }, { status: 503, headers: noStore })
          })
        )
      )
    ])
  )
