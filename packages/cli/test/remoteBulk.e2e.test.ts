/**
 * Bulk import and export in remote mode: `dt user|group import|export`, `dt import` and `dt export` stream the server's
 * `POST /api/v1/import` and `GET /api/v1/export`, and give what a local import or export of the same database gives.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const ADMIN_PASSWORD = "the remote admin secret"

describe("dt import and export in remote mode, against dt serve", () => {
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

    const errors = join(home, "refused.csv")
    const done = await dt(["user", "import", file, "--on-conflict", "skip", "-j", "--errors", errors])
    expect(done.code).toBe(1)
    const result = JSON.parse(done.stdout)
    expect(result).toMatchObject({ dryRun: false, users: { created: 2, refused: 1 } })
    expect(result.refused).toEqual([expect.objectContaining({ location: "line 4" })])
    // The refused records as a local import writes them: the file's header, then each refused row as the file had it.
    expect(readFileSync(errors, "utf8")).toBe("username,firstName,lastName,groups\n9bad,,,staff\n")
    expect(statSync(errors).mode & 0o777).toBe(0o600)
    const fromStdin = await dt(["user", "import", "-", "--format", "jsonl", "--errors", errors], {
      input: '{"username":"cy","groups":["staff"]}\n{"username":"dee","groups":["nowhere"]}\n'
    })
    expect(fromStdin.code).toBe(1)
    expect(fromStdin.stderr).toMatch(/^dt: line 2: /m)
    expect(readFileSync(errors, "utf8")).toBe('{"username":"dee","groups":["nowhere"]}\n')
    const exported = await dt("user export --format csv")
    expect(exported.stdout).toMatch(/\r\nann,Ann,"Lee, Jr",,true,false,staff,\d{4}-/)
    expect(exported.stdout).toMatch(/\r\nbob,Bob,,,true,false,"admins,staff",\d{4}-/)
  })

  it("exports the whole directory over the server as a local export does, and imports it into an empty server as the same directory", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    // A deleted group's GID stays in the ledger, which the document carries.
    expect((await dt("group add archive --gid 3000")).code).toBe(0)
    expect((await dt("group rm archive")).code).toBe(0)
    expect((await dt("group add devs --gid 2500")).code).toBe(0)
    expect((await dt("user add kim -f Kim -g devs --password-stdin", { input: "kim's long secret" })).code).toBe(0)
    const local = { env: { DT_SERVER: "", DT_DATABASE_URL: database } }

    const file = join(home, "directory.json")
    const exported = await dt(["export", "--include-password-hashes", "-o", file])
    expect(exported.code).toBe(0)
    const localExport = await dt(["export", "--include-password-hashes", "--as", "admin"], local)
    expect(readFileSync(file, "utf8")).toBe(localExport.stdout)
    expect(exported.stdout.replace(/in [\d.]+ m?s.*/s, "")).toBe(localExport.stderr.replace(/in [\d.]+ m?s.*/s, ""))
    expect(JSON.parse(readFileSync(file, "utf8")).gids.used).toContain(3000)
    const lines = await dt("export --format jsonl")
    expect(lines.stdout).toBe((await dt("export --format jsonl --as admin", local)).stdout)
    expect(lines.stderr).toMatch(/^Exported \d+ records in [\d.]+ m?s/)

    const empty = await serve(["--database", freshDatabase("dt-remote-bulk-empty-")], {
      DT_ADMIN_PASSWORD: ADMIN_PASSWORD
    })
    try {
      const other = sandbox({ DT_SERVER: empty.url })
      await other.dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
      // The file's admin and admin group replace the defaults the new server was made with; the admin's password
      // hash too, which ends the admin's sessions (all at once, in one transaction): sign in again after it.
      const imported = await other.dt(["import", file, "--on-conflict", "update", "--atomic"])
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toMatch(/^Imported \d+ records in [\d.]+ m?s/)
      await other.dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
      // The same directory, but for when the new server's admin and admin group were made (an update keeps that).
      const made = (text: string) => text.replace(/("(?:user)?name":"admins?",.*)"createdAt":"[^"]+"/g, "$1")
      const again = await other.dt("export --include-password-hashes")
      expect(made(again.stdout)).toBe(made(readFileSync(file, "utf8")))
      expect(again.stdout).toContain('"kim","firstName":"Kim"')
      expect((await other.dt("group add next")).code).toBe(0)
      expect(JSON.parse((await other.dt("group get next -j")).stdout).gid).not.toBe(3000)
    } finally {
      await empty.stop()
    }
  })

  it("applies a declared directory over the server: the same plan as on the database itself, all or nothing, once", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    // What a prune would remove: a user and a group the file does not name.
    await dt("group add old")
    await dt("user add gone -g old")
    const local = { env: { DT_SERVER: "", DT_DATABASE_URL: database } }
    const file = join(home, "directory.yaml")
    writeFileSync(
      file,
      "format: user-manager/directory\nversion: 1\ngroups:\n  - name: web\n    gid: 4100\nusers:\n" +
        "  - username: lee\n    firstName: Lee\n    groups: [web]\n  - username: admin\n    firstName: Ada\n    groups: [admins]\n"
    )
    const plan = await dt(["apply", "-f", file, "--dry-run"])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toBe((await dt(["apply", "-f", file, "--dry-run", "--as", "admin"], local)).stdout)
    expect(plan.stdout).toContain("+ group web\n    gid: 4100\n")
    expect(plan.stdout).toContain('~ user admin\n    firstName: "Administrator" -> "Ada"\n')
    expect(plan.stdout).toMatch(/Plan: 2 to add, 1 to change, 0 to remove\.\n$/)
    const pruned = await dt(["apply", "-f", file, "--dry-run", "--prune", "-j"])
    expect(pruned.stdout).toBe(
      (await dt(["apply", "-f", file, "--dry-run", "--prune", "-j", "--as", "admin"], local)).stdout
    )
    expect(JSON.parse(pruned.stdout).changes).toContainEqual(
      expect.objectContaining({ action: "delete", kind: "user", name: "gone" })
    )

    const unasked = await dt(["apply", "-f", file])
    expect(unasked.code).toBe(2)
    expect(unasked.stderr).toMatch(/^dt: [^\n]*dt apply asks before changing the directory; [^\n]+--yes[^\n]+\n$/)
    const applied = await dt(["apply", "-f", file, "--yes"])
    expect(applied.stdout).toMatch(/Apply complete: 2 added, 1 changed, 0 removed\.\n$/)
    expect((await dt(["apply", "-f", file, "--yes"])).stdout).toBe("No changes.\n")

    writeFileSync(
      file,
      "format: user-manager/directory\nversion: 1\nusers:\n  - username: max\n    groups: [nowhere]\n"
    )
    const refused = await dt(["apply", "-f", file, "--yes"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^dt: line 4: [^\n]+\ndt: nothing was applied: the file has refused records\.\n$/)
    expect((await dt("user get max")).code).toBe(1)
  })

  it("imports a host's passwd and group files over the server as a local import would, each refusal named by its place in the files", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    const local = { env: { DT_SERVER: "", DT_DATABASE_URL: database } }
    const files = ["--passwd", join(home, "passwd"), "--group", join(home, "group")]
    writeFileSync(
      join(home, "passwd"),
      "pat:x:1000:6000:Pat Doe,,,:/home/pat:/bin/sh\nbroken:x:1001\n9bad:x:1002:6000::/home/x:/bin/sh\nsam:x:1003:6001:Sam:/home/sam:/bin/sh\n"
    )
    writeFileSync(join(home, "group"), "pat:x:6000:\nsam:x:6001:\nhostdevs:x:6500:pat,sam\n")
    const withoutId = (text: string) => text.replace(/"importId":"[^"]+"/, "")
    const plan = await dt(["import", "--format", "passwd", ...files, "--dry-run", "-j"])
    expect(plan.code).toBe(1)
    expect(withoutId(plan.stdout)).toBe(
      withoutId(
        (await dt(["import", "--format", "passwd", ...files, "--dry-run", "-j", "--as", "admin"], local)).stdout
      )
    )
    const atomic = await dt(["import", "--format", "passwd", ...files, "--atomic", "-j"])
    expect(JSON.parse(atomic.stdout)).toMatchObject({ dryRun: false, batches: 0, users: { created: 0, refused: 2 } })
    expect((await dt("user get pat")).code).toBe(1)

    const errors = join(home, "refused.jsonl")
    const run = await dt(["import", "--format", "passwd", ...files, "--errors", errors])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^dt: passwd line 2: [^\n]+\ndt: passwd line 3: [^\n]+\n$/)
    expect(run.stdout).toMatch(
      /^Imported 7 records in [\d.]+ m?s .*groups: 3 created,.*users: 2 created,.* 2 refused\.\n$/
    )
    expect(readFileSync(errors, "utf8")).toMatch(/^\{"kind":"user","username":"9bad",[^\n]+\n$/)
    expect((await dt("group get hostdevs")).stdout).toBe("hostdevs\t6500\tpat,sam\t2\n")
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
