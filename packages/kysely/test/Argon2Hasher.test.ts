import { describe, expect, it } from "@effect/vitest"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import type { Password } from "@user-manager/core/Password"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Users } from "@user-manager/core/Users"
import { services } from "@user-manager/testing/fixture"
import { Effect, Redacted } from "effect"
import * as Argon2Hasher from "../src/Argon2Hasher.js"

const password = (text: string) => Redacted.make(text) as Password

describe("Argon2Hasher", () => {
  it.effect("stores an argon2id PHC string with the OWASP parameters (m=19456, t=2, p=1)", () =>
    Effect.gen(function* () {
      const hasher = yield* PasswordHasher
      const hash = Redacted.value(yield* hasher.hash(password("correct horse")))
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
      expect(hash).not.toContain("correct horse")
    }).pipe(Effect.provide(Argon2Hasher.layer))
  )

  it.effect("verifies the right password and refuses a wrong one or a malformed hash", () =>
    Effect.gen(function* () {
      const hasher = yield* PasswordHasher
      const hash = yield* hasher.hash(password("correct horse"))
      expect(yield* hasher.verify(password("correct horse"), hash)).toBe(true)
      expect(yield* hasher.verify(password("Correct horse"), hash)).toBe(false)
      expect(yield* hasher.verify(password("correct horse"), Redacted.make("not a hash"))).toBe(false)
    }).pipe(Effect.provide(Argon2Hasher.layer))
  )

  it.effect("salts each hash, so the same password never hashes the same twice", () =>
    Effect.gen(function* () {
      const hasher = yield* PasswordHasher
      const [a, b] = yield* Effect.all([hasher.hash(password("same")), hasher.hash(password("same"))])
      expect(Redacted.value(a as Redacted.Redacted<string>)).not.toBe(Redacted.value(b as Redacted.Redacted<string>))
    }).pipe(Effect.provide(Argon2Hasher.layer))
  )

  it.effect("signs users in through the core with argon2id hashes, NFKC-normalised", () =>
    Effect.gen(function* () {
      const users = yield* Users
      yield* users.bootstrap({ username: "admin", password: "ｃｏｒｒｅｃｔ horse" })
      expect((yield* users.authenticate("admin", "correct horse")).username).toBe("admin")
      expect((yield* Effect.flip(users.authenticate("admin", "wrong horse")))._tag).toBe("Unauthenticated")
    }).pipe(Effect.provide(services(MemoryDirectory.layer, Argon2Hasher.layer)))
  )
})
