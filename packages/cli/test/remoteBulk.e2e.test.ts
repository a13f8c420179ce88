/**
 * Bulk export in remote mode: `dt user export` and `dt group export` stream the server's `GET /api/v1/export`, and
 * give what a local export of the same database gives.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const ADMIN_PASSWORD = "the remote admin secret"

describe("dt export in remote mode, against dt serve", () => {
  let server: Serving
  const database = freshDatabase("dt-remote-bulk-")
  beforeAll(async () => {
    server = await serve(["--database", database], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
  })
  afterAll(() => {
    server?.child.kill("SIGTERM")
  })

  it("exports users and groups over the server exactly as a local export of the same database does", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    expect((await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })).code).toBe(0)
    expect((await dt("group add ops --gid 2000")).code).toBe(0)
    const john = ["user", "add", "-f", "John", "-l", "Doe, Jr", "-g", "ops,admins", "-e", "john@example.com", "john"]
    expect((await dt(john)).code).toBe(0)
    expect((await dt("user add --system -g ops daemon")).code).toBe(0)
    const local = { env: { DT_SERVER: "", DT_DATABASE_URL: database } }

    const remoteCsv = await dt("user export --format csv")
    expect(remoteCsv.code).toBe(0)
    expect(remoteCsv.stdout).toBe((await dt("user export --format csv --as admin", local)).stdout)
    expect(remoteCsv.stderr).toMatch(/^Exported 3 users in [\d.]+ m?s/)
    expect((await dt("group export")).stdout).toBe((await dt("group export --as admin", local)).stdout)

    const file = join(home, "users.jsonl")
    const toFile = await dt(["user", "export", "--include-password-hashes", "-o", file])
    expect(toFile.stdout).toMatch(/^Exported 3 users in [\d.]+ m?s/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, "utf8")).toContain('"passwordHash":"$argon2id$')
    expect(readFileSync(file, "utf8")).toBe(
      (await dt(["user", "export", "--include-password-hashes", "--as", "admin"], local)).stdout
    )
  })

  it("imports a CSV file over the server as a local import would, a dry run writing nothing, then exports it back", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    await dt("group add staff")
    const file = join(home, "people.csv")
    writeFileSync(
      file,
      'username,firstName,lastName,groups\nann,Ann,"Lee, Jr",staff\nbob,Bob,,"staff,admins"\n9bad,,,staff\n'
    )
    const dry = await dt(["user", "import", file, "--dry-run"])
    expect(dry.code).toBe(1)
    expect(dry.stderr).toContain("dt: dry run: nothing was written; the plan:")
    expect(dry.stderr).toMatch(/dt: line 4: /)
    expect(dry.stdout).toMatch(/^Checked 3 records in [\d.]+ m?s .*2 to create/)
    expect((await dt("user get ann")).code).toBe(1)

    const done = await dt(["user", "import", file, "--on-conflict", "skip", "-j"])
    expect(done.code).toBe(1)
    const result = JSON.parse(done.stdout)
    expect(result).toMatchObject({ dryRun: false, users: { created: 2, refused: 1 } })
    expect(result.refused).toEqual([expect.objectContaining({ location: "line 4" })])
    const exported = await dt("user export --format csv")
    expect(exported.stdout).toMatch(/\r\nann,Ann,"Lee, Jr",,true,false,staff,\d{4}-/)
    expect(exported.stdout).toMatch(/\r\nbob,Bob,,,true,false,"admins,staff",\d{4}-/)
  })

  it("refuses an export or an import to a user who is not an administrator, or not signed in, in one sentence, writing nothing", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    expect((await dt("user export")).code).toBe(1)
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    await dt("group add ops")
    expect((await dt("user add plain -g ops --password-stdin", { input: "plain-user-secret" })).code).toBe(0)
    expect((await dt("login plain --password-stdin", { input: "plain-user-secret" })).code).toBe(0)
    const file = join(home, "users.csv")
    const refused = await dt(["user", "export", "-o", file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      "dt: 'plain' may not export users: only enabled members of the admin group 'admins' may.\n"
    )
    expect(() => statSync(file)).toThrow()
    writeFileSync(join(home, "more.csv"), "username,groups\neve,ops\n")
    const imported = await dt(["user", "import", join(home, "more.csv")])
    expect(imported.code).toBe(1)
    expect(imported.stderr).toMatch(/^dt: 'plain' may not import [^\n]+\.\n$/)
  })
})
