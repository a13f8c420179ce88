import { spawn } from "node:child_process"
import { closeSync, openSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, inject, it } from "vitest"
import { lineEnv, succeed, tarball } from "./support/hosts.js"
import { currentLine } from "./support/nodeLines.js"
import { packages } from "./support/pack.js"

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))

/**
 * Runs attw and resolves with its standard output, written to a file: attw exits as soon as it has written its
 * report, which a pipe would cut short.
 */
const attw = (args: ReadonlyArray<string>): Promise<string> => {
  const file = join(inject("packed").root, `attw-${Math.random().toString(16).slice(2)}.json`)
  const fd = openSync(file, "w")
  const child = spawn(bin("attw"), args, { env: lineEnv(currentLine), stdio: ["ignore", fd, "pipe"] })
  closeSync(fd)
  let stderr = ""
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("close", () => {
      const stdout = readFileSync(file, "utf8")
      if (stdout === "") reject(new Error(`attw ${args.join(" ")} printed no report:\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** One problem attw found: its kind, and the entry point and module resolution it concerns. */
interface Problem {
  readonly kind: string
  readonly entrypoint?: string
  readonly resolutionKind?: string
}

/**
 * Problems that are right for these packages, which are ES modules only (`"type": "module"`, `exports` without a
 * `require` condition, engines ^20.19 || >=22.12):
 * - node10: TypeScript's `moduleResolution: "node10"` ignores `exports`, and there is no `main`/`types` to fall back on;
 * - node16-cjs CJSResolvesToESM: Node >= 20.19 require()s ES modules (the CommonJS host proves it); the TypeScript
 *   inside attw (5.6) predates TypeScript 5.8's model of it.
 */
const rightForEsmOnly = (problem: Problem) =>
  problem.resolutionKind === "node10" ||
  (problem.resolutionKind === "node16-cjs" && problem.kind === "CJSResolvesToESM")

describe.concurrent.each(packages)("the @user-manager/%s tarball", (name) => {
  it("leaves publint nothing to fix (no error, warning or suggestion)", async () => {
    const ran = await succeed(currentLine, bin("publint"), ["run", "--strict", tarball(name)], {
      cwd: inject("packed").root
    })
    expect(ran.stdout).toContain("All good!")
  })

  it("leaves attw nothing to fix for ESM consumers and bundlers, on its root and every module subpath", async () => {
    // The module subpaths the "./*" export opens (attw cannot expand a wildcard itself).
    const listed = await succeed(currentLine, "tar", ["-tzf", tarball(name)], { cwd: inject("packed").root })
    const subpaths = [...listed.stdout.matchAll(/^package\/dist\/([A-Za-z]+)\.d\.ts$/gm)]
      .map((match) => `./${match[1]}`)
      .filter((subpath) => subpath !== "./index")
    const args = [
      tarball(name),
      "--format",
      "json",
      ...(subpaths.length > 0 ? ["--include-entrypoints", ...subpaths] : [])
    ]
    const report = JSON.parse(await attw(args)) as {
      readonly analysis: { readonly types: unknown }
      readonly problems?: Readonly<Record<string, ReadonlyArray<Problem>>>
    }
    if (name === "cli") {
      // The CLI is a command (bin `dt`), not a library: it has no module to import and no types to check.
      expect(report.analysis.types).toBe(false)
      return
    }
    const problems = Object.values(report.problems ?? {}).flat()
    expect(problems.filter((problem) => !rightForEsmOnly(problem))).toEqual([])
  })
})
