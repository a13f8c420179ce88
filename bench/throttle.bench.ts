/**
 * What the store-backed sign-in throttle adds to a sign-in, run by hand (not in CI):
 *
 *   npm run bench:throttle                               # SQLite (WAL file) and PostgreSQL
 *   BENCH_STORES=sqlite BENCH_RUNS=3 npm run bench:throttle
 *
 * Other settings: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test; a database `dt_bench_<random>`
 * is created there and dropped at the end), BENCH_LOGINS (sign-ins timed per run and case, default 200).
 *
 * For each store it bootstraps `admin` and a user with a password, then times, in the same run and one after the other:
 * - `Sessions.login` as the product runs it (the attempt reserved in a write transaction before the password check,
 *   settled in the transaction that opens the session), from one address and from a new address each time;
 * - the same sign-in without the throttle: `Users.authenticate`, then the one write transaction that opens the
 *   session (what `Sessions.login` did before the throttle);
 * - a wrong password (the reservation's transaction only, the attempt counted), each from a new address;
 * each with the real argon2 hasher and with a fast test hasher (which shows the throttle's own cost). It prints the
 * median of the per-run medians and p95s, and the difference.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import os from "node:os"
import { join } from "node:path"
import { Actor, Directory, Errors, PasswordHasher, Sessions, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory, PostgresDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { type Kysely, sql } from "kysely"
import { intSetting, log, median, ms, type Stats, timeEach } from "./stats.js"

const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",").map((store) => store.trim())
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const RUNS = Math.max(1, intSetting("BENCH_RUNS", 5))
const LOGINS = Math.max(10, intSetting("BENCH_LOGINS", 200))
const PASSWORD = "a long bench secret"

/** A fast salted SHA-256 hasher: the sign-in's cost without argon2's, so that the throttle's own cost shows. */
const FastHasher = Layer.succeed(PasswordHasher.PasswordHasher, {
  hash: (password) =>
    Effect.sync(() => Redacted.make(`$fast$${createHash("sha256").update(Redacted.value(password)).digest("hex")}`)),
  verify: (password, hash) =>
    Effect.sync(
      () => Redacted.value(hash) === `$fast$${createHash("sha256").update(Redacted.value(password)).digest("hex")}`
    ),
  needsRehash: () => Effect.succeed(false),
  slowestCheck: Effect.succeed(Duration.zero)
})

interface Store {
  readonly engine: "sqlite" | "postgres"
  // biome-ignore lint/suspicious/noExplicitAny: any store
  readonly db: Kysely<any>
  readonly drop: () => Promise<void>
}

const open = async (engine: string): Promise<Store> => {
  if (engine === "sqlite") {
    const folder = mkdtempSync(join(os.tmpdir(), "dt-bench-"))
    const db = await Effect.runPromise(SqliteDirectory.open(join(folder, "dt.db")))
    return {
      engine,
      db,
      drop: async () => {
        await db.destroy()
        rmSync(folder, { recursive: true, force: true })
      }
    }
  }
  const name = `dt_bench_${randomBytes(4).toString("hex")}`
  const admin = PostgresDirectory.open({ url: POSTGRES_URL, poolSize: 1 })
  await sql`create database ${sql.id(name)}`.execute(admin)
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  const db = PostgresDirectory.open({ url: url.toString() })
  return {
    engine: "postgres",
    db,
    drop: async () => {
      await db.destroy()
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
      await admin.destroy()
    }
  }
}

type Case = "login" | "login, new address" | "without throttle" | "wrong password"
const CASES: ReadonlyArray<Case> = ["login", "login, new address", "without throttle", "wrong password"]

/** The sign-in before the throttle: the password check, then the transaction that opens the session. */
const unthrottled = (username: string, password: string) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const directory = yield* Directory.Directory
    const user = yield* users.authenticate(username, password)
    const now = Date.now()
    const tokenHash = randomBytes(32).toString("hex")
    yield* directory.write((tx) =>
      Effect.gen(function* () {
        yield* tx.deleteExpiredSessions(new Date(now))
        const current = yield* tx.findUser(user.username, { forUpdate: true })
        if (Option.isNone(current) || !current.value.enabled) {
          return yield* new Errors.Unauthenticated({ reason: "the username or password is not correct" })
        }
        yield* tx.insertSession({
          tokenHash,
          username: user.username,
          createdAt: new Date(now),
          expiresAt: new Date(now + 3_600_000)
        })
      })
    )
  })

