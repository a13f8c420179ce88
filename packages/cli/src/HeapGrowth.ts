/**
 * The old generation's growth during long streaming work (an import). Each record of an import leaves a few KB in
 * V8's old generation (its decoded record, its generator frames and fiber operations outlive two young collections);
 * with that much promoted, V8's dynamic heuristic lets the old generation grow to about 4 times what is live before a
 * full collection: ~20 MB live, ~90–107 MB before each mark-compact of a 100,000-user import, most of dt's peak RSS.
 * Growing it by at most its live size instead (a factor of 2) keeps that peak near twice what is live, for a few more
 * full collections of a small heap (docs/benchmarks.md has the figures). The setting is V8's own, read each time V8
 * sets the heap's next limit, so it takes effect while dt runs; it is put back when the work ends, so that the code
 * cache bin/dt.js writes at exit is made under V8's default flags (V8 rejects a cache made under other flags).
 *
 * @since 0.1.0
 */
import { setFlagsFromString } from "node:v8"
import { Effect } from "effect"

/**
 * How much the old generation may grow past what is live, in percent, during streaming work.
 *
 * @category constants
 * @since 0.1.0
 */
export const STREAMING_HEAP_GROWING_PERCENT = 100

/** Whether whoever runs dt sized V8's heap themselves (NODE_OPTIONS or node's command line), as bin/dt.js asks. */
const ownHeapSizing = (): boolean =>
  /semi[-_]space|heap[-_]growing|old[-_]space/.test(`${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`)

/**
 * Runs `work` with the old generation growing by at most `STREAMING_HEAP_GROWING_PERCENT` past what is live, then puts
 * V8's default back; leaves the heap alone when whoever runs dt sized it themselves.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withSmallOldGeneration = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  ownHeapSizing()
    ? work
    : Effect.acquireUseRelease(
        Effect.sync(() => setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)),
        () => work,
        // 0, V8's default: the growth is V8's dynamic one again.
        () => Effect.sync(() => setFlagsFromString("--heap-growing-percent=0"))
      )
