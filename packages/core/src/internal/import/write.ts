import { Data, Effect } from "effect"
import type { NewAuditEntry } from "../../AuditEntry.js"
import type { GroupRow, UserRow } from "../../Directory.js"
import { DOMAIN_ERROR_TAGS, type DomainError } from "../../Errors.js"
import type { GroupName, Username } from "../../Names.js"
import { lockAdminGroup } from "../adminGroup.js"
import { type Operation, touchGroup } from "../operation.js"
import type { PreparedUser } from "./prepare.js"
import type { Tally } from "./tally.js"

/** What to do with a record whose user or group already exists and differs. */
export type OnConflict = "fail" | "skip" | "update"

/**
 * A write of the batch failed after its checks passed (a race with another transaction): the batch is rolled back as a
 * whole, since on PostgreSQL a failed statement aborts the transaction.
 */
export class BatchAborted extends Data.TaggedError("BatchAborted")<{ readonly reason: string }> {}

/** One write of an import (a batch, or the whole import): its operation, and what it read and changed so far. */
export interface ImportWrite {
  readonly op: Operation
  readonly onConflict: OnConflict
  readonly tally: Tally
  /** The group rows read (and locked) in this write, by name. */
  readonly groups: Map<string, GroupRow>
  /** The groups this write created: they keep their first version. */
  readonly created: Set<string>
  /** The groups whose members changed, touched once when the write ends. */
  readonly touched: Map<string, GroupRow>
  /** The new users checked and not yet written: stored together by `flush`. */
  readonly pending: PendingUsers
}

/** New users whose every rule was checked, with their memberships and audit entries, waiting to be written at once. */
interface PendingUsers {
  readonly rows: Array<UserRow>
  readonly usernames: Set<string>
  /** Their emails, lower-cased: a later record naming one waits until they are written, then asks the store. */
  readonly emails: Set<string>
  readonly memberships: Array<{ readonly username: Username; readonly group: GroupName }>
  readonly audits: Array<NewAuditEntry>
}

/** How many new users a write holds before it writes them: enough for few statements, few enough for flat memory. */
export const PENDING_USERS = 1000

const noPendingUsers = (): PendingUsers => ({
  rows: [],
  usernames: new Set(),
  emails: new Set(),
  memberships: [],
  audits: []
})

/**
 * Writes the pending new users, their memberships and their audit entries, a few statements for them all: before any
 * read that could see them and at the end of the write. Their checks passed already, so a refusal now is a race.
 */
export const flush = (write: ImportWrite) =>
  Effect.gen(function* () {
    const { pending, op } = write
    if (pending.rows.length === 0) return
    yield* stored(op.tx.insertUsers(pending.rows))
    yield* op.tx.addMemberships(pending.memberships)
    yield* op.tx.appendAudits(pending.audits)
    for (const key of ["rows", "memberships", "audits"] as const) pending[key].length = 0
    pending.usernames.clear()
    pending.emails.clear()
  })

/** Whether a user record names a pending user or email, which the store must see before it is checked. */
export const meetsPending = ({ pending }: ImportWrite, user: PreparedUser["user"]) =>
  pending.usernames.has(user.username) || (user.email != null && pending.emails.has(user.email.toLowerCase()))

/** Starts a write of an import: the admin group locked first, as every operation that may change its members does. */
export const beginWrite = (op: Operation, onConflict: OnConflict, tally: Tally) =>
  lockAdminGroup(op).pipe(
    Effect.map(
      (adminGroup): ImportWrite => ({
        op,
        onConflict,
        tally,
        groups: new Map([[adminGroup.name, adminGroup]]),
        created: new Set(),
        touched: new Map(),
        pending: noPendingUsers()
      })
    )
  )

/**
 * Ends a write: the pending users are written, and each group whose members changed gets one new version, however many
 * of its members changed.
 */
export const endWrite = (write: ImportWrite) =>
  flush(write).pipe(
    Effect.zipRight(
      Effect.forEach(
        [...write.touched.values()].filter((group) => !write.created.has(group.name)),
        (group) => touchGroup(write.op, group),
        { discard: true }
      )
    )
  )

export const isDomainError = (error: unknown): error is DomainError =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  (DOMAIN_ERROR_TAGS as ReadonlyArray<unknown>).includes(error._tag)

/** A write that its checks allowed: a refusal from the store now is a race, which aborts the batch. */
export const stored = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, Exclude<E, DomainError> | BatchAborted> =>
  Effect.catchAll(
    effect,
    (error): Effect.Effect<never, unknown> =>
      isDomainError(error) ? new BatchAborted({ reason: error.message }) : Effect.fail(error)
  ) as Effect.Effect<A, Exclude<E, DomainError> | BatchAborted>

/** Remembers a group for the touch at the end of the write, instead of touching it now. */
export const deferTouch = (write: ImportWrite) => (_op: Operation, group: GroupRow) =>
  Effect.sync(() => {
    write.touched.set(group.name, group)
  })
