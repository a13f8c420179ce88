/**
 * The directory-wide settings (admin group, GID range, minimum password length) stored with the directory, so that
 * every process on one database enforces the same rules: one row, always there, so that a write can lock it shared
 * and a change of the settings exclusively. Its values are null until the settings are first stored (a directory set
 * up before this migration runs on the host's settings until then).
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
    .createTable("settings")
    .addColumn("id", "integer", (c) => c.notNull())
    .addColumn("admin_group", "varchar(32)")
    .addColumn("gid_min", "bigint")
    .addColumn("gid_max", "bigint")
    .addColumn("min_password_length", "integer")
    .addPrimaryKeyConstraint(`${prefix}dt_settings_pk`, ["id"])
    .$call((table) =>
      engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table
    )
    .execute()
  await db.insertInto("settings").values({ id: 1 }).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await db.schema.dropTable("settings").execute()
}
