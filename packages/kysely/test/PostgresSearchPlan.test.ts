/**
 * How PostgreSQL's search page chooses between walking the username index and sorting every match: the walk is
 * skipped when the statistics place the search's first match beyond where the walk could fill its page. And how a
 * search within a group chooses to walk the group's members: not for a term the statistics' sample does not hold.
 */
import { describe, expect, it } from "vitest"
import {
  latestWalkBound,
  rareBySample,
  sortsAtOnce,
  type UsernameQuantiles,
  walkFallsShort
} from "../src/internal/postgresSearch.js"

/** 1,000,000 users whose usernames' quantiles are u000 … u100: each a hundredth of the users past the one before. */
const quantiles: UsernameQuantiles = {
  bounds: Array.from({ length: 101 }, (_, index) => `u${String(index).padStart(3, "0")}`),
  users: 1_000_000
}

describe("PostgreSQL: whether a search's walk can reach its page", () => {
  it("skips the walk when the first match comes after more users than the walk may read, in either order", () => {
    // Ascending, `u055x` comes after 55 hundredths of the users at least; descending, before 44 of them at least.
    expect(walkFallsShort(quantiles, "u055x", "asc", 22_859, 50)).toBe(true)
    expect(walkFallsShort(quantiles, "u055x", "desc", 22_859, 50)).toBe(true)
    // Ascending, `u001x` may come right after the first hundredth (10,000 users): a walk of 22,859 entries can meet it.
    expect(walkFallsShort(quantiles, "u001x", "asc", 22_859, 50)).toBe(false)
    expect(walkFallsShort(quantiles, "u099x", "desc", 22_859, 50)).toBe(false)
    expect(walkFallsShort(quantiles, "a", "asc", 22_859, 50)).toBe(false)
  })

  it("counts the page's own matches against the walk: a page further in needs the first match earlier", () => {
    // `u002x` comes after at least 20,000 users: a first page of 50 fits within 22,859 entries, a page ending at
    // the 3,000th match cannot.
    expect(walkFallsShort(quantiles, "u002x", "asc", 22_859, 50)).toBe(false)
    expect(walkFallsShort(quantiles, "u002x", "asc", 22_859, 3_000)).toBe(true)
  })

  it("counts from where the walk starts the users it reads before the first match, about a quantile for each bound between", () => {
    // From `u054`, `u055x` comes after the bounds u054 and u055: about 20,000 users, within the walk.
    expect(walkFallsShort(quantiles, "u055x", "asc", 22_859, 50, "u054")).toBe(false)
    // From `u054x`, `u057x` comes after u055, u056 and u057: about 30,000 users (20,000 at least), past the walk.
    expect(walkFallsShort(quantiles, "u057x", "asc", 22_859, 50, "u054x")).toBe(true)
    // Descending, from before `u043` down to `u040x`: u042 and u041; from before `u044`, u043 too.
    expect(walkFallsShort(quantiles, "u040x", "desc", 22_859, 50, "u043")).toBe(false)
    expect(walkFallsShort(quantiles, "u040x", "desc", 22_859, 50, "u044")).toBe(true)
  })

  it("walks as before without statistics (users never analyzed) or without a first match", () => {
    expect(walkFallsShort(undefined, "u055x", "asc", 22_859, 50)).toBe(false)
    expect(walkFallsShort(quantiles, null, "asc", 22_859, 50)).toBe(false)
    expect(walkFallsShort(quantiles, undefined, "desc", 22_859, 50)).toBe(false)
  })
})

describe("PostgreSQL: whether a search within a group walks its members", () => {
  const sample = ["ada.abbott1\nada abbott", "ben.quartz2\nben quartz\nben@example.com", "cy.stone3\ncy stone"]

  it("leaves a term no sampled search text holds to the statement planned for it, and walks one that some hold", () => {
    expect(rareBySample(sample, "zzq")).toBe(true)
    expect(rareBySample(sample, "quartz")).toBe(false)
    // A term spanning the lines of a search text is held as LIKE would find it.
    expect(rareBySample(sample, "quartz\nben@")).toBe(false)
  })

  it("walks every term without statistics (users never analyzed)", () => {
    expect(rareBySample(undefined, "zzq")).toBe(false)
  })
})