const measure = (store: Store, hasherName: string, hasher: Layer.Layer<PasswordHasher.PasswordHasher>) =>
  Effect.gen(function* () {
    const users = yield* Users.Users
    const sessions = yield* Sessions.Sessions
    const context = yield* Effect.context<Users.Users | Directory.Directory>()
    const admin = Actor.user("admin")
    yield* Effect.ignore(users.bootstrap({ username: "admin", firstName: "Ada", password: PASSWORD }))
    yield* Effect.ignore(users.create(admin, { username: "bench", groups: ["admins"], password: PASSWORD }))
    let address = 0
    const next = () => `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`
    const operations: Record<Case, (index: number) => Effect.Effect<unknown, unknown>> = {
      login: () => sessions.login("bench", PASSWORD, { address: "192.168.0.1" }),
      "login, new address": () => sessions.login("bench", PASSWORD, { address: next() }),
      "without throttle": () => Effect.provide(unthrottled("bench", PASSWORD), context),
      "wrong password": () =>
        Effect.flip(sessions.login("nobody", "a wrong password", { address: next() })).pipe(
          Effect.filterOrDie(
            (error) => error._tag === "Unauthenticated",
            () => "not a wrong password"
          )
        )
    }
    const runs: Record<Case, Array<Stats>> = {
      login: [],
      "login, new address": [],
      "without throttle": [],
      "wrong password": []
    }
    const plan = { iterations: LOGINS, budgetMs: 60_000, minimum: 10 }
    for (let run = 0; run < RUNS; run++) {
      for (const name of CASES) runs[name].push(yield* timeEach(plan, operations[name]))
      log(`${store.engine}, ${hasherName}: run ${run + 1} of ${RUNS}`)
    }
    const rows = CASES.map((name) => {
      const medianMs = median(runs[name].map((stats) => stats.median))
      const p95Ms = median(runs[name].map((stats) => stats.p95))
      return { name, medianMs, p95Ms }
    })
    const base = rows.find((row) => row.name === "without throttle")?.medianMs ?? Number.NaN
    console.log(`\n### ${store.engine === "sqlite" ? "SQLite (WAL file)" : "PostgreSQL"}, ${hasherName}\n`)
    console.log("| sign-in | median ms | p95 ms | added to the sign-in without throttle |")
    console.log("|---|---:|---:|---:|")
    for (const row of rows) {
      const diff = row.medianMs - base
      const added = row.name === "without throttle" ? "—" : `${diff < 0 ? "−" : "+"}${ms(Math.abs(diff))}`
      console.log(`| ${row.name} | ${ms(row.medianMs)} | ${ms(row.p95Ms)} | ${added} |`)
    }
  }).pipe(
    Effect.provide(
      UserManager.layer({
        directory: KyselyDirectory.layer({ db: store.db, engine: store.engine, migrate: true }),
        hasher,
        // No limit is reached by the bench's own sign-ins; the rest as the product runs it.
        throttle: { maxFailuresPerUserAddress: 1e9, maxFailuresPerAddress: 1e9, delayAfterUserFailures: 1e9 }
      })
    )
  )

const main = async () => {
  console.log(
    `# Sign-in throttle cost: ${RUNS} runs of up to ${LOGINS} sign-ins per case, median of the per-run medians (${os.cpus()[0]?.model ?? "cpu"}, ${os.cpus().length} cores)`
  )
  for (const engine of STORES) {
    for (const [name, hasher] of [
      ["fast test hasher", FastHasher],
      ["argon2", Argon2Hasher.layer]
    ] as const) {
      const store = await open(engine)
      try {
        await Effect.runPromise(measure(store, name, hasher) as Effect.Effect<void>)
      } finally {
        await store.drop()
      }
    }
  }
}

await main()
