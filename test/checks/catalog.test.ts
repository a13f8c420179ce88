/**
 * The `<user-manager>` element's German catalog (`packages/web-components/xliff/de.xlf`) against its sources' English
 * messages, as `lit-localize` reads them: extracted again into a copy, the catalog must come out unchanged (no message
 * of the sources missing, none it no longer has), every message translated and none left in English, and the catalog
 * the element bundles (`src/generated/locales/de.ts`) must be the one built from it (`npm run i18n -w
 * @user-manager/web-components` does both).
 */
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const pkg = fileURLToPath(new URL("../../packages/web-components/", import.meta.url))
const bin = fileURLToPath(new URL("../../node_modules/.bin/lit-localize", import.meta.url))
const work = mkdtempSync(join(tmpdir(), "um-catalog-"))

/** Messages German writes as English does: names, an abbreviation, a loanword, and sentences made only of their parts. */
const SAME_IN_GERMAN = new Set(["Name", "GID", "Status", "Token", "Tokens", "{0}.", "{0}: {1}."])

const run = (command: string): Promise<{ readonly code: number | null; readonly output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, [command, "--config", join(work, "lit-localize.json")], {
      cwd: pkg,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, output }))
  })

/** Each unit of an XLIFF file: its id, source and target, the placeholders written `{0}`. */
const units = (xliff: string) =>
  [
    ...xliff.matchAll(/<trans-unit id="([^"]+)">\s*<source>([\s\S]*?)<\/source>(?:\s*<target>([\s\S]*?)<\/target>)?/g)
  ].map(([, id, source, target]) => {
    const plain = (text: string | undefined) => text?.replace(/<x id="(\d+)"[^>]*\/>/g, "{$1}")
    return { id, source: plain(source), target: plain(target) }
  })

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("the element's message catalog", () => {
  it("translates every English message of the element into German, leaves none in English, and is the catalog the element bundles", async () => {
    const committed = JSON.parse(readFileSync(join(pkg, "lit-localize.json"), "utf8"))
    cpSync(join(pkg, "xliff"), join(work, "xliff"), { recursive: true })
    const config = {
      ...committed,
      tsConfig: join(pkg, committed.tsConfig),
      output: {
        ...committed.output,
        outputDir: join(work, "locales"),
        localeCodesModule: join(work, "locale-codes.ts")
      },
      interchange: { ...committed.interchange, xliffDir: join(work, "xliff") }
    }
    writeFileSync(join(work, "lit-localize.json"), JSON.stringify(config))
    const extracted = await run("extract")
    expect(extracted.code, extracted.output).toBe(0)
    const catalog = units(readFileSync(join(work, "xliff", "de.xlf"), "utf8"))
    expect(catalog.length).toBeGreaterThan(200)
    expect(catalog.filter((unit) => unit.target === undefined).map((unit) => unit.source)).toEqual([])
    expect(
      catalog
        .filter((unit) => unit.target === unit.source && !SAME_IN_GERMAN.has(unit.source ?? ""))
        .map((unit) => unit.source)
    ).toEqual([])
    // Extracted again, the committed catalog is unchanged: it holds every message of the sources and no other.
    expect(readFileSync(join(work, "xliff", "de.xlf"), "utf8")).toBe(readFileSync(join(pkg, "xliff", "de.xlf"), "utf8"))
    const built = await run("build")
    expect(built.code, built.output).toBe(0)
    expect(readFileSync(join(work, "locales", "de.ts"), "utf8")).toBe(
      readFileSync(join(pkg, "src", "generated", "locales", "de.ts"), "utf8")
    )
  })
})
