import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { tree } from "../src/Cli.js"
import * as Completions from "../src/Completions.js"
import { sandbox } from "./support/dt.js"

const run = promisify(execFile)

/** The completion script of a shell, written to a file for the shell to source. */
const scriptFile = (shell: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), "dt-completions-")), `dt.${shell}`)
  writeFileSync(file, Completions.script(tree, shell) ?? "")
  return file
}

const words = (text: string) => text.split(/\s+/).filter((word) => word !== "")

/** What bash offers for the words of a command line, the last one being completed, through its `complete -F` hook. */
const bash = async (line: ReadonlyArray<string>): Promise<Array<string>> => {
  const script = `source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
fn=$(complete -p dt | sed -E 's/.*-F ([^ ]+).*/\\1/')
"$fn" dt "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`
  return words((await run("bash", ["-c", script, "bash", scriptFile("bash"), ...line])).stdout)
}

/** What zsh offers: the completion function run with compinit's words and CURRENT, what it passes to compadd kept. */
const zsh = async (line: ReadonlyArray<string>): Promise<Array<string>> => {
  const script = `autoload -Uz compinit && compinit -u -D
compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
source "$1"; shift
words=("$@"); CURRENT=$#
$_comps[dt]`
  return words((await run("zsh", ["-f", "-c", script, "zsh", scriptFile("zsh"), ...line])).stdout)
}

/** What fish offers, from its own completion machinery (`complete -C`). */
const fish = async (line: string): Promise<Array<string>> => {
  const { stdout } = await run("fish", ["--no-config", "-c", `source ${scriptFile("fish")}; complete -C '${line}'`])
  return stdout
    .split("\n")
    .filter((entry) => entry !== "")
    .map((entry) => entry.split("\t")[0] ?? "")
}

const LS_OPTIONS = ["--database", "--server", "--as", "--pretty", "--json", "--search", "--sort", "--limit", "--offset"]
const USER_LS_FILTERS = ["--enabled", "--system", "--group"]
const USER_COMMANDS = ["ls", "get", "add", "modify", "rm", "enable", "disable", "add-to-group", "rm-from-group"]

describe("Completions through the real shells", () => {
  it("bash: completes every level's subcommands, the options of the command typed, and --sort's columns", async () => {
    expect(await bash(["dt", ""])).toEqual(expect.arrayContaining(["user", "group", "audit", "serve", "login"]))
    expect(await bash(["dt", "user", ""])).toEqual(expect.arrayContaining(USER_COMMANDS))
    const lsOptions = await bash(["dt", "user", "ls", "--"])
    expect(lsOptions).toEqual(expect.arrayContaining([...LS_OPTIONS, ...USER_LS_FILTERS]))
    expect(await bash(["dt", "user", "ls", "--enabled", ""])).toEqual(["true", "false"])
    expect(lsOptions).not.toContain("--first-name")
    expect(await bash(["dt", "user", "add", "bob", "--f"])).toEqual(["--first-name"])
    expect(await bash(["dt", "group", "ls", "--sort", "g"])).toEqual(["gid", "gid:desc"])
    expect(await bash(["dt", "group", "get", "ops", "--m"])).toEqual(["--members"])
    // --members takes no value in `group get` (what follows is an option again), a list of users in `group add`.
    expect(await bash(["dt", "group", "get", "ops", "--members", "--j"])).toEqual(["--json"])
    expect(await bash(["dt", "group", "add", "ops", "--members", "--j"])).toEqual([])
    expect(await bash(["dt", "--database", "x.db", "user", "l"])).toEqual(["ls", "locks"])
  })

  it("bash: completes the import and export commands, and the values of --format, --on-conflict and --below-min-uid", async () => {
    expect(await bash(["dt", ""])).toEqual(expect.arrayContaining(["import", "export"]))
    expect(await bash(["dt", "group", ""])).toEqual(expect.arrayContaining(["import", "export"]))
    expect(await bash(["dt", "user", "import", "--on-conflict", ""])).toEqual(["fail", "skip", "update"])
    expect(await bash(["dt", "import", "--format", ""])).toEqual(["json", "jsonl", "passwd"])
    expect(await bash(["dt", "user", "export", "--format", ""])).toEqual(["csv", "jsonl"])
    expect(await bash(["dt", "import", "--below-min-uid", ""])).toEqual(["skip", "system"])
  })

  it("bash: completes dt apply and its options", async () => {
    expect(await bash(["dt", "a"])).toEqual(["apply", "audit"])
    expect(await bash(["dt", "apply", "--"])).toEqual(
      expect.arrayContaining(["--file", "--prune", "--dry-run", "--yes", "--json"])
    )
  })

  it("zsh: completes every level's subcommands, the options of the command typed, and --action's values", async () => {
    expect(await zsh(["dt", ""])).toEqual(expect.arrayContaining(["user", "group", "audit"]))
    expect(await zsh(["dt", "group", ""])).toEqual(expect.arrayContaining(["ls", "add-users", "rm-users", "rename"]))
    const lsOptions = await zsh(["dt", "user", "ls", "--"])
    expect(lsOptions).toEqual(expect.arrayContaining([...LS_OPTIONS, "-p", "-j"]))
    expect(lsOptions).not.toContain("--gid")
    expect(await zsh(["dt", "audit", "ls", "--action", ""])).toEqual(
      expect.arrayContaining(["user.create", "group.rename"])
    )
  })

  it("fish: completes every level's subcommands and the options of the command typed, with what each does", async () => {
    expect(await fish("dt ")).toEqual(expect.arrayContaining(["user", "group", "audit", "init", "migrate"]))
    expect(await fish("dt user ")).toEqual(expect.arrayContaining(USER_COMMANDS))
    const lsOptions = await fish("dt user ls --")
    expect(lsOptions).toEqual(expect.arrayContaining(LS_OPTIONS))
    expect(lsOptions).not.toContain("--members")
    expect(await fish("dt user get bob --p")).toEqual(["--pretty"])
    expect(await fish("dt user ls --sort full")).toEqual(["fullName", "fullName:desc"])
    const { stdout } = await run("fish", ["--no-config", "-c", `source ${scriptFile("fish")}; complete -C 'dt user a'`])
    expect(stdout).toContain("add\tCreate a user in at least one group (-g).")
  })

  it("prints the script of each shell with dt --completions, and refuses a shell it has none for", async () => {
    const { dt } = sandbox()
    for (const shell of ["bash", "zsh", "fish"]) {
      const printed = await dt(`--completions ${shell}`)
      expect(printed.code, shell).toBe(0)
      expect(printed.stdout, shell).toBe(`${Completions.script(tree, shell)}\n`)
    }
    const refused = await dt("--completions sh")
    expect([refused.code, refused.stderr]).toEqual([2, "dt: --completions takes bash, zsh or fish, not 'sh'.\n"])
  })
})
