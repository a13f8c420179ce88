/**
 * Whole-process benchmarks of the `dt` command, run by hand (not in CI):
 *
 *   npm run bench:cli                          # start-up on 100,000 users, peak RSS of `ls -j` on 1,000,000
 *   BENCH_BIG_USERS=0 npm run bench:cli        # without the million (a few minutes less, once the file exists)
 *   BENCH_RUNS=20 npm run bench:cli            # more runs
 *   BENCH_DT=/path/to/other/packages/cli/bin/dt.js npm run bench:cli   # remote mode of another checkout's dt beside this one
 *
 * Settings: BENCH_STARTUP (1; 0 skips the start-up runs, e.g. to measure only the memory again), BENCH_USERS (100000), BENCH_BIG_USERS (1000000; 0 skips it), BENCH_RUNS (15, at least 10), BENCH_DIR (where
 * the SQLite files are kept between invocations; default $TMPDIR/dt-cli-bench: the million takes minutes to load, so
 * later invocations reuse it, after `dt migrate`), BENCH_BIG_TIMEOUT (seconds for the million's `ls -j`, 3600),
 * BENCH_ENV (`clean`: the children get only PATH, HOME and dt's variables; `inherit`: this process's environment as
 * well — on a machine whose environment sets NODE_EXTRA_CA_CERTS, every Node process, `node -e 0` included, then
 * spends tens of milliseconds loading certificates at start-up), BENCH_REMOTE (1; 0 skips remote mode), BENCH_DT (the
 * bin/dt.js of another, built checkout, e.g. the tree before a change: its remote-mode commands are timed in the same
 * runs as this checkout's, against the same server; none by default).
 *
 * It builds the bundle (packages/cli/build.mjs), loads each SQLite file with the bulk loader of bench/load.ts (the
 * directory of bench/sql.bench.ts), and runs the real `node packages/cli/bin/dt.js` as a child process in a private
 * HOME, as `admin`. Start-up: each run times `node -e 0` and then each command right after it, so that every command
 * is paired with the baseline measured at the same moment; the report gives the medians and the ratio. The compile
 * cache is warmed by one untimed run of each command; the rows "without the compile cache" set DT_NO_COMPILE_CACHE=1.
 * The stack's floor (bench/cli-floor/floor.ts: an @effect/cli program on dt's platform layers that reads one user
 * through Kysely and better-sqlite3, bundled as dt is and run with the same code cache) is timed the same way, so that
 * the report says how much of dt's start-up is the libraries' own and how much is dt's.
 * Remote mode: this checkout's `dt serve` runs on the same file (a free port), `dt login admin` stores a session in the
 * private HOME, and `dt user get` and `dt user ls --limit 50` are timed without DT_DATABASE_URL, so over the HTTP API.
 * The remote cases keep their own compile cache (XDG_CACHE_HOME), as for someone who only uses remote mode; BENCH_DT's
 * dt has another one, since each build of dt deletes the caches of other builds.
 * Memory: `dt user ls -j` prints every user to a pipe read by this process, under /usr/bin/time for its peak RSS.
 * Results are recorded in docs/benchmarks.md.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { UserManager } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect } from "effect"
import { build } from "esbuild"
import { PASSWORD, people, seed } from "./load.js"
import { intSetting, log, median, ms, now, quantile, seconds, thousands } from "./stats.js"

// ---------------------------------------------------------------------------------------------------------------
// Settings

const USERS = intSetting("BENCH_USERS", 100_000, 1)
const BIG_USERS = intSetting("BENCH_BIG_USERS", 1_000_000)
const RUNS = intSetting("BENCH_RUNS", 15, 10)
const STARTUP = intSetting("BENCH_STARTUP", 1) > 0
const REMOTE = intSetting("BENCH_REMOTE", 1) > 0
/** Another checkout's bin/dt.js, whose remote mode is timed beside this one's. */
const OTHER_DT = process.env.BENCH_DT || undefined
const DIR = process.env.BENCH_DIR || join(os.tmpdir(), "dt-cli-bench")
const BIG_TIMEOUT_S = intSetting("BENCH_BIG_TIMEOUT", 3600, 1)
/** Start-up target: each command within this multiple of `node -e 0`. */
const START_TARGET = 3
/** Memory target for `ls -j` over the million, in MB. */
const RSS_TARGET_MB = 150

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DT = join(ROOT, "packages", "cli", "bin", "dt.js")
const HOME = mkdtempSync(join(os.tmpdir(), "dt-cli-bench-home-"))
const TIME = "/usr/bin/time"
/** The stack's floor (bench/cli-floor/floor.ts), bundled as dt is and run through a loader with the same code cache. */
const FLOOR_RUN = join(ROOT, "bench", "cli-floor", "run.cjs")
const FLOOR_BUNDLE = join(ROOT, "bench", "cli-floor", "dist", "floor.cjs")
const floorEnv = { FLOOR_BUNDLE, XDG_CACHE_HOME: join(HOME, ".cache") }
const buildFloor = () =>
  build({
    entryPoints: [join(ROOT, "bench", "cli-floor", "floor.ts")],
    outfile: FLOOR_BUNDLE,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minify: true,
    charset: "ascii",
    external: ["better-sqlite3"],
    logLevel: "warning"
  })
