/**
 * End-to-end: the V8 code cache that bin/dt.js keeps for the bundle (see bin/dt.js).
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { VERSION } from "../src/Cli.js"
import { sandbox } from "./support/dt.js"

const caches = (home: string) => {
  try {
    return readdirSync(join(home, ".cache", "dt")).sort()
  } catch {
    return []
  }
}

describe("dt: compile cache", () => {
  it("writes one cache for --help/--version, one for commands and one for listings (their heap settings differ), and prints the same from them", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    const cold = await dt("--help")
    expect(caches(home)).toEqual([expect.stringMatching(/^compile-cache-.*-light$/)])
    const warm = await dt("--help")
    expect(warm).toEqual(cold)
    expect((await dt("init")).code).toBe(0)
    expect(caches(home)).toEqual([expect.stringMatching(/-full$/), expect.stringMatching(/-light$/)])
    const first = await dt("user ls -j")
    expect(caches(home)).toEqual([
      expect.stringMatching(/-full$/),
      expect.stringMatching(/-full-small-heap$/),
      expect.stringMatching(/-light$/)
    ])
    const again = await dt("user ls -j")
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(first.stdout)
    const [listed] = JSON.parse(first.stdout) as Array<{ username: string }>
    expect((await dt(`user get ${listed?.username} -j`)).stdout).toBe(`${JSON.stringify(listed)}\n`)
  })

  it("keeps a cache of its own for exports (their young generation may grow, a heap setting of their own), and exports the same from it", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    expect((await dt("init")).code).toBe(0)
    const first = await dt("user export -q")
    expect(first.code).toBe(0)
    expect(caches(home)).toEqual([expect.stringMatching(/-full$/), expect.stringMatching(/-full-export-heap$/)])
    const again = await dt("user export -q")
    expect(again.stdout).toBe(first.stdout)
    expect(JSON.parse(first.stdout.split("\n")[0] as string)).toMatchObject({ groups: ["admins"] })
  })

  it("answers dt --version from the package's manifest without compiling the bundle, with the version the CLI's help shows", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string
    }
    expect(await dt("--version")).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: "" })
    expect(caches(home)).toEqual([])
    expect((await dt("--help")).stdout).toContain(`dt ${manifest.version}`)
  })

  it("prints the package's version from the bundle too (dt user --version, dt --version -j): Cli.ts reads the manifest", async () => {
    const { dt } = sandbox({}, { ownCache: true })
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string
    }
    expect(VERSION).toBe(manifest.version)
    for (const args of ["user --version", "group ls --version", "--version -j"]) {
      const run = await dt(args)
      expect(run.code).toBe(0)
      expect(run.stdout.trim()).toBe(manifest.version)
    }
  })

  it("ignores a corrupt cache and replaces it", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    expect((await dt("init")).code).toBe(0)
    const [file] = caches(home)
    const path = join(home, ".cache", "dt", file as string)
    writeFileSync(path, "not a V8 code cache")
    const run = await dt("group get admins")
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^admins\t/)
    expect(readFileSync(path).length).toBeGreaterThan(1000)
  })

  it("writes no cache from a run that failed, so that a usage error cannot stand for the command", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    expect((await dt("user ls --bogus")).code).toBe(2)
    expect((await dt("user ls")).code).toBe(3)
    expect(caches(home)).toEqual([])
  })

  it("runs the same when the caller sizes V8's heap itself (NODE_OPTIONS), which dt then leaves alone", async () => {
    const { dt } = sandbox({ NODE_OPTIONS: "--max-semi-space-size=16" }, { ownCache: true })
    expect((await dt("init")).code).toBe(0)
    const listed = await dt("user ls -j")
    expect(listed.code).toBe(0)
    expect((JSON.parse(listed.stdout) as Array<{ groups: Array<string> }>)[0]?.groups).toEqual(["admins"])
  })

  it("puts V8's heap growth back when an import ends, so that the cache the import writes serves the next command", async () => {
    const { dt, home } = sandbox({}, { ownCache: true })
    expect((await dt("init")).code).toBe(0)
    rmSync(join(home, ".cache", "dt"), { recursive: true })
    const file = join(home, "users.csv")
    writeFileSync(file, "username,groups\nalice,admins\nbob,admins\n")
    expect((await dt(["user", "import", file])).code).toBe(0)
    const [cache] = caches(home)
    expect(cache).toMatch(/-full$/)
    const path = join(home, ".cache", "dt", cache as string)
    const written = statSync(path).mtimeMs
    // A cache made under other V8 flags would be rejected, and written again by the next command.
    const next = await dt("group get admins")
    expect(next.stdout).toMatch(/^admins\t\d+\talice,bob,/)
    expect(caches(home)).toEqual([cache])
    expect(statSync(path).mtimeMs).toBe(written)
  })

  it("writes no cache with DT_NO_COMPILE_CACHE=1, and runs the same", async () => {
    const { dt, home } = sandbox({ DT_NO_COMPILE_CACHE: "1" }, { ownCache: true })
    expect((await dt("init")).code).toBe(0)
    expect((await dt("user ls")).stdout).toMatch(/\tadmins\t/)
    expect(caches(home)).toEqual([])
  })
})
