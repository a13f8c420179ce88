import { type Expression, type RawBuilder, sql } from "kysely"
import type { Engine } from "../Migrations.js"

/** What a driver error means for the transaction that met it. */
export type Failure = "unique" | "retry" | "fatal"

/** What differs between the engines; everything else is the same Kysely code. */
export interface EngineSql {
  /** Whether rows must be locked with `FOR UPDATE` (SQLite serialises writers with `BEGIN IMMEDIATE` instead). */
  readonly locksRows: boolean
  readonly beginWrite: ReadonlyArray<RawBuilder<unknown>>
  readonly beginRead: ReadonlyArray<RawBuilder<unknown>>
  /** The user's group names joined with `,` in name order. */
  readonly groupList: (username: Expression<string>) => RawBuilder<string>
  /** The id the connection's last insert into a table with a generated id got. */
  readonly lastInsertId: RawBuilder<number | string>
  /**
   * Whether an insert can return the ids it generated (`RETURNING`); without it (MySQL), a multi-row insert's ids are
   * consecutive from the last insert id, which is its first row's.
   */
  readonly returnsIds: boolean
  /** The most bound parameters one statement may carry: a multi-row insert is cut into statements below it. */
  readonly maxParameters: number
  /** Whether `ORDER BY` must say where NULLs go to put them first ascending, as SQLite and MySQL do. */
  readonly nullsLastByDefault: boolean
  readonly classify: (error: unknown) => Failure
}

const code = (error: unknown, key: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined

/** The SQL that differs per engine. */
export const engines: Record<Engine, EngineSql> = {
  sqlite: {
    locksRows: false,
    beginWrite: [sql`begin immediate`],
    beginRead: [sql`begin`],
    groupList: (username) =>
      sql<string>`(select group_concat(group_name, ',' order by group_name) from ${sql.table("memberships")} where username = ${username})`,
    lastInsertId: sql`last_insert_rowid()`,
    returnsIds: true,
    maxParameters: 32766,
    nullsLastByDefault: false,
    classify: (error) => {
      const c = String(code(error, "code") ?? "")
      if (c === "SQLITE_CONSTRAINT_UNIQUE" || c === "SQLITE_CONSTRAINT_PRIMARYKEY") return "unique"
      if (c.startsWith("SQLITE_BUSY") || c.startsWith("SQLITE_LOCKED")) return "retry"
      return "fatal"
    }
  },
  postgres: {
    locksRows: true,
    beginWrite: [sql`begin isolation level read committed`],
    beginRead: [sql`begin isolation level repeatable read read only`],
    groupList: (username) =>
      sql<string>`(select string_agg(group_name, ',' order by group_name) from ${sql.table("memberships")} where username = ${username})`,
    // The value the connection's last nextval gave: the audit's id sequence is the only one the manager uses.
    lastInsertId: sql`lastval()`,
    returnsIds: true,
    maxParameters: 65535,
    nullsLastByDefault: true,
    classify: (error) => {
      const c = code(error, "code")
      if (c === "23505") return "unique"
      if (c === "40001" || c === "40P01" || c === "55P03") return "retry"
      return "fatal"
    }
  },
  mysql: {
    locksRows: true,
    // READ COMMITTED: a read after a lock sees what the lock holder committed (REPEATABLE READ would not).
    beginWrite: [sql`set transaction isolation level read committed`, sql`start transaction`],
    beginRead: [sql`set transaction isolation level repeatable read`, sql`start transaction read only`],
    groupList: (username) =>
      sql<string>`(select group_concat(group_name order by group_name separator ',') from ${sql.table("memberships")} where username = ${username})`,
    lastInsertId: sql`last_insert_id()`,
    returnsIds: false,
    maxParameters: 65535,
    nullsLastByDefault: false,
    classify: (error) => {
      const errno = code(error, "errno")
      if (errno === 1062) return "unique"
      if (errno === 1213 || errno === 1205) return "retry"
      return "fatal"
    }
  }
}
