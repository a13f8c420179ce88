/**
 * The order in which Vitest starts the test files of each pool: the files that took longest in CI first, then the
 * others in Vitest's own order (the longest of the last run first when it has their durations, else the largest
 * first). A fresh clone has no durations, and some long files are small (KyselyDirectory.test.ts runs every contract
 * on seven stores from 2 KB): started last, such a file ran alone on one core while the other core had nothing left.
 */
import { relative } from "node:path"
import { fileURLToPath } from "node:url"
import { BaseSequencer, type TestSpecification } from "vitest/node"

const root = fileURLToPath(new URL("..", import.meta.url))

/** The longest files of a CI run (wall seconds on two busy cores), longest first; each pool starts its own first. */
export const SLOWEST: ReadonlyArray<string> = [
  "test/matrix/matrix.test.ts", // 557 s
  "packages/cli/test/dt.e2e.test.ts", // 509 s
  "packages/cli/test/serve.e2e.test.ts", // 259 s
  "packages/kysely/test/KyselyDirectory.test.ts", // 178 s
  "test/install/cli.test.ts", // 172 s
  "test/install/typescript.test.ts", // 132 s
  "packages/kysely/test/Concurrency.test.ts"
]

export class SlowestFirst extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST.indexOf(relative(root, file.moduleId))
      return index === -1 ? SLOWEST.length : index
    }
    // Array.prototype.sort is stable: the files not named keep Vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}
