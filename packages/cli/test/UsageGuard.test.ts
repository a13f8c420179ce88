import { describe, expect, it } from "vitest"
import { tree } from "../src/Cli.js"
import * as CommandTree from "../src/CommandTree.js"
import {
  globalOptionsAfterCommand,
  OPTIONS,
  standardInputLast,
  takesValue,
  unknownOption,
  usageProblem
} from "../src/UsageGuard.js"
import { sandbox } from "./support/dt.js"

const COMMANDS = [
  "user ls",
  "user get",
  "user add",
  "user modify",
  "user rm",
  "user enable",
  "user disable",
  "user add-to-group",
  "user rm-from-group",
  "user change-password",
  "user locks",
  "user unlock",
  "user import",
  "user export",
  "group ls",
  "group get",
  "group add",
  "group rename",
  "group rm",
  "group add-users",
  "group rm-users",
  "group import",
  "group export",
  "import",
  "export",
  "init",
  "migrate",
  "audit ls",
  "serve",
  "login",
  "logout"
]

describe("UsageGuard", () => {
  it("knows every option that some command's --help shows, with whether it takes a value in that command", async () => {
    const { dt } = sandbox()
    let checked = 0
    // Four at a time: one after the other, the dt starts alone took most of a minute on a busy machine.
    const helps: Array<string> = []
    for (let start = 0; start < COMMANDS.length; start += 4) {
      const some = COMMANDS.slice(start, start + 4).map((command) => dt(`${command} --help`))
      for (const run of await Promise.all(some)) helps.push(run.stdout)
    }
    for (const [index, command] of COMMANDS.entries()) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal colours
      const help = (helps[index] ?? "").replace(/\u001b\[[0-9;]*m/g, "")
      for (const line of help.split("\n")) {
        // An option's line: "  -g, --groups GROUP,…  what it does" or "      --system  what it does".
        const match = /^(?:(-\w), )?(--[\w-]+)(?: ([A-Z][^ ]*))?(?: {2}|$)/.exec(line.trim())
        if (match === null) continue
        const [, short, long, value] = match
        const valued = value !== undefined
        checked++
        const spec = CommandTree.find(tree, command.split(" ")).command
        expect(OPTIONS.has(long as string), `${command}: ${long}`).toBe(true)
        expect(takesValue(spec, long as string), `${command}: ${long}`).toBe(valued)
        if (short !== undefined) expect(takesValue(spec, short), `${command}: ${short}`).toBe(valued)
      }
    }
    expect(checked).toBeGreaterThan(COMMANDS.length * 6)
  })

  it("finds an unknown option wherever it stands, but not an option's value or what follows --", async () => {
    expect(unknownOption(["user", "get", "--bogus", "john"])).toBe("--bogus")
    expect(unknownOption(["group", "add-users", "admins", "-x"])).toBe("-x")
    expect(unknownOption(["user", "add", "john", "-f", "-Weird-", "-g", "a"])).toBeUndefined()
    expect(unknownOption(["user", "ls", "--offset=1", "--sort", "username:desc"])).toBeUndefined()
    expect(unknownOption(["user", "change-password", "--", "-starts-with-dash"])).toBeUndefined()
  })

  it("refuses an unknown option with exit 2 before it can be taken for a value", async () => {
    const { dt } = sandbox()
    for (const args of ["user get --bogus root", "group add-users admins --bogus", "user change-password --bogus"]) {
      const run = await dt(args)
      expect(run.code).toBe(2)
      expect(run.stderr).toBe("dt: unknown option '--bogus': see 'dt --help' for the options of each command.\n")
    }
  })

  it("refuses an option without its value in one sentence (exit 2), the value given after it or with =", async () => {
    expect(usageProblem(["user", "ls", "--limit"])).toBe(
      "option '--limit' needs a value: write it after the option, or as --limit=VALUE."
    )
    expect(usageProblem(["user", "ls", "--server", "--json"])).toContain("option '--server' needs a value")
    expect(usageProblem(["user", "ls", "--search=-j", "--offset", "-1"])).toBeUndefined()
    // An option's value is as its command defines it: `group add`'s --members takes one, `group get`'s does not.
    expect(usageProblem(["group", "add", "ops", "--members"])).toContain("option '--members' needs a value")
    expect(usageProblem(["group", "get", "ops", "--members"])).toBeUndefined()
    expect(usageProblem(["-j", "group", "get", "ops", "--members", "-p"])).toBeUndefined()
    expect(standardInputLast(["group", "get", "--members", "-", "-j"])).toEqual([
      "group",
      "get",
      "--members",
      "-j",
      "-"
    ])
    const { dt } = sandbox()
    for (const [args, option] of [
      ["user ls --database", "--database"],
      ["group ls --server", "--server"],
      ["user add bob -g", "-g"],
      ["user ls --as -j", "--as"]
    ] as const) {
      const run = await dt(args)
      expect([run.code, run.stdout]).toEqual([2, ""])
      expect(run.stderr).toBe(
        `dt: option '${option}' needs a value: write it after the option, or as ${option}=VALUE.\n`
      )
    }
  })

  it("refuses another command's option by its name, not for the value it lacks", async () => {
    // `--system` takes a value in `dt user ls`; `dt user modify` has no such option at all.
    expect(usageProblem(["user", "modify", "john", "--system"])).toBeUndefined()
    const { dt } = sandbox()
    const run = await dt("user modify john --system")
    expect([run.code, run.stdout]).toEqual([2, ""])
    expect(run.stderr).toBe(
      "dt: 'dt user modify' has no option '--system': see 'dt user modify --help' for its options.\n"
    )
  })

  it("moves the global options written before or inside the command's name to just after it", () => {
    const arranged = (line: string) => globalOptionsAfterCommand(line.split(" ")).join(" ")
    expect(arranged("--database sqlite:x.db user ls")).toBe("user ls --database sqlite:x.db")
    expect(arranged("--as bob group ls --limit 5")).toBe("group ls --as bob --limit 5")
    expect(arranged("-j user get john")).toBe("user get -j john")
    expect(arranged("--as=bob user -j -p ls")).toBe("user ls --as=bob -j -p")
    expect(arranged("--database sqlite:x.db init --admin boss")).toBe("init --database sqlite:x.db --admin boss")
    expect(arranged("user ls --as bob")).toBe("user ls --as bob")
  })

  it("leaves the words alone from any other option or -- before the command, for the parser to judge", () => {
    const unchanged = ["--help user ls", "-j --version", "--as bob -- user ls", "--dry-run user rm john", "user ls"]
    for (const line of unchanged) expect(globalOptionsAfterCommand(line.split(" ")).join(" ")).toBe(line)
    expect(globalOptionsAfterCommand(["--as", "bob", "--help"])).toEqual(["--as", "bob", "--help"])
  })

  it("moves a lone - (standard input) after the options, but not an option's value or what follows --", () => {
    const arranged = (line: string) => standardInputLast(line.split(" ")).join(" ")
    expect(arranged("user import - --format csv -q")).toBe("user import --format csv -q -")
    expect(arranged("user export -o - --format csv")).toBe("user export -o - --format csv")
    expect(arranged("user import -- - --format")).toBe("user import -- - --format")
    expect(arranged("user import --format csv -")).toBe("user import --format csv -")
  })
})
