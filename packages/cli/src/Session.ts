/**
 * Runs a command's body with the core services over the chosen store, on behalf of the chosen actor.
 *
 * @since 0.1.0
 */
import { Actor, Audit, Errors, Groups, Settings, SignInThrottle, Tokens, Users } from "@user-manager/core"
import { Effect, Option, Schema } from "effect"
import { actorName, databaseUrl, variable } from "./Environment.js"
import type { Format } from "./Output.js"
import * as Store from "./Store.js"
import * as StoredSession from "./StoredSession.js"

/**
 * What a command body works with.
 *
 * @category models
 * @since 0.1.0
 */
export interface Session {
  readonly users: Users.Users["Type"]
  readonly groups: Groups.Groups["Type"]
  readonly audit: Audit.Audit["Type"]
  readonly signInThrottle: SignInThrottle.SignInThrottle["Type"]
  readonly settings: Settings.Settings["Type"]
  readonly tokens: Tokens.Tokens["Type"]
  readonly actor: Actor.Actor
  readonly me: string
  readonly format: Format
}

/**
 * The flags that say where and who, and how to print.
 *
 * @category models
 * @since 0.1.0
 */
export interface Common {
  readonly database: Option.Option<string>
  readonly server: Option.Option<string>
  readonly as: Option.Option<string>
  readonly pretty: boolean
  readonly json: boolean
}

/** The session of `me` over the core's services, printing as the flags say: the same in local and remote mode. */
const session = (
  services: Pick<Session, "users" | "groups" | "audit" | "signInThrottle" | "settings" | "tokens">,
  me: string,
  common: Common
): Session => ({ ...services, actor: Actor.user(me), me, format: { pretty: common.pretty, json: common.json } })

/**
 * The server of remote mode: `--server`; else, unless a database is named, `DT_SERVER` or the one `dt login` stored.
 * Whichever names it, it must be an http(s) URL.
 */
const remoteServer = (common: Common): Effect.Effect<string | undefined, Errors.InvalidInput> =>
  Effect.gen(function* () {
    if (Option.isSome(common.server) && Option.isSome(common.database)) {
      return yield* new Errors.InvalidInput({ field: "server", reason: "give either --server or --database, not both" })
    }
    const remoteUnlessNamed =
      Option.isSome(yield* variable("DT_SERVER")) || Option.isNone(yield* variable("DT_DATABASE_URL"))
    const chosen = Option.isSome(common.server)
      ? common.server.value
      : Option.isNone(common.database) && remoteUnlessNamed
        ? StoredSession.serverUrl()
        : undefined
    return chosen === undefined ? undefined : yield* StoredSession.parseServer(chosen)
  })

/**
 * The server of remote mode and the bearer token `dt login` stored for it, or `undefined` in local mode: for the
 * commands that reach the server's raw routes (bulk export) rather than the core's services.
 *
 * @category running
 * @since 0.1.0
 */
export const remoteTarget = (
  common: Common
): Effect.Effect<{ readonly server: string; readonly token: string | undefined } | undefined, Errors.InvalidInput> =>
  Effect.map(remoteServer(common), (server) => {
    if (server === undefined) return undefined
    const stored = StoredSession.readSession()
    return { server, token: stored?.server.replace(/\/+$/, "") === server ? stored.token : undefined }
  })

/**
 * Opens the store named by the flags (or, in remote mode, reaches the server), runs `body`, and closes the store.
 *
 * @category running
 * @since 0.1.0
 */
export const run = <A, E, R>(
  common: Common,
  body: (session: Session) => Effect.Effect<A, E, R>,
  mode: Store.Mode = "existing"
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const server = mode === "create" ? undefined : yield* remoteServer(common)
      if (server !== undefined) {
        const stored = StoredSession.readSession()
        const signedIn = stored?.server.replace(/\/+$/, "") === server ? stored : undefined
        // The server knows the actor by the session: an --as naming someone else would be silently ignored.
        if (signedIn !== undefined && Option.isSome(common.as) && common.as.value !== signedIn.username) {
          return yield* new Errors.InvalidInput({
            field: "as",
            reason: `on a server you act as the signed-in user '${signedIn.username}': sign in as '${common.as.value}' with dt login`
          })
        }
        const me = signedIn?.username ?? (yield* actorName(common.as))
        // Loaded here only: local commands never build the API's definition or its client.
        const Remote = yield* Effect.promise(() => import("./Remote.js"))
        return yield* body(session(yield* Remote.services(server, signedIn?.token), me, common))
      }
      return yield* runLocal(common, body, mode)
    })
  )

