/**
 * The support matrix: under each Node line `DT_TEST_NODE_LINES` names, the suites whose outcome can differ between Node
 * lines, with Kysely 0.29 and better-sqlite3 13 swapped in where their Node ranges allow (Node ≥ 22). The full suite
 * stays on the machine's Node; the install test runs the published packages on every line.
 */
import { rm } from "node:fs/promises"
import { describe, expect, it } from "vitest"
import {
  betterSqlite3Addon,
  moduleAbi,
  type NodeLine,
  nodeLines,
  provideNatives
} from "../install/support/nodeLines.js"
import { copyRepository, repositoryVersion, runProjects, swapIn } from "./support/workspace.js"

/** The newer majors tested beside the repository's own versions (both need Node ≥ 22). */
const kysely029 = "0.29.9"
const betterSqlite313 = "13.2.0"

/**
 * What a Node line changes, and so what runs under each: its ABI, for which better-sqlite3 is built per line and
 * @node-rs/argon2 is loaded; its worker threads, in which the SQLite concurrency suite opens the addon; and its ICU and
 * Unicode tables, on which the core's name, password and search rules rest. Everything else is JavaScript that runs
 * alike on every line, and runs in the full suite: the in-memory store, the property tests, the stores that only differ
 * from SQLite's file store by the connection (in memory) or by the SQL Kysely builds (behind a host's Kysely, with a
 * table prefix, PGlite). The latter run here on the first line that takes another Kysely, whose code then differs; that
 * Kysely is JavaScript too and runs alike on the other lines that take it, which run the SQLite file store on it. The
 * concurrency suite takes fewer steps here: its races are proved at full length on the machine's Node, and here the
 * addon only has to hold up in threads. A line with the machine's Node's ABI (20.19.0 beside 20.20) loads the very
 * better-sqlite3 build the full suite tests, in threads alike: it runs the SQLite suites only with another
 * better-sqlite3 or Kysely, and otherwise argon2 and the Unicode suites (its Unicode tables can differ).
 */
const sqliteSuites = [
  "packages/kysely/test/KyselyDirectory.test.ts",
  "packages/kysely/test/SqliteDirectory.test.ts",
  "packages/kysely/test/SearchIndex.test.ts",
  "packages/kysely/test/Migrations.test.ts",
  "packages/kysely/test/Concurrency.test.ts"
]
const unicodeSuites = [
  "packages/kysely/test/Argon2Hasher.test.ts",
  "packages/core/test/Password.test.ts",
  "packages/core/test/PersonNameEmail.property.test.ts",
  "packages/core/test/SearchText.test.ts",
  "packages/core/test/UserKeys.test.ts"
]

/** Stores (by their suites' names) that run the SQLite file store's code on another kind of connection. */
const sameCode = [":memory:"]

/** Stores that differ from the SQLite file store only by the SQL Kysely builds. */
const kyselyOnly = ["PGlite", "host's own Kysely", "table prefix"]

/** The tests a line runs, leaving out the stores above that its combination does not need. */
const testNamePattern = (combination: Combination) =>
  `^(?!.*(${[...sameCode, ...(combination.kyselyOnlyStores ? [] : kyselyOnly)].join("|")}))`

/** One line's run: the suites above, on these versions (the repository's where unset). */
interface Combination {
  readonly kysely?: string
  readonly betterSqlite3?: string
  /** Whether the stores that differ only by Kysely's SQL run (on the first line that takes another Kysely). */
  readonly kyselyOnlyStores?: boolean
  /** Whether the SQLite suites run (not on a line with the machine's ABI and the repository's versions). */
  readonly sqlite?: boolean
}

const major = (line: NodeLine) => Number(line.version.split(".")[0])

/**
 * A diagonal through the matrix, one run a line, that covers every version on at least one line within CI's time:
 * lines before 22 run the repository's Kysely 0.28 and better-sqlite3 12 (the newer majors need Node 22); from 22 on,
 * the oldest such line keeps better-sqlite3 12, the newest keeps Kysely 0.28, and every other takes both newer majors
 * ("22 24 26": Kysely 0.29 with better-sqlite3 12 on 22, both newer on 24, Kysely 0.28 with better-sqlite3 13 on 26).
 */
