/**
 * `dt group get` over a huge group (issue 20, item 2), run by hand (not in CI): the peak RSS and wall time of the real
 * `dt` (the bundle of packages/cli/build.mjs, built first) printing `everyone` (500,000 members) of the directory of
 * bench/groups.ts, and `club-0001` (10 members) in the same runs, alternating, as `admin`, its output read from a pipe
 * by this process (which checks that every member came, in order):
 *
 * - `dt group get G -j` (the group with every member, streamed page by page);
 * - `dt group get G --members` (every member, one a line);
 * - `dt group get G` (the plain line: every member and the count) and `dt group get G -p` (the count and the first 10).
 *
 * Local mode on the SQLite file, and remote mode over this checkout's `dt serve` on the same file (`dt login admin`).
 * Peak RSS from /usr/bin/time -f %M (else VmHWM from /proc, sampled every 50 ms); the median of the runs.
 *
 *   npm run bench:group-members
 *   BENCH_RUNS=5 BENCH_REMOTE=0 npm run bench:group-members
 *
 * Settings: BENCH_GROUPS_USERS (1,000,000), BENCH_RUNS (3), BENCH_REMOTE (1; 0: local mode only), BENCH_SQLITE_FILE
 * (/tmp/dt-groups-bench-N.db, shared with bench:groups: seeded when missing, then kept).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { UserManager } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { sql } from "kysely"
import { CLUB_SIZE, checkInvariants, club, EVERYONE, seedGroups } from "./groups.js"
import { PASSWORD } from "./load.js"
import { intSetting, log, median, now, seconds, thousands } from "./stats.js"

const SIZE = intSetting("BENCH_GROUPS_USERS", 1_000_000, 20)
const RUNS = intSetting("BENCH_RUNS", 3, 1)
const REMOTE = process.env.BENCH_REMOTE !== "0"
const FILE = process.env.BENCH_SQLITE_FILE ?? `/tmp/dt-groups-bench-${SIZE}.db`
const RSS_TARGET_MB = 150

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DT = join(ROOT, "packages", "cli", "bin", "dt.js")
const HOME = mkdtempSync(join(os.tmpdir(), "dt-group-members-bench-"))
const TIME = "/usr/bin/time"
const BASE_ENV = { PATH: process.env.PATH ?? "", HOME }
const SMALL = club(0)

/** The data set, seeded when the file is missing (minutes for a million users). */
const ensureDataSet = async () => {
  if (existsSync(FILE)) return
  const started = now()
  const db = await Effect.runPromise(SqliteDirectory.open(FILE))
  try {
    await sql`pragma cache_size = -1000000`.execute(db)
    const layer = UserManager.layer({
      directory: KyselyDirectory.layer({ db, engine: "sqlite", migrate: true }),
      hasher: Argon2Hasher.layer
    })
    await Effect.runPromise(seedGroups(db, "sqlite", SIZE).pipe(Effect.provide(layer)))
    await checkInvariants(db, "sqlite")
  } finally {
    await db.destroy()
  }
  log(`  data set of ${thousands(SIZE)} users ready in ${seconds(now() - started)}`)
}

/** The environment of a mode: local names the file; remote names nothing, so the session of `dt login` is used. */
const environment = (mode: Mode) =>
  mode === "local" ? { ...BASE_ENV, DT_DATABASE_URL: `sqlite:${FILE}`, DT_USER: "admin" } : { ...BASE_ENV }

type Mode = "local" | "remote"

/** Starts this checkout's `dt serve` on the file on a free port; resolves with the process and its URL. */
const serve = () =>
  new Promise<{ readonly child: ChildProcess; readonly url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [DT, "serve", "--port", "0", "--database", `sqlite:${FILE}`], {
      env: BASE_ENV,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const listen = (chunk: string) => {
      output += chunk
      const url = /Serving the User Manager at (http:\/\/\S+?)\/?\s/.exec(output)?.[1]
      if (url !== undefined) resolve({ child, url })
    }
    child.stdout.setEncoding("utf8").on("data", listen)
    child.stderr.setEncoding("utf8").on("data", listen)
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`dt serve exited ${code}: ${output}`)))
  })

const login = (url: string) => {
  const run = spawnSync(process.execPath, [DT, "login", "admin", "--server", url, "--password-stdin"], {
    env: BASE_ENV,
    input: `${PASSWORD}\n`,
    encoding: "utf8"
  })
  if (run.status !== 0) throw new Error(`dt login exited ${run.status}: ${run.stderr}`)
}

interface Sample {
  readonly wallMs: number
  readonly peakMb: number
  readonly bytes: number
  readonly output: string | undefined
}

/** Runs dt once with its output on a pipe; keeps the output when `keep` (to check it), else only counts its bytes. */
const measure = (mode: Mode, args: ReadonlyArray<string>, keep: boolean): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const viaTime = existsSync(TIME)
    const command = [DT, ...args]
    const child = viaTime
      ? spawn(TIME, ["-f", "dt-peak-rss-kb=%M", process.execPath, ...command], { env: environment(mode) })
      : spawn(process.execPath, command, { env: environment(mode) })
    const started = now()
    let peakKb = 0
    const poll = viaTime
      ? undefined
      : setInterval(() => {
          let status = ""
          try {
            status = readFileSync(`/proc/${child.pid}/status`, "utf8")
          } catch {}
          const hwm = /VmHWM:\s+(\d+)/.exec(status)
          if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]))
        }, 50)
    const chunks: Array<Buffer> = []
    let bytes = 0
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length
      if (keep) chunks.push(chunk)
    })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.once("error", reject)
    child.once("close", (code) => {
      const wallMs = now() - started
      if (poll) clearInterval(poll)
      const measured = /dt-peak-rss-kb=(\d+)/.exec(stderr)
      if (measured) peakKb = Number(measured[1])
      if (code !== 0) return reject(new Error(`dt ${args.join(" ")} exited ${code}: ${stderr.trim()}`))
      resolve({
        wallMs,
        peakMb: peakKb / 1024,
        bytes,
        output: keep ? Buffer.concat(chunks).toString("utf8") : undefined
      })
    })
  })

