import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "install",
    include: ["*.test.ts"],
    globalSetup: ["support/pack.ts"],
    // Installs run npm under each Node line (and, on a line met for the first time, compile its native modules).
    hookTimeout: 600_000,
    testTimeout: 120_000
  }
})
