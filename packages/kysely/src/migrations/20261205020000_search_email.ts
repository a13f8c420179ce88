/**
 * Users are found by their email address as well: `users.search_text` gains the lower-cased email on a third line
 * (`john\njohn doe\njohn@example.com`) for the users that have one, so that "example.org" finds everyone at that
 * domain. The indexes over `search_text` (FTS5 trigram on SQLite through its triggers, pg_trgm and the walk index on
 * PostgreSQL) follow the column; MySQL/MariaDB scan it as before.
 *
 * The store computes the column with the core's `UserKeys.searchText` on every write; this migration computes it for
 * the rows already there with the same rule as it is written today (a migration never imports the application's code).
 * It only changes values: the previous release runs on the schema it leaves (a user it writes is found by name only
 * until the next write). Frozen once released.
 */
import type { Kysely } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const BATCH = 1000

interface Searched {
  readonly username: string
  readonly first_name: string
  readonly last_name: string
  readonly email: string | null
}

/** The core's `User.fullName` as of this migration. */
const fullName = ({ first_name, last_name }: Searched) =>
  first_name === "" ? last_name : last_name === "" ? first_name : `${first_name} ${last_name}`

/** Sets `search_text` on every user that has an email, read and written a batch at a time in username order. */
const rewriteSearchText = async (
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
  db: Kysely<any>,
  searchText: (user: Searched) => string
): Promise<void> => {
  let after: string | null = null
  while (true) {
    const batch: ReadonlyArray<Searched> = await db
      .selectFrom("users")
      .select(["username", "first_name", "last_name", "email"])
      .where("email", "is not", null)
      .$if(after !== null, (query) => query.where("username", ">", after as string))
      .orderBy("username")
      .limit(BATCH)
      .execute()
    for (const user of batch) {
      await db
        .updateTable("users")
        .set({ search_text: searchText(user) })
        .where("username", "=", user.username)
        .execute()
    }
    const last = batch[batch.length - 1]
    if (last === undefined || batch.length < BATCH) return
    after = last.username
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see rewriteSearchText
export async function up(db: Kysely<any>, _target: Target): Promise<void> {
  await rewriteSearchText(db, (user) => `${user.username}\n${fullName(user)}\n${user.email}`.toLowerCase())
}

// biome-ignore lint/suspicious/noExplicitAny: see rewriteSearchText
export async function down(db: Kysely<any>, _target: Target): Promise<void> {
  await rewriteSearchText(db, (user) => `${user.username}\n${fullName(user)}`.toLowerCase())
}
