import { Clock, Effect, Schema } from "effect"
import type { Actor } from "../../Actor.js"
import { Forbidden } from "../../Errors.js"
import { Password, type PasswordHash } from "../../Password.js"
import { decodeInput } from "../decode.js"
import {
  assertNotSystem,
  audit,
  ensureVersion,
  nextUserRow,
  type Operation,
  resolveActor,
  rewriteUser
} from "../operation.js"
import { toUser } from "../records.js"
import { currentSettings } from "../settings.js"
import { makeThrottle } from "../throttle.js"
import { ensurePolicy, hashNewPassword, type UserServices } from "./rules.js"
import { makeSignIn } from "./signIn.js"

/** The input of `Users.changePassword`: the actor's current password and the new one. */
export const ChangePassword = Schema.Struct({ current: Password, next: Password })

const decodeChangePassword = decodeInput(ChangePassword)

/**
 * A user's own credentials: checking a username and password for signing in, and changing one's own password; both
 * throttled as failed sign-ins are.
 */
export const makeCredentials = (services: UserServices) =>
  Effect.gen(function* () {
    const { directory, hasher, config } = services
    const throttle = makeThrottle(directory)

    const changePassword = Effect.fn("Users.changePassword")(function* (
      actor: Actor,
      input: typeof ChangePassword.Encoded,
      options: { readonly address?: string } = {}
    ) {
      const { current, next } = yield* decodeChangePassword(input)
      const [self, settings] = yield* directory.read((tx) =>
        Effect.all([resolveActor(tx, actor, "change its password"), currentSettings(tx, config)])
      )
      yield* assertNotSystem(self, "change password")
      // Throttled as sign-in is: a stolen session must not be a way to guess the password it was opened with.
      const reservation = yield* throttle.reserve(self.username, options.address)
      yield* throttle.checked(
        reservation,
        (error) => error._tag === "Forbidden",
        Effect.gen(function* () {
          const matches = self.passwordHash !== null && (yield* hasher.verify(current, self.passwordHash))
          if (!matches) {
            return yield* new Forbidden({
              actor: self.username,
              action: "change its password",
              reason: { _tag: "WrongPassword" }
            })
          }
          const passwordHash = (yield* hashNewPassword(services, next, self.username, settings)) as PasswordHash
          yield* directory.write((tx) =>
            Effect.gen(function* () {
              yield* throttle.succeeded(tx, reservation)
              const user = yield* resolveActor(tx, actor, "change its password")
              yield* ensureVersion("user", user.username, user.version, self.version)
              const op: Operation = {
                tx,
                config: yield* currentSettings(tx, config),
                actor: user,
                now: new Date(yield* Clock.currentTimeMillis)
              }
              yield* ensurePolicy(op, next, user.username)
              yield* rewriteUser(op, nextUserRow(op, user, { passwordHash }))
              // Every session of the user ends, so that whoever knew the old password is signed out too.
              yield* tx.deleteUserSessions(user.username)
              yield* audit(op, "user.password", { type: "user", name: user.username }, { password: "changed" })
            })
          )
        })
      )
    })

    const checkSignIn = yield* makeSignIn(services)

    const authenticate = Effect.fn("Users.authenticate")(function* (username: string, password: string) {
      const { user, rehash } = yield* checkSignIn(username, password)
      if (rehash !== undefined) yield* directory.write(rehash)
      return toUser(user)
    })

    return { changePassword, authenticate }
  })
