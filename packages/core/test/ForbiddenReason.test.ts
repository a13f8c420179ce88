/**
 * `Forbidden` says by which rule an actor may not do something: its `reason` is one of a closed set of tags with the
 * data its sentence names (so that a translated interface words it), and its English sentence is the one the API and
 * `dt` have always printed.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { Forbidden, ForbiddenReason } from "@user-manager/core/Errors"
import * as MemoryDirectory from "@user-manager/core/MemoryDirectory"
import * as Tokens from "@user-manager/core/Tokens"
import { Users } from "@user-manager/core/Users"
import { admin, seed, services } from "@user-manager/testing/fixture"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { Effect, Schema } from "effect"

const seeded = <A, E>(effect: Effect.Effect<A, E, Users | Tokens.Tokens>) =>
  Effect.zipRight(seed, effect).pipe(Effect.provide(services(MemoryDirectory.layer, TestHasher)))

describe("Forbidden", () => {
  it.effect("names its rule as a tag with its data, and keeps the English sentence for the API and the CLI", () =>
    seeded(
      Effect.gen(function* () {
        const users = yield* Users
        const tokens = yield* Tokens.Tokens
        const refused = (effect: Effect.Effect<unknown, { readonly _tag: string }>) =>
          Effect.flip(effect).pipe(
            Effect.map((error) => {
              expect(error).toBeInstanceOf(Forbidden)
              const forbidden = error as Forbidden
              return [forbidden.reason, forbidden.message]
            })
          )
        const reader = Tokens.actor((yield* tokens.create(admin, { name: "reports", scope: "read" })).token)
        const scim = Tokens.actor((yield* tokens.create(admin, { name: "idp", scope: "scim" })).token)
        const api = Tokens.actor((yield* tokens.create(admin, { name: "ops", scope: "api" })).token)
        yield* users.disable(admin, "bob")
        expect([
          yield* refused(users.disable(Actor.user("john"), "alice")),
          yield* refused(users.list(Actor.user("svc"), {})),
          yield* refused(users.whoAmI(Actor.user("bob"))),
          yield* refused(users.disable(reader, "john")),
          yield* refused(users.list(scim, {})),
          yield* refused(users.whoAmI(api)),
          yield* refused(tokens.create(api, { name: "more", scope: "api" })),
          yield* refused(users.get(Actor.user("john"), "alice"))
        ]).toEqual([
          [
            { _tag: "NotAdministrator", adminGroup: "admins" },
            "'john' may not disable user 'alice': only enabled members of the admin group 'admins' may."
          ],
          [{ _tag: "SystemUser" }, "'svc' may not list users: a system user never has admin access."],
          [{ _tag: "AccountDisabled" }, "'bob' may not read its own record: the account is disabled."],
          [{ _tag: "ReadOnlyToken" }, "'token:reports' may not disable user 'john': the token's scope is read-only."],
          [
            { _tag: "TokenChannel", scope: "scim" },
            "'token:idp' may not list users: the token's scope is scim: it works at the SCIM endpoints only."
          ],
          [{ _tag: "TokenNotAUser" }, "'token:ops' may not read its own record: an API token is not a user."],
          [
            { _tag: "TokensByUsersOnly" },
            "'token:ops' may not create API token 'more': API tokens are managed by administrators only."
          ],
          [
            { _tag: "OtherUsersByAdministrators" },
            "'john' may not read user 'alice': only administrators may read other users."
          ]
        ])
        // The reason is data as the API sends it: a tag of the closed set, or no valid reason at all.
        expect(Schema.decodeUnknownSync(ForbiddenReason)({ _tag: "TokenChannel", scope: "api" })).toEqual({
          _tag: "TokenChannel",
          scope: "api"
        })
        expect(() => Schema.decodeUnknownSync(ForbiddenReason)("the account is disabled")).toThrow()
        expect(() => Schema.decodeUnknownSync(ForbiddenReason)({ _tag: "NotAdministrator" })).toThrow()
      })
    )
  )
})
