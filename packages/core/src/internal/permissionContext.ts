import { Effect } from "effect"
import type { Actor } from "../Actor.js"
import type { DirectoryTransaction } from "../Directory.js"
import type { DirectoryConfigShape } from "../DirectoryConfig.js"
import * as Permissions from "../Permissions.js"
import { asAdmin, permissionContextOf } from "./operation.js"

/**
 * `asAdmin` for a read (a list, a record) whose answer shows the permissions: the permission context they are computed
 * from, in the check's transaction. An administrator's is the operation's own (no further read); a token's is checked
 * again as a change would be (`Permissions.contextIn`), so that a token that only reads is shown every change refused,
 * as `Permissions.context` shows it.
 */
export const adminReadContext = (
  tx: DirectoryTransaction,
  defaults: DirectoryConfigShape,
  actor: Actor,
  action: string
) =>
  Effect.flatMap(asAdmin(tx, defaults, actor, action, "read"), (op) =>
    actor._tag === "Token" ? Permissions.contextIn(tx, defaults, actor) : Effect.succeed(permissionContextOf(op))
  )
