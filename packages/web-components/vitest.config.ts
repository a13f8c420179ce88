import { readFileSync } from "node:fs"
import { defineProject } from "vitest/config"
import { fromSources } from "../../vitest.shared.js"

// The components run in the machine's own Chromium: test tools cannot download a browser here (see STACK.md).
const chromium = JSON.parse(readFileSync(new URL("./test/chromium.json", import.meta.url), "utf8")) as {
  readonly executablePath: string
  readonly args: Array<string>
}

export default defineProject({
  ...fromSources,
  resolve: {
    ...fromSources.resolve,
    // The test client writes CSV with @user-manager/formats, whose CSV libraries use Node's Buffer except in their
    // browser builds (the same code, bundled with what it needs).
    alias: {
      "csv-parse/sync": "csv-parse/browser/esm/sync",
      "csv-stringify/sync": "csv-stringify/browser/esm/sync"
    }
  },
  // Lit's standard decorators must reach Chromium compiled: it does not parse them yet.
  esbuild: { target: "es2022" },
  test: {
    name: "web-components",
    // DT_SCREENSHOTS=1 runs only the script that takes the README's screenshots (test/screenshots.shot.ts).
    include: process.env.DT_SCREENSHOTS ? ["test/screenshots.shot.ts"] : ["test/**/*.test.ts"],
    // Chromium shares CI's two cores with the other projects' workers: a poll waits up to 5 s (Vitest's default, 1 s,
    // failed a German first render that waited for its catalog module under load).
    expect: { poll: { timeout: 5_000 } },
    browser: {
      enabled: true,
      provider: "playwright",
      headless: true,
      screenshotFailures: false,
      // A desktop's window (vitest's default is a phone's, 414×896): the phone layout's tests set 390×844 themselves.
      viewport: { width: 1024, height: 640 },
      instances: [
        {
          browser: "chromium",
          launch: { executablePath: process.env.DT_CHROMIUM ?? chromium.executablePath, args: chromium.args }
        }
      ]
    }
  }
})
