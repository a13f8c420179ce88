/**
 * Run by the read-only tests as another user (`runuser -u nobody`): opens the SQLite file named by its argument
 * read-only, reads the group `staff`, and prints what happened as one JSON line.
 */

import type { GroupName } from "@user-manager/core/Names"
import * as KyselyDirectory from "@user-manager/kysely/KyselyDirectory"
import * as SqliteDirectory from "@user-manager/kysely/SqliteDirectory"
import { Cause, Effect, Exit, Option } from "effect"

const filename = process.argv[2] ?? ""

const program = Effect.gen(function* () {
  const db = yield* Effect.acquireRelease(SqliteDirectory.open(filename, { readonly: true }), (db) =>
    Effect.promise(() => db.destroy())
  )
  const store = yield* KyselyDirectory.make({ db, engine: "sqlite" })
  return Option.isSome(yield* store.read((tx) => tx.findGroupRow("staff" as GroupName)))
}).pipe(Effect.scoped)

Effect.runPromiseExit(program).then((exit) => {
  const failure = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
  process.stdout.write(
    `${JSON.stringify(Exit.isSuccess(exit) ? { found: exit.value } : { message: (failure as Error).message })}\n`
  )
})
