/**
 * The first schema: users, groups, memberships, the GID ledger, the store's counters and the audit trail.
 * Frozen once released: later changes are new migrations.
 */
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from "kysely"

type Engine = "sqlite" | "postgres" | "mysql"

/** What a migration knows of where it runs: the engine, and the host's table prefix (also put before index names). */
interface Target {
  readonly engine: Engine
  readonly prefix: string
}

// Text columns compare byte by byte (code points) on every engine, so that sorting and unique names agree everywhere.
const binary = (engine: Engine) => (column: ColumnDefinitionBuilder) =>
  engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column
const tableOptions = <T extends string, C extends string>(engine: Engine, table: CreateTableBuilder<T, C>) =>
  engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  const text = binary(engine)
  await tableOptions(
    engine,
    db.schema
      .createTable("users")
      .addColumn("username", "varchar(32)", (c) => text(c).primaryKey())
      .addColumn("first_name", "varchar(64)", (c) => text(c).notNull())
      .addColumn("last_name", "varchar(64)", (c) => text(c).notNull())
      .addColumn("email", "varchar(254)", text)
      .addColumn("email_key", "varchar(320)", (c) => text(c).unique())
      .addColumn("enabled", "smallint", (c) => c.notNull())
      .addColumn("system", "smallint", (c) => c.notNull())
      .addColumn("password_hash", "varchar(255)")
      .addColumn("search_text", "varchar(512)", (c) => text(c).notNull())
      .addColumn("created_at", "varchar(32)", (c) => text(c).notNull())
      .addColumn("updated_at", "varchar(32)", (c) => text(c).notNull())
      .addColumn("version", "integer", (c) => c.notNull())
  ).execute()

  await tableOptions(
    engine,
    db.schema
      .createTable("groups")
      .addColumn("name", "varchar(32)", (c) => text(c).primaryKey())
      .addColumn("gid", "integer", (c) => c.notNull().unique())
      .addColumn("created_at", "varchar(32)", (c) => text(c).notNull())
      .addColumn("updated_at", "varchar(32)", (c) => text(c).notNull())
      .addColumn("version", "integer", (c) => c.notNull())
  ).execute()

  await tableOptions(
    engine,
    db.schema
      .createTable("memberships")
      .addColumn("username", "varchar(32)", (c) =>
        text(c).notNull().references("users.username").onDelete("cascade").onUpdate("cascade")
      )
      .addColumn("group_name", "varchar(32)", (c) =>
        text(c).notNull().references("groups.name").onDelete("cascade").onUpdate("cascade")
      )
      .addPrimaryKeyConstraint(`${prefix}dt_memberships_pk`, ["username", "group_name"])
  ).execute()

  await tableOptions(
    engine,
    db.schema
      .createTable("gid_ledger")
      .addColumn("gid", "integer", (c) => c.primaryKey())
      .addColumn("group_name", "varchar(32)", (c) => text(c).notNull())
  ).execute()

  await tableOptions(
    engine,
    db.schema
      .createTable("meta")
      .addColumn("key", "varchar(64)", (c) => text(c).primaryKey())
      .addColumn("value", "bigint", (c) => c.notNull())
  ).execute()
  await db.insertInto("meta").values({ key: "gid_high_water", value: 0 }).execute()

  await tableOptions(
    engine,
    db.schema
      .createTable("audit")
      .addColumn("id", engine === "postgres" ? "bigserial" : "integer", (c) =>
        engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()
      )
      .addColumn("at", "varchar(32)", (c) => text(c).notNull())
      .addColumn("actor", "varchar(32)", (c) => text(c).notNull())
      .addColumn("action", "varchar(32)", (c) => text(c).notNull())
      .addColumn("target_type", "varchar(16)", (c) => text(c).notNull())
      .addColumn("target", "varchar(64)", (c) => text(c).notNull())
      .addColumn("changes", "text", (c) => c.notNull())
  ).execute()

  // Every sortable column has an index; memberships are found from either side.
  const indexes: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
    ["dt_memberships_group", "memberships", ["group_name", "username"]],
    ["dt_users_full_name", "users", ["first_name", "last_name", "username"]],
    ["dt_users_last_name", "users", ["last_name", "username"]],
    ["dt_users_email", "users", ["email", "username"]],
    ["dt_users_enabled", "users", ["enabled", "username"]],
    ["dt_users_system", "users", ["system", "username"]],
    ["dt_users_created_at", "users", ["created_at", "username"]],
    ["dt_users_updated_at", "users", ["updated_at", "username"]],
    ["dt_groups_created_at", "groups", ["created_at", "name"]],
    ["dt_groups_updated_at", "groups", ["updated_at", "name"]],
    ["dt_audit_actor", "audit", ["actor", "id"]],
    ["dt_audit_target", "audit", ["target", "id"]],
    ["dt_audit_at", "audit", ["at", "id"]]
  ]
  for (const [name, table, columns] of indexes) {
    await db.schema
      .createIndex(`${prefix}${name}`)
      .on(table)
      .columns([...columns])
      .execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  for (const table of ["audit", "meta", "gid_ledger", "memberships", "groups", "users"]) {
    await db.schema.dropTable(table).execute()
  }
}
