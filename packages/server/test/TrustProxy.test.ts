/**
 * The client's address behind proxies: off by default (the headers a client sends itself are ignored); with trusted
 * proxies, the client they name — in X-Forwarded-For or Forwarded, the rightmost entry that is not a trusted proxy.
 * Observed through the sign-in throttle's limit per address, over real HTTP.
 */
import { UserManager } from "@user-manager/core"
import { KyselyDirectory } from "@user-manager/kysely"
import { migrate, sqliteFile } from "@user-manager/test-stores/stores"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Either } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { clientAddress, parseTrustProxy, type TrustProxy } from "../src/ClientAddress.js"
import * as Server from "../src/Server.js"
import { type Running, start } from "./support/harness.js"

/** A server whose throttle lets 2 failed sign-ins through per client address (and any number per username). */
const serve = async (trustProxy: TrustProxy) => {
  const server = await start(sqliteFile, {
    config: {
      throttle: { maxFailuresPerUsername: 1_000, maxFailuresPerAddress: 2, windowMillis: 60_000 },
      trustProxy
    }
  })
  await server.reseed()
  return server
}

/** A wrong password for john, with these headers: 401 while the address may try, 429 once it may not. */
const guess = async (server: Running, headers: Record<string, string>) =>
  (
    await server.request("POST", "/api/v1/auth/login", {
      body: { username: "john", password: "a wrong guess", session: "bearer" },
      headers
    })
  ).status

describe("the client's address", () => {
  let server: Running | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("without trusted proxies, X-Forwarded-For and Forwarded are ignored: a client cannot pick its address to dodge the throttle", async () => {
    server = await serve(false)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.1" })).toBe(401)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.2" })).toBe(401)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.3" })).toBe(429)
    expect(await guess(server, { forwarded: "for=203.0.113.4" })).toBe(429)
  })

  it("behind a trusted proxy, two clients are throttled apart", async () => {
    server = await serve(["loopback"])
    const alice = { "x-forwarded-for": "203.0.113.1" }
    const bob = { "x-forwarded-for": "198.51.100.2" }
    expect(await guess(server, alice)).toBe(401)
    expect(await guess(server, alice)).toBe(401)
    expect(await guess(server, alice)).toBe(429)
    expect(await guess(server, bob)).toBe(401)
    expect(await guess(server, bob)).toBe(401)
    expect(await guess(server, bob)).toBe(429)
  })

  it("a spoofed left-most X-Forwarded-For entry is not believed: the client is the rightmost address not a trusted proxy", async () => {
    server = await serve(["127.0.0.1", "10.0.0.0/8"])
    // The client wrote its own entry; the proxy at 10.0.0.5 appended the address it saw, then the one at 127.0.0.1.
    const spoofed = (i: number) => ({ "x-forwarded-for": `192.0.2.${i}, 203.0.113.9, 10.0.0.5` })
    expect(await guess(server, spoofed(1))).toBe(401)
    expect(await guess(server, spoofed(2))).toBe(401)
    expect(await guess(server, spoofed(3))).toBe(429)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.10, 10.0.0.5" })).toBe(401)
  })

  it("a hop count trusts that many proxies, whatever their addresses", async () => {
    server = await serve(2)
    // Two proxies: the one at the connection (127.0.0.1) and the one it names (198.18.0.1); the client is the next.
    const spoofed = (i: number) => ({ "x-forwarded-for": `192.0.2.${i}, 203.0.113.9, 198.18.0.1` })
    expect(await guess(server, spoofed(1))).toBe(401)
    expect(await guess(server, spoofed(2))).toBe(401)
    expect(await guess(server, spoofed(3))).toBe(429)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.10, 198.18.0.1" })).toBe(401)
  })

  it("Forwarded (RFC 7239) names the client as X-Forwarded-For does, with IPv6 and ports", async () => {
    server = await serve(["loopback"])
    const spoofed = (i: number) => ({ forwarded: `for=192.0.2.${i};proto=https, for="[2001:db8::7]:4711"` })
    expect(await guess(server, spoofed(1))).toBe(401)
    expect(await guess(server, spoofed(2))).toBe(401)
    expect(await guess(server, { forwarded: 'for="[2001:db8::7]"' })).toBe(429)
    expect(await guess(server, { forwarded: 'for="198.51.100.3:8080"' })).toBe(401)
  })

  it("a request whose X-Forwarded-For and Forwarded name different clients is counted at the connection's address", async () => {
    server = await serve(["loopback"])
    // A proxy that sets X-Forwarded-For passes a client's own Forwarded header through: neither is believed.
    const forged = (i: number) => ({ "x-forwarded-for": "203.0.113.1", forwarded: `for=192.0.2.${i}` })
    expect(await guess(server, forged(1))).toBe(401)
    expect(await guess(server, forged(2))).toBe(401)
    expect(await guess(server, forged(3))).toBe(429)
    expect(await guess(server, { forwarded: "for=192.0.2.4;by=nonsense=" })).toBe(429)
    expect(await guess(server, { "x-forwarded-for": "203.0.113.1", forwarded: "for=203.0.113.1" })).toBe(401)
  })
})

