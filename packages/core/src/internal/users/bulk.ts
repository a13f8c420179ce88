import { Effect, Schema } from "effect"
import type { Actor } from "../../Actor.js"
import {
  GroupMembershipRequired,
  GroupNotFound,
  InvalidInput,
  LastAdmin,
  NotAMember,
  Unauthenticated,
  UserNotFound
} from "../../Errors.js"
import { ForbiddenRefusal, SelfLockoutRefusal, SystemUserRefusal } from "../../Permissions.js"
import { decodeInput } from "../decode.js"
import { asAdmin } from "../operation.js"
import { refusalEncoder, refusalSchema } from "../refusal.js"
import type { makeAdministration } from "./administration.js"
import type { UserServices } from "./rules.js"

/** The most users one bulk action names: a page of a list many times over, and bounded work for one request. */
export const BULK_MAX_USERS = 1_000

/** What a bulk action can do to each user it names. */
export const BulkActionName = Schema.Literal(
  "enable",
  "disable",
  "delete",
  "addToGroup",
  "removeFromGroup"
).annotations({
  identifier: "BulkActionName"
})

/** The input of `Users.bulk`: one action, the users it applies to, the group of a membership action, and `dryRun`. */
export const BulkAction = Schema.Struct({
  action: BulkActionName,
  usernames: Schema.Array(Schema.String).annotations({
    description: `the users to apply the action to, 1–${BULK_MAX_USERS.toLocaleString("en-US")} (a name given twice is applied once)`
  }),
  group: Schema.optional(Schema.String).annotations({
    description: "the group of addToGroup and removeFromGroup (and of no other action)"
  }),
  dryRun: Schema.optional(Schema.Boolean).annotations({
    description: "check every user by the same rules and answer what would be applied or refused, changing nothing"
  })
}).annotations({ identifier: "BulkAction" })

/** A user named by a bulk action that does not exist (`UserNotFound`). */
const UserNotFoundRefusal = refusalSchema(
  UserNotFound,
  "UserNotFoundRefusal",
  "There is no such user: UserNotFound's data (the username) and its sentence"
)

/** The group of a membership action that does not exist (`GroupNotFound`). */
const GroupNotFoundRefusal = refusalSchema(
  GroupNotFound,
  "GroupNotFoundRefusal",
  "There is no such group: GroupNotFound's data (the name) and its sentence"
)

/** A user a delete or a removal from a group would leave without a group (`GroupMembershipRequired`). */
const GroupMembershipRequiredRefusal = refusalSchema(
  GroupMembershipRequired,
  "GroupMembershipRequiredRefusal",
  "Every user belongs to at least one group: GroupMembershipRequired's data (the users it would leave without one, " +
    "how many, the group) and its sentence"
)

/** A user removed from a group it is not in (`NotAMember`). */
const NotAMemberRefusal = refusalSchema(
  NotAMember,
  "NotAMemberRefusal",
  "The user is not a member of the group: NotAMember's data (the users, the group) and its sentence"
)

/** The last administrator's disable, delete or removal from the admin group (`LastAdmin`). */
const LastAdminRefusal = refusalSchema(
  LastAdmin,
  "LastAdminRefusal",
  "The admin group keeps an enabled member: LastAdmin's data (the admin group, the users) and its sentence"
)

/** A username or group name that is malformed (`InvalidInput`). */
const InvalidInputRefusal = refusalSchema(
  InvalidInput,
  "InvalidInputRefusal",
  "A name is malformed: InvalidInput's data (the field, the reason) and its sentence"
)

/** The actor's session ended while the action ran (`Unauthenticated`). */
const UnauthenticatedRefusal = refusalSchema(
  Unauthenticated,
  "UnauthenticatedRefusal",
  "Nobody known is asking any more: Unauthenticated's data (the reason) and its sentence"
)

/**
 * Why one user of a bulk action was refused: the refusal its single-user operation failed with, as data — its `_tag`,
 * its `message` (the sentence, in English) and its error's fields, encoded as a record's refused actions are.
 */
export const BulkRefusal = Schema.Union(
  SystemUserRefusal,
  SelfLockoutRefusal,
  LastAdminRefusal,
  GroupMembershipRequiredRefusal,
  NotAMemberRefusal,
  UserNotFoundRefusal,
  GroupNotFoundRefusal,
  InvalidInputRefusal,
  ForbiddenRefusal,
  UnauthenticatedRefusal
).annotations({
  identifier: "BulkRefusal",
  description:
    "The refusal the user's single change failed with (or would, in a dry run): its _tag, its message (the " +
    "sentence, in English) and its error's data"
})

