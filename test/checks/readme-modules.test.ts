/**
 * The "Public modules" section of each package's README against the modules it publishes: every module of `src/` is a
 * subpath of the package (`"./*"` in its exports), and a host reads the section to learn which there are. A module
 * the section leaves out is one a host never hears of (the core's list had fallen eleven behind).
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))

/** The packages whose README lists their modules as "the root export and one subpath a module". */
const PACKAGES = ["core", "formats", "kysely", "server"] as const

/** The modules a package publishes: each `src/*.ts` but the root's `index.ts`. */
const modules = (name: string) =>
  readdirSync(join(root, "packages", name, "src"))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => file.slice(0, -".ts".length))
    .sort()

/** The module names the README's "Public modules" section writes in backticks (`Actor`, `@user-manager/core/Actor`). */
const listed = (name: string) => {
  const readme = readFileSync(join(root, "packages", name, "README.md"), "utf8")
  const section = readme.split(/^## /m).find((part) => part.startsWith("Public modules")) ?? ""
  return [...section.matchAll(/`([^`]+)`/g)]
    .map(([, code]) => (code ?? "").replace(`@user-manager/${name}/`, ""))
    .filter((code) => /^[A-Za-z][A-Za-z0-9]*$/.test(code))
}

describe("the packages' READMEs", () => {
  it.each(PACKAGES)("%s: the Public modules section names every module the package publishes", (name) => {
    const named = new Set(listed(name))
    expect(modules(name).filter((module) => !named.has(module))).toEqual([])
    expect(modules(name).length).toBeGreaterThan(3)
  })
})
