import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Exit } from "effect"
import { build } from "esbuild"
import { beforeAll, describe, expect, it } from "vitest"
import { STOPPING_NOTICE, withStopSignal } from "../src/StopSignal.js"

/** Batches of a few milliseconds each, until the signal says stop: how many were done, whole. */
const batches = (signal: AbortSignal, committed: Array<number>, onBatch: (n: number) => void) =>
  Effect.gen(function* () {
    while (!signal.aborted) {
      yield* Effect.sleep("5 millis")
      committed.push(committed.length + 1)
      onBatch(committed.length)
    }
    return committed.length
  })

describe("StopSignal", () => {
  it("the first Ctrl-C lets the batch in flight finish, then stops the work, which ends normally", async () => {
    const committed: Array<number> = []
    const notices: Array<string> = []
    const exit = await Effect.runPromiseExit(
      withStopSignal((signal) => batches(signal, committed, (n) => n === 3 && process.emit("SIGINT")), {
        onStopping: Effect.sync(() => void notices.push("stopping"))
      })
    )
    expect(exit).toEqual(Exit.succeed(3))
    expect(notices).toEqual(["stopping"])
  })

  it("a second Ctrl-C interrupts the work at once, its batch in flight undone", async () => {
    const undone: Array<string> = []
    const exit = await Effect.runPromiseExit(
      withStopSignal(
        () =>
          Effect.gen(function* () {
            process.emit("SIGINT")
            process.emit("SIGINT")
            yield* Effect.never
          }).pipe(Effect.onInterrupt(() => Effect.sync(() => void undone.push("rolled back")))),
        { onStopping: Effect.void }
      )
    )
    expect(Exit.isInterrupted(exit)).toBe(true)
    expect(undone).toEqual(["rolled back"])
  })

  it("holds the process's other SIGINT listeners back while the work runs and puts them back after", async () => {
    const calls: Array<string> = []
    const other = () => void calls.push("other")
    process.on("SIGINT", other)
    try {
      const during = await Effect.runPromise(
        withStopSignal(() => Effect.sync(() => process.listeners("SIGINT").includes(other)), {
          onStopping: Effect.void
        })
      )
      expect(during).toBe(false)
      await Effect.runPromiseExit(
        withStopSignal(() => Effect.sync(() => process.emit("SIGINT")).pipe(Effect.zipRight(Effect.fail("boom"))), {
          onStopping: Effect.void
        })
      )
      expect(calls).toEqual([])
      expect(process.listeners("SIGINT")).toContain(other)
      expect(process.listeners("SIGINT").length).toBeGreaterThan(0)
    } finally {
      process.removeListener("SIGINT", other)
    }
  })
})

describe("StopSignal in a process run as dt runs its commands", () => {
  let program = ""
  beforeAll(async () => {
    program = join(mkdtempSync(join(tmpdir(), "dt-stop-")), "program.cjs")
    await build({
      entryPoints: [fileURLToPath(new URL("./support/stopSignalProgram.ts", import.meta.url))],
      outfile: program,
      bundle: true,
      conditions: ["@user-manager/source"],
      format: "cjs",
      platform: "node",
      target: "node20",
      logLevel: "warning"
    })
  }, 60_000)

  /** Runs the program, sends it `signals` SIGINTs once it is ready, a little apart, and waits for its end. */
  const run = (signals: number, ...args: Array<string>) =>
    new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [program, ...args])
      let stdout = ""
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout === "ready\n") {
          for (let index = 0; index < signals; index++) setTimeout(() => child.kill("SIGINT"), 120 + index * 120)
        }
      })
      child.on("close", (code) => resolve({ code, stdout, stderr }))
    })

  it("the first SIGINT stops after the batch in flight: the work says what it committed and exits 0", async () => {
    const { code, stdout, stderr } = await run(1)
    expect(stdout).toMatch(/^ready\ncommitted [1-9]\d* batches\n$/)
    expect(stderr).toContain(STOPPING_NOTICE)
    expect(code).toBe(0)
  }, 20_000)

  it("a second SIGINT interrupts at once: the batch in flight is rolled back and the exit code is 130", async () => {
    const { code, stdout } = await run(2, "stuck")
    expect(stdout).toBe("ready\nrolled back\n")
    expect(code).toBe(130)
  }, 20_000)
})