const INHERIT = process.env.BENCH_ENV === "inherit"
/** What every child process gets, `node -e 0` included. */
const BASE_ENV: Record<string, string> = INHERIT
  ? Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("DT_")
      )
    )
  : { PATH: process.env.PATH ?? "" }

// ---------------------------------------------------------------------------------------------------------------
// The SQLite files

/** A username in the middle of the directory, for `dt user get`. */
const someone = (size: number): string => {
  let index = 0
  for (const person of people(size)) if (index++ === Math.floor(size / 2)) return person.username
  throw new Error("unreachable")
}

/** The SQLite file of `size` users, loaded once and kept in BENCH_DIR; returns its path and how long loading took. */
const directory = async (size: number): Promise<{ readonly file: string; readonly loadMs: number | null }> => {
  mkdirSync(DIR, { recursive: true })
  const file = join(DIR, `users-${size}.db`)
  const done = `${file}.loaded`
  if (existsSync(done) && existsSync(file)) {
    log(`${thousands(size)} users: reusing ${file}`)
    dt(["migrate"], file)
    return { file, loadMs: null }
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true })
  const started = now()
  const db = await Effect.runPromise(SqliteDirectory.open(file))
  try {
    const layer = UserManager.layer({
      directory: KyselyDirectory.layer({ db, engine: "sqlite", migrate: true }),
      hasher: Argon2Hasher.layer
    })
    await Effect.runPromise(seed(db, "sqlite", size).pipe(Effect.provide(layer)))
  } finally {
    await db.destroy()
  }
  writeFileSync(done, new Date().toISOString())
  return { file, loadMs: now() - started }
}

// ---------------------------------------------------------------------------------------------------------------
// Running dt

const environment = (file: string, extra: Record<string, string> = {}) => ({
  ...BASE_ENV,
  HOME,
  DT_DATABASE_URL: `sqlite:${file}`,
  DT_USER: "admin",
  ...extra
})

/** Runs dt to completion (untimed) and fails loudly if it fails. */
const dt = (args: ReadonlyArray<string>, file: string, extra: Record<string, string> = {}) => {
  const run = spawnSync(process.execPath, [DT, ...args], { env: environment(file, extra), encoding: "utf8" })
  if (run.status !== 0) throw new Error(`dt ${args.join(" ")} exited ${run.status}: ${run.stderr}`)
  return run.stdout
}

/** The wall time of one whole process, in milliseconds. */
const wall = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): number => {
  const t0 = now()
  const run = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] })
  const elapsed = now() - t0
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr}`)
  return elapsed
}

interface Case {
  readonly label: string
  /** The script node runs: dt's bin/dt.js, or the stack's floor (bench/cli-floor). */
  readonly program: string
  readonly args: ReadonlyArray<string>
  readonly env: NodeJS.ProcessEnv
  /** Whether the start-up target applies (this dt, with its compile cache). */
  readonly target: boolean
  readonly node: Array<number>
  readonly dt: Array<number>
}

// ---------------------------------------------------------------------------------------------------------------
// Remote mode

/** The environment of remote mode: no database named, so the session `dt login` stored names the server. */
const remoteEnvironment = (cache: string) => ({ ...BASE_ENV, HOME, XDG_CACHE_HOME: join(HOME, cache) })

/** Starts this checkout's `dt serve` on `file` on a free port; resolves with the process and its URL. */
const serve = (file: string) =>
  new Promise<{ readonly child: ChildProcess; readonly url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [DT, "serve", "--port", "0", "--database", `sqlite:${file}`], {
      env: { ...BASE_ENV, HOME },
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

/** Signs `admin` in to `url` with the private HOME (`dt login`), for every remote-mode command after it. */
const login = (url: string) => {
  const run = spawnSync(process.execPath, [DT, "login", "admin", "--server", url, "--password-stdin"], {
    env: { ...BASE_ENV, HOME },
    input: `${PASSWORD}\n`,
    encoding: "utf8"
  })
  if (run.status !== 0) throw new Error(`dt login exited ${run.status}: ${run.stderr}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Peak memory

