/**
 * What a search, an audit filter and a sign-in username may hold is the core's rule, so every path (the API, the CLI,
 * the SDK) refuses the same input with the same short sentence, before any store sees it.
 */
import { TestHasher } from "@user-manager/testing/TestHasher"
import { describe, expect, it } from "vitest"
import * as Actor from "../src/Actor.js"
import * as MemoryDirectory from "../src/MemoryDirectory.js"
import * as UserManager from "../src/UserManager.js"

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (caught: unknown) => caught
  )

describe("search text and sign-in names", () => {
  it("a search or audit filter with a control character, or over 256 characters, is InvalidInput that never quotes it", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin", password: "correct horse" })
      const admin = Actor.user("admin")
      for (const [call, field] of [
        [() => manager.users.list(admin, { search: "ad\u0000min" }), "search"],
        [() => manager.groups.list(admin, { search: "\u0007" }), "search"],
        [() => manager.audit.list(admin, { target: "\u0000" }), "target"],
        [() => manager.audit.list(admin, { actor: "a\u001bb" }), "actor"]
      ] as const) {
        expect(await refusal(call())).toMatchObject({
          _tag: "InvalidInput",
          field,
          reason: "it cannot contain control characters"
        })
      }
      const long = await refusal(manager.users.list(admin, { search: "x".repeat(12_000) }))
      expect(long).toMatchObject({ _tag: "InvalidInput", reason: "it has at most 256 characters" })
      expect((long as Error).message).toBe("Invalid search: it has at most 256 characters.")
      expect((await manager.users.list(admin, { search: "x".repeat(256) })).total).toBe(0)
    } finally {
      await manager.dispose()
    }
  })

  it("a sign-in username with a control character is InvalidInput, not a wrong password", async () => {
    const manager = UserManager.make({ directory: MemoryDirectory.layer, hasher: TestHasher })
    try {
      await manager.users.bootstrap({ username: "admin", password: "correct horse" })
      expect(await refusal(manager.sessions.login("ad\u0000min", "correct horse"))).toMatchObject({
        _tag: "InvalidInput",
        field: "username",
        reason: "it cannot contain control characters"
      })
      expect(await refusal(manager.sessions.login("nobody", "correct horse"))).toMatchObject({
        _tag: "Unauthenticated"
      })
    } finally {
      await manager.dispose()
    }
  })
})
