import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"
import SlowestFirst from "./test/support/slowestFirst.js"
import { projects } from "./vitest.workspace.js"

export default defineConfig({
  test: {
    projects,
    // The files that take minutes start first (see test/support/slowestFirst.ts).
    sequence: { sequencer: SlowestFirst },
    poolOptions: {
      // A worker a core for the package suites (Vitest's default leaves one core out: one worker on two cores). Their
      // files spend much of their time waiting on what they start (dt processes, the database servers, Chromium), so
      // one file at a time left a core idle once the install test and the matrix were done.
      forks: { maxForks: availableParallelism() }
    }
  }
})
