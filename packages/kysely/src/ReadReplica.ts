/**
 * A PostgreSQL streaming replica for the reads that may be a moment behind: the `Directory` port over a primary store
 * and a replica store. Writes, plain reads and the check of every `readAfterCheck` (the session, the actor's rights)
 * go to the primary; the body of a `readAfterCheck` (a list, a search, a record) goes to the replica when it is
 * reachable, no more than `maxLagMs` behind, and has replayed the last write of the client it runs for
 * (`Directory.client`); otherwise to the primary. A read the replica fails is run again on the primary.
 *
 * How far behind the replica is: every `probeEveryMs` the primary's WAL position is noted (`pg_current_wal_lsn()`) and
 * the replica's replayed position read (`pg_last_wal_replay_lsn()`); the replica is as far behind as the oldest noted
 * position it has not replayed yet. A client's own write: after it commits, the primary's WAL position is the write's
 * fence, and that client's reads go to the primary until the replica has replayed past it.
 *
 * @since 0.1.0
 */
import { client, Directory } from "@user-manager/core/Directory"
import { StorageError } from "@user-manager/core/Errors"
import { Clock, Duration, Effect, FiberRef, type Scope } from "effect"
import { type Kysely, type RawBuilder, sql } from "kysely"
import * as ReplicaLag from "./ReplicaLag.js"

/**
 * The stores and how to reach their databases: `primary` and `replica` are the `Directory` ports over `primaryDb` and
 * `replicaDb` (a standby of the primary).
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly primary: Directory["Type"]
  // biome-ignore lint/suspicious/noExplicitAny: only the WAL functions are queried
  readonly primaryDb: Kysely<any>
  readonly replica: Directory["Type"]
  // biome-ignore lint/suspicious/noExplicitAny: only the WAL functions are queried
  readonly replicaDb: Kysely<any>
  /** How far behind the replica may be and still answer reads, in milliseconds (default `DEFAULT_MAX_LAG_MS`). */
  readonly maxLagMs?: number | undefined
  /** How often the replica's position is read, in milliseconds (default 1,000). */
  readonly probeEveryMs?: number | undefined
}

/**
 * How far behind a replica may be by default and still answer reads: 10 s (`ReplicaLag.DEFAULT_MAX_LAG_MS`).
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_MAX_LAG_MS = ReplicaLag.DEFAULT_MAX_LAG_MS

/**
 * What the replica is doing: `streaming` (it answers reads, `lagMs` behind), `lagging` (further behind than allowed,
 * or not yet measured), `unreachable` (its last probe or read failed: `reason`).
 *
 * @category models
 * @since 0.1.0
 */
export interface ReplicaState {
  readonly status: "streaming" | "lagging" | "unreachable"
  readonly lagMs: number | undefined
  readonly reason?: string | undefined
}

/**
 * The state of a replica whose store has not opened yet.
 *
 * @category constants
 * @since 0.1.0
 */
export const notOpened: ReplicaState = { status: "unreachable", lagMs: undefined, reason: "not opened yet" }

/**
 * How many `readAfterCheck` bodies each database answered since the store opened.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReadCounts {
  readonly primary: number
  readonly replica: number
}

/**
 * The replicated store, and how to watch it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReplicatedDirectory {
  readonly directory: Directory["Type"]
  readonly state: () => ReplicaState
  readonly reads: () => ReadCounts
}

/**
 * The replica's state in one sentence for an operator (`/readyz`).
 *
 * @category formatting
 * @since 0.1.0
 */
export const describe = (state: ReplicaState): string => {
  const behind = state.lagMs === undefined ? "" : `, ${(state.lagMs / 1000).toFixed(1)} s behind`
  switch (state.status) {
    case "streaming":
      return `streaming${behind}: it answers reads`
    case "lagging":
      return `lagging${behind}: reads go to the primary`
    case "unreachable":
      return `unreachable (${state.reason ?? "unknown"}): reads go to the primary`
  }
}

