import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Run, run } from "@user-manager/test-stores/run"
import { inject } from "vitest"

/** The `dt` executable the tests run. */
export const BIN = fileURLToPath(new URL("../../bin/dt.js", import.meta.url))

export type { Run }

/**
 * Whether an OS user can run this checkout's `dt`: not when the checkout lies in a folder only its owner may enter (a
 * clone in `mktemp -d`'s folder, mode 700).
 */
export const runnableBy = (osUser: string): boolean =>
  spawnSync("runuser", ["-u", osUser, "--", "test", "-r", BIN], { stdio: "ignore" }).status === 0

/**
 * The XDG_CACHE_HOME the sandboxes share, made by the global setup: `dt` keeps its V8 code cache there (bin/dt.js), so
 * that only the first run of each kind of command in a test run compiles the whole bundle, not the first in every
 * sandbox. compileCache.e2e.test.ts, which proves that cache, gives its sandboxes their own (`ownCache`).
 */
export const sharedCacheHome = (): string => inject("dtCacheHome")

/**
 * A sandbox: a temporary HOME (so the default database is private) and a way to run the real `dt` in it. Its `dt`
 * keeps its code cache in the folder the sandboxes share unless `ownCache` (then in the HOME's, as dt's default).
 */
export const sandbox = (
  env: Record<string, string> = {},
  { ownCache = false }: { readonly ownCache?: boolean } = {}
) => {
  const home = mkdtempSync(join(tmpdir(), "dt-home-"))
  const cache: Record<string, string> = ownCache ? {} : { XDG_CACHE_HOME: sharedCacheHome() }
  const runs: Array<Run> = []
  const dt = (
    args: ReadonlyArray<string> | string,
    options: {
      readonly input?: string
      readonly env?: Record<string, string>
      /** Close the reading end of dt's standard output at once, as `dt … | head -0` would. */
      readonly closeStdout?: boolean
      /** Run dt as this OS user, through `runuser` (tests run as root, whom file modes do not stop). */
      readonly osUser?: string
    } = {}
  ): Promise<Run> => {
    const argv = typeof args === "string" ? args.split(" ").filter((word) => word !== "") : args
    const command = [process.execPath, BIN, ...argv]
    if (options.osUser !== undefined) command.unshift("runuser", "-u", options.osUser, "--")
    const [file = "", ...rest] = command
    return run(file, rest, {
      env: { PATH: process.env.PATH ?? "", HOME: home, ...cache, ...env, ...options.env },
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.closeStdout === undefined ? {} : { closeStdout: options.closeStdout })
    }).then((done) => {
      runs.push(done)
      return done
    })
  }
  return { home, dt, runs }
}
