/**
 * The `dt` command tree as plain data, read from the @effect/cli definitions themselves: each command's path, summary,
 * examples, options and arguments. The usage guard, the help and the completion scripts are all built from it, so an
 * option is written once, where the command that takes it is defined.
 *
 * @since 0.1.0
 */
import { HelpDoc } from "@effect/cli"
import type * as Span from "@effect/cli/HelpDoc/Span"

/**
 * One option of a command: its names (the long one first), the placeholder of its value (none for a flag), the values
 * it accepts when they are a fixed list, and what it does.
 *
 * @category models
 * @since 0.1.0
 */
export interface OptionSpec {
  readonly names: ReadonlyArray<string>
  readonly value: string | undefined
  readonly choices: ReadonlyArray<string>
  readonly description: string
}

/**
 * One positional argument of a command.
 *
 * @category models
 * @since 0.1.0
 */
export interface ArgSpec {
  readonly name: string
  readonly optional: boolean
  readonly description: string
}

/**
 * One command: its words after `dt` (empty for `dt` itself), its one-line summary, its examples, its options and
 * arguments, and its subcommands.
 *
 * @category models
 * @since 0.1.0
 */
export interface CommandSpec {
  readonly path: ReadonlyArray<string>
  readonly summary: string
  readonly examples: ReadonlyArray<string>
  readonly options: ReadonlyArray<OptionSpec>
  readonly args: ReadonlyArray<ArgSpec>
  readonly subcommands: ReadonlyArray<CommandSpec>
}

/**
 * A command's description: its one-line summary, and the command lines that show it at work.
 *
 * @category describing
 * @since 0.1.0
 */
export const description = (summary: string, ...examples: ReadonlyArray<string>): HelpDoc.HelpDoc =>
  examples.reduce(
    (doc, example) => HelpDoc.sequence(doc, HelpDoc.enumeration([HelpDoc.p(example)])),
    HelpDoc.p(summary)
  )

// The shapes of @effect/cli's definitions (its instructions are data with a _tag; their types are not exported).
type Node = { readonly _tag: string } & Record<string, unknown>

/** The words of a span, without its styles. */
const spanText = (span: Span.Span): string =>
  span._tag === "Text" || span._tag === "URI"
    ? span.value
    : span._tag === "Sequence"
      ? spanText(span.left) + spanText(span.right)
      : spanText(span.value)

/** The words of a doc, its blocks one after the other. */
const docText = (doc: HelpDoc.HelpDoc): string => {
  switch (doc._tag) {
    case "Empty":
      return ""
    case "Header":
    case "Paragraph":
      return spanText(doc.value)
    case "DescriptionList":
      return doc.definitions.map(([term, definition]) => `${spanText(term)} ${docText(definition)}`).join(" ")
    case "Enumeration":
      return doc.elements.map(docText).join(" ")
    case "Sequence":
      return `${docText(doc.left)} ${docText(doc.right)}`
  }
}

// Read from the doc's data: rendering it through the library's layout (HelpDoc.toAnsiText) for every description of
// the tree made a large part of every command's start, which builds the tree.
const plain = (doc: HelpDoc.HelpDoc): string => docText(doc).replace(/\s+/g, " ").trim()

const docParts = (doc: HelpDoc.HelpDoc): { summary: string; examples: Array<string> } => {
  if (doc._tag === "Sequence") {
    const left = docParts(doc.left)
    const right = docParts(doc.right)
    return {
      summary: [left.summary, right.summary].filter((s) => s !== "").join(" "),
      examples: [...left.examples, ...right.examples]
    }
  }
  if (doc._tag === "Enumeration") return { summary: "", examples: doc.elements.map(plain) }
  return { summary: plain(doc), examples: [] }
}

