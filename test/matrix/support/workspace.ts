/**
 * The repository's test suites under another Node line: a copy of the working tree outside the repository (its
 * node_modules hard-linked, so the copy is quick and small), with that line's native modules and, where a combination
 * asks for them, other versions of Kysely and better-sqlite3 swapped in.
 */
import { execFile, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { cp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { cached, currentLine, type NodeLine } from "../../install/support/nodeLines.js"

/** The repository's working tree. */
export const repository = fileURLToPath(new URL("../../..", import.meta.url))

/** The version of a package the repository installs. */
export const repositoryVersion = (name: string): string => versionIn(repository, name)

const versionIn = (root: string, name: string): string =>
  (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version

/** Folders never copied: installed packages (hard-linked instead), git's, and build caches. */
const skipped = new Set(["node_modules", ".git", ".tsbuild"])

/** The API reference, which the test command's TypeDoc check may be rewriting while a copy is made. */
const apiReference = join(repository, "docs/api")

/**
 * Copies the working tree into a new temporary folder: files are copied, each node_modules folder is hard-linked
 * (`cp -al`) without the caches Vitest and Vite write into (a write there would go through the link into the
 * repository's own file). Anything the copy changes in node_modules must be replaced, never written over.
 */
export const copyRepository = async (): Promise<string> => {
  const copy = mkdtempSync(join(tmpdir(), "user-manager-matrix-"))
  await cp(repository, copy, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => !skipped.has(basename(source)) && source !== apiReference
  })
  for (const folder of [".", ...workspaces()]) {
    const modules = join(repository, folder, "node_modules")
    if (!existsSync(modules)) continue
    mkdirSync(join(copy, folder), { recursive: true })
    await promisify(execFile)("cp", ["-al", modules, join(copy, folder, "node_modules")])
    for (const cache of [".vite", ".vite-temp", ".vitest", ".cache"]) {
      await rm(join(copy, folder, "node_modules", cache), { recursive: true, force: true })
    }
  }
  return copy
}

/** The workspace folders (from the root package.json's globs, one level deep). */
const workspaces = (): ReadonlyArray<string> => {
  const { workspaces } = JSON.parse(readFileSync(join(repository, "package.json"), "utf8")) as {
    workspaces: ReadonlyArray<string>
  }
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern]
    const parent = pattern.slice(0, -2)
    return existsSync(join(repository, parent))
      ? readdirSync(join(repository, parent)).map((name) => `${parent}/${name}`)
      : []
  })
}

/** The package `name@version` from the registry, kept in the cache (install scripts off: nothing to build). */
const fetched = async (name: string, version: string): Promise<string> => {
  const dir = await cached(`${name}-${version}-package`, async (tmp) => {
    await promisify(execFile)(
      "npm",
      ["install", "--prefix", tmp, `${name}@${version}`, "--ignore-scripts", "--no-audit", "--no-fund"],
      { env: currentLine.env, maxBuffer: 64 * 1024 * 1024 }
    )
  })
  return join(dir, "node_modules", name)
}

/** Replaces the copy's installed `name` with `version` (the copy's folder is unlinked; the repository's stays). */
export const swapIn = async (copy: string, name: string, version: string): Promise<void> => {
  const source = await fetched(name, version)
  const target = join(copy, "node_modules", name)
  await rm(target, { recursive: true, force: true })
  await cp(source, target, { recursive: true, verbatimSymlinks: true })
  if (versionIn(copy, name) !== version) throw new Error(`the copy did not take ${name}@${version}`)
}

/** What a nested run found. */
export interface Outcome {
  /** The full names of the failed tests, and of the files that failed to load. */
  readonly failures: ReadonlyArray<string>
  readonly passed: number
  readonly exitCode: number | null
  /**
   * Whether the run failed only because Vitest lost a worker's report under load (every test passed; "[vitest-worker]:
   * Timeout calling …", see test/support/eventLoopWatch.ts): `.ci/run` runs the suite again then, and so does the matrix.
   */
  readonly lostReport: boolean
  /** One paragraph for a failure message: the counts, the failed tests, and the end of the output. */
  readonly report: string
}

/** Variables the copy's run must not see: the server suites stay off, and the outer Vitest's own are dropped. */
const dropped = (name: string) =>
  name === "DT_TEST_POSTGRES_URL" ||
  name === "DT_TEST_MYSQL_URL" ||
  name === "DT_TEST_NODE_LINES" ||
  name === "NODE_OPTIONS" ||
  name === "NODE_ENV" ||
  name.startsWith("VITEST")

