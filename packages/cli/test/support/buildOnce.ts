import { execFileSync } from "node:child_process"
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
export default function setup(project: TestProject) {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../build.mjs", import.meta.url))], { stdio: "inherit" })
  const cacheHome = mkdtempSync(join(tmpdir(), "dt-test-cache-"))
  project.provide("dtCacheHome", cacheHome)
  return () => rmSync(cacheHome, { recursive: true, force: true })
}