/**
 * Opens the store named by `--database` (never a server), runs `body` with the core services over it, which `body` may
 * also require itself, and closes the store.
 *
 * @category running
 * @since 0.1.0
 */
export const runLocal = <A, E, R>(
  common: Common,
  body: (session: Session) => Effect.Effect<A, E, R>,
  mode: Store.Mode = "existing"
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { layer } = yield* Store.open(yield* databaseUrl(common.database), mode)
      const me = yield* actorName(common.as)
      return yield* Effect.gen(function* () {
        const services = {
          users: yield* Users.Users,
          groups: yield* Groups.Groups,
          audit: yield* Audit.Audit,
          signInThrottle: yield* SignInThrottle.SignInThrottle,
          settings: yield* Settings.Settings,
          tokens: yield* Tokens.Tokens
        }
        return yield* body(session(services, me, common))
      }).pipe(Effect.provide(layer))
    })
  )

/**
 * A command that works on a local database only was pointed at a server.
 *
 * @category errors
 * @since 0.1.0
 */
export class LocalOnly extends Schema.TaggedError<LocalOnly>()("LocalOnly", {
  command: Schema.String,
  server: Schema.String
}) {
  override get message(): string {
    return `${this.command} needs a local database for now, not the server ${this.server}: give --database (or DT_DATABASE_URL), or run it where the database is.`
  }
}

/**
 * Runs the local half of a command that goes to a server its own way (bulk import, export, apply): as `runLocal`, but
 * refused in one sentence when the flags, the environment or `dt login` point at a server, instead of quietly using a
 * database.
 *
 * @category running
 * @since 0.1.0
 */
export const runLocalOnly = <A, E, R>(
  command: string,
  common: Common,
  body: (session: Session) => Effect.Effect<A, E, R>,
  mode: Store.Mode = "existing"
) =>
  Effect.gen(function* () {
    const server = yield* remoteServer(common)
    if (server !== undefined) return yield* new LocalOnly({ command, server })
    return yield* runLocal(common, body, mode)
  })

/**
 * Runs a command that only reads (`ls`, `get`): as `run`, with an SQLite file opened read-only, so that it needs no
 * write access and never creates or grows a file.
 *
 * @category running
 * @since 0.1.0
 */
export const read = <A, E, R>(common: Common, body: (session: Session) => Effect.Effect<A, E, R>) =>
  run(common, body, "read")

/**
 * Reads a password from standard input: its first line, without the line ending, as `chpasswd` reads one (what follows
 * is not read).
 *
 * @category input
 * @since 0.1.0
 */
export const readStdin: Effect.Effect<string> = Effect.promise(async () => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer)
    if ((chunk as Buffer).includes(0x0a)) break
  }
  const text = Buffer.concat(chunks).toString("utf8")
  const end = text.indexOf("\n")
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, "")
})

/**
 * Logs the core's warning for a directory that no administrator can manage (its admin group holding only system
 * users), if it is one: at `dt serve`'s start and by `dt init`, which can add the administrator.
 *
 * @category output
 * @since 0.1.0
 */
export const warnIfNoAdministrator = Effect.flatMap(
  Users.administratorWarning,
  Option.match({ onNone: () => Effect.void, onSome: (warning) => Effect.logWarning(warning) })
)

/**
 * Prints a line to standard error (messages for people that are not the command's output).
 *
 * @category output
 * @since 0.1.0
 */
export const note = (text: string) => Effect.sync(() => process.stderr.write(`${text}\n`))
