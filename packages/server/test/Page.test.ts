import { fileURLToPath } from "node:url"
import { run } from "@user-manager/test-stores/run"
import { describe, expect, it } from "vitest"
import { appJs, indexHtml } from "../src/internal/page.js"
import { pageCss } from "../src/internal/pageAssets.js"

describe("the page at /", () => {
  it("serves the script and styles that page/app.ts and page/page.css give (npm run build:page)", async () => {
    const check = await run(process.execPath, [fileURLToPath(new URL("../page/build.mjs", import.meta.url)), "--check"])
    expect([check.code, check.stderr]).toEqual([0, ""])
  })

  it("inlines its styles and loads its script from /app.js, a classic strict script", () => {
    const page = indexHtml({ element: true, signedIn: false })
    expect(page).toContain(`<style>\n${pageCss}\n</style>`)
    expect(page).toContain('<script src="/app.js" defer></script>')
    expect(appJs.startsWith('"use strict";\n')).toBe(true)
    expect(appJs).not.toMatch(/^\s*(import|export)[\s{*]/m)
  })
})
