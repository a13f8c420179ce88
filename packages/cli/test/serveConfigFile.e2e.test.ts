/**
 * End-to-end: `dt serve --config FILE` (and `DT_CONFIG`), the settings file an instance of a fleet reads: its settings
 * under their flags' names, below the flags and the variables, every mistake refused at start in one sentence.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run as runProgram } from "@user-manager/test-stores/run"
import { afterEach, describe, expect, it } from "vitest"
import { BIN } from "./support/dt.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const running: Array<Serving> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()))
})

/** A settings file with `text` in a new temporary folder. */
const settingsFile = (text: string, name = "serve.yaml") => {
  const path = join(mkdtempSync(join(tmpdir(), "dt-config-")), name)
  writeFileSync(path, text)
  return path
}

/** The session's lifetime in minutes as `dt serve` gives it to a sign-in of admin. */
const lifetimeMinutes = async (url: string) => {
  const answer = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "the admin secret" })
  })
  const { expiresAt } = (await answer.json()) as { expiresAt: string }
  return Math.round((Date.parse(expiresAt) - Date.now()) / 60_000)
}

describe("dt serve --config", () => {
  it("takes its settings from a YAML or JSON file, below the variables and the flags", async () => {
    const database = freshDatabase()
    const yaml = settingsFile(`# one instance of the fleet\ndatabase: ${database}\nsession-lifetime: 3\npool-size: 4\n`)
    const fromFile = await serve(["--config", yaml], { DT_ADMIN_PASSWORD: "the admin secret" })
    running.push(fromFile)
    expect(await lifetimeMinutes(fromFile.url)).toBe(3)
    await fromFile.stop()

    const json = settingsFile(JSON.stringify({ database, "session-lifetime": 3 }), "serve.json")
    const variableFirst = await serve([], { DT_CONFIG: json, DT_SESSION_LIFETIME: "5" })
    running.push(variableFirst)
    expect(await lifetimeMinutes(variableFirst.url)).toBe(5)
    await variableFirst.stop()

    const flagFirst = await serve(["--config", json, "--session-lifetime", "7"], { DT_SESSION_LIFETIME: "5" })
    running.push(flagFirst)
    expect(await lifetimeMinutes(flagFirst.url)).toBe(7)
  })

  it("refuses a file it cannot read, that is not YAML, or that names an unknown setting or a wrong value, in one sentence naming the file and the line (exit 2), before it opens the store", async () => {
    const folder = mkdtempSync(join(tmpdir(), "dt-config-db-"))
    const database = join(folder, "dt.db")
    const run = (file: string) =>
      runProgram(
        process.execPath,
        [BIN, "serve", "--port", "0", "--database", `sqlite:${database}`, "--config", file],
        {
          env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")) }
        }
      )
    const refusals = [
      [join(folder, "missing.yaml"), `dt: Invalid --config: cannot read ${join(folder, "missing.yaml")} (ENOENT).\n`],
      [
        "pool-size: 4\nsession-lifetime: [1, 2\n",
        /^dt: Invalid \S+serve\.yaml line 3: it is not YAML or JSON \(.+\)\.\n$/
      ],
      [
        "pool-size: 4\npoolsize: 5\n",
        /^dt: Invalid \S+serve\.yaml line 2: 'poolsize' is not a setting of dt serve; the settings are database, .*pool-size, .*\.\n$/
      ],
      ["pool-size: 0\n", /^dt: Invalid \S+serve\.yaml line 1: pool-size is a whole number from 1 to 1000, not 0\.\n$/],
      [
        "port: eighty\n",
        /^dt: Invalid \S+serve\.yaml line 1: port is a whole number from 0 to 65535, not "eighty"\.\n$/
      ],
      ["secure-cookies: maybe\n", /^dt: Invalid \S+serve\.yaml line 1: secure-cookies is true or false\.\n$/],
      ["- pool-size\n", /^dt: Invalid \S+serve\.yaml line 1: the file holds settings by name \(name: value\)\.\n$/]
    ] as const
    for (const [text, expected] of refusals) {
      const ran = await run(text.startsWith("/") ? text : settingsFile(text))
      expect(ran.code).toBe(2)
      if (typeof expected === "string") expect(ran.stderr).toBe(expected)
      else expect(ran.stderr).toMatch(expected)
    }
    expect(existsSync(database)).toBe(false)
  })
})
