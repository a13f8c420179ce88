/**
 * The subjects of audit entries: the other users and groups a change concerns besides its target (the members of a
 * membership change, the groups of a user's change), so that the trail of each of them lists the change — one entry
 * for a change of 500,000 members, and one row here per member. Keyed by subject, so that a target filter finds them
 * by index. No foreign key: audit entries are never deleted, and checking one per row would slow a large change.
 * Entries written before this migration have no subjects (they are not backfilled). Frozen once released.
 */
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from "kysely"

type Engine = "sqlite" | "postgres" | "mysql"

interface Target {
  readonly engine: Engine
  readonly prefix: string
}

// As in the first schema: text compares byte by byte on every engine.
const binary = (engine: Engine) => (column: ColumnDefinitionBuilder) =>
  engine === "postgres" ? column.modifyEnd(sql`collate "C"`) : column
const tableOptions = <T extends string, C extends string>(engine: Engine, table: CreateTableBuilder<T, C>) =>
  engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  await tableOptions(
    engine,
    db.schema
      .createTable("audit_subjects")
      .addColumn("subject", "varchar(64)", (c) => binary(engine)(c).notNull())
      .addColumn("entry_id", engine === "postgres" ? "bigint" : "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}dt_audit_subjects_pk`, ["subject", "entry_id"])
  ).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await db.schema.dropTable("audit_subjects").execute()
}
