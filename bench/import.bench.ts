/**
 * Import through the built `dt` (packages/cli/dist/dt.cjs), each run a process of its own whose peak RSS it reports:
 *
 *   npm run bench:import                                  # every case below
 *   BENCH_CASES=sqlite,postgres npm run bench:import      # some of them
 *
 * Cases: `sqlite` — 100,000 users in 20 groups from CSV, no passwords, into an SQLite file: the rate, the peak RSS, and
 * the shell loop of `dt user add` on 200 users in the same run (the ratio of the two rates); `hashes` — the same with
 * existing argon2id, bcrypt and SHA-crypt hashes (a few distinct ones, made once: nothing is hashed on import); `plain`
 * — 10,000 users with plain passwords, beside the machine's argon2id bound on all cores measured here by hashing alone
 * (BENCH_BOUND_HASHES passwords, 64 a core by default) before and after the imports, the ratio taken to their mean;
 * `postgres`, `mariadb` — the `sqlite` import on a server (a database `dt_bench_import` created and dropped with psql /
 * mysql: BENCH_POSTGRES_URL, BENCH_MYSQL_URL, defaults those of the tests). Each import is run BENCH_RUNS times (3) on
 * a fresh store; the median is reported. Export: bench/export.bench.ts. Results go in docs/benchmarks.md.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import type { Password } from "@user-manager/core/Password"
import { PasswordHasher } from "@user-manager/core/PasswordHasher"
import { Argon2Hasher } from "@user-manager/kysely"
import bcrypt from "bcryptjs"
import { Effect, Redacted } from "effect"
import { encrypt } from "unixcrypt"

const root = fileURLToPath(new URL("..", import.meta.url))
const dt = join(root, "packages/cli/dist/dt.cjs")
const cases = (process.env.BENCH_CASES ?? "sqlite,hashes,plain,postgres,mariadb").split(",").map((c) => c.trim())
const runs = Number(process.env.BENCH_RUNS ?? 3)
const users = Number(process.env.BENCH_USERS ?? 100_000)
const plainUsers = Number(process.env.BENCH_PLAIN_USERS ?? 10_000)
const loopUsers = 200
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const mysqlUrl = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"
const dir = mkdtempSync(join(os.tmpdir(), "dt-import-bench-"))
// Prints the child's peak RSS (kB) on its way out, for this script to read.
const peak = join(dir, "peak.cjs")
writeFileSync(
  peak,
  `process.on("exit", () => process.stderr.write("\\npeak-rss-kb " + process.resourceUsage().maxRSS + "\\n"))`
)

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** Runs dt (with the peak-RSS hook); fails loudly when dt does. */
const run = (database: string, args: ReadonlyArray<string>) => {
  const started = performance.now()
  const child = spawnSync("node", ["--require", peak, dt, ...args, "--database", database], {
    encoding: "utf8",
    env: { ...process.env, DT_USER: "admin", HOME: dir },
    maxBuffer: 64 * 1024 * 1024
  })
  const seconds = (performance.now() - started) / 1000
  if (child.status !== 0) throw new Error(`dt ${args.join(" ")} failed (${child.status}): ${child.stderr}`)
  const rssMb = Number(/peak-rss-kb (\d+)/.exec(child.stderr)?.[1] ?? 0) / 1024
  return { seconds, rssMb, stdout: child.stdout }
}

/** A fresh store: initialised, with groups g0 … g19. */
const freshStore = (database: string, reset: () => void) => {
  reset()
  run(database, ["init", "--admin", "admin"])
  for (let group = 0; group < 20; group += 1) run(database, ["group", "add", `g${group}`])
}

/** A CSV file of `count` users in two of the 20 groups each, with the extra column a case gives. */
const csvFile = (
  name: string,
  count: number,
  extra?: { readonly header: string; readonly value: (i: number) => string }
) => {
  const file = join(dir, name)
  const lines = [`username,firstName,lastName,email,groups${extra === undefined ? "" : `,${extra.header}`}`]
  for (let i = 0; i < count; i += 1) {
    const base = `u${i},First${i},Last${i},u${i}@example.com,"g${i % 20},g${(i + 7) % 20}"`
    lines.push(extra === undefined ? base : `${base},${extra.value(i)}`)
  }
  writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}

/** The import of `file` on fresh stores, `runs` times: the median rate and peak RSS. */
const importRuns = (label: string, database: string, reset: () => void, file: string, count: number) => {
  const rates: Array<number> = []
  const rss: Array<number> = []
  for (let index = 0; index < runs; index += 1) {
    freshStore(database, reset)
    const result = run(database, ["user", "import", file, "-q"])
    rates.push(count / result.seconds)
    rss.push(result.rssMb)
  }
  const rate = median(rates)
  console.log(
    `${label}: ${count.toLocaleString("en")} users, median ${Math.round(rate).toLocaleString("en")} users/s (${rates.map((r) => Math.round(r)).join(", ")}), peak RSS median ${median(rss).toFixed(0)} MB (${rss.map((r) => r.toFixed(0)).join(", ")})`
  )
  return rate
}