/** Which tests a nested run runs. */
export interface Selection {
  readonly projects: ReadonlyArray<string>
  /** Test files (paths from the repository's root); all of the projects' files when empty. */
  readonly files: ReadonlyArray<string>
  /** Only the tests whose full name matches (Vitest's `--testNamePattern`). */
  readonly testNamePattern?: string
  /** Variables the tests read, beside the line's environment. */
  readonly env?: Readonly<Record<string, string>>
}

/** How long a nested run may take (a loaded 2-core machine has taken over 10 minutes for the largest line). */
export const NESTED_RUN_TIMEOUT_MS = 20 * 60_000

/**
 * Runs `vitest run --project …` on the selected files in the copy under `line` (its `node`, its PATH) with the server
 * suites off (the SQLite and PGlite stores run), and collects the failed tests from Vitest's JSON report.
 */
export const runProjects = async (line: NodeLine, copy: string, selection: Selection): Promise<Outcome> => {
  const { projects, files, testNamePattern } = selection
  const results = join(copy, ".matrix-results.json")
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1", ...selection.env }
  for (const [name, value] of Object.entries(line.env)) if (!dropped(name)) env[name] = value
  const chosen = [
    ...projects.flatMap((project) => ["--project", project]),
    ...files,
    ...(testNamePattern === undefined ? [] : ["--testNamePattern", testNamePattern])
  ]
  const args = [
    join(copy, "node_modules/vitest/vitest.mjs"),
    "run",
    ...chosen,
    // A line proves that the code runs on it, not how fast: under CI's load a test's default 5 s is not enough (an
    // argon2 hash behind a seeded directory took longer in the Node 22 line of a loaded run).
    "--testTimeout=60000",
    "--hookTimeout=60000",
    "--reporter=dot",
    "--reporter=json",
    `--outputFile.json=${results}`
  ]
  const { exitCode, output } = await new Promise<{ exitCode: number | null; output: string }>((resolve, reject) => {
    // Its own process group, so that a run past its time is ended with every worker it started: a worker left behind
    // keeps the output pipes open (no "close" ever comes) and spins on the lost connection to its main process.
    const child = spawn(line.node, args, { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
    const endGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
      } catch {
        // The group has already ended.
      }
    }
    const deadline = setTimeout(endGroup, NESTED_RUN_TIMEOUT_MS)
    let output = ""
    const collect = (chunk: string) => {
      output = (output + chunk).slice(-20_000)
    }
    child.stdout.setEncoding("utf8").on("data", collect)
    child.stderr.setEncoding("utf8").on("data", collect)
    child.on("error", reject)
    child.on("exit", (exitCode) => {
      clearTimeout(deadline)
      // What it printed last is read while its pipes drain, then anything of the group still running is ended.
      setTimeout(() => {
        endGroup()
        resolve({ exitCode, output })
      }, 2_000)
    })
  })
  const report = existsSync(results) ? (JSON.parse(readFileSync(results, "utf8")) as JsonReport) : undefined
  const holdsLog = join(copy, ".event-loop-holds.log")
  const holds = existsSync(holdsLog) ? readFileSync(holdsLog, "utf8").trim() : ""
  const failures = (report?.testResults ?? []).flatMap((file) => {
    const tests = file.assertionResults.filter((test) => test.status === "failed").map((test) => test.fullName)
    return tests.length > 0 || file.status !== "failed"
      ? tests
      : [`${file.name}: ${file.message || "a hook failed, or the file did not load"}`]
  })
  const passed = report?.numPassedTests ?? 0
  const counts = report
    ? `${passed} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`
    : "no report was written"
  return {
    failures,
    passed,
    exitCode,
    lostReport:
      exitCode !== 0 &&
      report !== undefined &&
      report.numFailedTests === 0 &&
      failures.length === 0 &&
      passed > 0 &&
      output.includes("[vitest-worker]: Timeout calling"),
    report: [
      `vitest run ${chosen.join(" ")} under Node ${line.version} exited ${exitCode}: ${counts}`,
      ...failures.map((name) => `  failed: ${name}`),
      ...(holds === "" ? [] : ["--- what held a worker's event loop ---", holds]),
      "--- the end of its output ---",
      output.slice(-4_000)
    ].join("\n")
  }
}

interface JsonReport {
  readonly numPassedTests: number
  readonly numFailedTests: number
  readonly numPendingTests: number
  readonly testResults: ReadonlyArray<{
    readonly name: string
    readonly status: string
    readonly message?: string
    readonly assertionResults: ReadonlyArray<{ readonly fullName: string; readonly status: string }>
  }>
}
