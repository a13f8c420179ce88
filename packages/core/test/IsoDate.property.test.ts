import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { isoString } from "../src/internal/isoDate.js"

describe("isoString", () => {
  it("writes every date, invalid ones and years beyond 0–9999 included, as toISOString does", () => {
    const written = (date: Date) => {
      try {
        return date.toISOString()
      } catch (error) {
        return `throws ${String(error)}`
      }
    }
    const ours = (date: Date) => {
      try {
        return isoString(date)
      } catch (error) {
        return `throws ${String(error)}`
      }
    }
    fc.assert(
      fc.property(fc.date({ noInvalidDate: false }), (date) => {
        expect(ours(date)).toBe(written(date))
      }),
      { numRuns: 5000 }
    )
    // Each field's edges, and the bounds of the plain four-digit form.
    for (const text of ["0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-02-29T09:05:07.001Z"]) {
      expect(isoString(new Date(text))).toBe(text)
    }
    expect(isoString(new Date(Date.UTC(-1, 0)))).toBe(new Date(Date.UTC(-1, 0)).toISOString())
    expect(isoString(new Date(Date.UTC(10000, 0)))).toBe("+010000-01-01T00:00:00.000Z")
  })
})
