/**
 * The repository-wide checks of the test command, each the npm script a person runs on its own: the typecheck of
 * every project, Biome's lint and format check, and the API reference (TypeDoc, whose warnings are errors). They run
 * as tests so that they go beside the suites rather than before them, and count in the run's failures.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const repository = fileURLToPath(new URL("../..", import.meta.url))

/** Runs `npm run <script>` in the repository; resolves with its exit code and everything it printed. */
const npmRun = (script: string): Promise<{ readonly code: number | null; readonly output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script], { cwd: repository, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const collect = (chunk: string) => {
      output += chunk
    }
    child.stdout.setEncoding("utf8").on("data", collect)
    child.stderr.setEncoding("utf8").on("data", collect)
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, output }))
  })

describe("repository checks", () => {
  it.each([
    ["typecheck", "every project typechecks (tsc -b)"],
    ["lint", "Biome finds no error, warning or unformatted file"],
    ["docs:api", "TypeDoc builds the API reference with no warning"]
  ])("npm run %s: %s", async (script) => {
    const ran = await npmRun(script)
    expect(ran.code, `npm run ${script} failed:\n${ran.output}`).toBe(0)
  })
})
