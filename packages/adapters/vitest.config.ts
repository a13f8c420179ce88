import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "adapters",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/announceSkips.ts"],
    // Every test runs many transactions against a real database, on machines that may be busy.
    testTimeout: 30_000
  }
})
