/**
 * The `dt` executable: the composition root, and nothing else.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Console, Effect, Exit, Layer, Logger, LogLevel } from "effect"
import { run } from "./Cli.js"
import { plainUnlessTerminal } from "./Colour.js"
import { decide } from "./CommandLine.js"
import { oneLineUsageErrors, report } from "./ExitCode.js"

// A reader that goes away (`dt user ls | head`) ends dt quietly, as it ends other Unix tools; any other failure to
// write the output is one line and exit 1, never a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") process.stderr.write(`dt: cannot write the output: ${error.message}\n`)
  process.exit(error.code === "EPIPE" ? 0 : 1)
})

const decision = decide(process.argv.slice(2))
const program = (
  decision._tag === "Run"
    ? report(plainUnlessTerminal(oneLineUsageErrors(run([...process.argv.slice(0, 2), ...decision.args]))))
    : decision._tag === "Print"
      ? plainUnlessTerminal(Console.log(decision.text))
      : Effect.sync(() => {
          process.stderr.write(`dt: ${decision.message}\n`)
          process.exitCode = 2
        })
).pipe(
  // What @effect/cli needs, and no more: NodeContext.layer would also load child_process and worker_threads. The
  // core's services are traced for hosts that export spans; dt exports none, so its tracer is off (Effect's default
  // spans, never read here, kept each request of dt serve alive through young collections, and cost it throughput).
  Effect.provide(
    Layer.mergeAll(
      NodeFileSystem.layer,
      NodePath.layer,
      NodeTerminal.layer,
      Logger.minimumLogLevel(LogLevel.Warning),
      // What is logged (a warning about the store, a server's failure) is for people and goes to standard error, one
      // line each, never into the command's output on standard output.
      Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
          process.stderr.write(`dt: ${logLevel._tag.toLowerCase()}: ${text}\n`)
        })
      ),
      Layer.setTracerEnabled(false)
    )
  )
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  // Logged lines go to standard error through the logger above, not to standard output through the pretty one.
  disablePrettyLogger: true,
  // An interruption (SIGINT, SIGTERM) exits with the code the command set as it stopped (0 for a graceful stop of
  // dt serve), else 130 as a shell does.
  teardown: (exit, onExit) =>
    onExit(
      exit._tag === "Success"
        ? Number(process.exitCode ?? 0)
        : Exit.isInterrupted(exit)
          ? Number(process.exitCode ?? 130)
          : 1
    )
})
