import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/buildOnce.ts"],
    testTimeout: 60_000,
    // The browser walkthroughs wait for a page that a real dt serve answers, on a machine whose two cores the other
    // test files share: one second (Vitest's default) is too short for a step when both cores are busy.
    expect: { poll: { timeout: 5_000 } }
  }
})
