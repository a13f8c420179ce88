import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { runOrFail } from "@user-manager/test-stores/run"

/** The repository this test file is in. */
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url))

const git = async (...args: ReadonlyArray<string>) => (await runOrFail("git", ["-C", ROOT, ...args])).trim()

/** Why the repository's history cannot give a previous release here (no git, a shallow clone), or nothing. */
export const historyMissing = async (): Promise<string | undefined> => {
  try {
    return (await git("rev-parse", "--is-shallow-repository")) === "true" ? "the clone is shallow" : undefined
  } catch {
    return "there is no git history"
  }
}

const MIGRATIONS = "packages/kysely/src/Migrations.ts"

/** The migrations a commit's Migrations.ts lists, oldest first. */
const migrationsAt = async (commit: string): Promise<ReadonlyArray<string>> =>
  [...new Set((await git("show", `${commit}:${MIGRATIONS}`)).match(/"\d{14}_[a-z0-9_]+"(?=:)/g) ?? [])]
    .map((quoted) => quoted.slice(1, -1))
    .sort()

/** A release before this one: a commit and the migrations it knows. */
export interface PreviousRelease {
  readonly commit: string
  readonly migrations: ReadonlyArray<string>
  /** Its `bin/dt.js`, built. */
  readonly bin: string
  /** The temporary folder it was built in. */
  readonly folder: string
}

/**
 * The newest commit of HEAD's history (the merged branches' commits included: a branch merged with a merge commit
 * brings its migrations in one step on main's own line) whose migrations are a strict prefix of `current` and that
 * reads their compatibility records: a release this version's schema can upgrade in place.
 */
const previousCommit = async (current: ReadonlyArray<string>): Promise<string> => {
  for (const commit of (await git("log", "--format=%H", "HEAD", "--", MIGRATIONS)).split("\n")) {
    if (!(await git("show", `${commit}:${MIGRATIONS}`)).includes("dt_migration_compatibility")) continue
    const known = await migrationsAt(commit)
    if (known.length < current.length && known.every((name, index) => current[index] === name)) return commit
  }
  throw new Error(
    "no earlier commit knows a prefix of these migrations and reads their compatibility records: add the newest " +
      "migration in a commit of its own, after the others"
  )
}

/**
 * Builds the `dt` of the previous release (`previousCommit`) for the migrations `current` (this version's): its sources
 * from `git archive`, built with its own build script and this checkout's installed packages (its own workspace
 * packages linked in their place), in a temporary folder. Needs the history (`historyMissing`).
 */
export const buildPreviousRelease = async (current: ReadonlyArray<string>): Promise<PreviousRelease> => {
  const commit = await previousCommit(current)
  const folder = mkdtempSync(join(tmpdir(), "dt-previous-release-"))
  const archive = join(folder, "release.tar")
  await git("archive", "--format=tar", "-o", archive, commit, "packages", "tsconfig.base.json")
  await runOrFail("tar", ["-x", "-f", archive, "-C", folder])
  // Every installed package, but the workspace's own, which are the previous release's sources.
  const modules = join(folder, "node_modules")
  mkdirSync(join(modules, "@user-manager"), { recursive: true })
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "@user-manager" || name.startsWith(".")) continue
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name))
  }
  for (const name of readdirSync(join(ROOT, "node_modules", "@user-manager"))) {
    const workspace = basename(readlinkSync(join(ROOT, "node_modules", "@user-manager", name)))
    if (existsSync(join(folder, "packages", workspace))) {
      symlinkSync(join(folder, "packages", workspace), join(modules, "@user-manager", name))
    }
  }
  // And the packages npm installed inside a workspace (versions its neighbours do not share).
  for (const workspace of readdirSync(join(ROOT, "packages"))) {
    const own = join(ROOT, "packages", workspace, "node_modules")
    if (existsSync(own) && existsSync(join(folder, "packages", workspace))) {
      symlinkSync(own, join(folder, "packages", workspace, "node_modules"))
    }
  }
  await runOrFail(process.execPath, [join(folder, "packages", "cli", "build.mjs")])
  return {
    commit,
    migrations: await migrationsAt(commit),
    bin: join(folder, "packages", "cli", "bin", "dt.js"),
    folder
  }
}
