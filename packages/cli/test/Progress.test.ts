import { stripVTControlCharacters } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as Progress from "../src/Progress.js"

/** An output that keeps what is written to it, a terminal or not. */
const output = (isTTY: boolean) => {
  const chunks: Array<string> = []
  return { chunks, text: () => chunks.join(""), isTTY, columns: 120, write: (text: string) => chunks.push(text) > 0 }
}

// Escape sequences (cursor moves, line clearing) aside, what a person reads.
const visible = (text: string) => stripVTControlCharacters(text)

describe("Progress", () => {
  it.effect("shows no bar for work that ends within about a second, and prints the summary line", () =>
    Effect.gen(function* () {
      const bar = output(true)
      const summary = output(false)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const progress = yield* Progress.make({ verb: "Exported", noun: "users", bar, summary })
          yield* progress.advance(400)
          yield* TestClock.adjust(900)
          yield* progress.advance(600)
          yield* progress.finish()
        })
      )
      expect(bar.text()).toBe("")
      expect(summary.text()).toBe("Exported 1,000 users in 0.9 s (1,111 a second).\n")
    })
  )

  it.effect("on a terminal, shows a bar with the count, the rate and the time left once work runs over a second", () =>
    Effect.gen(function* () {
      const bar = output(true)
      const summary = output(false)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const progress = yield* Progress.make({ verb: "Imported", noun: "users", total: 10_000, bar, summary })
          yield* progress.advance(1000)
          yield* TestClock.adjust(1500)
          yield* progress.advance(500)
          const shown = visible(bar.text())
          expect(shown).toContain("/10000 users")
          expect(shown).toMatch(/\d[\d,]* a second/)
          expect(shown).toMatch(/ left/)
          yield* progress.finish({ counts: { created: 1400, refused: 100 } })
        })
      )
      expect(summary.text()).toBe("Imported 1,500 users in 1.5 s (1,000 a second): 1,400 created, 100 refused.\n")
    })
  )

  it.effect("shows the count and rate without a total when how much there is is not known", () =>
    Effect.gen(function* () {
      const bar = output(true)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const progress = yield* Progress.make({ verb: "Exported", noun: "users", bar, summary: output(false) })
          yield* TestClock.adjust(2000)
          yield* progress.advance(3000)
          expect(visible(bar.text())).toMatch(/users \| [\d,]+ a second/)
          expect(visible(bar.text())).not.toContain("left")
        })
      )
    })
  )

  it.effect("shows the bar after a second even before anything is counted (a slow first batch)", () =>
    Effect.gen(function* () {
      const bar = output(true)
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* Progress.make({ verb: "Imported", noun: "users", total: 10, bar, summary: output(false) })
          yield* TestClock.adjust(1200)
          expect(visible(bar.text())).toContain("0/10 users")
        })
      )
    })
  )

  it.effect("shows nothing of the bar when standard error is not a terminal, or with --quiet", () =>
    Effect.gen(function* () {
      for (const [bar, quiet] of [
        [output(false), false],
        [output(true), true]
      ] as const) {
        const summary = output(false)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const progress = yield* Progress.make({ verb: "Imported", noun: "users", total: 9, bar, summary, quiet })
            yield* TestClock.adjust(5000)
            yield* progress.advance(9)
            yield* progress.finish()
          })
        )
        expect(bar.text()).toBe("")
        expect(summary.text()).toBe("Imported 9 users in 5 s (2 a second).\n")
      }
    })
  )

  it.effect("clears the bar from the terminal when the work is interrupted", () =>
    Effect.gen(function* () {
      const bar = output(true)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const progress = yield* Progress.make({
            verb: "Imported",
            noun: "users",
            total: 10,
            bar,
            summary: output(false)
          })
          yield* TestClock.adjust(1200)
          yield* progress.advance(5)
          return yield* Effect.interrupt
        })
      ).pipe(Effect.exit)
      // The last thing written moves to the start of the line and clears it.
      expect(bar.chunks.slice(-3).join("")).toContain("\u001b[2K")
    })
  )

  it("writes the summary as one line of JSON with -j, and says when Ctrl-C stopped the work", () => {
    expect(
      Progress.summaryLine({ verb: "Imported", noun: "users", json: true }, 1500, 1500, { counts: { created: 3 } })
    ).toBe('{"done":1500,"seconds":1.5,"perSecond":1000,"created":3,"stopped":false}')
    expect(Progress.summaryLine({ verb: "Imported", noun: "users" }, 400, 2000, { stopped: true })).toBe(
      "Stopped by Ctrl-C: imported 400 users in 2 s (200 a second)."
    )
  })

  it("lists the counts of several kinds in sections, and says '1 record' for one", () => {
    const counts = { groups: { created: 1, refused: 0 }, users: { created: 0, refused: 1 } }
    expect(Progress.summaryLine({ verb: "Imported", noun: "records" }, 2, 1000, { counts })).toBe(
      "Imported 2 records in 1 s (2 a second): groups: 1 created, 0 refused; users: 0 created, 1 refused."
    )
    expect(Progress.summaryLine({ verb: "Imported", noun: "records" }, 1, 1000)).toBe(
      "Imported 1 record in 1 s (1 a second)."
    )
  })

  it("gives a duration under a tenth of a second in milliseconds, never '0 s', and exactly in JSON", () => {
    expect(Progress.summaryLine({ verb: "Imported", noun: "records" }, 2, 36)).toBe(
      "Imported 2 records in 36 ms (56 a second)."
    )
    expect(Progress.summaryLine({ verb: "Imported", noun: "records", json: true }, 2, 36)).toBe(
      '{"done":2,"seconds":0.036,"perSecond":56,"stopped":false}'
    )
  })
})
