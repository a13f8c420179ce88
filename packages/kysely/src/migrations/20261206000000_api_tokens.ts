/**
 * API tokens: one row a token, keyed by its name, with the SHA-256 hash of its value (the value itself is never
 * stored), found by that hash on every request that carries one. Only adds a table: the previous release runs on it.
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
    .createTable("api_tokens")
    .addColumn("name", "varchar(32)", (c) => (engine === "postgres" ? c.modifyEnd(sql`collate "C"`) : c).primaryKey())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("scope", "varchar(8)", (c) => c.notNull())
    .addColumn("created_by", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)")
    .addColumn("last_used_at", "varchar(32)")
    .$call((table) =>
      engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table
    )
    .execute()
  await db.schema.createIndex(`${prefix}dt_api_tokens_hash`).on("api_tokens").columns(["token_hash"]).unique().execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await db.schema.dropTable("api_tokens").execute()
}
