/**
 * The install test's global setup: packs every publishable package once per run (their `prepack` builds them) into a
 * temporary folder outside the repository, where the test files then make their empty host projects. The folder is
 * removed at the end unless `DT_TEST_KEEP_INSTALL` is set (to look into a failure).
 */
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import type { TestProject } from "vitest/node"
import { nodeLines, provideNatives } from "./nodeLines.js"

/** The publishable packages, by the short name their tarball carries (`user-manager-<short>-<version>.tgz`). */
export const packages = ["core", "formats", "kysely", "server", "testing", "web-components", "cli"] as const

/** A publishable package's short name. */
export type PackageName = (typeof packages)[number]

/** What the setup hands the test files: the temporary folder and the tarball of each package. */
export interface Packed {
  readonly root: string
  readonly tarballs: Readonly<Record<PackageName, string>>
}

declare module "vitest" {
  export interface ProvidedContext {
    readonly packed: Packed
  }
}

const repository = fileURLToPath(new URL("../../..", import.meta.url))

export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), "user-manager-install-"))
  const remove = () => rmSync(root, { recursive: true, force: true })
  try {
    project.provide("packed", { root, tarballs: await pack(join(root, "tarballs")) })
  } catch (cause) {
    remove()
    throw cause
  }
  // Each line's native modules start compiling here, all lines together (nodeLines compiles at most two at a time),
  // rather than line by line as the test files meet them. They are not awaited: every project's tests wait for the
  // global setups, and on an empty cache the package suites run meanwhile. A test that needs a module waits for it
  // (the cache's lock), and one whose compilation failed compiles it again and fails with the cause.
  const natives = nodeLines().then((lines) =>
    Promise.all(
      lines.map((line) => {
        const scratch = join(root, "natives", line.version)
        mkdirSync(scratch, { recursive: true })
        return provideNatives(line, scratch)
      })
    )
  )
  const settled = natives.catch(() => undefined)
  return async () => {
    await settled
    if (process.env.DT_TEST_KEEP_INSTALL === undefined) remove()
  }
}

/** Packs every publishable package into `destination`; resolves with each one's tarball. */
const pack = async (destination: string): Promise<Record<PackageName, string>> => {
  mkdirSync(destination)
  const workspaces = packages.flatMap((name) => ["--workspace", `@user-manager/${name}`])
  // npm prints the prepack builds' output on stdout too, so the tarballs are found by name rather than from --json.
  await promisify(execFile)("npm", ["pack", "--pack-destination", destination, ...workspaces], {
    cwd: repository,
    maxBuffer: 64 * 1024 * 1024
  })
  const files = readdirSync(destination)
  return Object.fromEntries(
    packages.map((name) => {
      const file = files.find((file) => new RegExp(`^user-manager-${name}-\\d[^/]*\\.tgz$`).test(file))
      if (file === undefined) throw new Error(`npm pack left no tarball for @user-manager/${name} in ${destination}`)
      return [name, join(destination, file)]
    })
  ) as Record<PackageName, string>
}
