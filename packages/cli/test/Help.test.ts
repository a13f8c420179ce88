import { describe, expect, it } from "vitest"
import { tree } from "../src/Cli.js"
import { decide } from "../src/CommandLine.js"
import * as CommandTree from "../src/CommandTree.js"
import { WIDTH } from "../src/Help.js"
import { sandbox } from "./support/dt.js"

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal styles
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")

/** The help `dt <path> --help` prints, as decided from the command line. */
const help = (path: ReadonlyArray<string>): string => {
  const decision = decide([...path, "--help"])
  if (decision._tag !== "Print") throw new Error(`dt ${path.join(" ")} --help printed no help`)
  return plain(decision.text)
}

const commands = CommandTree.all(tree)

describe("Help", () => {
  it("keeps every line of every command's --help within 100 columns", () => {
    expect(commands.length).toBeGreaterThan(25)
    for (const command of commands) {
      for (const line of help(command.path).split("\n")) {
        expect([...line].length, `dt ${command.path.join(" ")}: ${line}`).toBeLessThanOrEqual(WIDTH)
      }
    }
  })

  it("shows the usage line with the whole command, as it is typed: dt user add <username> [options]", () => {
    expect(help(["user", "add"])).toMatch(/^USAGE\n {2}dt user add <username> \[options\]$/m)
    expect(help(["group", "rename"])).toMatch(/^ {2}dt group rename <old_name> <new_name> \[options\]$/m)
    expect(help(["user"])).toMatch(/^ {2}dt user <command> \[options\]$/m)
    for (const command of commands) expect(help(command.path)).toContain(`  ${["dt", ...command.path].join(" ")}`)
    expect(help(["user", "add"])).not.toMatch(/\$ add/)
  })

  it("says in one line what each command, option and argument does, never 'A user-defined piece of text.'", () => {
    for (const command of commands) {
      expect(command.summary, `dt ${command.path.join(" ")}`).not.toBe("")
      for (const option of command.options) expect(option.description, option.names[0]).not.toBe("")
      for (const arg of command.args) expect(arg.description, arg.name).not.toBe("")
      const text = help(command.path)
      expect(text).not.toContain("A user-defined piece of text")
      expect(text).not.toContain("This setting is optional")
    }
  })

  it("gives every command two or three examples that run that command", () => {
    for (const command of commands) {
      const name = ["dt", ...command.path].join(" ")
      expect(command.examples.length, name).toBeGreaterThanOrEqual(2)
      expect(command.examples.length, name).toBeLessThanOrEqual(3)
      for (const example of command.examples) expect(example, name).toContain(command.path.length === 0 ? "dt " : name)
      expect(help(command.path)).toContain(`EXAMPLES\n  ${command.examples[0]}`)
    }
  })

  it("lists the choices of --sort and --action, and the placeholder of each option's value", () => {
    expect(help(["user", "ls"])).toMatch(/--sort COLUMN\[:desc\] +order by .*\(one of:\s+username, fullName,/s)
    expect(help(["group", "ls"]).replace(/\s+/g, " ")).toContain("(one of: name, gid, members, createdAt, updatedAt)")
    expect(help(["audit", "ls"])).toMatch(/--action ACTION +only this kind of change \(one of: directory.bootstrap,/)
    expect(help(["user", "add"])).toMatch(/-g, --groups GROUP,… +the user's groups, comma-separated/)
  })

  it("prints a group command's help for dt user, with its subcommands, and exits 0", async () => {
    const { dt } = sandbox()
    const run = await dt("user")
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^COMMANDS\n {2}ls +List users/m)
    expect(run.stdout).toContain("Run 'dt user <command> --help'")
  })

  it("prints the same help through the real dt as decided here", async () => {
    const { dt } = sandbox()
    const run = await dt("user add --help")
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`${help(["user", "add"])}\n`)
  })
})