const sqliteDatabase = (name: string) => {
  const file = join(dir, name)
  return {
    database: `sqlite:${file}`,
    reset: () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true })
    }
  }
}

const plainCsv = cases.some((c) => ["sqlite", "postgres", "mariadb"].includes(c)) ? csvFile("users.csv", users) : ""

if (cases.includes("sqlite")) {
  const { database, reset } = sqliteDatabase("import.db")
  const rate = importRuns("SQLite file, CSV, no passwords", database, reset, plainCsv, users)
  freshStore(database, reset)
  const started = performance.now()
  for (let i = 0; i < loopUsers; i += 1) run(database, ["user", "add", `loop${i}`, "-g", `g${i % 20}`])
  const loopRate = loopUsers / ((performance.now() - started) / 1000)
  console.log(
    `  shell loop of dt user add: ${loopUsers} users at ${loopRate.toFixed(2)} users/s (${(1000 / loopRate).toFixed(0)} ms a user); import / loop = ${Math.round(rate / loopRate)}x`
  )
}

if (cases.includes("hashes")) {
  const argon = await Effect.runPromise(
    Effect.flatMap(PasswordHasher, (hasher) => hasher.hash(Redacted.make("correct horse 1") as Password)).pipe(
      Effect.provide(Argon2Hasher.layer)
    )
  )
  const hashes = [
    Redacted.value(argon),
    bcrypt.hashSync("correct horse 2", 10),
    encrypt("correct horse 3", "$5$benchsalt"),
    encrypt("correct horse 4", "$6$benchsalt")
  ]
  const file = csvFile("hashes.csv", users, {
    header: "passwordHash",
    // Quoted: an argon2 PHC string holds commas.
    value: (i) => `"${hashes[i % hashes.length]}"`
  })
  const { database, reset } = sqliteDatabase("hashes.db")
  importRuns("SQLite file, CSV, argon2id / bcrypt / SHA-crypt hashes kept", database, reset, file, users)
}

if (cases.includes("plain")) {
  const cores = os.availableParallelism()
  const sample = Number(process.env.BENCH_BOUND_HASHES ?? cores * 64)
  /** The machine's argon2id bound now: `sample` passwords hashed alone, `cores` at a time, in hashes a second. */
  const bound = () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const hasher = yield* PasswordHasher
        const started = performance.now()
        yield* Effect.forEach(
          Array.from({ length: sample }, (_, i) => Redacted.make(`password number ${i}`) as Password),
          (password) => hasher.hash(password),
          { concurrency: cores }
        )
        return sample / ((performance.now() - started) / 1000)
      }).pipe(Effect.provide(Argon2Hasher.layer))
    )
  const file = csvFile("plain.csv", plainUsers, { header: "password", value: (i) => `password number ${i}` })
  const { database, reset } = sqliteDatabase("plain.db")
  // The bound is taken before and after the imports (the host's load drifts over minutes): their mean is the bound.
  const before = await bound()
  const rate = importRuns("SQLite file, CSV, plain passwords", database, reset, file, plainUsers)
  const after = await bound()
  const mean = (before + after) / 2
  console.log(
    `  argon2id bound on ${cores} cores (hashing ${sample} passwords alone, before / after the imports): ${before.toFixed(1)} / ${after.toFixed(1)} hashes/s; import / mean bound = ${(rate / mean).toFixed(2)}`
  )
}

/** A server database of its own, made and dropped by the engine's client. */
const serverDatabase = (engine: "postgres" | "mariadb") => {
  const name = "dt_bench_import"
  const url = new URL(engine === "postgres" ? postgresUrl : mysqlUrl)
  const admin = (statement: string) =>
    engine === "postgres"
      ? execFileSync("psql", [postgresUrl, "-qc", statement], { stdio: "pipe" })
      : execFileSync(
          "mysql",
          ["-h", url.hostname, "-P", url.port || "3306", "-u", decodeURIComponent(url.username), "-e", statement],
          { stdio: "pipe" }
        )
  url.pathname = `/${name}`
  return {
    database: url.toString(),
    reset: () => {
      admin(`drop database if exists ${name}`)
      admin(`create database ${name}`)
    },
    drop: () => admin(`drop database if exists ${name}`)
  }
}

for (const engine of ["postgres", "mariadb"] as const) {
  if (!cases.includes(engine)) continue
  const { database, reset, drop } = serverDatabase(engine)
  importRuns(`${engine === "postgres" ? "PostgreSQL" : "MariaDB"}, CSV, no passwords`, database, reset, plainCsv, users)
  drop()
}

console.log(
  `(node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; files in ${dir})`
)
rmSync(dir, { recursive: true, force: true })
