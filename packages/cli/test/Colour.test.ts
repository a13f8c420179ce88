import { spawn } from "node:child_process"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { enabled, plainUnlessTerminal, strip } from "../src/Colour.js"
import { BIN, sandbox } from "./support/dt.js"

const ESC = "\u001b["

describe("Colour", () => {
  it("colours only a terminal, and never when NO_COLOR is set to something", () => {
    expect(enabled({ isTTY: true }, {})).toBe(true)
    expect(enabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true)
    expect(enabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false)
    expect(enabled({ isTTY: false }, {})).toBe(false)
    expect(enabled({}, {})).toBe(false)
  })

  it("takes the styles out of console text, and nothing else", () => {
    expect(strip(`${ESC}0;1m${ESC}0;37;1mdt${ESC}0;1m${ESC}0m 0.1.0`)).toBe("dt 0.1.0")
    expect(strip("a\tb [x] ")).toBe("a\tb [x] ")
    expect(strip(42)).toBe(42)
  })

  it("strips what goes to a stream that is not a terminal, and keeps what goes to one", async () => {
    const lines: Array<[string, ReadonlyArray<unknown>]> = []
    const program = Effect.gen(function* () {
      const console = yield* Effect.console
      return yield* Effect.withConsole(
        plainUnlessTerminal(
          Effect.all([Console.log(`${ESC}1mout${ESC}0m`), Console.error(`${ESC}1merr${ESC}0m`)]),
          { stdout: { isTTY: false }, stderr: { isTTY: true } },
          {}
        ),
        {
          ...console,
          log: (...args) => Effect.sync(() => lines.push(["log", args])),
          error: (...args) => Effect.sync(() => lines.push(["error", args]))
        }
      )
    })
    await Effect.runPromise(program)
    expect(lines).toEqual([
      ["log", ["out"]],
      ["error", [`${ESC}1merr${ESC}0m`]]
    ])
  })
})

describe("dt: colour", () => {
  it("prints --help and usage errors without colour when they do not go to a terminal", async () => {
    const { dt } = sandbox()
    for (const command of ["--help", "user ls --help", "group --help", "--version"]) {
      const run = await dt(command)
      expect(run.code, command).toBe(0)
      expect(run.stdout, command).toMatch(/\S/)
      expect(run.stdout, command).not.toContain("\u001b")
    }
    const usage = await dt("user frobnicate")
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/\S/)
    expect(usage.stderr).not.toContain("\u001b")
  })
})

const SCRIPT = "/usr/bin/script"

/** Runs `dt --help` on a pseudo-terminal (util-linux `script`), and returns what it printed there. */
const helpOnTerminal = (env: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), "dt-home-"))
    const child = spawn(SCRIPT, ["-qec", `'${process.execPath}' '${BIN}' --help`, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", HOME: home, ...env }
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
    })
    child.stdin.end()
    child.once("error", reject)
    child.once("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`script exited ${code}: ${output}`))
    )
  })

describe.skipIf(!existsSync(SCRIPT))(
  `dt: colour on a terminal${existsSync(SCRIPT) ? "" : " (skipped: needs /usr/bin/script for a pseudo-terminal)"}`,
  () => {
    it("colours --help on a terminal, and not when NO_COLOR is set", async () => {
      expect(await helpOnTerminal({})).toContain("\u001b[")
      const plain = await helpOnTerminal({ NO_COLOR: "1" })
      expect(plain).toMatch(/USAGE/)
      expect(plain).not.toContain("\u001b")
    })
  }
)
