/**
 * The address a request came from: the connection's, or the one a host gives `webHandler`, or behind trusted proxies
 * the client they name.
 */
import { HttpServerRequest } from "@effect/platform"
import { Context, Effect, Option } from "effect"
import { clientAddress, type TrustProxy } from "../ClientAddress.js"

/** The address of the connection's other end, as a host gives it to `webHandler` (a web `Request` has none). */
export class PeerAddress extends Context.Reference<PeerAddress>()("@user-manager/server/Server/PeerAddress", {
  defaultValue: (): string | undefined => undefined
}) {}

/**
 * Runs `effect` on the request as from the client's address (`ClientAddress`: the connection's, or behind trusted
 * proxies the client they name), which the sign-in throttle counts by.
 */
export const fromClientAddress = (trust: TrustProxy) => {
  const addressOf = clientAddress(trust)
  return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (received) =>
      Effect.flatMap(PeerAddress, (given) => {
        const address = addressOf(Option.getOrUndefined(received.remoteAddress) ?? given, received.headers)
        // Changed only when it must be: a changed request reads its body anew.
        return address === undefined || Option.contains(received.remoteAddress, address)
          ? effect
          : Effect.provideService(
              effect,
              HttpServerRequest.HttpServerRequest,
              received.modify({ remoteAddress: address })
            )
      })
    )
}
