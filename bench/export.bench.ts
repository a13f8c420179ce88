/**
 * Export of an SQLite file of N users in 20 groups (bench/load.ts's directory), in two ways:
 *
 * - `cli FILE` (the default, `npm run bench:export`): the product as installed, `packages/cli/bin/dt.js` (build it
 *   first: `npm run build -w @user-manager/cli`), one process per export, each run BENCH_RUNS times (3): `dt user
 *   export` as JSON Lines to /dev/null and as CSV to a file, `dt export` (the whole directory, JSON) to a file. The
 *   median wall time (start-up included), CPU time and peak RSS (read by a hook as the process exits). FILE (default
 *   /tmp/dt-export-bench-N.db) is seeded with BENCH_EXPORT_USERS (1,000,000) users when it does not exist, and kept:
 *   seeding a million users takes about ten minutes.
 * - `seed FILE N` loads the file in bulk (as bench/sql.bench.ts does); `export FILE` runs the core's export
 *   (`Exports.users`, then `groups` and `gids`) in this process, counting the records: its peak RSS is the export's
 *   plus tsx's (~110 MB of compiling). `DT_GROUP_PAGE_SIZE` fixes the groups' page size.
 *
 *   npm run bench:export
 *   BENCH_EXPORT_USERS=100000 BENCH_RUNS=1 npm run bench:export
 *   tsx --conditions=@user-manager/source bench/export.bench.ts seed /tmp/dt-export.db 1000000
 *   tsx --conditions=@user-manager/source bench/export.bench.ts export /tmp/dt-export.db
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import * as Actor from "@user-manager/core/Actor"
import { Exports } from "@user-manager/core/Exports"
import * as UserManager from "@user-manager/core/UserManager"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect, Stream } from "effect"
import { seed } from "./load.js"
import { intSetting } from "./stats.js"

const groupOptions =
  process.env.DT_GROUP_PAGE_SIZE === undefined ? {} : { pageSize: Number(process.env.DT_GROUP_PAGE_SIZE) }
const [mode = "cli", argument, size = "100000"] = process.argv.slice(2)
const exportUsers = intSetting("BENCH_EXPORT_USERS", 1_000_000, 1)
const filename = argument ?? (mode === "cli" ? `/tmp/dt-export-bench-${exportUsers}.db` : "/tmp/dt-export.db")

const layerOf = (db: Parameters<typeof KyselyDirectory.layer>[0]["db"]) =>
  UserManager.layer({
    directory: KyselyDirectory.layer({ db, engine: "sqlite", migrate: true }),
    hasher: Argon2Hasher.layer
  })

const main = Effect.gen(function* () {
  const db = yield* SqliteDirectory.open(filename)
  if (mode === "seed") {
    yield* seed(db, "sqlite", Number(size)).pipe(Effect.provide(layerOf(db)))
    return
  }
  const admin = Actor.user("admin")
  const started = performance.now()
  const counted = yield* Effect.gen(function* () {
    const exports = yield* Exports
    let users = 0
    let hashes = 0
    const mark = (label: string) =>
      console.log(
        `  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
      )
    mark("opened")
    yield* Stream.runForEach(exports.users(admin, { includePasswordHashes: mode === "export-hashes" }), (user) =>
      Effect.sync(() => {
        users += 1
        if (users % 25_000 === 0) mark(`${users} users`)
        if (user.passwordHash !== undefined) hashes += 1
      })
    )
    mark("users")
    const groups = yield* Stream.runCount(exports.groups(admin, groupOptions))
    mark("groups")
    const gids = yield* exports.gids(admin)
    return { users, hashes, groups, gids: gids.used.length }
  }).pipe(Effect.provide(layerOf(db)))
  const seconds = (performance.now() - started) / 1000
  const rssMb = process.resourceUsage().maxRSS / 1024
  console.log(
    `${counted.users} users (${counted.hashes} hashes), ${counted.groups} groups, ${counted.gids} GIDs in ${seconds.toFixed(1)} s (${Math.round(counted.users / seconds)} users/s), peak RSS ${rssMb.toFixed(0)} MB`
  )
})

/** The built `dt` run on the file, one process per export: the median wall time and peak RSS of BENCH_RUNS runs. */
const cli = () => {
  const runs = intSetting("BENCH_RUNS", 3, 1)
  const root = fileURLToPath(new URL("..", import.meta.url))
  const dt = join(root, "packages/cli/bin/dt.js")
  const dir = mkdtempSync(join(os.tmpdir(), "dt-export-bench-"))
  // Prints the child's peak RSS (kB) on its way out, for this script to read.
  const peak = join(dir, "peak.cjs")
  writeFileSync(
    peak,
    `process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write("\\npeak-rss-kb " + u.maxRSS + " cpu-us " + (u.userCPUTime + u.systemCPUTime) + "\\n") })`
  )
  const run = (args: ReadonlyArray<string>) => {
    const started = performance.now()
    const child = spawnSync("node", ["--require", peak, dt, ...args, "-q", "--database", `sqlite:${filename}`], {
      encoding: "utf8",
      // HOME: dt's compile cache (made by the warm-up run) in a directory of this run's own.
      env: { ...process.env, DT_USER: "admin", HOME: dir, XDG_CACHE_HOME: "" },
      maxBuffer: 64 * 1024 * 1024
    })
    const seconds = (performance.now() - started) / 1000
    if (child.status !== 0) throw new Error(`dt ${args.join(" ")} failed (${child.status}): ${child.stderr}`)
    const rssMb = Number(/peak-rss-kb (\d+)/.exec(child.stderr)?.[1] ?? 0) / 1024
    const cpuSeconds = Number(/cpu-us (\d+)/.exec(child.stderr)?.[1] ?? 0) / 1e6
    return { seconds, rssMb, cpuSeconds }
  }
  const median = (values: ReadonlyArray<number>) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
  // The warm-up: dt's compile cache for the export commands, and the file in the page cache.
  run(["group", "export", "--format", "jsonl", "-o", "/dev/null"])
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string | undefined]> = [
    ["dt user export, JSON Lines to /dev/null", ["user", "export", "--format", "jsonl", "-o", "/dev/null"], undefined],
    ["dt user export, CSV to a file", ["user", "export", "-o", join(dir, "users.csv")], join(dir, "users.csv")],
    ["dt export (the whole directory, JSON) to a file", ["export", "-o", join(dir, "all.json")], join(dir, "all.json")]
  ]
  for (const [label, args, output] of cases) {
    const seconds: Array<number> = []
    const rss: Array<number> = []
    const cpu: Array<number> = []
    let bytes = 0
    for (let index = 0; index < runs; index += 1) {
      const result = run(args)
      seconds.push(result.seconds)
      rss.push(result.rssMb)
      cpu.push(result.cpuSeconds)
      if (output !== undefined) {
        bytes = statSync(output).size
        rmSync(output)
      }
    }
    console.log(
      `${label}: median ${median(seconds).toFixed(1)} s (${seconds.map((s) => s.toFixed(1)).join(", ")}), ${Math.round(exportUsers / median(seconds)).toLocaleString("en")} users/s, CPU (user + system) median ${median(cpu).toFixed(1)} s, peak RSS median ${median(rss).toFixed(0)} MB (${rss.map((r) => r.toFixed(0)).join(", ")})${output === undefined ? "" : `, ${(bytes / 1024 / 1024).toFixed(0)} MB written`}`
    )
  }
  console.log(
    `(${exportUsers.toLocaleString("en")} users in ${filename}; node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`
  )
  rmSync(dir, { recursive: true, force: true })
}

if (mode === "cli") {
  if (!existsSync(filename)) {
    await Effect.runPromise(
      Effect.gen(function* () {
        const db = yield* SqliteDirectory.open(filename)
        yield* seed(db, "sqlite", exportUsers).pipe(Effect.provide(layerOf(db)))
        yield* Effect.promise(() => db.destroy())
      })
    )
  }
  cli()
} else {
  await Effect.runPromise(main)
}
