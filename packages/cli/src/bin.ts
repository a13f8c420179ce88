/**
 * The `dt` executable: the composition root, and nothing else.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { run } from "./Cli.js"
import { report } from "./ExitCode.js"
import { unknownOption } from "./UsageGuard.js"

const unknown = unknownOption(process.argv.slice(2))
const program = (
  unknown === undefined
    ? report(run(process.argv))
    : Effect.sync(() => {
        process.stderr.write(`dt: unknown option '${unknown}': see 'dt --help' for the options of each command.\n`)
        process.exitCode = 2
      })
).pipe(Effect.provide(Layer.mergeAll(NodeContext.layer, Logger.minimumLogLevel(LogLevel.Warning))))

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(exit._tag === "Success" ? Number(process.exitCode ?? 0) : 1)
})
