import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: { name: "core", setupFiles: ["../../test/support/eventLoopWatch.ts"], include: ["test/**/*.test.ts"] }
})