interface Big {
  readonly size: number
  readonly loadMs: number | null
  readonly records: number
  readonly wallMs: number
  readonly peakMb: number | null
  readonly how: string
  readonly exit: number | null
}

/** Runs `dt user ls -j` over a whole file, reading its output from a pipe; returns its time and peak RSS. */
const listEverything = (file: string, size: number, loadMs: number | null): Promise<Big> =>
  new Promise((resolve, reject) => {
    const viaTime = existsSync(TIME)
    const args = [DT, "user", "ls", "-j"]
    const child = viaTime
      ? spawn(TIME, ["-f", "dt-peak-rss-kb=%M", process.execPath, ...args], { env: environment(file) })
      : spawn(process.execPath, args, { env: environment(file) })
    const started = now()
    let peakKb = 0
    // Without /usr/bin/time: sample the high-water mark the kernel keeps for the process.
    const poll = viaTime
      ? undefined
      : setInterval(() => {
          let status = ""
          try {
            status = readFileSync(`/proc/${child.pid}/status`, "utf8")
          } catch {}
          const hwm = /VmHWM:\s+(\d+)/.exec(status)
          if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]))
        }, 100)
    let records = 0
    let tail = ""
    const needle = '{"username":'
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const text = tail + chunk
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) records++
      tail = text.slice(-(needle.length - 1))
    })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), BIG_TIMEOUT_S * 1000)
    child.once("error", reject)
    child.once("close", (code) => {
      const wallMs = now() - started
      clearTimeout(timer)
      if (poll) clearInterval(poll)
      const measured = /dt-peak-rss-kb=(\d+)/.exec(stderr)
      if (measured) peakKb = Number(measured[1])
      if (code !== 0) log(`  dt user ls -j exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`)
      resolve({
        size,
        loadMs,
        records,
        wallMs,
        peakMb: peakKb > 0 ? peakKb / 1024 : null,
        how: viaTime ? "/usr/bin/time -f %M" : "VmHWM from /proc, sampled every 100 ms",
        exit: code
      })
    })
  })

// ---------------------------------------------------------------------------------------------------------------
// The benchmark

