import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "matrix",
    include: ["*.test.ts"],
    // It waits on the nested runs it starts: it shares the install test's pool, beside the package suites' files.
    pool: "threads",
    // Each test runs test projects under another Node line (and, on a line met for the first time, waits for its
    // native modules to compile).
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000
  }
})
