/**
 * SQLite: an index of each user's lower-cased first and last name with the username, so that a filter on a name (a
 * SCIM `name.familyName co "quartz"`, compared as `lower(last_name)` by `recordFilterSql`) is counted and paged by
 * scanning the small index instead of every user's row. At 100,000 users the count of a `co` filter read the whole
 * table (40–70 ms on the benchmark machine, most of a SCIM page's time); through the index it reads the index alone
 * (about 5 ms). SQLite uses an index on an expression wherever a query holds the same expression.
 *
 * PostgreSQL gets nothing: a filter on a name there is narrowed by the trigram index of the search text
 * (`recordFilterSql`), and an expression index would give no index-only scan. MySQL/MariaDB get nothing either (no
 * substring index; a name filter reads the table, as a search does there).
 *
 * It only adds indexes: the previous release runs on the schema it leaves. Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const INDEXES = [
  ["dt_users_first_name_lower", "first_name"],
  ["dt_users_last_name_lower", "last_name"]
] as const

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  for (const [name, column] of INDEXES) {
    await db.schema
      .createIndex(`${prefix}${name}`)
      .on("users")
      .expression(sql`lower(${sql.ref(column)}), ${sql.ref("username")}`)
      .execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  if (engine !== "sqlite") return
  for (const [name] of INDEXES) await db.schema.dropIndex(`${prefix}${name}`).ifExists().execute()
}
