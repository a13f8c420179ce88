// The groups page the bare handlers (bench/bare-http.mjs on SQLite, bench/bare-http-postgres.mjs on PostgreSQL) answer,
// as the API's JSON: `groups` are the page's rows, `previews` the rows (group_name, username) of their first members.

/** The names of the page's groups that have members: the ones whose first members are read. */
export const withMembers = (groups) => groups.filter((row) => row.member_count > 0).map((row) => row.name)

/** The page of groups, each with its count and first members. */
export const groupPage = ({ groups, previews, total, offset, limit }) => {
  const members = new Map()
  for (const { group_name, username } of previews) {
    const list = members.get(group_name)
    if (list === undefined) members.set(group_name, [username])
    else list.push(username)
  }
  const items = groups.map((row) => {
    const shown = members.get(row.name) ?? []
    return {
      name: row.name,
      gid: row.gid,
      memberCount: row.member_count,
      members: shown,
      membersTruncated: row.member_count > shown.length,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      version: row.version
    }
  })
  return { items, total, totalExact: true, offset, limit }
}