describe("the client's address in a host's own server", () => {
  it("the connection address a host passes to Server.webHandler reaches the throttle: two clients are throttled apart", async () => {
    const database = await sqliteFile()
    await migrate(database)
    const mounted = Server.webHandler({
      services: UserManager.layer({
        directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
        hasher: TestHasher
      }),
      page: false,
      config: { throttle: { maxFailuresPerUsername: 1_000, maxFailuresPerAddress: 2, windowMillis: 60_000 } }
    })
    try {
      const guessFrom = async (remoteAddress: string) =>
        (
          await mounted.handler(
            new Request("http://host.example/api/v1/auth/login", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ username: "john", password: "a wrong guess", session: "bearer" })
            }),
            { remoteAddress }
          )
        ).status
      expect([await guessFrom("203.0.113.1"), await guessFrom("203.0.113.1")]).toEqual([401, 401])
      expect(await guessFrom("203.0.113.1")).toBe(429)
      expect(await guessFrom("198.51.100.2")).toBe(401)
    } finally {
      await mounted.dispose()
      await database.drop()
    }
  })
})

describe("the trusted proxies setting", () => {
  it("takes addresses, CIDR ranges, loopback, linklocal, uniquelocal, or a number of hops", () => {
    expect(parseTrustProxy("loopback, 10.0.0.0/8,::1,fe80::/10")).toEqual(
      Either.right(["loopback", "10.0.0.0/8", "::1", "fe80::/10"])
    )
    expect(parseTrustProxy("linklocal,uniquelocal,192.168.1.1")).toEqual(
      Either.right(["linklocal", "uniquelocal", "192.168.1.1"])
    )
    expect(parseTrustProxy("2")).toEqual(Either.right(2))
  })

  it("refuses anything else with its reason", () => {
    expect(parseTrustProxy("proxy.example.com")).toEqual(
      Either.left("'proxy.example.com' is not an IP address, a CIDR range, loopback, linklocal or uniquelocal")
    )
    expect(parseTrustProxy("10.0.0.0/33")).toEqual(
      Either.left("'10.0.0.0/33' is not an IP address, a CIDR range, loopback, linklocal or uniquelocal")
    )
    expect(parseTrustProxy("0")).toEqual(Either.left("the number of trusted proxies must be at least 1"))
    expect(parseTrustProxy(" , ")).toEqual(Either.left("name the trusted proxies' addresses or how many there are"))
  })

  it("without a connection address (a web handler the host gave none), only a hop count can trust a proxy", () => {
    expect(clientAddress(1)(undefined, { "x-forwarded-for": "203.0.113.1" })).toBe("203.0.113.1")
    expect(clientAddress(["loopback"])(undefined, { "x-forwarded-for": "203.0.113.1" })).toBeUndefined()
  })
})
