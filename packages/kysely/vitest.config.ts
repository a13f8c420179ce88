import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "kysely",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    globalSetup: ["../test-stores/src/announceSkips.ts"],
    // Every test runs many transactions against a real database, on machines that may be busy.
    testTimeout: 30_000
  }
})
