/**
 * `--help`: what a command does, its usage line with the whole command (`dt user add <username> [options]`), its
 * options and arguments one line each, and examples; every line at most 100 columns. Rendered from the command tree
 * (@effect/cli's own help repeats each option's type and cannot show a subcommand's full path).
 *
 * @since 0.1.0
 */
import type { CommandSpec, OptionSpec } from "./CommandTree.js"
import * as DisplayWidth from "./internal/displayWidth.js"

/**
 * The widest line the help prints.
 *
 * @category constants
 * @since 0.1.0
 */
export const WIDTH = 100

/**
 * The options every command takes that are not in its definition: @effect/cli's own.
 *
 * @category constants
 * @since 0.1.0
 */
export const BUILT_IN: ReadonlyArray<OptionSpec> = [
  { names: ["--help", "-h"], value: undefined, choices: [], description: "show this help and exit" }
]

/**
 * The options only `dt` itself takes, before any command.
 *
 * @category constants
 * @since 0.1.0
 */
export const TOP_LEVEL: ReadonlyArray<OptionSpec> = [
  { names: ["--version"], value: undefined, choices: [], description: "print dt's version and exit" },
  {
    names: ["--completions"],
    value: "SHELL",
    choices: ["bash", "zsh", "fish"],
    description: "print a completion script for this shell (see the README for where to put it)"
  },
  {
    names: ["--log-level"],
    value: "LEVEL",
    choices: ["all", "trace", "debug", "info", "warning", "error", "fatal", "none"],
    description: "the least severe log lines to print on standard error (default: warning)"
  }
]

const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ["DT_DATABASE_URL", "the store when --database is not given (default: ~/.local/share/dt/dt.db)"],
  ["DT_SERVER", "the dt server to run over when neither --server nor --database is given"],
  ["DT_USER", "the user to act as when --as is not given (default: your login name)"],
  ["DT_DATABASE_CONNECT_TIMEOUT", "seconds to wait for a PostgreSQL or MySQL server to answer"],
  ["DT_DATABASE_ACQUIRE_TIMEOUT", "seconds to wait for a free connection of the pool"],
  ["DT_DATABASE_STATEMENT_TIMEOUT", "seconds a statement may run"],
  ["DT_DATABASE_PREPARED_STATEMENTS", "off: PostgreSQL plans every statement (behind PgBouncer before 1.21)"],
  ["DT_TRUST_PROXY", "dt serve: the proxies whose X-Forwarded-For to believe"],
  ["DT_ADMIN_PASSWORD", "dt serve: the first administrator's password on an empty store"],
  ["NO_COLOR", "when set, no colour even on a terminal"]
]

const EXIT_STATUS: ReadonlyArray<readonly [string, string]> = [
  ["0", "done"],
  ["1", "refused by a rule (not found, not allowed, a conflict)"],
  ["2", "bad usage or input"],
  ["3", "the store or server could not be reached"]
]

const bold = (text: string) => `\u001b[1m${text}\u001b[22m`

/** Words wrapped into lines of at most `width` columns (a single longer word stands on its own line). */
const wrap = (text: string, width: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(" ")) {
    if (line !== "" && DisplayWidth.of(line) + 1 + DisplayWidth.of(word) > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") lines.push(line)
  return lines
}

const LABEL_WIDTH = 30

/** Two columns: each label, then its text wrapped beside it (under it when the label is too wide). */
const definitions = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const labelWidth = Math.min(LABEL_WIDTH, Math.max(...rows.map(([label]) => DisplayWidth.of(label))))
  const indent = 2 + labelWidth + 2
  return rows.flatMap(([label, text]) => {
    const lines = wrap(text, WIDTH - indent)
    const pad = " ".repeat(indent)
    if (DisplayWidth.of(label) > labelWidth) return [`  ${label}`, ...lines.map((line) => pad + line)]
    const [first = "", ...rest] = lines
    return [
      `  ${label}${" ".repeat(labelWidth - DisplayWidth.of(label))}  ${first}`.trimEnd(),
      ...rest.map((line) => pad + line)
    ]
  })
}

const optionRow = (option: OptionSpec): readonly [string, string] => {
  const [long = "", ...short] = option.names
  const label = [...short, long].join(", ") + (option.value === undefined ? "" : ` ${option.value}`)
  // A column's :desc twin goes without saying once the description mentions :desc.
  const shown = option.choices.filter(
    (choice) => !(choice.endsWith(":desc") && option.choices.includes(choice.slice(0, -":desc".length)))
  )
  const choices = shown.length > 0 ? ` (one of: ${shown.join(", ")})` : ""
  return [short.length === 0 ? `    ${label}` : label, `${option.description}${choices}`]
}

const section = (title: string, lines: ReadonlyArray<string>): Array<string> =>
  lines.length === 0 ? [] : ["", bold(title), ...lines]

const name = (command: CommandSpec) => ["dt", ...command.path].join(" ")

/**
 * The usage line of a command, with its whole name: `dt user add <username> [options]`.
 *
 * @category rendering
 * @since 0.1.0
 */
export const usage = (command: CommandSpec): string => {
  if (command.subcommands.length > 0) return `${name(command)} <command> [options]`
  const args = command.args.map((arg) => (arg.optional ? `[${arg.name}]` : arg.name))
  return [name(command), ...args, "[options]"].join(" ")
}

/**
 * The help of a command: what it does, its usage, its commands or its arguments and options, and examples.
 *
 * @category rendering
 * @since 0.1.0
 */
export const render = (command: CommandSpec, version: string): string => {
  const top = command.path.length === 0
  const title = top ? `dt ${version}: ${command.summary}` : `${name(command)}: ${command.summary}`
  const options = [...command.options, ...BUILT_IN, ...(top ? TOP_LEVEL : [])]
  const lines = [
    ...wrap(title, WIDTH),
    ...section("USAGE", [`  ${usage(command)}`]),
    ...section(
      "COMMANDS",
      definitions(command.subcommands.map((sub) => [sub.path[sub.path.length - 1] ?? "", sub.summary]))
    ),
    ...section(
      "ARGUMENTS",
      command.args.length === 0
        ? []
        : definitions(
            command.args.map((arg) => [arg.name, arg.optional ? `${arg.description} (optional)` : arg.description])
          )
    ),
    ...section("OPTIONS", definitions(options.map(optionRow))),
    ...section(
      "EXAMPLES",
      command.examples.flatMap((example) =>
        wrap(example, WIDTH - 4).map((line, index) => (index === 0 ? `  ${line}` : `      ${line}`))
      )
    ),
    ...(command.subcommands.length > 0
      ? ["", `Run '${name(command)} <command> --help' for the options and examples of each command.`]
      : []),
    ...(top
      ? [...section("ENVIRONMENT", definitions(ENVIRONMENT)), ...section("EXIT STATUS", definitions(EXIT_STATUS))]
      : [])
  ]
  return lines.join("\n")
}
