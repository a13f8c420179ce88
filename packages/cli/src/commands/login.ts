/**
 * `dt login` and `dt logout`: remote mode. `dt login` signs in to a `dt serve` server and keeps the session token in
 * `$XDG_CONFIG_HOME/dt/session.json` (mode 0600); every command then runs over that server's API until `dt logout`.
 *
 * @since 0.1.0
 */

import { Args, Command, Options, Prompt } from "@effect/cli"
import { Errors } from "@user-manager/core"
import { Effect, Option, Redacted } from "effect"
import * as CommandTree from "../CommandTree.js"
import { actorName } from "../Environment.js"
import * as Flags from "../Flags.js"
import { note, readStdin } from "../Session.js"
import * as StoredSession from "../StoredSession.js"

const server = Options.text("server").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("the server's URL, e.g. http://127.0.0.1:8080 (default: $DT_SERVER)"),
  Options.optional
)

const signedInServer = Options.text("server").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("the server signed in to (checked; dt keeps one session, so it is the default)"),
  Options.optional
)

/** Remote mode's client, loaded by the commands that talk to a server only. */
const Remote = Effect.promise(() => import("../Remote.js"))

// StoredSession.parseServer normalises whichever it is.
const chosenServer = (flag: Option.Option<string>) => Option.getOrElse(flag, () => StoredSession.serverUrl() ?? "")

/**
 * `dt login [USERNAME]`.
 *
 * @category commands
 * @since 0.1.0
 */
export const login = Command.make(
  "login",
  {
    server,
    passwordStdin: Flags.passwordStdin,
    username: Args.text({ name: "username" }).pipe(
      Args.withDescription("who signs in (default: $DT_USER, else your login name)"),
      Args.optional
    )
  },
  (flags) =>
    Effect.gen(function* () {
      const given = chosenServer(flags.server)
      if (given === "") {
        return yield* new Errors.InvalidInput({ field: "server", reason: "give --server URL or set DT_SERVER" })
      }
      const url = yield* StoredSession.parseServer(given)
      const username = yield* actorName(flags.username)
      // Without a terminal to ask on, the password comes from standard input only when --password-stdin says so: an
      // empty one read by chance would be refused as if it were wrong.
      if (!flags.passwordStdin && !process.stdin.isTTY) {
        return yield* new Errors.InvalidInput({
          field: "",
          reason: "a password is needed; with no terminal to ask on, give it on standard input with --password-stdin"
        })
      }
      const password = flags.passwordStdin
        ? yield* readStdin
        : Redacted.value(yield* Prompt.password({ message: `Password of ${username} at ${url}` }))
      const result = yield* Effect.flatMap(Remote, (remote) => remote.login(url, username, password))
      if (result.token === undefined) {
        return yield* new Errors.StorageError({ reason: `the server ${url} answered an unexpected shape` })
      }
      const expiresAt = result.expiresAt.toISOString()
      StoredSession.writeSession({ server: url, token: result.token, username, expiresAt })
      yield* note(`Signed in to ${url} as '${username}'${result.admin ? " (administrator)" : ""} until ${expiresAt}.`)
    })
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Sign in to a dt server: the commands then run over its API until dt logout.",
      "dt login admin --server https://dt.example.com",
      "dt login admin --server https://dt.example.com --password-stdin < pass.txt"
    )
  )
)

/**
 * `dt logout`.
 *
 * @category commands
 * @since 0.1.0
 */
export const logout = Command.make("logout", { server: signedInServer }, (flags) =>
  Effect.gen(function* () {
    const stored = StoredSession.readSession()
    if (stored === undefined) return yield* note("Not signed in to any server.")
    if (Option.isSome(flags.server)) {
      const named = yield* StoredSession.parseServer(flags.server.value)
      if (named !== stored.server) {
        return yield* new Errors.InvalidInput({
          field: "server",
          reason: `the session is for ${stored.server}, not ${named}: run dt logout without --server to end it`
        })
      }
    }
    // The session ends on the server; the local copy goes even if the server cannot be reached.
    const ended = yield* Effect.either(Effect.flatMap(Remote, (remote) => remote.logout(stored.server, stored.token)))
    StoredSession.removeSession()
    yield* note(
      ended._tag === "Right"
        ? `Signed out of ${stored.server}.`
        : `Forgot the session of ${stored.server} (the server could not be told: ${ended.left.message}).`
    )
  })
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Sign out of the dt server and forget the session.",
      "dt logout",
      "dt logout --server https://dt.example.com"
    )
  )
)
