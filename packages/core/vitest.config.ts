import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "core",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    // The files of a worker share its loaded modules (Effect, Kysely, the sources) instead of loading them again each:
    // loading was half the core project's time. Every file builds its own layers and stores; none relies on a fresh
    // module.
    isolate: false
  }
})
