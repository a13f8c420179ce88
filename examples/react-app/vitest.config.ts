import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "example-react-app",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
