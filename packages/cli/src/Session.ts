/**
 * Runs a command's body with the core services over the chosen store, on behalf of the chosen actor.
 *
 * @since 0.1.0
 */
import { Actor, Audit, Groups, Users } from "@dt/core"
import { Effect, type Option } from "effect"
import { actorName, databaseUrl } from "./Environment.js"
import type { Format } from "./Output.js"
import * as Store from "./Store.js"

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
  readonly as: Option.Option<string>
  readonly pretty: boolean
  readonly json: boolean
}

/**
 * Opens the store named by the flags, runs `body`, and closes the store.
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
      const { layer } = yield* Store.open(databaseUrl(common.database), mode)
      return yield* Effect.gen(function* () {
        const me = actorName(common.as)
        return yield* body({
          users: yield* Users.Users,
          groups: yield* Groups.Groups,
          audit: yield* Audit.Audit,
          actor: Actor.user(me),
          me,
          format: { pretty: common.pretty, json: common.json }
        })
      }).pipe(Effect.provide(layer))
    })
  )

/**
 * Reads a password from standard input: the whole input, less one trailing newline.
 *
 * @category input
 * @since 0.1.0
 */
export const readStdin: Effect.Effect<string> = Effect.promise(async () => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "")
})

/**
 * Prints a line to standard error (messages for people that are not the command's output).
 *
 * @category output
 * @since 0.1.0
 */
export const note = (text: string) => Effect.sync(() => process.stderr.write(`${text}\n`))
