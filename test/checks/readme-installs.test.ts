/**
 * The install lines of the READMEs against the packages' peer dependencies: a host copies `npm install …` as it is, and
 * a peer named without its range gets the registry's newest (`effect` is 4, which the packages cannot load; npm then
 * installs it anyway or refuses with ERESOLVE). Every peer a README line names must carry a range within its peer range.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import semver from "semver"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))
const packages = readdirSync(join(root, "packages"))

/** Each peer dependency of the published packages, with its range (the same in every package that names it). */
const peers = new Map<string, string>()
for (const name of packages) {
  const manifest = JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8"))
  for (const [peer, range] of Object.entries<string>(manifest.peerDependencies ?? {})) {
    if (!peer.startsWith("@user-manager/")) peers.set(peer, range)
  }
}

const readmes = ["README.md", ...packages.map((name) => join("packages", name, "README.md"))].filter((path) =>
  existsSync(join(root, path))
)

/** The arguments of each `npm install` command of a file (continued lines joined, comments dropped), with its line. */
const installs = (text: string) => {
  const lines = text.split("\n")
  const found: Array<{ line: number; args: Array<string> }> = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith("npm install")) continue
    const start = i
    let command = ""
    for (;;) {
      const code = (lines[i] ?? "").replace(/\s+#.*$/, "")
      command += ` ${code.replace(/\\$/, "")}`
      if (!code.trimEnd().endsWith("\\")) break
      i++
    }
    const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map(([, quoted, bare]) => quoted ?? bare ?? "")
    found.push({ line: start + 1, args: args.slice(2).filter((arg) => !arg.startsWith("-")) })
  }
  return found
}

/** `name@range` (a scoped name keeps its first `@`). */
const split = (arg: string) => {
  const at = arg.indexOf("@", 1)
  return at === -1 ? { name: arg, range: undefined } : { name: arg.slice(0, at), range: arg.slice(at + 1) }
}

describe("the READMEs' install lines", () => {
  it("name every peer dependency with a range within the packages' peer range (an unpinned effect installs Effect 4)", () => {
    const checked: Array<string> = []
    const wrong: Array<string> = []
    for (const path of readmes) {
      for (const { line, args } of installs(readFileSync(join(root, path), "utf8"))) {
        for (const { name, range } of args.map(split)) {
          const peer = peers.get(name)
          if (peer === undefined) continue
          checked.push(name)
          if (range === undefined || semver.validRange(range) === null || !semver.subset(range, peer)) {
            wrong.push(`${path}:${line}: ${name}${range === undefined ? "" : `@${range}`} (peer range ${peer})`)
          }
        }
      }
    }
    expect(wrong).toEqual([])
    // The lines were found: the SDK's, the server's, the drivers' and the testing kit's.
    expect(new Set(checked)).toEqual(
      new Set([
        "effect",
        "kysely",
        "better-sqlite3",
        "pg",
        "mysql2",
        "@effect/platform",
        "@effect/platform-node",
        "vitest",
        "@effect/vitest"
      ])
    )
  })
})
