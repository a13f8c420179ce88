import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "checks",
    setupFiles: ["../support/eventLoopWatch.ts"],
    include: ["*.test.ts"],
    // The checks keep one core busy and wait on nothing else. In the package suites' pool (forks, beside the install
    // test's and the matrix's): the matrix and the install test already run one after the other in theirs, and the
    // checks after them were the last minutes of CI while the package suites' pool had finished.
    pool: "forks",
    // tsc -b and TypeDoc each read every project's sources and types from scratch on a fresh clone.
    testTimeout: 15 * 60_000
  }
})
