/** The test projects, one per package (or example) that has tests; `vitest.config.ts` runs them as `test.projects`. */
export const projects = [
  "packages/core",
  "packages/formats",
  "packages/kysely",
  "packages/server",
  "packages/cli",
  "packages/web-components",
  "examples/react-app",
  "test/checks",
  "test/install",
  "test/matrix"
]

export default projects
