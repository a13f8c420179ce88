/**
 * The users of a transaction: read, write, list and lock them.
 */
import type { UserStore } from "@user-manager/core/Directory"
import type { Username } from "@user-manager/core/Names"
import type { PasswordHash } from "@user-manager/core/Password"
import { groupsSortKey } from "@user-manager/core/UserKeys"
import { Effect, Option, Redacted } from "effect"
import { listUsers } from "./listingPlanner.js"
import { fromUserRow, toRecord } from "./rowMappers.js"
import { USER_COLUMNS } from "./schema.js"
import { indexNewUsers } from "./sqliteSearchIndex.js"
import { changedColumns, chunks, insertChunks, type TransactionContext } from "./transactionContext.js"

/** Up to how many groups a new user's memberships are one statement compiled once for that number. */
const MEMBERSHIPS_COMPILED_ONCE = 4

/** The users of a transaction, over a transaction's context. */
export const userOperations = (tx: TransactionContext): UserStore => {
  const {
    db,
    engine,
    shaped,
    findUserWithGroups,
    execute,
    locks,
    first,
    rows,
    memberships,
    remember,
    read,
    writeGroup,
    joinedUser,
    engineName
  } = tx
  // SQLite's FTS5 index gets a new user's rows from the store (PostgreSQL's `user_search` from its triggers).
  const indexNew = (usernames: ReadonlyArray<string>) =>
    engineName === "sqlite" ? indexNewUsers(db, shaped, execute, usernames) : Effect.void
  return {
    findUser: (username, options) =>
      options?.forUpdate && locks
        ? // Lock the user's row first, then read its memberships (a lock on an outer join would lock them too).
          first(
            shaped("users:find:lock", [username], ([name]) =>
              db
                .selectFrom("users")
                .select(USER_COLUMNS)
                .where("username", "=", name as string)
                .forUpdate()
                .compile()
            )
          ).pipe(
            Effect.tap((row) => remember(row)),
            Effect.flatMap((row) =>
              row === undefined
                ? Effect.succeed(Option.none())
                : memberships("username", [row.username]).pipe(
                    Effect.map((groups) => Option.some(toRecord(row, groups.get(row.username) ?? [])))
                  )
            )
          )
        : joinedUser(findUserWithGroups.with([username])).pipe(Effect.map(Option.map(({ record }) => record))),
    findUsernameByEmail: (email) =>
      first(db.selectFrom("users").select("username").where("email_key", "=", email.toLowerCase())).pipe(
        Effect.map((row) => Option.fromNullable(row?.username as Username | undefined))
      ),
    // Compiled once: a user's row always has the same columns, and building the insert costs more than an index read.
    // The user's group list is written with its row, not recomputed from its memberships after they are stored; each
    // group's new version and its new member are one statement.
    insertUser: (row, groups) =>
      Effect.gen(function* () {
        const values = { ...fromUserRow(row), group_list: groupsSortKey(groups.map((group) => group.name)) }
        const columns = Object.keys(values)
        yield* execute(
          shaped(`users:insert:${columns.join(",")}`, Object.values(values), (slots) =>
            db
              .insertInto("users")
              .values(Object.fromEntries(columns.map((column, index) => [column, slots[index]])) as typeof values)
              .compile()
          )
        )
        yield* indexNew([row.username])
        const memberships = groups.map((group) => ({ username: row.username, group_name: group.name }))
        if (memberships.length === 0) return
        if (memberships.length <= MEMBERSHIPS_COMPILED_ONCE) {
          // Compiled once for each number of groups up to a few, as almost every new user has.
          yield* execute(
            shaped(
              `memberships:insert:${memberships.length}`,
              memberships.flatMap(({ username, group_name }) => [username, group_name]),
              (slots) =>
                db
                  .insertInto("memberships")
                  .values(
                    memberships.map((_, index) => ({
                      username: slots[2 * index] as string,
                      group_name: slots[2 * index + 1] as string
                    }))
                  )
                  .compile()
            )
          )
        } else {
          for (const chunk of insertChunks(engine, memberships, 2))
            yield* execute(db.insertInto("memberships").values(chunk))
        }
        for (const group of groups) yield* writeGroup(group, 1)
      }),
    insertUsers: (users) =>
      Effect.suspend(() => {
        const values = users.map(fromUserRow)
        const columns = values[0] === undefined ? 1 : Object.keys(values[0]).length
        return Effect.forEach(
          insertChunks(engine, values, columns),
          (chunk) =>
            Effect.zipRight(
              execute(db.insertInto("users").values(chunk)),
              indexNew(chunk.map((user) => user.username))
            ),
          { discard: true }
        )
      }),
    updateUser: (row) =>
      Effect.suspend(() => {
        const { username, created_at: _created, ...values } = fromUserRow(row)
        // Only what changed (disable would rewrite five indexes otherwise).
        const before = read.get(username)
        const changed = changedColumns(before, values)
        if (before !== undefined) read.set(username, { ...before, ...changed })
        const columns = Object.keys(changed)
        if (columns.length === 0) return Effect.void
        // Compiled once for each set of columns (a new version, a change of name, a disable).
        return Effect.asVoid(
          execute(
            shaped(`users:update:${columns.join(",")}`, [...Object.values(changed), username], (slots) =>
              db
                .updateTable("users")
                .set(Object.fromEntries(columns.map((column, index) => [column, slots[index]])) as typeof changed)
                .where("username", "=", slots[columns.length] as string)
                .compile()
            )
          )
        )
      }),
    deleteUser: (username) =>
      Effect.gen(function* () {
        // Its memberships go with it (the foreign key cascades): its groups count one member less.
        yield* execute(
          db
            .updateTable("groups")
            .set((eb) => ({ member_count: eb("member_count", "-", 1) }))
            .where("name", "in", (eb) =>
              eb.selectFrom("memberships").select("group_name").where("username", "=", username)
            )
        )
        yield* execute(db.deleteFrom("users").where("username", "=", username))
      }),
    listUsers: (query) => listUsers(tx, query),
    lockUsers: (usernames) =>
      !locks || usernames.length === 0
        ? Effect.void
        : Effect.forEach(
            chunks([...usernames].sort(), 1000),
            (chunk) => execute(db.selectFrom("users").select("username").where("username", "in", chunk).forUpdate()),
            { discard: true }
          ),
    passwordHashes: (usernames) =>
      Effect.forEach(chunks([...usernames], 1000), (chunk) =>
        rows(
          db
            .selectFrom("users")
            .select(["username", "password_hash"])
            .where("username", "in", chunk)
            .where("password_hash", "is not", null)
        )
      ).pipe(
        Effect.map((pages) => {
          const hashes = new Map<Username, PasswordHash>()
          for (const found of pages) {
            for (const row of found) {
              if (row.password_hash !== null) hashes.set(row.username as Username, Redacted.make(row.password_hash))
            }
          }
          return hashes
        })
      )
  }
}