const main = async () => {
  log("building the dt bundle …")
  execFileSync(process.execPath, [join(ROOT, "packages", "cli", "build.mjs")], { stdio: "inherit" })

  log("building the stack's floor …")
  await buildFloor()
  const { file, loadMs } = await directory(USERS)
  const name = someone(USERS)
  const floor = (label: string, args: ReadonlyArray<string>): Case => ({
    label,
    program: FLOOR_RUN,
    args,
    env: environment(file, floorEnv),
    target: false,
    node: [],
    dt: []
  })
  const cached = (label: string, args: ReadonlyArray<string>, extra: Record<string, string> = {}): Case => ({
    label,
    program: DT,
    args,
    env: environment(file, extra),
    target: extra.DT_NO_COMPILE_CACHE === undefined,
    node: [],
    dt: []
  })
  const remote = (program: string, label: string, args: ReadonlyArray<string>): Case => ({
    label,
    program,
    args,
    env: remoteEnvironment(program === DT ? ".cache-remote" : ".cache-remote-other"),
    target: program === DT,
    node: [],
    dt: []
  })
  const server = STARTUP && REMOTE ? await serve(file) : undefined
  try {
    if (server !== undefined) login(server.url)
    const remoteCases = (program: string, suffix: string) => [
      remote(program, `dt user ls --limit 50, remote${suffix}`, ["user", "ls", "--limit", "50"]),
      remote(program, `dt user get ${name}, remote${suffix}`, ["user", "get", name])
    ]
    const cases: ReadonlyArray<Case> = [
      cached("dt --version", ["--version"]),
      cached("dt user ls --limit 50", ["user", "ls", "--limit", "50"]),
      cached(`dt user get ${name}`, ["user", "get", name]),
      cached("dt --version, without the compile cache", ["--version"], { DT_NO_COMPILE_CACHE: "1" }),
      cached("dt user ls --limit 50, without the compile cache", ["user", "ls", "--limit", "50"], {
        DT_NO_COMPILE_CACHE: "1"
      }),
      cached(`dt user get ${name}, without the compile cache`, ["user", "get", name], { DT_NO_COMPILE_CACHE: "1" }),
      ...(server === undefined ? [] : remoteCases(DT, "")),
      ...(server === undefined || OTHER_DT === undefined ? [] : remoteCases(OTHER_DT, " (BENCH_DT)")),
      floor("the stack's floor: an @effect/cli command", ["hello"]),
      floor(`the stack's floor: an @effect/cli command reading ${name} through Kysely`, ["user", "get", name])
    ]
    await report(file, loadMs, name, server?.url, cases)
  } finally {
    server?.child.kill("SIGTERM")
  }
}