/** What happened to one user of a bulk action (or would, in a dry run). */
export const BulkItemResult = Schema.Struct({
  username: Schema.String,
  outcome: Schema.Literal("applied", "refused"),
  error: Schema.optional(BulkRefusal)
}).annotations({ identifier: "BulkItemResult" })

/** The answer of a bulk action: each user's outcome, in the order named, and how many were applied and refused. */
export const BulkResult = Schema.Struct({
  action: BulkActionName,
  group: Schema.optional(Schema.String),
  dryRun: Schema.Boolean,
  results: Schema.Array(BulkItemResult),
  applied: Schema.Int,
  refused: Schema.Int
}).annotations({ identifier: "BulkResult" })

type Input = typeof BulkAction.Type
type ItemResult = typeof BulkItemResult.Type

const decodeBulk = decodeInput(BulkAction)

/** The single-user operations a bulk action runs, each in its own transaction with every rule it checks. */
type SingleUserOperations = Pick<
  ReturnType<typeof makeAdministration>,
  "enable" | "disable" | "remove" | "addToGroup" | "removeFromGroup"
>

const refusalOf = refusalEncoder(BulkRefusal)

/** Refuses a bulk action that is malformed as a whole: no users, too many, or a group missing or out of place. */
const checkShape = (input: Input): Effect.Effect<void, InvalidInput> => {
  const count = input.usernames.length
  if (count === 0) return new InvalidInput({ field: "usernames", reason: "name at least one user" })
  if (count > BULK_MAX_USERS) {
    return new InvalidInput({
      field: "usernames",
      reason: `a bulk action takes at most ${BULK_MAX_USERS.toLocaleString("en-US")} users and this one names ${count.toLocaleString("en-US")}: split it into smaller ones`
    })
  }
  const membership = input.action === "addToGroup" || input.action === "removeFromGroup"
  if (membership && input.group === undefined) {
    return new InvalidInput({ field: "group", reason: `${input.action} needs the group to change` })
  }
  if (!membership && input.group !== undefined) {
    return new InvalidInput({ field: "group", reason: `${input.action} takes no group` })
  }
  return Effect.void
}

/**
 * `Users.bulk`: one action applied to many users, each in its own transaction by the single-user operation itself (so
 * every rule is checked where it lives), and each user's outcome reported; a refused user does not stop the others.
 * A dry run runs each operation as its own dry run: every user is checked against the directory as it is, and nothing
 * changes. Only a store failure stops the action (the users before it stay applied).
 */
export const makeBulk = ({ directory, config }: UserServices, single: SingleUserOperations) =>
  Effect.fn("Users.bulk")(function* (actor: Actor, input: typeof BulkAction.Encoded) {
    const decoded = yield* decodeBulk(input)
    yield* checkShape(decoded)
    // A non-administrator is refused once, not once for every user.
    yield* directory.read((tx) => asAdmin(tx, config, actor, "change users in bulk"))
    const options = { dryRun: decoded.dryRun === true }
    const group = decoded.group ?? ""
    const run = (username: string) => {
      switch (decoded.action) {
        case "enable":
          return single.enable(actor, username, options)
        case "disable":
          return single.disable(actor, username, options)
        case "delete":
          // No version is given: a delete here is never refused as stale.
          return single.remove(actor, username, options).pipe(Effect.catchTag("ConcurrentModification", Effect.die))
        case "addToGroup":
          return single.addToGroup(actor, username, group, options)
        case "removeFromGroup":
          return single.removeFromGroup(actor, username, group, options)
      }
    }
    const results: Array<ItemResult> = []
    for (const username of new Set(decoded.usernames)) {
      const result = yield* run(username).pipe(
        Effect.as<ItemResult>({ username, outcome: "applied" }),
        Effect.catchAll((error) =>
          error._tag === "StorageError"
            ? Effect.fail(error)
            : Effect.succeed<ItemResult>({ username, outcome: "refused", error: refusalOf(error) })
        )
      )
      results.push(result)
    }
    const applied = results.filter((result) => result.outcome === "applied").length
    const answer: typeof BulkResult.Type = {
      action: decoded.action,
      ...(decoded.group === undefined ? {} : { group: decoded.group }),
      dryRun: options.dryRun,
      results,
      applied,
      refused: results.length - applied
    }
    return answer
  })
