/**
 * Beside the migrator's own record of the migrations applied (`dt_migration`), what each one needs of the code that
 * runs on the schema it leaves: `oldest_compatible` names the oldest migration a version of the user manager must know
 * to run correctly on it. A version that meets migrations it does not know reads their rows here and keeps serving if
 * it knows each one's `oldest_compatible` (Migrations.ts writes a row as each migration from this one on runs).
 *
 * Named like the migrator's tables, with the host's prefix; the table is not one of the directory's. Frozen once
 * released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  // As wide as the migrator's own name column.
  await db.schema
    .createTable(`${prefix}dt_migration_compatibility`)
    .addColumn("migration", "varchar(255)", (c) => c.primaryKey())
    .addColumn("oldest_compatible", "varchar(255)", (c) => c.notNull())
    .$call((table) =>
      engine === "mysql" ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : table
    )
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { prefix }: Target): Promise<void> {
  await db.schema.dropTable(`${prefix}dt_migration_compatibility`).execute()
}
