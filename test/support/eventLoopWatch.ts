/**
 * Keeps test workers' event loops turning, and names what holds one. Vitest 3's worker reports each test to the main
 * process with a fixed 60-second deadline, and Node runs expired timers before it reads the answers that arrived
 * meanwhile: a test that keeps the loop from turning for a minute fails the run ("[vitest-worker]: Timeout calling
 * onTaskUpdate") although every test passed. On a loaded two-core machine a few seconds of CPU become a minute.
 *
 * - After each test the loop turns once before the next test begins, so that a hold never runs on from one test into
 *   the next (in-process databases answer through promises alone, or synchronously, and never let it turn).
 * - Every hold of 10 seconds or more (`DT_LOOP_HOLD_REPORT_MS`) is written, with the test that was running, to
 *   `.event-loop-holds.log` at the repository's root; `.ci/run` and the support matrix's report print it.
 */
import { appendFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterEach, expect } from "vitest"

const log = fileURLToPath(new URL("../../.event-loop-holds.log", import.meta.url))
const reportFromMs = Number(process.env.DT_LOOP_HOLD_REPORT_MS ?? 10_000)

/** When the loop last turned: one clock and one timer a worker, whose files may share its modules (`isolate: false`). */
const shared = globalThis as { __dtLoopWatch?: { lastTurn: number } }
const started = shared.__dtLoopWatch === undefined
const watch = shared.__dtLoopWatch ?? { lastTurn: performance.now() }
shared.__dtLoopWatch = watch

const report = (heldMs: number, where: string) => {
  if (heldMs < reportFromMs) return
  const { testPath, currentTestName } = expect.getState()
  appendFileSync(
    log,
    `${new Date().toISOString()} held ${(heldMs / 1000).toFixed(1)} s ${where}: ${testPath ?? "?"} > ${currentTestName ?? "(outside a test)"}\n`
  )
}

// The loop turns at least every 200 ms while nothing holds it: a longer gap between two turns is a hold.
if (started) {
  setInterval(() => {
    const now = performance.now()
    report(now - watch.lastTurn, "until this turn")
    watch.lastTurn = now
  }, 200).unref()
}
afterEach(async () => {
  report(performance.now() - watch.lastTurn, "at the end of the test")
  await new Promise<void>((resolve) => setImmediate(resolve))
})
