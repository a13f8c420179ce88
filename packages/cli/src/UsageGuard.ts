/**
 * Refuses an unknown option before the parser sees it: @effect/cli would otherwise take it for the value of an
 * optional positional argument (`dt user change-password --bogus`) or report a confusing neighbour instead.
 *
 * @since 0.1.0
 */

/**
 * Every option `dt` understands, and whether it takes a value (the next word, unless written `--name=value`).
 * `test/UsageGuard.test.ts` checks this list against the options each command's `--help` shows.
 *
 * @category constants
 * @since 0.1.0
 */
export const OPTIONS: ReadonlyMap<string, boolean> = new Map([
  ["--database", true],
  ["--as", true],
  ["--pretty", false],
  ["-p", false],
  ["--json", false],
  ["-j", false],
  ["--first-name", true],
  ["-f", true],
  ["--last-name", true],
  ["-l", true],
  ["--email", true],
  ["-e", true],
  ["--groups", true],
  ["-g", true],
  ["--system", false],
  ["--password-stdin", false],
  ["--dry-run", false],
  ["--search", true],
  ["--sort", true],
  ["--limit", true],
  ["--offset", true],
  ["--gid", true],
  ["--members", true],
  ["--admin", true],
  ["--actor", true],
  ["--target", true],
  ["--action", true],
  ["--since", true],
  ["--until", true],
  ["--port", true],
  ["--host", true],
  ["--server", true],
  ["--help", false],
  ["-h", false],
  ["--version", false],
  ["--wizard", false],
  ["--completions", true],
  ["--log-level", true]
])

/**
 * The first word that looks like an option but is none of `dt`'s, if any.
 *
 * @category checking
 * @since 0.1.0
 */
export const unknownOption = (args: ReadonlyArray<string>): string | undefined => {
  for (let index = 0; index < args.length; index++) {
    const word = args[index] as string
    if (word === "--") return undefined
    if (!/^-[-a-zA-Z]/.test(word)) continue
    const name = word.includes("=") ? word.slice(0, word.indexOf("=")) : word
    const takesValue = OPTIONS.get(name)
    if (takesValue === undefined) return name
    if (takesValue && !word.includes("=")) index++
  }
  return undefined
}
