import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "install",
    setupFiles: ["../support/eventLoopWatch.ts"],
    include: ["*.test.ts"],
    globalSetup: ["support/pack.ts"],
    // Its files mostly wait on npm and on the processes they start: in a pool of their own (Vitest runs its pools side
    // by side, one worker each on two cores) they run beside the package suites' files instead of after them.
    pool: "threads",
    // Installs run npm under each Node line (and, on a line met for the first time, compile its native modules).
    hookTimeout: 600_000,
    testTimeout: 120_000
  }
})