const optionName = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`)

const options = (node: Node): Array<OptionSpec> => {
  switch (node._tag) {
    case "Single": {
      const primitive = node.primitiveType as Node
      const names = [node.fullName as string, ...(node.aliases as ReadonlyArray<string>).map(optionName)]
      return [
        {
          names: names.sort((a, b) => Number(a.startsWith("--") === false) - Number(b.startsWith("--") === false)),
          value: primitive._tag === "Bool" ? undefined : (node.placeholder as string),
          choices:
            primitive._tag === "Choice"
              ? (primitive.alternatives as ReadonlyArray<readonly [string, unknown]>).map(([choice]) => choice)
              : [],
          description: plain(node.description as HelpDoc.HelpDoc)
        }
      ]
    }
    case "Both":
    case "OrElse":
      return [...options(node.left as Node), ...options(node.right as Node)]
    case "Map":
    case "WithDefault":
    case "WithFallback":
      return options(node.options as Node)
    case "Variadic":
    case "KeyValueMap":
      return options(node.argumentOption as Node)
    default:
      return []
  }
}

/**
 * The specs of an @effect/cli option (or of the options it combines).
 *
 * @category reading
 * @since 0.1.0
 */
export const optionSpecs = (option: unknown): ReadonlyArray<OptionSpec> => options(option as Node)

const args = (node: Node, optional = false): Array<ArgSpec> => {
  switch (node._tag) {
    case "Single":
      return [
        {
          name: `<${Option(node.pseudoName) ?? (node.name as string)}>`,
          optional,
          description: plain(node.description as HelpDoc.HelpDoc)
        }
      ]
    case "Both":
      return [...args(node.left as Node, optional), ...args(node.right as Node, optional)]
    case "Map":
    case "WithFallbackConfig":
      return args(node.args as Node, optional)
    case "WithDefault":
      return args(node.args as Node, true)
    case "Variadic":
      return args(node.args as Node, optional || Option(node.min) === undefined || Option(node.min) === 0)
    default:
      return []
  }
}

// An Option of @effect/cli's data, read without importing Option's runtime for one field.
const Option = (value: unknown): unknown =>
  (value as { _tag: string })._tag === "Some" ? (value as { value: unknown }).value : undefined

const walk = (node: Node, parent: ReadonlyArray<string>): CommandSpec => {
  switch (node._tag) {
    case "Map":
      return walk(node.command as Node, parent)
    case "Subcommands": {
      const own = walk(node.parent as Node, parent)
      return { ...own, subcommands: (node.children as ReadonlyArray<Node>).map((child) => walk(child, own.path)) }
    }
    default: {
      const name = node.name as string
      const { summary, examples } = docParts(node.description as HelpDoc.HelpDoc)
      return {
        path: parent.length === 0 && name === "dt" ? [] : [...parent, name],
        summary,
        examples,
        options: node._tag === "Standard" ? options(node.options as Node) : [],
        args: node._tag === "Standard" ? args(node.args as Node) : [],
        subcommands: []
      }
    }
  }
}

/**
 * The tree of a command, read from its definition.
 *
 * @category reading
 * @since 0.1.0
 */
export const read = (command: { readonly descriptor: unknown }): CommandSpec =>
  walk(command.descriptor as unknown as Node, [])

/**
 * Every command of a tree, parents before their subcommands.
 *
 * @category reading
 * @since 0.1.0
 */
export const all = (tree: CommandSpec): ReadonlyArray<CommandSpec> => [tree, ...tree.subcommands.flatMap(all)]

/**
 * The command named by the first words of a command line, and the words that name it: `user ls -j` gives `dt user ls`;
 * a word that names no subcommand stops the walk (`unknown` is that word, when the command has subcommands).
 *
 * @category reading
 * @since 0.1.0
 */
export const find = (
  tree: CommandSpec,
  words: ReadonlyArray<string>
): { readonly command: CommandSpec; readonly unknown: string | undefined } => {
  let command = tree
  for (const word of words) {
    if (word.startsWith("-") || command.subcommands.length === 0) break
    const next = command.subcommands.find((sub) => sub.path[sub.path.length - 1] === word)
    if (next === undefined) return { command, unknown: word }
    command = next
  }
  return { command, unknown: undefined }
}