describe("PostgreSQL: whether a search is sorted at once, counted by its sort", () => {
  /** 1,000,000 users: 49 quantiles `aa…`, three `kenji.…` together, then 49 `zz…`. */
  const clustered: UsernameQuantiles = {
    bounds: [
      ...Array.from({ length: 49 }, (_, index) => `aa${String(index).padStart(2, "0")}`),
      "kenji.a",
      "kenji.b",
      "kenji.c",
      ...Array.from({ length: 49 }, (_, index) => `zz${String(index).padStart(2, "0")}`)
    ],
    users: 1_000_000
  }

  it("sorts a term the quantiles hold in one run of neighbours, late in the page's order, in either order", () => {
    expect(sortsAtOnce(clustered, "kenji", "asc", 50)).toBe(true)
    expect(sortsAtOnce(clustered, "kenji", "desc", 50)).toBe(true)
    // A page further in than the walk those ~30,000 matches allow is counted first, as before.
    expect(sortsAtOnce(clustered, "kenji", "asc", 40_000)).toBe(false)
  })

  it("counts first, then walks, a term whose run leads the range of usernames its walk starts at", () => {
    // `kenji` follows 49 quantiles `aa…`: from the first username it is late; from `k`, where its walk starts, not.
    expect(sortsAtOnce(clustered, "kenji", "asc", 50, "k")).toBe(false)
    expect(sortsAtOnce(clustered, "kenji", "desc", 50, "l")).toBe(false)
    // From `a`, or down from before `{` (past every `zz…`), 49 quantiles come first: sorted at once.
    expect(sortsAtOnce(clustered, "kenji", "asc", 50, "a")).toBe(true)
    expect(sortsAtOnce(clustered, "kenji", "desc", 50, "{")).toBe(true)
  })

  it("the latest a walk may start is the range of the first quantile bound holding the term (the last, descending)", () => {
    expect(latestWalkBound(clustered, "kenji", "asc")).toBe("k")
    expect(latestWalkBound(clustered, "kenji", "desc")).toBe("l")
    // `zz4` is held by bounds under `z`, the last range: descending, its walk starts at the end.
    expect(latestWalkBound(clustered, "zz4", "desc")).toBeUndefined()
    expect(latestWalkBound(clustered, "aa0", "asc")).toBe("a")
    expect(latestWalkBound(clustered, "quartz", "asc")).toBeUndefined()
    expect(latestWalkBound(undefined, "kenji", "asc")).toBeUndefined()
    const late: UsernameQuantiles = { ...clustered, bounds: ["!x", "_y", ...clustered.bounds.slice(2), "{z", "éz"] }
    expect(latestWalkBound(late, "x", "asc")).toBe("")
    expect(latestWalkBound(late, "y", "desc")).toBe("a")
    expect(latestWalkBound(late, "z", "asc")).toBe("z")
  })

  it("counts first a term spread over the usernames, at the start of the page's order, in one quantile or none, or too common to sort", () => {
    const spread = {
      ...clustered,
      bounds: clustered.bounds.map((bound, index) => (index % 25 === 10 ? `${bound}x` : bound))
    }
    expect(sortsAtOnce(spread, "x", "asc", 50)).toBe(false)
    expect(sortsAtOnce(clustered, "aa0", "asc", 50)).toBe(false)
    expect(sortsAtOnce(clustered, "zz4", "desc", 50)).toBe(false)
    expect(sortsAtOnce(clustered, "quartz", "asc", 50)).toBe(false)
    // In one quantile only: as likely a spread term's chance sample.
    expect(sortsAtOnce(clustered, "kenji.b", "asc", 50)).toBe(false)
    // `zz0` is in ten neighbouring quantiles: ~100,000 matches, more than a sort at once takes.
    expect(sortsAtOnce(clustered, "zz0", "asc", 50)).toBe(false)
  })

  it("counts first without statistics (users never analyzed)", () => {
    expect(sortsAtOnce(undefined, "kenji", "asc", 50)).toBe(false)
  })
})
