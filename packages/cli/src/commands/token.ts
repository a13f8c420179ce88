/**
 * `dt token create|ls|rm`: API tokens for machines (an identity provider's SCIM client, a backup job), made, listed and
 * revoked by administrators signed in as themselves. A new token's value is printed once, alone on standard output,
 * so that a script can capture it; only its hash is stored.
 *
 * @since 0.2.0
 */
import { Args, Command, HelpDoc, Options, ValidationError } from "@effect/cli"
import { ApiToken } from "@user-manager/core"
import { Console, Effect, Option, Redacted } from "effect"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { note, read, run } from "../Session.js"

const DAY = 24 * 60 * 60 * 1000

/**
 * When a token made now expires, from `--expires`: `never`, a number of days (`30d`), or a date or time (ISO 8601,
 * `2027-06-30`); left out, the core's default (90 days).
 *
 * @category parsing
 * @since 0.2.0
 */
export const expiry = (text: string, now: number): Date | null | string => {
  const word = text.trim()
  if (word === "never") return null
  const days = /^(\d{1,5})d$/.exec(word)
  if (days?.[1] !== undefined) return new Date(now + Number(days[1]) * DAY)
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(word)) {
    const date = new Date(word)
    if (!Number.isNaN(date.getTime())) return date
  }
  return `--expires takes 'never', a number of days such as 30d, or a date such as 2027-06-30, not '${word}'.`
}

const name = Args.text({ name: "name" }).pipe(
  Args.withDescription("the client the token is for: 1–32 characters, a-z, 0-9, '.', '_', '-' (e.g. scim-entra)")
)

const create = Command.make(
  "create",
  {
    ...Flags.common,
    name,
    scope: Options.choice("scope", ApiToken.TokenScope.literals).pipe(
      Options.withDescription(
        "api: what an administrator may do through the API; scim: the SCIM endpoints only; read: reads only"
      )
    ),
    expires: Options.text("expires").pipe(
      Options.withPseudoName("WHEN"),
      Options.withDescription("when it stops working: never, 30d, or a date such as 2027-06-30 (default: in 90 days)"),
      Options.mapEffect((text) => {
        const when = expiry(text, Date.now())
        return typeof when === "string"
          ? Effect.fail(ValidationError.invalidValue(HelpDoc.p(when)))
          : Effect.succeed(when)
      }),
      Options.optional
    )
  },
  (flags) =>
    run(flags, ({ tokens, actor, format }) =>
      Effect.gen(function* () {
        const made = yield* tokens.create(actor, {
          name: flags.name,
          scope: flags.scope,
          ...(Option.isSome(flags.expires) ? { expiresAt: flags.expires.value } : {})
        })
        const value = Redacted.value(made.token)
        if (format.json) {
          const json = { token: value, apiToken: Output.tokens.json(made.apiToken) }
          return yield* Console.log(JSON.stringify(json, null, format.pretty ? 2 : undefined))
        }
        yield* Console.log(value)
        const until = made.apiToken.expiresAt?.toISOString().slice(0, 10)
        yield* note(
          `Token '${made.apiToken.name}' (scope ${made.apiToken.scope}) ${until === undefined ? "never expires" : `expires ${until}`}. This is the only time its value is shown: store it now.`
        )
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Make an API token for a machine (administrators); its value is printed once, alone on standard output.",
      "dt token create scim-entra --scope scim",
      "dt token create backup --scope read --expires 30d",
      "dt token create ci --scope api --expires 2027-06-30 -j"
    )
  )
)

const ls = Command.make("ls", { ...Flags.common }, (flags) =>
  read(flags, ({ tokens, actor, format, me }) =>
    Output.printList(Output.tokens, format, me, (emit) => Effect.flatMap(tokens.list(actor), emit))
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "List the API tokens: name, scope, who made each and when, expiry, last use (never their values).",
      "dt token ls",
      "dt token ls -p"
    )
  )
)

const rm = Command.make("rm", { ...Flags.common, name }, (flags) =>
  run(flags, ({ tokens, actor }) =>
    Effect.gen(function* () {
      yield* tokens.revoke(actor, flags.name)
      yield* note(`Token '${flags.name}' is revoked: the next request made with it is refused.`)
    })
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Revoke an API token (administrators).",
      "dt token rm scim-entra",
      "dt token rm backup --server https://dt.example.com"
    )
  )
)

/**
 * `dt token`.
 *
 * @category commands
 * @since 0.2.0
 */
export const command = Command.make("token").pipe(
  Command.withDescription(
    CommandTree.description(
      "Make, list and revoke API tokens for machines (SCIM clients, scripts).",
      "dt token create scim-entra --scope scim",
      "dt token ls"
    )
  ),
  Command.withSubcommands([create, ls, rm])
)
