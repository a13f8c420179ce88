/**
 * Timing, statistics and formatting shared by the benchmarks under bench/ (run by hand, not in CI).
 */
import { performance } from "node:perf_hooks"
import v8 from "node:v8"
import vm from "node:vm"
import { Effect } from "effect"

/** An integer setting from the environment (`_` allowed as a thousands separator), at least `minimum`. */
export const intSetting = (name: string, fallback: number, minimum = 0): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return fallback
  const value = Number(raw.replaceAll("_", ""))
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be an integer ≥ ${minimum}, got '${raw}'`)
  return value
}

/** Milliseconds since the process started, with sub-millisecond resolution. */
export const now = () => performance.now()

/**
 * A full garbage collection, run before each measured operation so that one operation's garbage (a list allocates a
 * record per user) is not collected on the next one's clock. An operation's own garbage still counts against it.
 */
v8.setFlagsFromString("--expose-gc")
export const collectGarbage = vm.runInNewContext("gc") as () => void

/** The distribution of one batch of samples, in milliseconds. */
export interface Stats {
  readonly samples: number
  readonly median: number
  readonly p95: number
}

/** The `q` quantile of sorted values (nearest rank). */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN

/** The median and p95 of samples. */
export const stats = (samples: ReadonlyArray<number>): Stats => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { samples: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) }
}

/** The median of values. */
export const median = (values: ReadonlyArray<number>): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5
  )

/** How many times to run an operation per run: at most `iterations`, stopping after `budgetMs` once `minimum` ran. */
export interface Plan {
  readonly iterations: number
  readonly budgetMs: number
  readonly minimum: number
}

/** Times each call of an Effect operation on its own, inside one Effect program (no runtime start-up per call). */
export const timeEach = (plan: Plan, operation: (index: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    collectGarbage()
    const samples: Array<number> = []
    const started = now()
    for (let index = 0; index < plan.iterations; index++) {
      const t0 = now()
      yield* Effect.orDie(operation(index))
      samples.push(now() - t0)
      if (samples.length >= plan.minimum && now() - started > plan.budgetMs) break
    }
    return stats(samples)
  })

let sink = 0
/** Times a plain synchronous operation; sub-microsecond ones run `batch` calls per sample (the sample is the mean). */
export const timeSync = (plan: Plan, batch: number, operation: (index: number) => unknown): Stats => {
  collectGarbage()
  const samples: Array<number> = []
  const started = now()
  let call = 0
  for (let index = 0; index < plan.iterations; index++) {
    const t0 = now()
    for (let n = 0; n < batch; n++) if (operation(call++) !== undefined) sink++
    samples.push((now() - t0) / batch)
    if (samples.length >= plan.minimum && now() - started > plan.budgetMs) break
  }
  return stats(samples)
}

/** Milliseconds with three significant figures or so; `—` when not measured. */
export const ms = (value: number): string => {
  if (!Number.isFinite(value)) return "—"
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1)
  if (value >= 1) return value.toFixed(2)
  if (value >= 0.01) return value.toFixed(3)
  if (value >= 0.0001) return value.toFixed(5)
  return value.toExponential(1)
}

/** `a / b` as `1.5×` (no decimals from 10× up); `—` when either is missing. */
export const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×` : "—"

/** `1,000,000`. */
export const thousands = (value: number): string => value.toLocaleString("en-US")

/** Milliseconds as seconds with one decimal: `12.3 s`. */
export const seconds = (millis: number): string => `${(millis / 1000).toFixed(1)} s`

/** A progress line on standard error (standard output carries the report). */
export const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/** Keeps the results of timed calls alive, so that the optimiser cannot drop the calls. */
export const used = (): number => sink
