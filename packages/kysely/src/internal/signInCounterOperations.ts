/**
 * The sign-in throttle's counters, locked, saved, trimmed and listed.
 */
import type { SignInCounterStore } from "@user-manager/core/Directory"
import { Effect } from "effect"
import { sameKey, toCounter } from "./rowMappers.js"
import type { TransactionContext } from "./transactionContext.js"

/** The sign-in throttle's counters, locked, saved, trimmed and listed., over a transaction's context. */
export const signInCounterOperations = (tx: TransactionContext): SignInCounterStore => {
  const { db, engineName, execute, locks, rows, first, single } = tx
  return {
    lockSignInCounters: (keys, now) =>
      Effect.gen(function* () {
        if (keys.length === 0) return []
        const values = keys.map(({ username, address }) => ({
          username,
          address,
          failures: 0,
          window_start: now,
          last_failure_at: 0
        }))
        const insert = db.insertInto("sign_in_attempts").values(values)
        // A key inserted by a concurrent transaction is left as it is (the insert waits for it, then skips it).
        yield* execute(
          engineName === "mysql"
            ? insert.ignore()
            : insert.onConflict((conflict) => conflict.columns(["username", "address"]).doNothing())
        )
        const query = db
          .selectFrom("sign_in_attempts")
          .selectAll()
          .where((eb) =>
            eb.or(keys.map((key) => eb.and([eb("username", "=", key.username), eb("address", "=", key.address)])))
          )
        const found = (yield* rows(locks ? query.forUpdate() : query)).map(toCounter)
        return keys.flatMap((key) => found.find((counter) => sameKey(counter, key)) ?? [])
      }),
    saveSignInCounters: (counters) =>
      Effect.forEach(
        counters,
        (counter) =>
          execute(
            db
              .updateTable("sign_in_attempts")
              .set({
                failures: counter.failures,
                window_start: counter.windowStart,
                last_failure_at: counter.lastFailureAt
              })
              .where("username", "=", counter.username)
              .where("address", "=", counter.address)
          ),
        { discard: true }
      ),
    deleteSignInCounters: (username) =>
      Effect.gen(function* () {
        const held = yield* single(
          db
            .selectFrom("sign_in_attempts")
            .select((eb) => eb.fn.countAll<number | string>().as("n"))
            .where("username", "=", username)
            .where("failures", ">", 0)
        )
        yield* execute(db.deleteFrom("sign_in_attempts").where("username", "=", username))
        return Number(held.n)
      }),
    trimSignInCounters: (before, maxCounters) =>
      Effect.gen(function* () {
        yield* execute(db.deleteFrom("sign_in_attempts").where("window_start", "<", before))
        const counted = yield* single(
          db.selectFrom("sign_in_attempts").select((eb) => eb.fn.countAll<number | string>().as("n"))
        )
        const excess = Number(counted.n) - maxCounters
        if (excess <= 0) return
        // The window start of the last counter to go: it and every older one go (ties with it too).
        const last = yield* first(
          db
            .selectFrom("sign_in_attempts")
            .select("window_start")
            .orderBy("window_start")
            .limit(1)
            .offset(excess - 1)
        )
        if (last === undefined) return
        yield* execute(db.deleteFrom("sign_in_attempts").where("window_start", "<=", last.window_start))
      }),
    listSignInCounters: (query) =>
      rows(
        db
          .selectFrom("sign_in_attempts")
          .selectAll()
          .where("window_start", ">=", query.since)
          .where("failures", ">=", query.minFailures)
          .orderBy("last_failure_at", "desc")
          .limit(query.limit)
      ).pipe(Effect.map((found) => found.map(toCounter)))
  }
}
