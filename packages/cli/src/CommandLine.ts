/**
 * What a command line asks for, decided before @effect/cli parses it: a usage error (one sentence, exit 2), the help of
 * a command, a completion script, or a command to run (with the global options moved after the command's name).
 *
 * @since 0.1.0
 */
import { AutoCorrect, CliConfig } from "@effect/cli"
import { tree, VERSION } from "./Cli.js"
import * as CommandTree from "./CommandTree.js"
import * as Completions from "./Completions.js"
import * as Help from "./Help.js"
import { globalOptionsAfterCommand, standardInputLast, takesValue, usageProblem } from "./UsageGuard.js"

/**
 * What to do with a command line.
 *
 * @category models
 * @since 0.1.0
 */
export type Decision =
  | { readonly _tag: "Usage"; readonly message: string }
  | { readonly _tag: "Print"; readonly text: string }
  | { readonly _tag: "Run"; readonly args: ReadonlyArray<string> }

/** The words before `--` (after it, every word is an argument). */
const beforeEnd = (args: ReadonlyArray<string>) => {
  const end = args.indexOf("--")
  return end === -1 ? args : args.slice(0, end)
}

/** The subcommand names closest to a mistyped one (the fewest edits away, and at most two). */
const closest = (word: string, names: ReadonlyArray<string>): ReadonlyArray<string> => {
  const distance = (name: string) => AutoCorrect.levensteinDistance(word, name, CliConfig.defaultConfig)
  const fewest = Math.min(2, ...names.map(distance))
  return names.filter((name) => distance(name) === fewest)
}

/**
 * The options of `command`'s line as written, each with its value when it takes one there (`--name=value` or the next
 * word).
 */
const writtenOptions = function* (
  command: CommandTree.CommandSpec,
  words: ReadonlyArray<string>
): Generator<{ readonly name: string; readonly value: string | undefined }> {
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ""
    if (!/^-[-a-zA-Z]/.test(word)) continue
    const equals = word.indexOf("=")
    const name = equals === -1 ? word : word.slice(0, equals)
    // An option's value is the next word, whatever it looks like (`-f -Weird-`).
    if (equals !== -1) yield { name, value: word.slice(equals + 1) }
    else yield { name, value: takesValue(command, name) === true ? words[++index] : undefined }
  }
}

/** The first option of a command line that its command does not take (though some other command does). */
const foreignOption = (command: CommandTree.CommandSpec, words: ReadonlyArray<string>): string | undefined => {
  const own = new Set([...command.options, ...Help.BUILT_IN, ...Help.TOP_LEVEL].flatMap((option) => option.names))
  for (const { name } of writtenOptions(command, words)) if (!own.has(name)) return name
  return undefined
}

/** Choices in words: `a, b or c`. */
const either = (choices: ReadonlyArray<string>) =>
  choices.length === 1 ? (choices[0] ?? "") : `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`

/**
 * The sentence for the first option whose value is not one of its fixed choices (`--on-conflict maybe`), naming the
 * option, its choices and the value; the parser's own says only "Expected one of the following cases".
 */
const notAChoice = (command: CommandTree.CommandSpec, words: ReadonlyArray<string>): string | undefined => {
  for (const { name, value } of writtenOptions(command, words)) {
    const spec = command.options.find((option) => option.names.includes(name))
    if (spec === undefined || spec.choices.length === 0 || value === undefined || spec.choices.includes(value)) continue
    return `${name} takes ${either(spec.choices)}, not '${value}'.`
  }
  return undefined
}

/**
 * The sentence for a word that names none of a command's subcommands: it names that command's subcommands, and the
 * closest ones first.
 *
 * @category messages
 * @since 0.1.0
 */
export const unknownCommand = (parent: CommandTree.CommandSpec, word: string): string => {
  const names = parent.subcommands.map((command) => command.path[command.path.length - 1] ?? "")
  const near = closest(word, names)
  const where = ["dt", ...parent.path].join(" ")
  const guess = near.length === 0 ? "" : ` (did you mean ${near.map((name) => `'${name}'`).join(" or ")}?)`
  return `'${where}' has no command '${word}'${guess}: its commands are ${names.join(", ")}.`
}

/**
 * Decides what a command line (the words after `dt`) asks for.
 *
 * @category deciding
 * @since 0.1.0
 */
export const decide = (args: ReadonlyArray<string>): Decision => {
  const problem = usageProblem(args)
  if (problem !== undefined) return { _tag: "Usage", message: problem }
  const arranged = standardInputLast(globalOptionsAfterCommand(args))
  const words = beforeEnd(arranged)
  const { command, unknown } = CommandTree.find(tree, words)
  if (unknown !== undefined) return { _tag: "Usage", message: unknownCommand(command, unknown) }
  const foreign = command.subcommands.length === 0 ? foreignOption(command, words) : undefined
  if (foreign !== undefined) {
    const where = ["dt", ...command.path].join(" ")
    return { _tag: "Usage", message: `'${where}' has no option '${foreign}': see '${where} --help' for its options.` }
  }
  const choice = notAChoice(command, words)
  if (choice !== undefined) return { _tag: "Usage", message: choice }
  const shell = words.findIndex((word) => word === "--completions" || word.startsWith("--completions="))
  if (shell !== -1) {
    const word = words[shell] ?? ""
    const name = word.includes("=") ? word.slice(word.indexOf("=") + 1) : (words[shell + 1] ?? "")
    const script = Completions.script(tree, name)
    return script === undefined
      ? { _tag: "Usage", message: `--completions takes bash, zsh or fish, not '${name}'.` }
      : { _tag: "Print", text: script }
  }
  const wantsHelp = words.some((word) => word === "--help" || word === "-h")
  // A command that only groups others shows its help when no subcommand is given, as `dt user` always has.
  if (wantsHelp || (command.subcommands.length > 0 && words.length === command.path.length)) {
    return { _tag: "Print", text: Help.render(command, VERSION) }
  }
  return { _tag: "Run", args: arranged }
}
