// A command-like program for StopSignal's test in a real process: batches of 50 ms until the first Ctrl-C (with
// `stuck`, a batch that never ends once Ctrl-C is asked), run under NodeRuntime.runMain as dt's bin.ts runs commands.
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Exit } from "effect"
import { withStopSignal } from "../../src/StopSignal.js"

const stuck = process.argv.includes("stuck")

const program = withStopSignal((signal) =>
  Effect.gen(function* () {
    let batches = 0
    process.stdout.write("ready\n")
    while (!signal.aborted) {
      yield* Effect.sleep("50 millis")
      batches += 1
    }
    if (stuck) yield* Effect.never
    process.stdout.write(`committed ${batches} batches\n`)
  }).pipe(Effect.onInterrupt(() => Effect.sync(() => void process.stdout.write("rolled back\n"))))
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? 0 : Exit.isInterrupted(exit) ? 130 : 1)
})
