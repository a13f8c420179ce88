/**
 * Indexes the two sorts that were aggregates computed per query: users by their groups, groups by their member count.
 *
 * - `users.group_list`: the user's group names in name order joined with `,`, cut to the first 1,000 characters (the
 *   core's sort key for `groups` is cut the same way), indexed with the username;
 * - `groups.member_count`: how many members the group has, indexed with the name.
 *
 * The store keeps both up to date whenever a membership changes. Before, sorting users by groups aggregated every
 * user's memberships on every page. Group names are ASCII, so MySQL stores the list as
 * ASCII and the index fits InnoDB's key size. Frozen once released.
 */
import { type Kysely, sql } from "kysely"

interface Target {
  readonly engine: "sqlite" | "postgres" | "mysql"
  readonly prefix: string
}

const LENGTH = 1000

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any database, never on the app's typed schema
export async function up(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  const collation =
    engine === "mysql" ? sql`character set ascii collate ascii_bin` : engine === "postgres" ? sql`collate "C"` : sql``
  await sql`alter table ${sql.table("users")} add column group_list varchar(${sql.raw(String(LENGTH))}) ${collation} not null default ''`.execute(
    db
  )
  await sql`alter table ${sql.table("groups")} add column member_count integer not null default 0`.execute(db)
  const memberships = sql.table("memberships")
  const list =
    engine === "postgres"
      ? sql`(select string_agg(group_name, ',' order by group_name) from ${memberships} m where m.username = ${sql.table("users")}.username)`
      : engine === "mysql"
        ? sql`(select group_concat(group_name order by group_name separator ',') from ${memberships} m where m.username = ${sql.table("users")}.username)`
        : sql`(select group_concat(group_name, ',' order by group_name) from ${memberships} m where m.username = ${sql.table("users")}.username)`
  await sql`update ${sql.table("users")} set group_list = coalesce(substr(${list}, 1, ${sql.raw(String(LENGTH))}), '')`.execute(
    db
  )
  await sql`update ${sql.table("groups")} set member_count =
    (select count(*) from ${memberships} m where m.group_name = ${sql.table("groups")}.name)`.execute(db)
  await db.schema.createIndex(`${prefix}dt_users_group_list`).on("users").columns(["group_list", "username"]).execute()
  await db.schema
    .createIndex(`${prefix}dt_groups_member_count`)
    .on("groups")
    .columns(["member_count", "name"])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>, { engine, prefix }: Target): Promise<void> {
  for (const [index, table] of [
    [`${prefix}dt_users_group_list`, "users"],
    [`${prefix}dt_groups_member_count`, "groups"]
  ] as const) {
    await db.schema
      .dropIndex(index)
      .$call((query) => (engine === "mysql" ? query.on(table) : query))
      .execute()
  }
  await db.schema.alterTable("users").dropColumn("group_list").execute()
  await db.schema.alterTable("groups").dropColumn("member_count").execute()
}
