import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

export default defineProject({
  ...fromSources,
  test: { name: "formats", include: ["test/**/*.test.ts"] }
})
