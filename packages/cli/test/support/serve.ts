import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BIN, sharedCacheHome } from "./dt.js"

/** A running `dt serve`, and what it printed so far. */
export interface Serving {
  readonly child: ChildProcessWithoutNullStreams
  /** The URL it printed, without the trailing slash. */
  readonly url: string
  readonly stdout: () => string
  readonly stderr: () => string
  /** Standard output and error as they came, interleaved. */
  readonly output: () => string
  readonly exited: Promise<number | null>
  /** SIGTERM, then the exit. */
  readonly stop: () => Promise<number | null>
}

/** A new SQLite file in a new temporary directory, as `dt serve --database` takes it. */
export const freshDatabase = (prefix = "dt-serve-"): string =>
  `sqlite:${join(mkdtempSync(join(tmpdir(), prefix)), "dt.db")}`

/**
 * Starts the real `dt serve --port 0 ARGS` (a free port of 127.0.0.1) with a temporary HOME, the sandboxes' shared code
 * cache (support/dt.ts) and only PATH and `env` in its environment, and waits until it says where it serves; rejects
 * with its output if it exits first. `bin` is another build's `dt` (a previous release's).
 */
export const serve = (args: ReadonlyArray<string>, env: Record<string, string> = {}, bin = BIN): Promise<Serving> =>
  new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), "dt-serve-home-"))
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: sharedCacheHome(), ...env }
    })
    let stdout = ""
    let stderr = ""
    let output = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const stop = () => {
      if (child.exitCode === null) child.kill("SIGTERM")
      return exited
    }
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      output += chunk
    })
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      output += chunk
      const url = /Serving the User Manager at (http:\/\/\S+)\//.exec(stdout)?.[1]
      if (url !== undefined) {
        resolve({ child, url, stdout: () => stdout, stderr: () => stderr, output: () => output, exited, stop })
      }
    })
    void exited.then((code) => reject(new Error(`dt serve exited (${code}) before serving: ${output}`)))
  })
