/** A worker thread with its own SQLite connection to the shared file, running one share of a concurrency workload. */
import { parentPort, workerData } from "node:worker_threads"
import * as KyselyDirectory from "@user-manager/kysely/KyselyDirectory"
import * as SqliteDirectory from "@user-manager/kysely/SqliteDirectory"
import { Effect } from "effect"
import { WORKLOADS } from "./concurrency.js"

const { filename, worker, steps, workload } = workerData as {
  filename: string
  worker: number
  steps: number
  workload: keyof typeof WORKLOADS
}

const program = Effect.gen(function* () {
  const db = yield* Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy()))
  return yield* WORKLOADS[workload](KyselyDirectory.layer({ db, engine: "sqlite" }), worker, steps)
}).pipe(Effect.scoped)

Effect.runPromise(program).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (error) => parentPort?.postMessage({ ok: false, error: String(error) })
)
