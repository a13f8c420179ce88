/**
 * `dt config get [KEY]` and `dt config set KEY VALUE`: the directory-wide settings stored with the directory (admin
 * group, GID range, minimum password length), which `dt` and every `dt serve` on the database follow.
 *
 * @since 0.1.0
 */
import { Args, Command, HelpDoc, Options } from "@effect/cli"
import { Settings } from "@user-manager/core"
import { Effect, Option } from "effect"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { note, read, run } from "../Session.js"

const settingNames = `${Settings.keys.slice(0, -1).join(", ")} and ${Settings.keys[Settings.keys.length - 1]}`

/** The name of a setting; any other word is refused in dt's sentence (the parser's names the "cases" it expected). */
const key = Args.text({ name: "key" }).pipe(
  Args.mapEffect((word) => {
    const name = Settings.keys.find((candidate) => candidate === word)
    return name === undefined
      ? Effect.fail(HelpDoc.p(`'${word}' is not a setting: the settings are ${settingNames}.`))
      : Effect.succeed(name)
  }),
  Args.withDescription(`the setting: ${Settings.keys.join(", ")}`)
)

/** A value as typed: a whole number where it reads as one, else the text, for the core to check. */
const typed = (text: string): string | number => (/^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : text)

const get = Command.make("get", { ...Flags.common, key: Args.optional(key) }, (flags) =>
  read(flags, ({ settings, actor, format }) =>
    Effect.flatMap(settings.get(actor), (current) =>
      Output.printSettings(format, current, Option.getOrUndefined(flags.key))
    )
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Print the directory's settings, or one of them.",
      "dt config get",
      "dt config get minPasswordLength",
      "dt config get -j"
    )
  )
)

const set = Command.make(
  "set",
  {
    ...Flags.common,
    key,
    value: Args.text({ name: "value" }).pipe(Args.withDescription("its new value")),
    dryRun: Flags.dryRun
  },
  (flags) =>
    run(flags, ({ settings, actor, format }) =>
      Effect.gen(function* () {
        const changed = yield* settings.set(actor, { [flags.key]: typed(flags.value) }, { dryRun: flags.dryRun })
        if (flags.dryRun) yield* note("dry run: nothing was changed; the settings would be:")
        yield* Output.printSettings(format, changed)
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Change one of the directory's settings (administrators), for every dt and dt serve on the database.",
      "dt config set minPasswordLength 12",
      "dt config set gidMin 5000 --dry-run",
      "dt config set adminGroup wheel"
    )
  )
)

/**
 * `dt config`.
 *
 * @category commands
 * @since 0.1.0
 */
export const command = Command.make("config").pipe(
  Command.withDescription(
    CommandTree.description(
      "Read and change the directory's settings: admin group, GID range, minimum password length.",
      "dt config get",
      "dt config set gidMax 70000"
    )
  ),
  Command.withSubcommands([get, set])
)

/**
 * The settings `dt init` takes for a new directory, each also a `dt config set` key.
 *
 * @category options
 * @since 0.1.0
 */
export const initSettings = {
  adminGroup: Options.text("admin-group").pipe(
    Options.withPseudoName("NAME"),
    Options.withDescription("the admin group's name (default admins)"),
    Options.optional
  ),
  gidMin: Flags.wholeNumber("gid-min").pipe(
    Options.withDescription("the first GID handed out (default 1000)"),
    Options.optional
  ),
  gidMax: Flags.wholeNumber("gid-max").pipe(
    Options.withDescription("the last GID handed out (default 60000)"),
    Options.optional
  ),
  minPasswordLength: Flags.wholeNumber("min-password-length").pipe(
    Options.withDescription("the shortest password accepted (default 8)"),
    Options.optional
  )
}

/** The settings given to `dt init`, as the core's change of settings. */
export const givenSettings = (flags: {
  readonly adminGroup: Option.Option<string>
  readonly gidMin: Option.Option<number>
  readonly gidMax: Option.Option<number>
  readonly minPasswordLength: Option.Option<number>
}): Settings.SettingsChange =>
  Object.fromEntries(
    Settings.keys.flatMap((name) => {
      const value: Option.Option<string | number> = flags[name]
      return Option.isSome(value) ? [[name, value.value]] : []
    })
  )
