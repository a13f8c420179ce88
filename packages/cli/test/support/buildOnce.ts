import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder the sandboxes' `dt` runs share as XDG_CACHE_HOME (see support/dt.ts), removed after the run. */
    readonly dtCacheHome: string
  }
}

/**
 * Builds the `dt` bundle once before the end-to-end tests, so that they run the code as it is now, and makes the
 * cache folder their sandboxes share.
 */
export default async function setup(project: TestProject) {
  // Asynchronously: a global setup runs in Vitest's main process, which must keep answering the workers of the other
  // projects already running (a build that blocked it for a minute on a busy machine timed their reports out).
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [fileURLToPath(new URL("../../build.mjs", import.meta.url))], {
      stdio: "inherit"
    })
    build.once("error", reject)
    build.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build.mjs exited with ${code}`))))
  })
  const cacheHome = mkdtempSync(join(tmpdir(), "dt-test-cache-"))
  project.provide("dtCacheHome", cacheHome)
  return () => rmSync(cacheHome, { recursive: true, force: true })
}
