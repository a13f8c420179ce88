/**
 * System users hold no password: the password hash of every system user stored before that rule is removed, and its
 * sessions end. Each user so changed gets a new version and one audit entry (`user.modify`, `password: "removed"`),
 * written by the migration itself, whose actor is `(migration)`: no username can take that form.
 *
 * Frozen once released.
 */
import type { Kysely } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

/** The name the audit trail gives as the actor of the changes this migration makes. */
const ACTOR = "(migration)"

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, target: Target): Promise<void> {
  // PostgreSQL: Kysely runs a migration in a transaction; SQLite: the migrations run inside the BEGIN IMMEDIATE that
  // keeps other processes out (Migrations.ts). MySQL has neither: there this one opens its own, so that no hash is
  // removed without its audit entry.
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const atomically = (work: (trx: Kysely<any>) => Promise<void>) =>
    db.isTransaction || target.engine === "sqlite" ? work(db) : db.transaction().execute(work)
  await atomically(async (trx) => {
    const holders = await trx
      .selectFrom("users")
      .select("username")
      .where("system", "=", 1)
      .where("password_hash", "is not", null)
      .orderBy("username")
      .execute()
    const now = new Date().toISOString()
    for (const { username } of holders) {
      await trx
        .updateTable("users")
        .set((eb) => ({ password_hash: null, version: eb("version", "+", 1), updated_at: now }))
        .where("username", "=", username)
        .execute()
      await trx.deleteFrom("sessions").where("username", "=", username).execute()
      await trx
        .insertInto("audit")
        .values({
          at: now,
          actor: ACTOR,
          action: "user.modify",
          target_type: "user",
          target: username,
          changes: JSON.stringify({ password: "removed", reason: "system users hold no password and never sign in" })
        })
        .execute()
    }
  })
}

/** A removed password hash cannot be put back: undoing this migration changes nothing. */
// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(_db: Kysely<any>, _target: Target): Promise<void> {}
