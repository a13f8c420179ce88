/**
 * The groups of a transaction: read, write and list them; a group's GID enters the ledger as it is stored.
 */
import type { GroupStore } from "@user-manager/core/Directory"
import type { GroupName } from "@user-manager/core/Names"
import { Effect, Option } from "effect"
import { sql } from "kysely"
import { containsPattern } from "./listingPlanner.js"
import { groupFilterSql } from "./recordFilterSql.js"
import { fromGroupRow, toGroupRow } from "./rowMappers.js"
import { GROUP_COLUMNS } from "./schema.js"
import { chunks, type TransactionContext } from "./transactionContext.js"

/** How many groups one read of named groups names. */
const GROUP_NAMES_PER_READ = 500

/** The groups of a transaction, over a transaction's context. */
export const groupOperations = (tx: TransactionContext): GroupStore => {
  const {
    db,
    engineName,
    execute,
    locks,
    rows,
    first,
    single,
    shaped,
    groupsRead,
    rememberGroup,
    writeGroup,
    membersOf,
    refreshGroupLists,
    withMembers
  } = tx
  /** A group's row by name, locked or not: compiled once each. */
  const findGroupRow = (name: string, lock: boolean) =>
    shaped(`groups:find:${lock ? "lock" : "read"}`, [name], ([group]) => {
      const query = db
        .selectFrom("groups")
        .select(GROUP_COLUMNS)
        .where("name", "=", group as string)
      return (lock ? query.forUpdate() : query).compile()
    })
  return {
    findGroup: (name, options) =>
      first(findGroupRow(name, options?.forUpdate === true && locks)).pipe(
        Effect.map(rememberGroup),
        Effect.flatMap((row) =>
          row === undefined
            ? Effect.succeed(Option.none())
            : withMembers([row], options?.memberPreview).pipe(Effect.map(([record]) => Option.fromNullable(record)))
        )
      ),
    findGroupRow: (name, options) =>
      first(findGroupRow(name, options?.forUpdate === true && locks)).pipe(
        Effect.map(rememberGroup),
        Effect.map((row) => (row === undefined ? Option.none() : Option.some(toGroupRow(row))))
      ),
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
        // The name is set only when it changes: setting the key, even to itself, makes the engine visit every
        // membership of the group for the foreign key's ON UPDATE CASCADE (milliseconds in a large group).
        if (row.name === previousName) return yield* writeGroup(row)
        groupsRead.delete(previousName)
        const { created_at: _created, name, ...values } = fromGroupRow(row)
        yield* execute(
          db
            .updateTable("groups")
            .set({ ...values, name })
            .where("name", "=", previousName)
        )
        // A rename changes its members' group lists (their memberships follow through the foreign key).
        yield* refreshGroupLists(yield* membersOf(row.name))
      }),
    deleteGroup: (name) =>
      Effect.gen(function* () {
        groupsRead.delete(name)
        const members = yield* membersOf(name)
        yield* execute(db.deleteFrom("groups").where("name", "=", name))
        yield* refreshGroupLists(members)
      }),
    listGroups: (query) =>
      Effect.gen(function* () {
        // Compiled once for each kind of query (search or not, sort, order, keyset or not): a page of groups is a
        // few indexed reads, less than building and compiling its statements again.
        // A filter's statements depend on its tree: compiled each time, never cached.
        const searched = query.search !== ""
        const where = query.where
        const filtered = (pattern: unknown) =>
          db
            .selectFrom("groups")
            .$if(searched, (q) => q.where(sql<boolean>`lower(name) like ${pattern} escape '!'`))
            .$if(where !== undefined, (q) => q.where(groupFilterSql(engineName, where ?? { _tag: "And", filters: [] })))
        const cached: typeof shaped = (key, parameters, compile) =>
          where === undefined ? shaped(key, parameters, compile) : compile(parameters)
        const kind = `${searched ? "search" : "all"}`
        const pattern = searched ? containsPattern(query.search) : ""
        const counted = yield* single(
          cached(`groups:count:${kind}`, [pattern], ([p]) =>
            filtered(p)
              .select((eb) => eb.fn.countAll<number | string>().as("n"))
              .compile()
          )
        )
        const dir = query.order
        const found = yield* rows(
          cached(
            `groups:page:${kind}:${query.sort}:${dir}:${query.after === undefined ? "offset" : "after"}`,
            [pattern, query.after ?? "", query.limit, query.offset],
            ([p, after, limit, offset]) =>
              filtered(p)
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
                .$if(query.after !== undefined, (q) => q.where("name", ">", after as string))
                .limit(limit as number)
                .offset(offset as number)
                .compile()
          )
        )
        return { items: yield* withMembers(found, query.memberPreview), total: Number(counted.n) }
      }),
    listGroupRows: ({ limit, after, names }) => {
      const page = (only?: ReadonlyArray<string>) =>
        rows(
          db
            .selectFrom("groups")
            .selectAll()
            .$if(only !== undefined, (q) => q.where("name", "in", only as ReadonlyArray<string>))
            .$if(after !== undefined, (q) => q.where("name", ">", after as string))
            .orderBy("name", "asc")
            .limit(limit)
        )
      if (names === undefined) return page().pipe(Effect.map((found) => found.map(toGroupRow)))
      if (names.length === 0) return Effect.succeed([])
      // Named groups: one statement of up to GROUP_NAMES_PER_READ names (the engines' bound parameters), in name order.
      const distinct = [...new Set(names)].sort()
      return Effect.forEach(chunks(distinct, GROUP_NAMES_PER_READ), page).pipe(
        Effect.map((pages) => pages.flat().slice(0, limit).map(toGroupRow))
      )
    }
  }
}
