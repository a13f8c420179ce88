/**
 * End-to-end: `dt apply -f FILE` on the real `dt` bundle, in a temporary HOME with `dt init` done (local mode; the
 * actor is the OS login name, the first administrator).
 */
import { execFile } from "node:child_process"
import { writeFileSync } from "node:fs"
import { userInfo } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { BIN } from "./support/dt.js"
import * as Modes from "./support/modes.js"

const me = userInfo().username

/** One line on stderr, no stack trace or raw error. */
const oneSentence = (stderr: string) => {
  expect(stderr.trim().split("\n")).toHaveLength(1)
  expect(stderr).not.toMatch(/\n\s+at |Error:|FiberFailure|_tag/)
}

/** Runs `dt apply -f FILE` on a terminal (a pseudo-terminal made by `script`), answering its question. */
const onTerminal = (home: string, file: string, answer: string) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    const child = execFile(
      "script",
      ["-qec", `${process.execPath} ${BIN} apply -f ${file}`, "/dev/null"],
      { env: { PATH: process.env.PATH ?? "", HOME: home } },
      (error, stdout) => resolve({ code: error === null ? 0 : Number(error.code), output: stdout })
    )
    child.stdin?.end(`${answer}\n`)
  })

const YAML = `# the declared directory
format: user-manager/directory
version: 1
users:
  - username: ${me}
    groups: [admins]
  - username: alice
    firstName: Alice
    lastName: Liddell
    groups: [ops]
groups:
  - name: ops
    gid: 1500
`

describe("dt apply", () => {
  it("prints the plan, needs --yes without a terminal, applies, and a second apply says No changes.", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    expect((await dt("user add bob -f Bob -g admins")).code).toBe(0)
    const file = join(home, "directory.yaml")
    writeFileSync(file, YAML)

    const plan = await dt(["apply", "-f", file, "--dry-run"])
    expect(plan.code).toBe(0)
    expect(plan.stdout).toContain("+ group ops\n    gid: 1500\n")
    expect(plan.stdout).toContain('+ user alice\n    firstName: "Alice"\n')
    expect(plan.stdout).not.toContain("- user bob")
    expect(plan.stdout).toMatch(/\nPlan: 2 to add, 0 to change, 0 to remove\.\n$/)

    const unasked = await dt(["apply", "-f", file])
    expect(unasked.code).toBe(2)
    expect(unasked.stderr).toContain("--yes")
    oneSentence(unasked.stderr)
    expect((await dt("user get alice")).code).not.toBe(0)

    const applied = await dt(["apply", "-f", file, "--yes"])
    expect(applied.code).toBe(0)
    expect(applied.stdout).toMatch(/Apply complete: 2 added, 0 changed, 0 removed\.\n$/)
    expect((await dt("user get alice")).code).toBe(0)

    expect(await dt(["apply", "-f", file, "--yes"])).toMatchObject({ code: 0, stdout: "No changes.\n" })

    writeFileSync(file, YAML.replace("lastName: Liddell", "lastName: Smith"))
    const changed = await dt(["apply", "-f", file, "--yes", "-j"])
    expect(changed.code).toBe(0)
    expect(JSON.parse(changed.stdout)).toMatchObject({
      applied: true,
      add: 0,
      change: 1,
      remove: 0,
      changes: [
        { action: "update", kind: "user", name: "alice", fields: { lastName: { from: "Liddell", to: "Smith" } } }
      ]
    })
  })

  it("asks on a terminal, and applies only when the answer is yes", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    const file = join(home, "directory.yaml")
    writeFileSync(file, YAML)
    const no = await onTerminal(home, file, "no")
    expect(no.output).toContain("Apply these changes?")
    expect(no.code).toBe(1)
    expect((await dt("user get alice")).code).not.toBe(0)
    const yes = await onTerminal(home, file, "yes")
    expect(yes.output).toContain("Apply complete: 2 added, 0 changed, 0 removed.")
    expect(yes.code).toBe(0)
    expect((await dt("user get alice")).code).toBe(0)
  })

  it("--prune removes what the JSON file does not name, but keeps system users and the signed-in admin", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    for (const command of ["group add ops", "user add bob -f Bob -g ops", "user add svc -f Svc -g ops --system"]) {
      expect((await dt(command)).code).toBe(0)
    }
    const file = join(home, "directory.json")
    writeFileSync(file, JSON.stringify({ format: "user-manager/directory", version: 1, groups: [], users: [] }))

    const pruned = await dt(["apply", "-f", file, "--prune", "--yes"])
    expect(pruned.code).toBe(0)
    expect(pruned.stdout).toContain("- user bob\n")
    expect(pruned.stdout).not.toMatch(/- user (svc|root)|- group/)
    expect(pruned.stdout).toContain("Plan: 0 to add, 0 to change, 1 to remove.")
    expect(pruned.stderr).toContain(`User '${me}' was kept`)
    expect(pruned.stderr).toContain("Group 'ops' was kept")
    expect((await dt("user get svc")).code).toBe(0)
    expect((await dt(`user get ${me}`)).code).toBe(0)
    expect((await dt("user get bob")).code).not.toBe(0)
    expect((await dt(["apply", "-f", file, "--prune", "--yes"])).stdout).toBe("No changes.\n")
  })

  it("refuses a YAML syntax error, an unknown field (YAML or JSON) and a plain password in one sentence naming the line", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    const file = join(home, "bad.yaml")
    const cases: ReadonlyArray<[string, RegExp]> = [
      [YAML.replace("groups: [ops]", "groups: [ops"), /not valid YAML at line \d+, column \d+/],
      [YAML.replace("    firstName: Alice", "    shoeSize: 9"), /line 7: a user has no field 'shoeSize'/],
      [
        YAML.replace("    firstName: Alice", "    password: correct horse"),
        /line 7: an apply file holds no plain password/
      ]
    ]
    for (const [text, message] of cases) {
      writeFileSync(file, text)
      const run = await dt(["apply", "-f", file, "--yes"])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(message)
      oneSentence(run.stderr)
    }
    writeFileSync(file, YAML.replace("groups: [ops]", "groups: [nope]"))
    const refused = await dt(["apply", "-f", file, "--yes"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^dt: line 7: .*'nope'.*\ndt: nothing was applied: the file has refused records\.\n$/
    )
    const json = join(home, "bad.json")
    writeFileSync(
      json,
      '{"format": "user-manager/directory", "version": 1,\n"groups": [],\n"users": [\n{"username": "x", "shoe": 1}\n]}\n'
    )
    const unknown = await dt(["apply", "-f", json, "--yes"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/line 4: a user has no field 'shoe'/)
    oneSentence(unknown.stderr)
    expect((await dt("user get alice")).code).not.toBe(0)
  })
})