/** Times the cases, measures the memory of `ls -j`, and prints the report. */
const report = async (
  file: string,
  loadMs: number | null,
  name: string,
  url: string | undefined,
  cases: ReadonlyArray<Case>
) => {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim()
  const dirty = execFileSync("git", ["status", "--porcelain", "--", "packages/cli", "bench"], {
    cwd: ROOT,
    encoding: "utf8"
  }).trim()
  const lines = dt(["user", "ls", "--limit", "50"], file).trim().split("\n")
  if (lines.length !== 50) throw new Error(`dt user ls --limit 50 printed ${lines.length} lines`)
  for (const one of cases) {
    if (one.program === FLOOR_RUN || one.args[1] !== "get") continue
    const run = spawnSync(process.execPath, [one.program, ...one.args], { env: one.env, encoding: "utf8" })
    if (!run.stdout.startsWith(`${name}\t`)) throw new Error(`${one.label} failed: ${run.stderr}`)
  }
  const floorCheck = spawnSync(process.execPath, [FLOOR_RUN, "user", "get", name], {
    env: environment(file, floorEnv),
    encoding: "utf8"
  })
  if (!floorCheck.stdout.startsWith(`${name}\t`)) throw new Error(`the floor's user get failed: ${floorCheck.stderr}`)
  // Warm-up: writes the compile caches and brings the file into the page cache.
  if (STARTUP) for (const one of cases) wall([one.program, ...one.args], one.env)

  const loadBefore = os.loadavg()[0] ?? 0
  const runsStarted = now()
  const nodeEnv = { ...BASE_ENV, HOME }
  for (let run = 1; STARTUP && run <= RUNS; run++) {
    log(`start-up run ${run}/${RUNS} …`)
    for (const one of cases) {
      one.node.push(wall(["-e", "0"], nodeEnv))
      one.dt.push(wall([one.program, ...one.args], one.env))
    }
  }
  const runsMs = now() - runsStarted
  const loadAfter = os.loadavg()[0] ?? 0

  log(`dt user ls -j over ${thousands(USERS)} users …`)
  const small = await listEverything(file, USERS, loadMs)
  let big: Big | undefined
  if (BIG_USERS > 0) {
    const loaded = await directory(BIG_USERS)
    log(`dt user ls -j over ${thousands(BIG_USERS)} users (OFFSET paging may take many minutes) …`)
    big = await listEverything(loaded.file, BIG_USERS, loaded.loadMs)
  }

  const cpus = os.cpus()
  const out = [
    `## dt command benchmark — ${new Date().toISOString()}`,
    "",
    `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}; Node ${process.version}`,
    `- Commit ${commit}${dirty === "" ? "" : " (with uncommitted changes in packages/cli or bench)"}; command \`npm run bench:cli\` (BENCH_USERS=${USERS}, BENCH_BIG_USERS=${BIG_USERS}, BENCH_RUNS=${RUNS}, BENCH_ENV=${INHERIT ? "inherit" : "clean"}${STARTUP ? "" : ", BENCH_STARTUP=0"})`,
    ...(STARTUP
      ? [
          `- Start-up: ${thousands(USERS)}-user SQLite file (${file}${loadMs === null ? ", reused" : `, loaded in ${seconds(loadMs)}`}); ${RUNS} runs of ${seconds(runsMs)}; each command timed right after a \`node -e 0\`; ${INHERIT ? `the caller's environment${process.env.NODE_EXTRA_CA_CERTS ? " (with NODE_EXTRA_CA_CERTS)" : ""}` : "a clean environment (PATH, HOME and DT_ variables only)"}; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`
        ]
      : []),
    ...(url === undefined
      ? []
      : [
          `- Remote mode: this checkout's \`dt serve\` on the same file (${url}), signed in with \`dt login\`${OTHER_DT === undefined ? "" : `; BENCH_DT=${OTHER_DT}`}`
        ]),
    ""
  ]
  if (STARTUP)
    out.push(
      "| command | `node -e 0` median (ms) | dt median (ms) | dt p90 (ms) | dt / node (medians) | median of paired ratios | target | met? |",
      "|---|--:|--:|--:|--:|--:|--:|---|"
    )
  for (const one of STARTUP ? cases : []) {
    const base = median(one.node)
    const mid = median(one.dt)
    const p90 = quantile(
      [...one.dt].sort((a, b) => a - b),
      0.9
    )
    const paired = median(one.dt.map((value, index) => value / (one.node[index] as number)))
    const target = one.target
    out.push(
      `| \`${one.label}\` | ${ms(base)} | ${ms(mid)} | ${ms(p90)} | ${(mid / base).toFixed(2)}× | ${paired.toFixed(2)}× | ${target ? `≤ ${START_TARGET}×` : ""} | ${target ? (mid / base <= START_TARGET ? "yes" : "**no**") : ""} |`
    )
  }
  const floorGet = cases.at(-1)
  const dtGet = cases.find((one) => one.label === `dt user get ${name}`)
  if (STARTUP && floorGet !== undefined && dtGet !== undefined)
    out.push(
      "",
      `\`dt user get\` takes ${(median(dtGet.dt) / median(floorGet.dt)).toFixed(2)}× the stack's floor; the floor alone takes ${(median(floorGet.dt) / median(floorGet.node)).toFixed(2)}× \`node -e 0\`.`
    )
  for (const command of ["user ls --limit 50", `user get ${name}`]) {
    const ours = cases.find((one) => one.label === `dt ${command}, remote`)
    const theirs = cases.find((one) => one.label === `dt ${command}, remote (BENCH_DT)`)
    if (STARTUP && ours !== undefined && theirs !== undefined) {
      const ratio = (one: Case) => median(one.dt) / median(one.node)
      out.push(
        "",
        `Remote \`dt ${command}\`: ${ratio(ours).toFixed(2)}× \`node -e 0\` here, ${ratio(theirs).toFixed(2)}× with BENCH_DT's dt (${(median(ours.dt) / median(theirs.dt)).toFixed(2)}× its time).`
      )
    }
  }
  out.push(
    ...(STARTUP ? [""] : []),
    "| `dt user ls -j` over | records printed | wall time | peak RSS (MB) | target | met? | measured with |",
    "|---|--:|--:|--:|--:|---|---|"
  )
  for (const one of [small, big]) {
    if (one === undefined) continue
    const rss = one.peakMb === null ? "—" : one.peakMb.toFixed(0)
    const target = one.size >= 1_000_000 ? `< ${RSS_TARGET_MB} MB` : ""
    const met =
      target === "" ? "" : one.peakMb !== null && one.peakMb < RSS_TARGET_MB && one.exit === 0 ? "yes" : "**no**"
    out.push(
      `| ${thousands(one.size)} users${one.exit === 0 ? "" : ` (exit ${one.exit})`} | ${thousands(one.records)} | ${seconds(one.wallMs)} | ${rss} | ${target} | ${met} | ${one.how} |`
    )
  }
  console.log(out.join("\n"))
}

try {
  await main()
} finally {
  rmSync(HOME, { recursive: true, force: true })
}
