/**
 * `dt audit ls`: the recorded changes, newest first, filtered by actor, target, action and time.
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { AuditEntry } from "@user-manager/core"
import { Option } from "effect"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { read } from "../Session.js"
import { walk } from "./user.js"

const filter = (name: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName("NAME"), Options.withDescription(description), Options.optional)

const ls = Command.make(
  "ls",
  {
    ...Flags.common,
    actor: filter("actor", "only changes made by this user"),
    target: filter("target", "only changes to this user or group"),
    action: Options.choice("action", AuditEntry.AuditAction.literals).pipe(
      Options.withPseudoName("ACTION"),
      Options.withDescription("only this kind of change"),
      Options.optional
    ),
    since: Flags.time("since").pipe(
      Options.withDescription("only changes at or after this time (ISO 8601: 2026-05-01, 2026-05-01T09:30Z)"),
      Options.optional
    ),
    until: Flags.time("until").pipe(Options.withDescription("only changes at or before this time"), Options.optional),
    ...Flags.window
  },
  (flags) =>
    read(flags, ({ audit, actor, me, format }) => {
      const given = (key: string, value: Option.Option<string>) =>
        Option.match(value, { onNone: () => ({}), onSome: (text) => ({ [key]: text }) })
      const query = {
        ...given("actor", flags.actor),
        ...given("target", flags.target),
        ...given("action", flags.action),
        ...given("since", flags.since),
        ...given("until", flags.until)
      }
      return Output.printList(
        Output.audit,
        format,
        me,
        walk((page) => audit.list(actor, { ...query, ...page } as never), flags)
      )
    })
).pipe(
  Command.withDescription(
    CommandTree.description(
      "List the recorded changes, newest first.",
      "dt audit ls -p --limit 20",
      "dt audit ls --target jdoe --since 2026-05-01",
      "dt audit ls --actor admin --action user.delete -j"
    )
  )
)

/**
 * `dt audit`.
 *
 * @category commands
 * @since 0.1.0
 */
export const command = Command.make("audit").pipe(
  Command.withDescription(
    CommandTree.description(
      "Read the audit trail: who changed what, and when.",
      "dt audit ls -p --limit 20",
      "dt audit ls --target jdoe -j"
    )
  ),
  Command.withSubcommands([ls])
)
