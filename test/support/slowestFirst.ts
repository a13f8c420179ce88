/**
 * The order a run starts its test files in: the files that take minutes first, then the rest as Vitest orders them.
 * A fresh clone (CI) has no timings of an earlier run, so Vitest starts the largest files first; but the slowest files
 * here are small ones that run a shared suite on every store (KyselyDirectory) or spawn processes (the e2e files), and
 * started last they ran on alone while the other worker had nothing left to do. Each pool takes its own files in this
 * order. The list is of files that took a minute or more in CI (`.vitest-results.json`), longest first; a file missing
 * from it only runs later.
 */
import { BaseSequencer, type TestSpecification } from "vitest/node"

const SLOWEST = [
  "test/matrix/matrix.test.ts",
  "packages/cli/test/dt.e2e.test.ts",
  "packages/kysely/test/KyselyDirectory.test.ts",
  "packages/cli/test/serve.e2e.test.ts",
  "packages/server/test/Endpoints.test.ts",
  "test/install/cli.test.ts",
  "test/checks/checks.test.ts",
  "test/install/typescript.test.ts",
  "packages/cli/test/gui.e2e.test.ts",
  "packages/cli/test/remoteBulk.e2e.test.ts",
  "packages/server/test/Fuzz.property.test.ts",
  "packages/kysely/test/Concurrency.test.ts",
  "packages/kysely/test/ImportedHashes.test.ts",
  "packages/kysely/test/Migrations.test.ts"
]

const rank = (spec: TestSpecification): number => {
  const index = SLOWEST.findIndex((path) => spec.moduleId.endsWith(`/${path}`))
  return index === -1 ? SLOWEST.length : index
}

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    // Array.prototype.sort is stable: the files of equal rank keep Vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}
