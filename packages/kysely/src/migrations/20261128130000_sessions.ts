/**
 * Sign-in sessions: one row a session, keyed by the SHA-256 hash of its token (the token itself is never stored),
 * deleted with its user. Sessions are found by token hash, revoked by username and purged by expiry.
 *
 * Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("username", "varchar(32)", (c) =>
      (engine === "postgres" ? c.modifyEnd(sql`collate "C"`) : c)
        .notNull()
        .references("users.username")
        .onDelete("cascade")
    )
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .$call((table) =>
      engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table
    )
    .execute()
  await db.schema.createIndex(`${prefix}dt_sessions_username`).on("sessions").columns(["username"]).execute()
  await db.schema.createIndex(`${prefix}dt_sessions_expires_at`).on("sessions").columns(["expires_at"]).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await db.schema.dropTable("sessions").execute()
}
