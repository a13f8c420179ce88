import { describe, expect, it } from "vitest"
import { decide } from "../src/CommandLine.js"
import { sandbox } from "./support/dt.js"

const usage = (line: string): string => {
  const decision = decide(line.split(" "))
  if (decision._tag !== "Usage") throw new Error(`'${line}' was not refused`)
  return decision.message
}

describe("CommandLine: usage errors", () => {
  it("tells a mistyped subcommand the subcommands of its own command, the closest first", () => {
    expect(usage("user ad bob")).toBe(
      "'dt user' has no command 'ad' (did you mean 'add'?): its commands are ls, get, add, modify, rm, enable, " +
        "disable, add-to-group, rm-from-group, change-password, locks, unlock, import, export."
    )
    expect(usage("group lss")).toMatch(/^'dt group' has no command 'lss' \(did you mean 'ls'\?\): its commands are ls,/)
    expect(usage("usr ls")).toMatch(
      /^'dt' has no command 'usr' \(did you mean 'user'\?\): its commands are user, group,/
    )
  })

  it("refuses an option the command does not take, naming the command, even when another command takes it", () => {
    expect(usage("user ls --action user.create")).toBe(
      "'dt user ls' has no option '--action': see 'dt user ls --help' for its options."
    )
    expect(decide(["user", "add", "bob", "-f", "-Weird-", "-g", "staff"])._tag).toBe("Run")
  })

  it("refuses a value that is none of an option's choices, naming the option, its choices and the value", () => {
    expect(usage("user import users.csv --on-conflict maybe")).toBe(
      "--on-conflict takes fail, skip or update, not 'maybe'."
    )
    expect(usage("user export --format=xml")).toBe("--format takes csv or jsonl, not 'xml'.")
    expect(usage("audit ls --action user.nope")).toMatch(
      /^--action takes directory\.bootstrap, .*user\.create, .* not .user\.nope.\.$/
    )
    expect(decide(["user", "import", "users.csv", "--on-conflict", "skip"])._tag).toBe("Run")
  })

  it("refuses --wizard at once without a terminal (it used to wait for ever)", async () => {
    const { dt } = sandbox()
    const run = await dt("user add --wizard")
    expect([run.code, run.stdout]).toEqual([2, ""])
    expect(run.stderr).toBe("dt: unknown option '--wizard': see 'dt --help' for the options of each command.\n")
  })

  it("starts every usage error with 'dt:' on one line, with no blank line after it", async () => {
    const { dt } = sandbox()
    expect((await dt("init")).code).toBe(0)
    for (const line of [
      "user get",
      "user ls extra",
      "user ad bob",
      "group add",
      "user ls --sort nope",
      "audit ls --action x"
    ]) {
      const run = await dt(line)
      expect(run.code, line).toBe(2)
      expect(run.stderr, line).toMatch(/^dt: [^\n]+\n$/)
    }
  })

  it("refuses --sort with a column there is not, naming every column, locally and in remote mode", async () => {
    const { dt } = sandbox()
    expect((await dt("init")).code).toBe(0)
    for (const where of ["", "--server http://127.0.0.1:9"]) {
      const run = await dt(`user ls --sort nope ${where}`)
      expect(run.code, where).toBe(2)
      for (const column of ["username", "fullName", "firstName", "lastName", "groups", "email", "enabled", "system"]) {
        expect(run.stderr, where).toContain(` ${column},`)
      }
      expect(run.stderr, where).toContain("updatedAt:desc")
    }
    expect((await dt("user ls --sort fullName:desc")).code).toBe(0)
  })

  it("says which formats --since and --until take, in one sentence", async () => {
    const { dt } = sandbox()
    expect((await dt("init")).code).toBe(0)
    const run = await dt("audit ls --since yesterday")
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      "dt: --since takes an ISO 8601 date or time, e.g. 2026-05-01, 2026-05-01T09:30 or 2026-05-01T09:30:00Z, not 'yesterday'.\n"
    )
    expect((await dt("audit ls --since 2020-01-01 --until 2999-12-31T23:59:59Z")).code).toBe(0)
  })

  it("refuses a port outside 0-65535 in one sentence with the usage exit code, before opening anything", async () => {
    const { dt } = sandbox()
    const run = await dt("serve --port 99999")
    expect([run.code, run.stdout, run.stderr]).toEqual([2, "", "dt: --port must be from 0 to 65535, not 99999.\n"])
  })

  it("tells dt login without a terminal and without --password-stdin that a password is needed", async () => {
    const { dt } = sandbox()
    const run = await dt("login admin --server http://127.0.0.1:9")
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      "dt: Invalid input: a password is needed; with no terminal to ask on, give it on standard input with --password-stdin.\n"
    )
  })
})
