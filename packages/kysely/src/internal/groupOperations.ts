/**
 * The groups of a transaction: read, write and list them; a group's GID enters the ledger as it is stored.
 */
import type { GroupStore } from "@user-manager/core/Directory"
import type { GroupName } from "@user-manager/core/Names"
import { Effect, Option } from "effect"
import { sql } from "kysely"
import { containsPattern } from "./listingPlanner.js"
import { fromGroupRow, toGroupRow } from "./rowMappers.js"
import type { TransactionContext } from "./transactionContext.js"

/** The groups of a transaction, over a transaction's context. */
export const groupOperations = (tx: TransactionContext): GroupStore => {
  const { db, execute, locks, rows, first, single, membersOf, refreshGroupLists, withMembers } = tx
  return {
    findGroup: (name, options) =>
      Effect.suspend(() => {
        const query = db.selectFrom("groups").selectAll().where("name", "=", name)
        return first(options?.forUpdate && locks ? query.forUpdate() : query)
      }).pipe(
        Effect.flatMap((row) =>
          row === undefined
            ? Effect.succeed(Option.none())
            : withMembers([row], options?.memberPreview).pipe(Effect.map(([record]) => Option.fromNullable(record)))
        )
      ),
    findGroupRow: (name, options) =>
      Effect.suspend(() => {
        const query = db.selectFrom("groups").selectAll().where("name", "=", name)
        return first(options?.forUpdate && locks ? query.forUpdate() : query)
      }).pipe(Effect.map((row) => (row === undefined ? Option.none() : Option.some(toGroupRow(row))))),
    findGroupByGid: (gid) =>
      first(db.selectFrom("groups").select("name").where("gid", "=", gid)).pipe(
        Effect.map((row) => Option.fromNullable(row?.name as GroupName | undefined))
      ),
    insertGroup: (row) =>
      Effect.gen(function* () {
        yield* execute(db.insertInto("groups").values(fromGroupRow(row)))
        yield* execute(db.insertInto("gid_ledger").values({ gid: row.gid, group_name: row.name }))
      }),
    updateGroup: (previousName, row) =>
      Effect.gen(function* () {
        const { created_at: _created, name, ...values } = fromGroupRow(row)
        // The name is set only when it changes: setting the key, even to itself, makes the engine visit every
        // membership of the group for the foreign key's ON UPDATE CASCADE (milliseconds in a large group).
        yield* execute(
          db
            .updateTable("groups")
            .set(name === previousName ? values : { ...values, name })
            .where("name", "=", previousName)
        )
        // A rename changes its members' group lists (their memberships follow through the foreign key).
        if (row.name !== previousName) yield* refreshGroupLists(yield* membersOf(row.name))
      }),
    deleteGroup: (name) =>
      Effect.gen(function* () {
        const members = yield* membersOf(name)
        yield* execute(db.deleteFrom("groups").where("name", "=", name))
        yield* refreshGroupLists(members)
      }),
    listGroups: (query) =>
      Effect.gen(function* () {
        const filtered = db
          .selectFrom("groups")
          .$if(query.search !== "", (q) =>
            q.where(sql<boolean>`lower(name) like ${containsPattern(query.search)} escape '!'`)
          )
        const dir = query.order
        const counted = yield* single(filtered.select((eb) => eb.fn.countAll<number | string>().as("n")))
        const found = yield* rows(
          filtered
            .selectAll()
            .$call((q) => {
              switch (query.sort) {
                case "name":
                  return q
                case "gid":
                  return q.orderBy("gid", dir)
                case "members":
                  return q.orderBy("member_count", dir)
                case "createdAt":
                  return q.orderBy("created_at", dir)
                case "updatedAt":
                  return q.orderBy("updated_at", dir)
              }
            })
            .orderBy("name", query.sort === "name" ? dir : "asc")
            .$if(query.after !== undefined, (q) => q.where("name", ">", query.after as string))
            .limit(query.limit)
            .offset(query.offset)
        )
        return { items: yield* withMembers(found, query.memberPreview), total: Number(counted.n) }
      }),
    listGroupRows: ({ limit, after }) =>
      rows(
        db
          .selectFrom("groups")
          .selectAll()
          .$if(after !== undefined, (q) => q.where("name", ">", after as string))
          .orderBy("name", "asc")
          .limit(limit)
      ).pipe(Effect.map((found) => found.map(toGroupRow)))
  }
}
