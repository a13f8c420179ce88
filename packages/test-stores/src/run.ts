/**
 * Runs a program to its end without blocking the test worker. Tests never use `spawnSync` or `execFileSync`: a
 * synchronous child holds the worker's event loop for as long as it runs, which on a loaded machine (Node starting and
 * compiling, `initdb`) can pass a minute, and Vitest's worker then misses its fixed 60-second deadline for reporting
 * to the main process ("[vitest-worker]: Timeout calling onTaskUpdate"), failing a run whose every test passed.
 */
import { spawn } from "node:child_process"

/** What one run of a program did. */
export interface Run {
  /** The exit code, or -1 when a signal ended it. */
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Written to the program's standard input, which is then closed (closed at once when unset). */
  readonly input?: string
  /** Runs the program as this OS user and group (tests run as root). */
  readonly uid?: number
  readonly gid?: number
  /** Close the reading end of its standard output at once, as `… | head -0` would. */
  readonly closeStdout?: boolean
}

export const run = (file: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Run> => {
  const child = spawn(file, args, {
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid })
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  if (options.closeStdout) child.stdout.destroy()
  // A program that exits without reading its input closes the pipe: that is not the test's failure.
  child.stdin.on("error", () => undefined)
  child.stdin.end(options.input ?? "")
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** Runs a program that must succeed: rejects with its standard error when it exits otherwise. */
export const runOrFail = async (
  file: string,
  args: ReadonlyArray<string>,
  options: RunOptions = {}
): Promise<string> => {
  const done = await run(file, args, options)
  if (done.code !== 0) throw new Error(`${file} ${args.join(" ")} exited with ${done.code}: ${done.stderr.trim()}`)
  return done.stdout
}
