/**
 * Where a request comes from: the address of the connection's other end, or, behind proxies the server is told to
 * trust (`ServerConfig.trustProxy`, `dt serve --trust-proxy`), the client those proxies name in `X-Forwarded-For` or
 * `Forwarded` (RFC 7239). The sign-in throttle counts failures per client address.
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import parseForwarded from "forwarded-parse"
import proxyAddr from "proxy-addr"

/**
 * Which proxies are trusted to name their client: none (`false`, the default: the address is the connection's, and
 * the headers are ignored, as any client can send them), the proxies' addresses (IP addresses, CIDR ranges, and
 * `loopback`, `linklocal`, `uniquelocal` for those ranges, as Express takes them), or a number of hops (that many
 * proxies in front of the server, whatever their addresses).
 *
 * @category models
 * @since 0.1.0
 */
export type TrustProxy = false | number | ReadonlyArray<string>

/** The trust function of `proxy-addr`: whether the address at that hop (0: the connection's) is a trusted proxy. */
type Trust = (address: string, hop: number) => boolean

const compile = (trust: Exclude<TrustProxy, false>): Trust =>
  typeof trust === "number" ? (_address, hop) => hop < trust : proxyAddr.compile([...trust])

/**
 * Reads a `--trust-proxy` value: a comma-separated list of addresses, CIDR ranges and `loopback`, `linklocal`,
 * `uniquelocal`, or a whole number of hops (at least 1); anything else is refused, with the reason (a clause, to
 * follow "Invalid --trust-proxy: ").
 *
 * @category constructors
 * @since 0.1.0
 */
export const parseTrustProxy = (text: string): Either.Either<TrustProxy, string> => {
  const value = text.trim()
  if (/^\d{1,3}$/.test(value)) {
    const hops = Number(value)
    return hops >= 1 ? Either.right(hops) : Either.left("the number of trusted proxies must be at least 1")
  }
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
  if (entries.length === 0) return Either.left("name the trusted proxies' addresses or how many there are")
  for (const entry of entries) {
    try {
      proxyAddr.compile(entry)
    } catch {
      return Either.left(
        `'${entry.slice(0, 64)}' is not an IP address, a CIDR range, loopback, linklocal or uniquelocal`
      )
    }
  }
  return Either.right(entries)
}

/** The addresses of `for=` in a `Forwarded` header, nearest proxy's last; undefined when the header is malformed. */
const forwardedFor = (header: string): Array<string> | undefined => {
  try {
    return parseForwarded(header).map((element) => {
      const node = element.for ?? "unknown"
      // "[2001:db8::17]:4711" → 2001:db8::17; "192.0.2.43:47011" → 192.0.2.43 ("unknown", "_hidden" stay as they are).
      const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(node)
      if (bracketed !== null) return bracketed[1] as string
      return /^[\d.]+:\d+$/.test(node) ? (node.split(":")[0] as string) : node
    })
  } catch {
    return undefined
  }
}

/** The farthest address of a chain the trusted proxies vouch for: the first one, from the connection, not trusted. */
const untrusted = (peer: string, chain: string, trust: Trust): string =>
  proxyAddr({ headers: { "x-forwarded-for": chain }, socket: { remoteAddress: peer } } as never, trust)

/**
 * How the client's address is found (made once, for every request). Without `trust`, it is the connection's
 * (`peer`). With it, the proxies' headers are read from the connection's end outwards, and the address is the first
 * one that is not a trusted proxy (the rightmost untrusted entry of `X-Forwarded-For`, or of `Forwarded`'s `for=`),
 * so a client that writes its own entries to the left is not believed. A request that carries both headers must name
 * the same client in each, else one of them was written by the client (a proxy that sets one passes the other
 * through): the address is then the connection's, as it is for a `Forwarded` header that is malformed.
 *
 * @category addresses
 * @since 0.1.0
 */
export const clientAddress = (
  trust: TrustProxy
): ((peer: string | undefined, headers: Readonly<Record<string, string | undefined>>) => string | undefined) => {
  if (trust === false) return (peer) => peer
  const trusted = compile(trust)
  return (peer, headers) => {
    const xForwardedFor = headers["x-forwarded-for"]
    const forwarded = headers.forwarded
    const fromXForwardedFor = xForwardedFor === undefined ? undefined : untrusted(peer ?? "", xForwardedFor, trusted)
    let fromForwarded: string | undefined
    if (forwarded !== undefined) {
      const chain = forwardedFor(forwarded)
      if (chain === undefined) return peer
      fromForwarded = untrusted(peer ?? "", chain.join(", "), trusted)
    }
    if (fromXForwardedFor !== undefined && fromForwarded !== undefined && fromXForwardedFor !== fromForwarded) {
      return peer
    }
    const found = fromForwarded ?? fromXForwardedFor
    return found === undefined || found === "" ? peer : found
  }
}
