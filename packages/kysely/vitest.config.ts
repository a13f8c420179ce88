import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "kysely",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    // The files of a worker share its loaded modules (Effect, Kysely, the sources) instead of loading them again each:
    // loading was half the core project's time. Every file builds its own layers and stores; none relies on a fresh
    // module.
    isolate: false,
    globalSetup: ["../test-stores/src/announceSkips.ts"],
    // Every test runs many transactions against a real database, on machines that may be busy.
    testTimeout: 30_000
  }
})
