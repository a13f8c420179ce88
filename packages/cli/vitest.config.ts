import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "cli",
    setupFiles: ["../../test/support/eventLoopWatch.ts"],
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/buildOnce.ts"],
    // An end-to-end test runs `dt` up to fifteen times, each a process of its own: ~1 s each on a quiet machine, 4–5 s
    // when CI's other projects (and the browsers) take both cores.
    testTimeout: 120_000,
    // The browser walkthroughs wait for a page that a real dt serve answers, on a machine whose two cores the other
    // test files share: one second (Vitest's default) is too short for a step when both cores are busy.
    expect: { poll: { timeout: 5_000 } }
  }
})
