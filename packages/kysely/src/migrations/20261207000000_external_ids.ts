/**
 * Users and groups keep what an identity provider calls them (SCIM provisioning): `external_id`, the provider's id of
 * the record as given (at most 1,024 characters, not unique: a provider may reuse one), and `external_name`, the
 * provider's name as given (at most 256 characters), with `external_name_key`, its lower-cased form that the store
 * computes on every write, so that a name is found without regard to case by an index on every engine.
 *
 * Indexed for lookups: `external_id` (on PostgreSQL a hash index, whose entries have no size limit, on MySQL/MariaDB
 * its first 255 characters) and `external_name_key` (with the username or group name).
 *
 * Only adds nullable columns and indexes: the previous release runs on the schema it leaves (the records it writes have
 * none of these values). Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const TABLES = [
  ["users", "username"],
  ["groups", "name"]
] as const

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  for (const [table, key] of TABLES) {
    // Compared by code point on every engine, as the other text columns are.
    const binary = engine === "postgres" ? sql` collate "C"` : sql``
    await db.schema.alterTable(table).addColumn("external_id", sql`varchar(1024)${binary}`).execute()
    await db.schema.alterTable(table).addColumn("external_name", sql`varchar(256)${binary}`).execute()
    // Lower-casing can lengthen a text (one character may become two).
    await db.schema.alterTable(table).addColumn("external_name_key", sql`varchar(512)${binary}`).execute()
    const idIndex = db.schema.createIndex(`${prefix}dt_${table}_external_id`).on(table)
    if (engine === "postgres") await idIndex.using("hash").column("external_id").execute()
    else if (engine === "mysql") await idIndex.expression(sql`external_id(255)`).execute()
    else await idIndex.column("external_id").execute()
    await db.schema
      .createIndex(`${prefix}dt_${table}_external_name_key`)
      .on(table)
      .columns(["external_name_key", key])
      .execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  for (const [table] of TABLES) {
    for (const index of [`${prefix}dt_${table}_external_id`, `${prefix}dt_${table}_external_name_key`]) {
      await db.schema
        .dropIndex(index)
        .$call((drop) => (engine === "mysql" ? drop.on(table) : drop))
        .execute()
    }
    for (const column of ["external_id", "external_name", "external_name_key"]) {
      await db.schema.alterTable(table).dropColumn(column).execute()
    }
  }
}
