import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "formats",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    // The round-trip properties write and read a hundred random files each: seconds on a busy two-core machine.
    testTimeout: 60_000
  }
})
