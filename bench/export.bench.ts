/**
 * Export through the core (`Exports.users`, then `groups` and `gids`) of an SQLite file of N users in 20 groups: the
 * time and the process's peak RSS. `seed FILE N` loads the file in bulk (as bench/sql.bench.ts does); `export FILE`
 * runs the export in a process of its own, so that its peak RSS is the export's alone (under tsx, whose compiling alone
 * holds ~110 MB: bundle the script with esbuild, as dt is, to read the export's own figure). `DT_GROUP_PAGE_SIZE` fixes
 * the groups' page size.
 *
 *   tsx --conditions=@user-manager/source bench/export.bench.ts seed /tmp/dt-export.db 1000000
 *   tsx --conditions=@user-manager/source bench/export.bench.ts export /tmp/dt-export.db
 */
import { performance } from "node:perf_hooks"
import * as Actor from "@user-manager/core/Actor"
import { Exports } from "@user-manager/core/Exports"
import * as UserManager from "@user-manager/core/UserManager"
import { Argon2Hasher, KyselyDirectory, SqliteDirectory } from "@user-manager/kysely"
import { Effect, Stream } from "effect"
import { seed } from "./load.js"

const groupOptions =
  process.env.DT_GROUP_PAGE_SIZE === undefined ? {} : { pageSize: Number(process.env.DT_GROUP_PAGE_SIZE) }
const [mode, filename = "/tmp/dt-export.db", size = "100000"] = process.argv.slice(2)

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

await Effect.runPromise(main)
