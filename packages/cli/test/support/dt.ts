import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const BIN = fileURLToPath(new URL("../../bin/dt.js", import.meta.url))

/** What one run of `dt` did. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A sandbox: a temporary HOME (so the default database is private) and a way to run the real `dt` in it. */
export const sandbox = (env: Record<string, string> = {}) => {
  const home = mkdtempSync(join(tmpdir(), "dt-home-"))
  const runs: Array<Run> = []
  const dt = (
    args: ReadonlyArray<string> | string,
    options: { readonly input?: string; readonly env?: Record<string, string> } = {}
  ): Run => {
    const argv = typeof args === "string" ? args.split(" ").filter((word) => word !== "") : args
    const result = spawnSync(process.execPath, [BIN, ...argv], {
      input: options.input ?? "",
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        ...env,
        ...options.env
      }
    })
    const run = { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
    runs.push(run)
    return run
  }
  return { home, dt, runs }
}
