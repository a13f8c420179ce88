import { Effect, Option } from "effect"
import type { StorageError } from "../../Errors.js"
import type { GroupName, Username } from "../../Names.js"
import type { Operation } from "../operation.js"
import { removeGroup, removeUser } from "../removal.js"
import { note } from "./tally.js"
import { type BatchAborted, deferTouch, flush, type ImportWrite } from "./write.js"

const PRUNE_PAGE = 1000

/** Every user's name, page by page (keyset paging by username). */
const allUsernames = (op: Operation) =>
  Effect.gen(function* () {
    const names: Array<Username> = []
    let after: Username | undefined
    for (;;) {
      const { items } = yield* op.tx.listUsers({
        search: "",
        sort: "username",
        order: "asc",
        limit: PRUNE_PAGE,
        offset: 0,
        after: after === undefined ? undefined : [after],
        count: false
      })
      for (const user of items) if (!user.system) names.push(user.username)
      after = items.at(-1)?.username
      if (items.length < PRUNE_PAGE) return names
    }
  })

/** Every group's name, page by page: the groups' own rows, never their members (a group may have half a million). */
const allGroupNames = (op: Operation) =>
  Effect.gen(function* () {
    const names: Array<GroupName> = []
    let after: GroupName | undefined
    for (;;) {
      const rows = yield* op.tx.listGroupRows({ limit: PRUNE_PAGE, after })
      for (const group of rows) names.push(group.name)
      after = rows.at(-1)?.name
      if (rows.length < PRUNE_PAGE) return names
    }
  })

/**
 * The deletion phase of a prune: every user, then every group, that the entries do not name is deleted by the rules of
 * every deletion. System users and the admin group are left alone; a user or group a rule keeps (the actor, the last
 * administrator, a group holding a system user or some member's only group) stays, with a warning saying why.
 */
export const pruneUnnamed = (
  write: ImportWrite,
  named: { readonly users: ReadonlySet<string>; readonly groups: ReadonlySet<string> }
): Effect.Effect<void, StorageError | BatchAborted> =>
  Effect.gen(function* () {
    // The batch's new users are written first, so that the prune's reads see them.
    yield* flush(write)
    const { op, tally } = write
    const kept = (what: string) => (error: { readonly message: string }) =>
      Effect.sync(() => {
        tally.warnings.push(`${what} was kept: ${error.message.replace(/\.$/, "")}.`)
      })
    for (const username of yield* allUsernames(op)) {
      if (named.users.has(username)) continue
      const user = yield* op.tx.findUser(username, { forUpdate: true })
      if (Option.isNone(user)) continue
      yield* removeUser(op, user.value, deferTouch(write)).pipe(
        Effect.tap(() => {
          tally.deleted.users++
          note(tally, { action: "delete", kind: "user", name: username, fields: {} })
        }),
        Effect.catchTags({
          SystemUserImmutable: kept(`User '${username}'`),
          SelfLockout: kept(`User '${username}'`),
          LastAdmin: kept(`User '${username}'`)
        })
      )
    }
    for (const name of yield* allGroupNames(op)) {
      if (named.groups.has(name) || name === op.config.adminGroup) continue
      const group = yield* op.tx.findGroup(name, { forUpdate: true })
      if (Option.isNone(group)) continue
      yield* removeGroup(op, group.value).pipe(
        Effect.tap(() => {
          write.touched.delete(name)
          tally.deleted.groups++
          note(tally, { action: "delete", kind: "group", name, fields: {} })
        }),
        Effect.catchTags({
          SystemUserImmutable: kept(`Group '${name}'`),
          GroupMembershipRequired: kept(`Group '${name}'`),
          UserNotFound: kept(`Group '${name}'`)
        })
      )
    }
  })
