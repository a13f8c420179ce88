import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "checks",
    setupFiles: ["../support/eventLoopWatch.ts"],
    include: ["*.test.ts"],
    // The checks keep one core busy and wait on nothing else: they share the install test's pool, which runs beside
    // the package suites', so that they use a core those leave idle instead of running before them.
    pool: "threads",
    // tsc -b and TypeDoc each read every project's sources and types from scratch on a fresh clone.
    testTimeout: 15 * 60_000
  }
})
