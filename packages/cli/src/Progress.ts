/**
 * The progress of long work (an import, an export): on a terminal, a bar on standard error with the count, the rate
 * and the time left, shown only once the work has run for about a second; nothing of it when standard error is not a
 * terminal or with `--quiet`. At the end, one summary line: plain text, or JSON with `-j`.
 *
 * @since 0.1.0
 */
import CliProgress from "cli-progress"
import { Clock, Effect, type Scope } from "effect"
import { formatCount } from "./Output.js"

/**
 * How long work runs before its bar is shown: shorter work finishes without one.
 *
 * @category constants
 * @since 0.1.0
 */
export const SHOW_AFTER_MS = 1000

/**
 * Where progress and its summary are written: a stream that may be a terminal.
 *
 * @category models
 * @since 0.1.0
 */
export interface Output {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean | undefined
}

/**
 * What to show: the work (`verb` for the summary, such as "Imported"; `noun`, the plural of what is counted), how much
 * there is when known (for the percentage and the time left), and how to show it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ProgressOptions {
  /** The past tense of the work, for the summary: "Exported", "Imported". */
  readonly verb: string
  /** What is counted, in the plural: "users", "records". */
  readonly noun: string
  /** How many there are in all, when known beforehand. */
  readonly total?: number | undefined
  /** `--quiet`: no bar. */
  readonly quiet?: boolean | undefined
  /** `-j`: the summary as one line of JSON. */
  readonly json?: boolean | undefined
  /** Where the bar goes (default: standard error); it is shown only when this is a terminal. */
  readonly bar?: Output | undefined
  /** Where the summary goes (default: standard output; standard error when the command's output is the data itself). */
  readonly summary?: Output | undefined
  /** How long the work runs before the bar is shown (default `SHOW_AFTER_MS`). */
  readonly showAfterMs?: number | undefined
}

/**
 * The counts a summary adds after the total, by name: `{ created: 10, refused: 1 }`, or in named sections when the work
 * counts several kinds: `{ groups: { created: 2 }, users: { created: 10 } }`.
 *
 * @category models
 * @since 0.1.0
 */
export type Counts = Readonly<Record<string, number | Readonly<Record<string, number>>>>

/**
 * The progress of one piece of work.
 *
 * @category models
 * @since 0.1.0
 */
export interface Progress {
  /** Counts `count` more done. */
  readonly advance: (count: number) => Effect.Effect<void>
  /**
   * Removes the bar and prints the summary line: how many were done, in how long, how many a second, then `counts`;
   * `stopped` says the work was stopped (Ctrl-C) before it was all done.
   */
  readonly finish: (options?: { readonly counts?: Counts; readonly stopped?: boolean }) => Effect.Effect<void>
}

/** A duration for people: milliseconds under a tenth of a second (never "0 s"), else seconds to a tenth. */
const duration = (millis: number) => (millis < 100 ? `${Math.round(millis)} ms` : `${Math.round(millis / 100) / 10} s`)

const perSecond = (done: number, millis: number) => (millis <= 0 ? done : Math.round((done * 1000) / millis))

/**
 * The summary line of work that did `done` in `millis` milliseconds: `Exported 1,000 users in 2.5 s (400 a second).`
 * or, with `json`, `{"done":1000,"seconds":2.5,"perSecond":400,"stopped":false}`; `counts` follow in both.
 *
 * @category formatting
 * @since 0.1.0
 */
export const summaryLine = (
  options: Pick<ProgressOptions, "verb" | "noun" | "json">,
  done: number,
  millis: number,
  extra: { readonly counts?: Counts | undefined; readonly stopped?: boolean | undefined } = {}
): string => {
  const counts = extra.counts ?? {}
  const stopped = extra.stopped === true
  if (options.json === true) {
    return JSON.stringify({
      done,
      seconds: Math.round(millis) / 1000,
      perSecond: perSecond(done, millis),
      ...counts,
      stopped
    })
  }
  const listed = (section: Readonly<Record<string, number>>) =>
    Object.entries(section)
      .map(([name, count]) => `${formatCount(count)} ${name}`)
      .join(", ")
  const parts = Object.entries(counts).map(([name, count]) =>
    typeof count === "number" ? `${formatCount(count)} ${name}` : `${name}: ${listed(count)}`
  )
  const sections = Object.values(counts).some((count) => typeof count !== "number")
  const verb = stopped ? `Stopped by Ctrl-C: ${options.verb.toLowerCase()}` : options.verb
  // "1 record", "2 records": the nouns are regular plurals.
  const noun = done === 1 ? options.noun.replace(/s$/, "") : options.noun
  return `${verb} ${formatCount(done)} ${noun} in ${duration(millis)} (${formatCount(perSecond(done, millis))} a second)${parts.length === 0 ? "" : `: ${parts.join(sections ? "; " : ", ")}`}.`
}

/**
 * Starts showing the progress of work; the bar (if any was shown) is removed when the scope closes, however the work
 * ended (a second Ctrl-C included), so that the terminal is left clean.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: ProgressOptions): Effect.Effect<Progress, never, Scope.Scope> =>
  Effect.gen(function* () {
    const barOutput = options.bar ?? process.stderr
    const summaryOutput = options.summary ?? process.stdout
    const showAfterMs = options.showAfterMs ?? SHOW_AFTER_MS
    const enabled = options.quiet !== true && barOutput.isTTY === true
    const startedAt = yield* Clock.currentTimeMillis
    let done = 0
    let bar: CliProgress.SingleBar | undefined
    const rate = (now: number) => ({ rate: formatCount(perSecond(done, now - startedAt)), noun: options.noun })

    const show = (now: number) => {
      if (!enabled || bar !== undefined || now - startedAt < showAfterMs) return
      bar = new CliProgress.SingleBar({
        stream: barOutput as NodeJS.WritableStream,
        format:
          options.total === undefined
            ? "{value} {noun} | {rate} a second | {duration_formatted}"
            : "[{bar}] {percentage}% | {value}/{total} {noun} | {rate} a second | {eta_formatted} left",
        clearOnComplete: true,
        hideCursor: false,
        gracefulExit: false,
        etaBuffer: 50
      })
      bar.start(options.total ?? 0, done, rate(now))
    }
    const stop = Effect.sync(() => {
      bar?.stop()
      bar = undefined
    })
    yield* Effect.addFinalizer(() => stop)
    // Shown after the delay even if nothing was counted by then (a slow first batch).
    yield* Effect.forkScoped(Effect.sleep(showAfterMs).pipe(Effect.zipRight(Clock.currentTimeMillis), Effect.map(show)))

    return {
      advance: (count) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          done += count
          if (bar === undefined) show(now)
          else bar.update(done, rate(now))
        }),
      finish: (extra = {}) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          yield* stop
          summaryOutput.write(`${summaryLine(options, done, now - startedAt, extra)}\n`)
        })
    } satisfies Progress
  })