/** A WAL position (`16/B374D848`) as a number that orders as the positions do. */
const lsnValue = (text: string): bigint => {
  const [high = "0", low = "0"] = text.split("/")
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`)
}

/** How long a read of the replica's position may take before the replica counts as unreachable. */
const PROBE_TIMEOUT_MS = 2_000

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? ""

const primaryPosition = sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`
// A database that is not a standby has no replayed position: its LSNs are not the primary's.
const replayedPosition = sql<{
  lsn: string | null
}>`select case when pg_is_in_recovery() then pg_last_wal_replay_lsn()::text end as lsn`

/**
 * The replicated store; its probe runs until the scope closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<ReplicatedDirectory, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { primary, replica } = options
    const maxLagMs = options.maxLagMs ?? DEFAULT_MAX_LAG_MS
    const probeEveryMs = options.probeEveryMs ?? 1_000
    /** Primary positions noted and not yet replayed, oldest first; when each was noted. */
    let pending: Array<{ readonly at: number; readonly lsn: bigint }> = []
    /** When the newest primary position the replica has replayed was noted (undefined: never yet). */
    let caughtUpAt: number | undefined
    let replayed: bigint | undefined
    let unreachable: string | undefined = "not probed yet"
    /** The fence of each client that wrote: its write's position (unknown when it could not be read), and when. */
    const fences = new Map<string, { readonly lsn: bigint | undefined; readonly at: number }>()
    const counts = { primary: 0, replica: 0 }

    // biome-ignore lint/suspicious/noExplicitAny: only the WAL functions are queried
    const query = (db: Kysely<any>, statement: RawBuilder<{ lsn: string | null }>) =>
      Effect.tryPromise({
        try: () => statement.execute(db),
        catch: (error) => new StorageError({ reason: reasonOf(error), cause: error })
      }).pipe(Effect.map((result) => result.rows[0]?.lsn ?? null))

    /** Reads the replica's replayed position; the replica is unreachable when that fails. */
    const readReplayed = Effect.gen(function* () {
      const lsn = yield* query(options.replicaDb, replayedPosition).pipe(
        Effect.timeoutFail({
          duration: Duration.millis(PROBE_TIMEOUT_MS),
          onTimeout: () => new StorageError({ reason: `it did not answer within ${PROBE_TIMEOUT_MS / 1000} s` })
        })
      )
      if (lsn === null) {
        unreachable = "it is not a standby"
        return undefined
      }
      unreachable = undefined
      replayed = lsnValue(lsn)
      return replayed
    }).pipe(
      Effect.catchAll((error) =>
        Effect.sync(() => {
          unreachable = error.reason
          return undefined
        })
      )
    )

    const probe = Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const noted = yield* Effect.option(query(options.primaryDb, primaryPosition))
      if (noted._tag === "Some" && noted.value !== null) pending.push({ at, lsn: lsnValue(noted.value) })
      const position = yield* readReplayed
      if (position === undefined) return
      const passed = pending.filter((sample) => sample.lsn <= position)
      const newest = passed.at(-1)
      if (newest !== undefined) caughtUpAt = Math.max(caughtUpAt ?? 0, newest.at)
      // Positions older than twice the bound no longer decide anything: the replica is lagging either way.
      pending = pending.filter((sample) => sample.lsn > position && sample.at >= at - 2 * maxLagMs)
      for (const [client, fence] of fences)
        if (caughtUpAt !== undefined && fence.at <= caughtUpAt) fences.delete(client)
    })
    yield* probe
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(Duration.millis(probeEveryMs)), probe)))

    const state = (now: number): ReplicaState => {
      const lagMs = caughtUpAt === undefined ? undefined : Math.max(0, now - caughtUpAt)
      if (unreachable !== undefined) return { status: "unreachable", lagMs, reason: unreachable }
      return { status: lagMs !== undefined && lagMs <= maxLagMs ? "streaming" : "lagging", lagMs }
    }

    /** Whether the replica may answer a read of this client now. */
    const replicaServes = (client: string | undefined) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        if (state(now).status !== "streaming") return false
        const fence = client === undefined ? undefined : fences.get(client)
        if (fence === undefined || client === undefined) return true
        const past = (position: bigint | undefined) =>
          (caughtUpAt !== undefined && fence.at <= caughtUpAt) ||
          (fence.lsn !== undefined && position !== undefined && position >= fence.lsn)
        if (past(replayed) || past(yield* readReplayed)) {
          fences.delete(client)
          return true
        }
        return false
      })

    /** Notes the primary's position after a client's write: that client reads from the primary until it is replayed. */
    const fence = Effect.gen(function* () {
      const writer = yield* FiberRef.get(client)
      if (writer === undefined) return
      const lsn = yield* Effect.option(query(options.primaryDb, primaryPosition))
      const at = yield* Clock.currentTimeMillis
      fences.set(writer, { lsn: lsn._tag === "Some" && lsn.value !== null ? lsnValue(lsn.value) : undefined, at })
    })

    const directory = Directory.of({
      read: primary.read,
      write: (body, completion = "commit") =>
        completion === "commit"
          ? Effect.tap(primary.write(body, completion), () => fence)
          : primary.write(body, completion),
      readAfterCheck: (check, body) =>
        Effect.gen(function* () {
          const checked = yield* primary.read(check)
          const onPrimary = Effect.zipRight(
            Effect.sync(() => counts.primary++),
            primary.read((tx) => body(tx, checked))
          )
          if (!(yield* replicaServes(yield* FiberRef.get(client)))) return yield* onPrimary
          return yield* replica
            .read((tx) => body(tx, checked))
            .pipe(
              // A refusal (a record not found) is an answer of the replica too; a store failure is the replica's own.
              Effect.tapBoth({
                onSuccess: () => Effect.sync(() => counts.replica++),
                onFailure: (error) => Effect.sync(() => (error instanceof StorageError ? 0 : counts.replica++))
              }),
              Effect.catchIf(
                (error): error is StorageError => error instanceof StorageError,
                (error) =>
                  Effect.zipRight(
                    Effect.sync(() => {
                      unreachable = error.reason
                    }),
                    onPrimary
                  )
              )
            )
        })
    })
    return {
      directory,
      state: () => state(Date.now()),
      reads: () => ({ ...counts })
    }
  })
