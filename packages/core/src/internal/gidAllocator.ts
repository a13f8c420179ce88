import { Effect, Option } from "effect"
import { GidOutOfRange, GidRangeExhausted, GidTaken } from "../Errors.js"
import { GID_LIMITS } from "../Group.js"
import type { Operation } from "./operation.js"

/**
 * Invariant 4: hands out the next GID of the configured range above the high-water mark, skipping any GID ever used,
 * and raises the mark so that no GID is handed out twice, even after its group is deleted.
 */
export const allocateGid = (op: Operation) =>
  Effect.gen(function* () {
    const { gidMin, gidMax } = op.config
    let candidate = Math.max((yield* op.tx.gidHighWaterMark) + 1, gidMin)
    while (candidate <= gidMax && (isReserved(candidate) || (yield* op.tx.gidEverUsed(candidate)))) candidate++
    if (candidate > gidMax) return yield* new GidRangeExhausted({ min: gidMin, max: gidMax })
    yield* op.tx.setGidHighWaterMark(candidate)
    return candidate
  })

/** Checks an explicitly requested GID: inside the allowed values and never used by any group, current or deleted. */
export const claimGid = (op: Operation, gid: number) =>
  Effect.gen(function* () {
    if (gid < GID_LIMITS.min || gid > GID_LIMITS.max || isReserved(gid)) {
      return yield* new GidOutOfRange({ gid, min: GID_LIMITS.min, max: GID_LIMITS.max, reserved: GID_LIMITS.reserved })
    }
    const holder = yield* op.tx.findGroupByGid(gid)
    if (Option.isSome(holder)) return yield* new GidTaken({ gid, group: holder.value })
    if (yield* op.tx.gidEverUsed(gid)) return yield* new GidTaken({ gid, group: null })
    return gid
  })

const isReserved = (gid: number): boolean => (GID_LIMITS.reserved as ReadonlyArray<number>).includes(gid)
