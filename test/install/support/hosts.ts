/**
 * Helpers of the install test: run commands under a Node line, make empty host projects from the packed tarballs, and
 * install the CLI globally into a prefix of its own.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Run, run as runProgram } from "@user-manager/test-stores/run"
import { inject } from "vitest"
import { madeOnce, type NodeLine, nodeLines, provideNatives } from "./nodeLines.js"
import type { PackageName } from "./pack.js"

/** What a finished command printed and how it exited (-1: a signal ended it). */
export type Ran = Run

/** How to run a command: where, and with which variables beside the line's. */
export interface RunOptions {
  readonly cwd: string
  readonly env?: Readonly<Record<string, string>>
}

/**
 * The environment of a command under `line`: the line's (its `node` first on PATH, its headers for native modules)
 * without what the test runner, `npm test` or the caller's shell set for themselves (`NODE_ENV=test`, Vitest's
 * variables, npm's `npm_*` settings for the repository, a `DT_DATABASE_URL` or `DT_SERVER` that would send `dt`
 * elsewhere), plus `extra`.
 */
export const lineEnv = (line: NodeLine, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(line.env)) if (!foreign(name)) env[name] = value
  return { ...env, NO_COLOR: "1", ...extra }
}

const foreign = (name: string) =>
  name === "NODE_ENV" ||
  name === "NODE" ||
  name === "INIT_CWD" ||
  name.startsWith("VITEST") ||
  (name.startsWith("npm_") && name !== "npm_config_nodedir") ||
  (name.startsWith("DT_") && !name.startsWith("DT_TEST_"))

/** Runs `command` under `line` to its end; never rejects for an exit code (the caller looks at it). */
export const run = (line: NodeLine, command: string, args: ReadonlyArray<string>, options: RunOptions): Promise<Ran> =>
  runProgram(command, args, { cwd: options.cwd, env: lineEnv(line, options.env) })

/** Runs `command` under `line` and resolves with its output; rejects with everything it printed if it fails. */
export const succeed = async (
  line: NodeLine,
  command: string,
  args: ReadonlyArray<string>,
  options: RunOptions
): Promise<Ran> => {
  const ran = await run(line, command, args, options)
  if (ran.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`)
  }
  return ran
}

/** The tarball of a package, packed by the global setup. */
export const tarball = (name: PackageName): string => inject("packed").tarballs[name]

const repositoryModules = fileURLToPath(new URL("../../../node_modules", import.meta.url))

/**
 * A package at the version the repository installs (and tests): the drivers, so that their native modules are those
 * `provideNatives` compiles, and the tools a host project adds.
 */
export const pinned = (name: string): string =>
  `${name}@${(JSON.parse(readFileSync(join(repositoryModules, name, "package.json"), "utf8")) as { version: string }).version}`

/** A fresh folder for this line in the run's temporary folder (outside the repository). */
export const scratch = (line: NodeLine, name: string): string => {
  const dir = join(inject("packed").root, `node-${line.version}`, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

const npmInstall = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"]

/**
 * Makes an empty project (its own package.json, nothing linked to the repository), copies a host's files into it,
 * installs `specs` with npm under `line` (install scripts off), then puts the line's compiled native modules in place.
 */
export const hostProject = async (
  line: NodeLine,
  name: string,
  options: { readonly files?: string; readonly type?: "module"; readonly specs: ReadonlyArray<string> }
): Promise<string> => {
  const dir = scratch(line, name)
  const manifest = {
    name: `host-${name}`,
    private: true,
    ...(options.type === undefined ? {} : { type: options.type })
  }
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  if (options.files !== undefined) cpSync(options.files, dir, { recursive: true })
  await succeed(line, "npm", [...npmInstall, ...options.specs], { cwd: dir })
  await provideNatives(line, dir)
  return dir
}

/** Where a host's files are kept in the repository (`test/install/hosts/<name>`). */
export const hostFiles = (name: string): string => fileURLToPath(new URL(`../hosts/${name}`, import.meta.url))

/**
 * The CLI installed globally from its tarball into a prefix of its own under `line`, with the line's compiled native
 * modules put into it; resolves with the prefix (`<prefix>/bin/dt` is the command). The test files that run `dt` share
 * one such install a line (whichever comes first makes it): each runs it with a home and a store of its own.
 */
export const globalCli = (line: NodeLine): Promise<string> =>
  madeOnce(join(inject("packed").root, `node-${line.version}`), "cli-global", async (prefix) => {
    await succeed(line, "npm", [...npmInstall, "--global", "--prefix", prefix, tarball("cli")], { cwd: prefix })
    await provideNatives(line, join(prefix, "lib/node_modules/@user-manager/cli"))
  })

/** The Node lines to run on, as `[version, line]` for `describe.each(...)("… on Node %s", (_, line) => …)`. */
export const eachLine = async (): Promise<ReadonlyArray<readonly [string, NodeLine]>> =>
  (await nodeLines()).map((line) => [line.version, line] as const)

/**
 * The variables `dt` runs with from a global prefix: its bin folder first on PATH, and a home of its own under `dir`
 * (so that its compile cache, session file and default database stay out of the machine's home).
 */
export const dtEnv = (line: NodeLine, prefix: string, dir: string): Record<string, string> => {
  const home = join(dir, "home")
  mkdirSync(home, { recursive: true })
  return {
    PATH: `${join(prefix, "bin")}:${line.env.PATH ?? ""}`,
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share")
  }
}

/** A server started for a test: where it serves, what it printed, and how to stop it. */
export interface Serving {
  readonly url: string
  readonly output: () => string
  /** Stops it with SIGTERM and resolves with its exit code. */
  readonly stop: () => Promise<number | null>
}

/** Starts a server under `line` and resolves once its output matches `ready` (whose first group is its URL). */
export const start = (
  line: NodeLine,
  command: string,
  args: ReadonlyArray<string>,
  options: RunOptions & { readonly ready: RegExp }
): Promise<Serving> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: lineEnv(line, options.env),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const stop = () => {
      if (child.exitCode === null) child.kill("SIGTERM")
      return exited
    }
    const listen = (chunk: string) => {
      output += chunk
      const url = options.ready.exec(output)?.[1]
      if (url !== undefined) resolve({ url, output: () => output, stop })
    }
    child.stdout.setEncoding("utf8").on("data", listen)
    child.stderr.setEncoding("utf8").on("data", listen)
    child.once("error", reject)
    void exited.then((code) => reject(new Error(`${command} exited (${code}) before serving:\n${output}`)))
  })

/** Starts `dt serve --port 0 …` (the `dt` that `options.env`'s PATH finds) and resolves once it says where it serves. */
export const serve = (line: NodeLine, args: ReadonlyArray<string>, options: RunOptions): Promise<Serving> =>
  start(line, "dt", ["serve", "--port", "0", ...args], {
    ...options,
    ready: /Serving the User Manager at (http:\/\/[^\s/]+)/
  })
