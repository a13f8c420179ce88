/**
 * The sign-in throttle's counters: failed sign-ins in a window, one row a key — a username from an address, an address
 * (username `''`), or a username from any address (address `''`). Keys are bounded (a username by the sign-in rule, an
 * address to 64 characters); times are epoch milliseconds; expired rows are found by their window's start.
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
    .createTable("sign_in_attempts")
    .addColumn("username", "varchar(32)", (c) => (engine === "postgres" ? c.modifyEnd(sql`collate "C"`) : c).notNull())
    .addColumn("address", "varchar(64)", (c) => (engine === "postgres" ? c.modifyEnd(sql`collate "C"`) : c).notNull())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("last_failure_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint(`${prefix}dt_sign_in_attempts_pk`, ["username", "address"])
    .$call((table) =>
      engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table
    )
    .execute()
  await db.schema
    .createIndex(`${prefix}dt_sign_in_attempts_window_start`)
    .on("sign_in_attempts")
    .columns(["window_start"])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await db.schema.dropTable("sign_in_attempts").execute()
}
