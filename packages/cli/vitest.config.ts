import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/buildOnce.ts"],
    testTimeout: 60_000
  }
})
