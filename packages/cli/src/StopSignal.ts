/**
 * Ctrl-C during long work (an import, an export): the first SIGINT asks the work to stop after the batch in flight,
 * through an `AbortSignal` it checks between batches, so that what it committed is whole and can be reported; a
 * second SIGINT interrupts it at once (the batch in flight is rolled back).
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Runtime } from "effect"

/**
 * What is said on standard error at the first Ctrl-C.
 *
 * @category constants
 * @since 0.1.0
 */
export const STOPPING_NOTICE = "Stopping after the batch in flight (Ctrl-C again to stop at once)."

/**
 * Options of `withStopSignal`: what to do at the first Ctrl-C (default: say `STOPPING_NOTICE` on standard error).
 *
 * @category models
 * @since 0.1.0
 */
export interface StopSignalOptions {
  readonly onStopping?: Effect.Effect<void> | undefined
}

/**
 * Runs `work` with an `AbortSignal` that the first SIGINT aborts; the second SIGINT interrupts `work` at once. While
 * `work` runs its SIGINT handling holds back the process's other SIGINT listeners, those there before and those added
 * meanwhile (`NodeRuntime.runMain`'s, which would interrupt the command at the first one); they are put back when it
 * ends, however it ends.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withStopSignal = <A, E, R>(
  work: (signal: AbortSignal) => Effect.Effect<A, E, R>,
  options: StopSignalOptions = {}
): Effect.Effect<A, E, R> =>
  Effect.scoped(
    Effect.gen(function* () {
      const controller = new AbortController()
      const now = yield* Deferred.make<void>()
      const runFork = Runtime.runFork(yield* Effect.runtime<never>())
      const onStopping =
        options.onStopping ?? Effect.sync(() => void process.stderr.write(`\ndt: ${STOPPING_NOTICE}\n`))
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          const held = process.listeners("SIGINT") as Array<NodeJS.SignalsListener>
          for (const other of held) process.removeListener("SIGINT", other)
          let count = 0
          const listener = () => {
            count += 1
            if (count === 1) {
              controller.abort()
              runFork(onStopping)
            } else {
              Deferred.unsafeDone(now, Exit.void)
            }
          }
          // A listener added while the work runs is held back too: runMain adds its own only after the program's
          // fiber has started, which may be after this. Node calls `newListener` before adding; a signal is handled
          // in a later turn of the event loop than the microtask that takes the listener out again.
          const hold = (event: string | symbol, added: NodeJS.SignalsListener) => {
            if (event !== "SIGINT" || added === listener) return
            queueMicrotask(() => {
              if (!process.listeners("SIGINT").includes(added)) return
              process.removeListener("SIGINT", added)
              held.push(added)
            })
          }
          process.on("SIGINT", listener)
          process.on("newListener", hold)
          return { held, listener, hold }
        }),
        ({ held, listener, hold }) =>
          Effect.sync(() => {
            process.removeListener("newListener", hold)
            process.removeListener("SIGINT", listener)
            for (const other of held) process.on("SIGINT", other)
          })
      )
      return yield* Effect.raceFirst(work(controller.signal), Effect.zipRight(Deferred.await(now), Effect.interrupt))
    })
  )
