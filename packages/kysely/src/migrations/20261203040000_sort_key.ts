/**
 * Names sort as people expect and the full name is searchable as shown:
 *
 * - `users.first_name_key`, `last_name_key`, `full_name_key`: each name's sort key (NFKD, combining marks removed,
 *   lower-cased, at most 128 characters; the full name as the Full Name column shows it), indexed with the username
 *   that breaks ties. They replace the indexes of the raw names, which sorted by code point ("root" after "Zoë").
 * - `users.search_text`: the username and the full name as shown (`john\njohn doe`), so that "John Doe" finds John Doe;
 *   it was the username, first and last name on three lines.
 *
 * The store computes both with the core's `UserKeys` on every write; this migration computes them for the rows already
 * there with the same rules as they are written today (a migration never imports the application's code: it is frozen
 * once released, the application's code is not). On SQLite the FTS index follows `search_text` through its triggers.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const KEY_LENGTH = 128
const BATCH = 1000

/** The core's `UserKeys.sortKey` as of this migration. */
const sortKey = (name: string): string => {
  const key = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
  return key.length <= KEY_LENGTH ? key : Array.from(key).slice(0, KEY_LENGTH).join("")
}

interface Names {
  readonly username: string
  readonly first_name: string
  readonly last_name: string
}

/** The core's `User.fullName` as of this migration. */
const fullName = ({ first_name, last_name }: Names) =>
  first_name === "" ? last_name : last_name === "" ? first_name : `${first_name} ${last_name}`

const keyIndexes = [
  ["dt_users_first_name_key", ["first_name_key", "username"]],
  ["dt_users_last_name_key", ["last_name_key", "username"]],
  ["dt_users_full_name_key", ["full_name_key", "username"]]
] as const

const nameIndexes = [
  ["dt_users_first_name", ["first_name", "username"]],
  ["dt_users_last_name", ["last_name", "username"]],
  ["dt_users_full_name", ["first_name", "last_name", "username"]]
] as const

/** Sets new column values on every user, read and written a batch at a time in username order. */
const rewriteUsers = async (
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
  db: Kysely<any>,
  values: (user: Names) => Record<string, string>
): Promise<void> => {
  let after: string | null = null
  while (true) {
    const batch: ReadonlyArray<Names> = await db
      .selectFrom("users")
      .select(["username", "first_name", "last_name"])
      .$if(after !== null, (query) => query.where("username", ">", after as string))
      .orderBy("username")
      .limit(BATCH)
      .execute()
    for (const user of batch) {
      await db.updateTable("users").set(values(user)).where("username", "=", user.username).execute()
    }
    const last = batch[batch.length - 1]
    if (last === undefined || batch.length < BATCH) return
    after = last.username
  }
}

const dropIndexes = async (
  // biome-ignore lint/suspicious/noExplicitAny: see rewriteUsers
  db: Kysely<any>,
  engine: Target["engine"],
  prefix: string,
  indexes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>
) => {
  for (const [name] of indexes) {
    await db.schema
      .dropIndex(`${prefix}${name}`)
      .$call((query) => (engine === "mysql" ? query.on("users") : query))
      .execute()
  }
}

const createIndexes = async (
  // biome-ignore lint/suspicious/noExplicitAny: see rewriteUsers
  db: Kysely<any>,
  prefix: string,
  indexes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>
) => {
  for (const [name, columns] of indexes) {
    await db.schema
      .createIndex(`${prefix}${name}`)
      .on("users")
      .columns([...columns])
      .execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see rewriteUsers
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  // Keys compare by code point, as the other text columns do.
  const collation = engine === "mysql" ? sql`collate utf8mb4_bin` : engine === "postgres" ? sql`collate "C"` : sql``
  for (const column of ["first_name_key", "last_name_key", "full_name_key"]) {
    await sql`alter table ${sql.table("users")} add column ${sql.ref(column)} varchar(${sql.raw(String(KEY_LENGTH))}) ${collation} not null default ''`.execute(
      db
    )
  }
  await rewriteUsers(db, (user) => ({
    first_name_key: sortKey(user.first_name),
    last_name_key: sortKey(user.last_name),
    full_name_key: sortKey(fullName(user)),
    search_text: `${user.username}\n${fullName(user)}`.toLowerCase()
  }))
  await dropIndexes(db, engine, prefix, nameIndexes)
  await createIndexes(db, prefix, keyIndexes)
}

// biome-ignore lint/suspicious/noExplicitAny: see rewriteUsers
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  await dropIndexes(db, engine, prefix, keyIndexes)
  await createIndexes(db, prefix, nameIndexes)
  for (const column of ["first_name_key", "last_name_key", "full_name_key"]) {
    await db.schema.alterTable("users").dropColumn(column).execute()
  }
  await rewriteUsers(db, (user) => ({
    search_text: [user.username, user.first_name, user.last_name].join("\n").toLowerCase()
  }))
}
