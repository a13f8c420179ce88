/**
 * The one rule of the `Directory` port that types cannot say: a transaction body waits on nothing but the store's own
 * operations (no timer, no promise, no other service). An SQLite store runs BEGIN, the body and COMMIT in one
 * synchronous step, so there a body that would wait cannot go on; the other stores could let it, holding their locks
 * while it waits. Every store refuses such a body the same way, with these helpers: it fails with
 * `asyncBodyRefused`, and nothing it wrote remains.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Option, Runtime, RuntimeFlags, RuntimeFlagsPatch, Supervisor } from "effect"
import { StorageError } from "./Errors.js"

/**
 * Why a body that waited on something other than the store was refused.
 *
 * @category constants
 * @since 0.1.0
 */
export const ASYNC_BODY_REASON =
  "a transaction body waited on something other than the store (a timer, a promise, another service); a transaction body may only run the store's own operations"

/**
 * The failure of a transaction whose body waited on something other than the store.
 *
 * @category errors
 * @since 0.1.0
 */
export const asyncBodyRefused = (): StorageError => new StorageError({ reason: ASYNC_BODY_REASON })

/** Notes whether the fiber it watches ever stopped to wait while it was not inside one of the store's operations. */
class WaitWatch extends Supervisor.AbstractSupervisor<void> {
  waitedElsewhere = false
  constructor(private readonly inStoreOperation: () => boolean) {
    super()
  }
  get value() {
    return Effect.void
  }
  override onSuspend(): void {
    if (!this.inStoreOperation()) this.waitedElsewhere = true
  }
}

/** A fiber never stops of its own accord in the body: it stops only to wait. */
const noYielding = RuntimeFlagsPatch.disable(RuntimeFlags.CooperativeYielding)

/**
 * Runs a body on a store whose operations may wait (a database reached over a connection): the body runs as it is, and
 * if it stopped to wait at any moment when `inStoreOperation` was false, the transaction fails with
 * `asyncBodyRefused` (the store then rolls it back).
 *
 * @category guards
 * @since 0.1.0
 */
export const guarded = <A, E, R>(
  body: Effect.Effect<A, E, R>,
  inStoreOperation: () => boolean
): Effect.Effect<A, E | StorageError, R> =>
  Effect.suspend(() => {
    const watch = new WaitWatch(inStoreOperation)
    return body.pipe(
      Effect.withRuntimeFlagsPatch(noYielding),
      Effect.supervised(watch),
      Effect.exit,
      Effect.flatMap(
        (exit): Effect.Effect<A, E | StorageError> => (watch.waitedElsewhere ? Effect.fail(asyncBodyRefused()) : exit)
      )
    )
  })

/**
 * Runs a body to its end synchronously (a store whose operations never wait): a body that would wait is stopped
 * (interrupted, so that nothing of it runs later) and refused with `asyncBodyRefused`.
 *
 * @category guards
 * @since 0.1.0
 */
export const runSynchronously = <A, E>(
  runtime: Runtime.Runtime<never>,
  body: Effect.Effect<A, E>
): Exit.Exit<A, E | StorageError> => {
  const exit = Runtime.runSyncExit(runtime)(body)
  if (Exit.isSuccess(exit)) return exit
  const defect = Option.getOrUndefined(Cause.dieOption(exit.cause))
  if (!Runtime.isAsyncFiberException(defect)) return exit
  defect.fiber.unsafeInterruptAsFork(defect.fiber.id())
  return Exit.fail(asyncBodyRefused())
}
