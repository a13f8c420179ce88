/**
 * Checks and arranges the words of a command line before the parser sees them: refuses an unknown option (@effect/cli
 * would otherwise take it for the value of an optional positional argument, `dt user change-password --bogus`, or
 * report a confusing neighbour instead), and moves the global options written before the command after it
 * (@effect/cli only takes a command's options after its name).
 *
 * @since 0.1.0
 */
import { tree } from "./Cli.js"
import * as CommandTree from "./CommandTree.js"
import * as Flags from "./Flags.js"
import { BUILT_IN, TOP_LEVEL } from "./Help.js"

/**
 * Every option `dt` understands, and whether it takes a value (the next word, unless written `--name=value`) in some
 * command (`--members` does in `group add`, not in `group get`: `takesValue` says which for a command): read from the
 * commands' own definitions, with @effect/cli's built-in options. `--wizard` is not one of them: it asks its
 * questions on a terminal and waited for ever without one.
 *
 * @category constants
 * @since 0.1.0
 */
export const OPTIONS: ReadonlyMap<string, boolean> = (() => {
  const options = new Map<string, boolean>()
  for (const option of [...CommandTree.all(tree).flatMap((command) => command.options), ...BUILT_IN, ...TOP_LEVEL]) {
    for (const name of option.names) options.set(name, options.get(name) === true || option.value !== undefined)
  }
  return options
})()

/**
 * Whether an option takes a value when written in `command`'s line: as the command defines it, or, for an option the
 * command does not take (refused later, by name), as `OPTIONS` says; `undefined` for an option no command has.
 *
 * @category checking
 * @since 0.1.0
 */
export const takesValue = (command: CommandTree.CommandSpec, name: string): boolean | undefined => {
  const own = ownOption(command, name)
  return own === undefined ? OPTIONS.get(name) : own.value !== undefined
}

/** The option of that name `command` itself takes (or every command does), if any. */
const ownOption = (command: CommandTree.CommandSpec, name: string) =>
  [...command.options, ...BUILT_IN].find((option) => option.names.includes(name))

/** The command a word of a command line leads to: its subcommand of that name, or the same command. */
const next = (command: CommandTree.CommandSpec, word: string): CommandTree.CommandSpec =>
  command.subcommands.find((sub) => sub.path[sub.path.length - 1] === word) ?? command

/** What is wrong with the options of a command line: one that `dt` does not have, or one without its value. */
type OptionProblem = { readonly kind: "unknown" | "no value"; readonly option: string }

const optionName = (word: string) => (word.includes("=") ? word.slice(0, word.indexOf("=")) : word)

/** The first problem with the options of a command line, scanning words as the parser will take them. */
const firstProblem = (args: ReadonlyArray<string>): OptionProblem | undefined => {
  let command = tree
  for (let index = 0; index < args.length; index++) {
    const word = args[index] as string
    if (word === "--") return undefined
    if (!/^-[-a-zA-Z]/.test(word)) {
      command = next(command, word)
      continue
    }
    const name = optionName(word)
    const valued = takesValue(command, name)
    if (valued === undefined) return { kind: "unknown", option: name }
    if (valued && !word.includes("=")) {
      // Its value is the next word, unless there is none or it is another of dt's options.
      const value = args[index + 1]
      if (value === undefined || OPTIONS.has(optionName(value))) {
        // An option of another command is refused by its name, later: a value it lacks is not what is wrong.
        if (ownOption(command, name) !== undefined) return { kind: "no value", option: name }
        continue
      }
      index++
    }
  }
  return undefined
}

/**
 * The first word that looks like an option but is none of `dt`'s, if any.
 *
 * @category checking
 * @since 0.1.0
 */
export const unknownOption = (args: ReadonlyArray<string>): string | undefined => {
  const problem = firstProblem(args)
  return problem?.kind === "unknown" ? problem.option : undefined
}

/**
 * What is wrong with the options of a command line, as one sentence (the parser would otherwise take an unknown option
 * for a value, or report an option without its value as an "unknown argument"); `undefined` when nothing is.
 *
 * @category checking
 * @since 0.1.0
 */
export const usageProblem = (args: ReadonlyArray<string>): string | undefined => {
  const problem = firstProblem(args)
  if (problem === undefined) return undefined
  return problem.kind === "unknown"
    ? `unknown option '${problem.option}': see 'dt --help' for the options of each command.`
    : `option '${problem.option}' needs a value: write it after the option, or as ${problem.option}=VALUE.`
}

/**
 * The options every command that reads or changes the directory takes, which may also be written before the command:
 * `dt --database URL user ls`, `dt --as NAME group ls`, `dt -j user ls`.
 *
 * @category constants
 * @since 0.1.0
 */
export const GLOBAL_OPTIONS: ReadonlySet<string> = new Set(
  Object.values(Flags.common).flatMap((option) => CommandTree.optionSpecs(option).flatMap((spec) => spec.names))
)

// The commands that only group subcommands: their name is followed by the subcommand's.
const GROUPS: ReadonlySet<string> = new Set(
  tree.subcommands.filter((command) => command.subcommands.length > 0).map((command) => command.path[0] ?? "")
)

/**
 * The words with the global options that stand before or inside the command's name (`dt --as bob user -j ls`) moved
 * to just after it (`dt user ls --as bob -j`); any other option there, or `--`, ends the search and stays put, for
 * the parser to judge. A command that does not take a moved option refuses it as if it had been written after.
 *
 * @category arranging
 * @since 0.1.0
 */
export const globalOptionsAfterCommand = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const command: Array<string> = []
  const moved: Array<string> = []
  const wantsName = () => command.length === 0 || (command.length === 1 && GROUPS.has(command[0] as string))
  let index = 0
  for (; index < args.length && wantsName(); index++) {
    const word = args[index] as string
    if (word === "--") break
    if (word.startsWith("-")) {
      const name = word.includes("=") ? word.slice(0, word.indexOf("=")) : word
      if (!GLOBAL_OPTIONS.has(name)) break
      moved.push(word)
      if (OPTIONS.get(name) === true && !word.includes("=") && index + 1 < args.length) {
        moved.push(args[++index] as string)
      }
      continue
    }
    command.push(word)
  }
  return moved.length === 0 ? args : [...command, ...moved, ...args.slice(index)]
}

/**
 * The words with a lone `-` (standard input, as in `dt user import - --format csv`) moved to the end, where the
 * parser takes it for the positional argument it is (@effect/cli stops reading options at a `-`); a `-` that is an
 * option's value, or that follows `--`, stays put.
 *
 * @category arranging
 * @since 0.1.0
 */
export const standardInputLast = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  let command = tree
  for (let index = 0; index < args.length; index++) {
    const word = args[index] as string
    if (word === "--") return args
    if (word === "-") return index === args.length - 1 ? args : [...args.slice(0, index), ...args.slice(index + 1), "-"]
    if (!word.startsWith("-")) command = next(command, word)
    else if (takesValue(command, optionName(word)) === true && !word.includes("=")) index++
  }
  return args
}