const combination = (line: NodeLine, lines: ReadonlyArray<NodeLine>): Combination => {
  const newer = lines.filter((other) => major(other) >= 22).sort((a, b) => major(a) - major(b))
  if (!newer.includes(line)) return {}
  const oldest = newer.length > 1 && line === newer[0]
  const newest = newer.length > 1 && line === newer[newer.length - 1]
  return { ...(newest ? {} : { kysely: kysely029 }), ...(oldest ? {} : { betterSqlite3: betterSqlite313 }) }
}

const lines = process.env.DT_TEST_NODE_LINES ? (await nodeLines()).filter((line) => !line.current) : []

if (lines.length === 0) {
  describe("support matrix", () => {
    it.skip('runs with DT_TEST_NODE_LINES set: DT_TEST_NODE_LINES="20.19.0 22 24 26" npx vitest run --project matrix')
  })
} else {
  const byMajor = [...lines].sort((a, b) => major(a) - major(b))
  const kyselyOnlyLine = byMajor.find((line) => combination(line, lines).kysely !== undefined)
  const abis = await Promise.all(lines.map(moduleAbi))
  const plan = lines.map((line, index) => {
    const versions = combination(line, lines)
    const swapped = versions.kysely !== undefined || versions.betterSqlite3 !== undefined
    const sqlite = swapped || abis[index] !== process.versions.modules
    const chosen = { ...versions, kyselyOnlyStores: line === kyselyOnlyLine, sqlite }
    return [line.version, title(chosen), line, chosen] as const
  })
  // The lines' better-sqlite3 12 builds start compiling now (two at a time), while the first lines' suites run.
  const addons = new Map(
    plan.map(([version, , line, { betterSqlite3 }]) => [
      version,
      betterSqlite3 === undefined ? betterSqlite3Addon(line, repositoryVersion("better-sqlite3")) : Promise.resolve("")
    ])
  )
  for (const addon of addons.values()) addon.catch(() => undefined)

  describe("support matrix", () => {
    it.each(plan)("Node %s: %s", async (version, _, line, combination) => {
      await addons.get(version)
      const copy = await copyRepository()
      try {
        if (combination.kysely !== undefined) await swapIn(copy, "kysely", combination.kysely)
        if (combination.betterSqlite3 !== undefined) await swapIn(copy, "better-sqlite3", combination.betterSqlite3)
        await provideNatives(line, copy)
        const run = () =>
          runProjects(line, copy, {
            projects: ["core", "kysely"],
            files: combination.sqlite ? [...sqliteSuites, ...unicodeSuites] : unicodeSuites,
            testNamePattern: testNamePattern(combination),
            env: { DT_CONCURRENCY_STEPS: "100" }
          })
        const first = await run()
        const outcome = first.lostReport ? await run() : first
        expect(outcome.failures, outcome.report).toEqual([])
        expect(outcome.exitCode, outcome.report).toBe(0)
        expect(outcome.passed, outcome.report).toBeGreaterThan(0)
      } finally {
        await rm(copy, { recursive: true, force: true })
      }
    })
  })
}

/** What a combination proves, as its test's name. */
function title(combination: Combination): string {
  const kysely = combination.kysely ?? repositoryVersion("kysely")
  const betterSqlite3 = combination.betterSqlite3 ?? repositoryVersion("better-sqlite3")
  const stores = combination.kyselyOnlyStores ? "SQLite and PGlite stores'" : "SQLite file store"
  const migrator = combination.kysely === undefined ? "" : " (its Migrator from kysely/migration)"
  if (!combination.sqlite) {
    return `argon2 and the core's Unicode rules pass; its ABI is the machine's Node's, whose better-sqlite3 ${betterSqlite3} build the full suite tests`
  }
  return `the ${stores} suites, argon2 and the core's Unicode rules pass on Kysely ${kysely}${migrator} with better-sqlite3 ${betterSqlite3}`
}
