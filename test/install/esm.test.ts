import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { eachLine, hostFiles, hostProject, pinned, succeed, tarball } from "./support/hosts.js"

describe.each(await eachLine())("a plain ESM JavaScript host on Node %s", (_, line) => {
  let dir: string
  beforeAll(async () => {
    // A host that uses SQLite installs the packages it uses (core, kysely, and formats to read a file) and that one
    // driver, nothing else.
    dir = await hostProject(line, "esm", {
      files: hostFiles("esm"),
      specs: [tarball("core"), tarball("formats"), tarball("kysely"), pinned("better-sqlite3")]
    })
  })

  it("bootstraps an admin, creates a group and users, lists them, and is refused with the tagged error through the Promise facade over SQLite", async () => {
    const ran = await succeed(line, "node", ["promise-facade.mjs", join(dir, "directory.db")], { cwd: dir })
    expect(JSON.parse(ran.stdout)).toEqual({
      gid: 1001,
      total: 3,
      users: [
        ["admin", "Ada Admin", "admins", ""],
        ["alice", "Alice", "developers", ""],
        ["john", "John Doe", "developers", "john@example.com"]
      ],
      refusal: {
        isError: true,
        _tag: "GroupMembershipRequired",
        usernames: ["alice"],
        message: expect.stringContaining("at least one group")
      }
    })
  })

  it("rejects opening a PostgreSQL store without the pg driver with a StorageError saying in one sentence to install pg", async () => {
    const ran = await succeed(line, "node", ["missing-driver.mjs"], { cwd: dir })
    const rejection = JSON.parse(ran.stdout) as { isError: boolean; _tag: string; message: string }
    expect(rejection).toMatchObject({ isError: true, _tag: "StorageError" })
    expect(rejection.message).toMatch(/^[^\n]*'pg'[^\n]*npm install pg[^\n]*\.$/)
    // One sentence: no stack trace and no second sentence.
    expect(rejection.message).not.toMatch(/\n|\bat \S+ \(|\.\s+[A-Z]/)
  })

  it("reads a CSV of users into import entries (a malformed row named by line and column) and writes them as JSON Lines with the published formats package", async () => {
    const ran = await succeed(line, "node", ["formats.mjs"], { cwd: dir })
    expect(JSON.parse(ran.stdout)).toEqual({
      entries: [
        {
          kind: "user",
          record: { username: "alice", firstName: "Alice, the first", groups: ["staff", "ops"], enabled: true },
          location: "line 2",
          raw: 'alice,"Alice, the first","staff,ops",true'
        },
        {
          kind: "malformed",
          of: "user",
          reason: "'maybe' is not a boolean: write true or false",
          location: "line 3, column enabled",
          raw: "bob,Bob,staff,maybe"
        }
      ],
      jsonl: '{"username":"alice","firstName":"Alice, the first","enabled":true,"groups":["staff","ops"]}\n'
    })
  })
})
