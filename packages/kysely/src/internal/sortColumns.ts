/**
 * How a user sort maps to columns (the port's sort key, username last), how a page is ordered by them, and keyset
 * paging after the last user of a page.
 */
import type { SortValue } from "@user-manager/core/Directory"
import type { UserSort } from "@user-manager/core/User"
import { type Expression, sql } from "kysely"
import type { EngineSql } from "./engines.js"

/** A column a user list is sorted by: its SQL, whether it can be NULL, and its direction. */
export interface SortColumn {
  readonly expression: Expression<unknown>
  readonly nullable: boolean
  readonly order: "asc" | "desc"
}

/**
 * Keyset paging: the rows that sort after `key` (one value per column), compared column by column in each column's
 * direction, NULL lowest. A bound on the first column lets the database start its index range scan there.
 */
export const keysetAfter = (columns: ReadonlyArray<SortColumn>, key: ReadonlyArray<SortValue>) => {
  const value = (index: number) => {
    const raw = key[index] ?? null
    return typeof raw === "boolean" ? (raw ? 1 : 0) : raw
  }
  const equal = (column: SortColumn, index: number) => {
    const v = value(index)
    return v === null ? sql`${column.expression} is null` : sql`${column.expression} = ${v}`
  }
  const beyond = (column: SortColumn, index: number) => {
    const v = value(index)
    if (column.order === "asc") {
      if (v === null) return column.nullable ? sql`${column.expression} is not null` : undefined
      return sql`${column.expression} > ${v}`
    }
    if (v === null) return undefined
    return column.nullable
      ? sql`(${column.expression} < ${v} or ${column.expression} is null)`
      : sql`${column.expression} < ${v}`
  }
  const branches = columns.flatMap((column, index) => {
    const last = beyond(column, index)
    if (last === undefined) return []
    return [sql.join([...columns.slice(0, index).map(equal), last], sql` and `)]
  })
  const anyBranch = branches.length === 0 ? sql`1 = 0` : sql`(${sql.join(branches, sql` or `)})`
  const [lead] = columns
  const first = value(0)
  if (lead === undefined || lead.nullable || first === null) return sql<boolean>`${anyBranch}`
  const bound = lead.order === "asc" ? sql`${lead.expression} >= ${first}` : sql`${lead.expression} <= ${first}`
  return sql<boolean>`${bound} and ${anyBranch}`
}

/** One column of a user sort, in the order the port defines its sort key (of `table`, the users' by default). */
export const userSortColumns = (sort: UserSort, order: "asc" | "desc", table = "users"): ReadonlyArray<SortColumn> => {
  const column = (name: string, nullable = false): SortColumn => ({
    expression: sql.ref(`${table}.${name}`),
    nullable,
    order
  })
  const username: SortColumn = {
    expression: sql.ref(`${table}.username`),
    nullable: false,
    order: sort === "username" ? order : "asc"
  }
  switch (sort) {
    case "username":
      return [username]
    case "fullName":
      return [column("full_name_key"), username]
    case "firstName":
      return [column("first_name_key"), username]
    case "lastName":
      return [column("last_name_key"), username]
    case "groups":
      return [column("group_list"), username]
    case "email":
      return [column("email", true), username]
    case "enabled":
    case "system":
      return [column(sort), username]
    case "createdAt":
      return [column("created_at"), username]
    case "updatedAt":
      return [column("updated_at"), username]
  }
}

/** `ORDER BY` one sort column, with missing values first when ascending on every engine. */
export const orderTerm = (engine: EngineSql, column: SortColumn) =>
  column.nullable && engine.nullsLastByDefault
    ? sql`${column.expression} ${sql.raw(column.order)} ${sql.raw(column.order === "asc" ? "nulls first" : "nulls last")}`
    : sql`${column.expression} ${sql.raw(column.order)}`
