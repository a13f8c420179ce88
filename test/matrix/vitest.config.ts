import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "matrix",
    setupFiles: ["../support/eventLoopWatch.ts"],
    include: ["*.test.ts"],
    // It waits on the nested runs it starts: it shares the install test's pool, beside the package suites' files.
    pool: "threads",
    // Each test runs test projects under another Node line (and, on a line met for the first time, waits for its
    // native modules to compile); a nested run is ended at 20 minutes (NESTED_RUN_TIMEOUT_MS), and may run twice.
    testTimeout: 45 * 60_000,
    hookTimeout: 15 * 60_000
  }
})
