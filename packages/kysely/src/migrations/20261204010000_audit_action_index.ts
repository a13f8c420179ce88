/**
 * Indexes the audit trail by action (`action, id`), as the first schema indexed it by actor, target and time: a list
 * filtered by action (`dt audit ls --action user.delete`) counted its total and found its page by reading every entry
 * of the trail. It only adds an index: the previous release runs on the schema it leaves. Frozen once released.
 */
import type { Kysely } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { prefix }: Target): Promise<void> {
  await db.schema.createIndex(`${prefix}dt_audit_action`).on("audit").columns(["action", "id"]).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  await db.schema
    .dropIndex(`${prefix}dt_audit_action`)
    .$call((query) => (engine === "mysql" ? query.on("audit") : query))
    .execute()
}
