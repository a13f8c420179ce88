/**
 * `dt audit ls`: the recorded changes, newest first, filtered by actor, target, action and time.
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { read } from "../Session.js"
import { walk } from "./user.js"

const filter = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

const ls = Command.make(
  "ls",
  {
    ...Flags.common,
    actor: filter("actor", "only changes made by this user"),
    target: filter("target", "only changes to this user or group"),
    action: filter("action", "only this action, e.g. user.create or group.rename"),
    since: filter("since", "only changes at or after this time (ISO 8601)"),
    until: filter("until", "only changes at or before this time (ISO 8601)"),
    limit: Flags.listing.limit,
    offset: Flags.listing.offset
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
).pipe(Command.withDescription("List the recorded changes, newest first."))

/**
 * `dt audit`.
 *
 * @category commands
 * @since 0.1.0
 */
export const command = Command.make("audit").pipe(
  Command.withDescription("Read the audit trail."),
  Command.withSubcommands([ls])
)