/** The members `everyone` and the club have, in username order, as the data set made them. */
const expectedCounts = { [EVERYONE]: Math.ceil(SIZE / 2), [SMALL]: CLUB_SIZE } as Record<string, number>

/** Checks that an output has every member, in order, and the count. */
const check = (group: string, variant: string, output: string) => {
  const want = expectedCounts[group] as number
  const ordered = (names: ReadonlyArray<string>) =>
    names.every((name, index) => index === 0 || (names[index - 1] ?? "") < name)
  if (variant === "-j") {
    const json = JSON.parse(output) as { memberCount: number; members: ReadonlyArray<string> }
    if (json.memberCount !== want || json.members.length !== want || !ordered(json.members)) {
      throw new Error(`dt group get ${group} -j: ${json.memberCount} / ${json.members.length} members, not ${want}`)
    }
  } else if (variant === "--members") {
    const names = output.trimEnd().split("\n")
    if (names.length !== want || !ordered(names)) throw new Error(`--members of ${group}: ${names.length}, not ${want}`)
  } else if (variant === "plain") {
    const [, , members = "", count] = output.trimEnd().split("\t")
    if (Number(count) !== want || members.split(",").length !== want) throw new Error(`plain ${group}: ${count}`)
  } else if (!output.includes(want > 10 ? `and ${thousands(want - 10)} more` : "")) {
    throw new Error(`-p of ${group} lacks 'and ${thousands(want - 10)} more'`)
  }
}

const VARIANTS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["-j", ["-j"]],
  ["--members", ["--members"]],
  ["plain", []],
  ["-p", ["-p"]]
]

const main = async () => {
  log(`building dt …`)
  execFileSync(process.execPath, [join(ROOT, "packages", "cli", "build.mjs")], { stdio: "ignore" })
  await ensureDataSet()
  const server = REMOTE ? await serve() : undefined
  try {
    if (server !== undefined) login(server.url)
    const modes: ReadonlyArray<Mode> = server === undefined ? ["local"] : ["local", "remote"]
    const samples = new Map<string, Array<Sample>>()
    // One untimed run of each command first: dt's compile cache, the file's pages in the OS cache, each checked.
    for (const mode of modes) {
      for (const group of [EVERYONE, SMALL]) {
        for (const [variant, flags] of VARIANTS) {
          const sample = await measure(mode, ["group", "get", group, ...flags], true)
          check(group, variant, sample.output ?? "")
        }
      }
    }
    for (let run = 0; run < RUNS; run++) {
      const started = now()
      for (const mode of modes) {
        for (const [variant, flags] of VARIANTS) {
          // The two groups alternate, so that both see the same load.
          for (const group of run % 2 === 0 ? [EVERYONE, SMALL] : [SMALL, EVERYONE]) {
            const key = `${mode}\u0000${variant}\u0000${group}`
            const sample = await measure(mode, ["group", "get", group, ...flags], false)
            samples.set(key, [...(samples.get(key) ?? []), sample])
          }
        }
      }
      log(`  run ${run + 1}/${RUNS}: ${seconds(now() - started)}`)
    }
    const of = (mode: Mode, variant: string, group: string) =>
      samples.get(`${mode}\u0000${variant}\u0000${group}`) ?? []
    console.log(
      `\n| \`dt group get G …\`, median of ${RUNS} | mode | \`${EVERYONE}\` (${thousands(expectedCounts[EVERYONE] as number)}): peak RSS MB, wall s, output | \`${SMALL}\` (${CLUB_SIZE}): peak RSS MB, wall s | RSS ratio | ≤ ${RSS_TARGET_MB} MB? |`
    )
    console.log("|---|---|--:|--:|--:|---|")
    for (const mode of modes) {
      for (const [variant] of VARIANTS) {
        const huge = of(mode, variant, EVERYONE)
        const small = of(mode, variant, SMALL)
        const hugeRss = median(huge.map((s) => s.peakMb))
        const smallRss = median(small.map((s) => s.peakMb))
        const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
        console.log(
          `| \`${variant === "plain" ? "" : variant}\` | ${mode} | ${hugeRss.toFixed(0)}, ${(median(huge.map((s) => s.wallMs)) / 1000).toFixed(2)}, ${mb(huge[0]?.bytes ?? 0)} | ${smallRss.toFixed(0)}, ${(median(small.map((s) => s.wallMs)) / 1000).toFixed(2)} | ${(hugeRss / smallRss).toFixed(2)} | ${hugeRss <= RSS_TARGET_MB ? "yes" : "**no**"} |`
        )
      }
    }
    console.log(
      `\n(${thousands(SIZE)} users, SQLite file ${FILE}; peak RSS by ${existsSync(TIME) ? "/usr/bin/time -f %M" : "VmHWM from /proc"}; node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`
    )
  } finally {
    server?.child.kill("SIGTERM")
  }
}

await main()
