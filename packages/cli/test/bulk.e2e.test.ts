/**
 * End-to-end: `dt user export`, `dt group export` and `dt export` on the real `dt` bundle, in a temporary HOME with
 * `dt init` done (local mode; over a server: remoteBulk.e2e.test.ts).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Modes from "./support/modes.js"

/** Checks a refusal: its exit code, and one line on stderr that matches and shows no stack trace or raw error. */
const refused = (run: { code: number; stdout: string; stderr: string }, code: number, message: RegExp) => {
  expect(run.code).toBe(code)
  expect(run.stderr).toMatch(message)
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|FiberFailure|_tag/)
}

describe("dt export", () => {
  it("exports the whole directory (groups with GIDs, the GID ledger with deleted GIDs, users with every field) and each kind as CSV", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    await dt("group add ops --gid 2000")
    await dt("group add gone")
    await dt("group rm gone")
    await dt(["user", "add", "-f", "John", "-l", "Doe, Jr", "-g", "ops,admins", "-e", "john@example.com", "john"])
    await dt("user add --system -g ops daemon")
    const file = join(home, "directory.json")
    const exported = await dt(["export", "-o", file])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^Exported 5 records in [\d.]+ m?s/)
    const document = JSON.parse(readFileSync(file, "utf8"))
    expect(document).toMatchObject({
      format: "user-manager/directory",
      version: 1,
      groups: [
        { name: "admins", gid: 1000 },
        { name: "ops", gid: 2000 }
      ],
      gids: { used: [1000, 1001, 2000] }
    })
    expect(document.users.map((user: { username: string }) => user.username)).toContain("daemon")
    expect(document.users.find((user: { username: string }) => user.username === "daemon")).toMatchObject({
      system: true,
      groups: ["ops"]
    })

    const users = await dt("user export --format csv")
    expect(users.stdout).toMatch(/^username,firstName,lastName,email,enabled,system,groups,createdAt\r\n/)
    expect(users.stdout).toMatch(/\r\njohn,John,"Doe, Jr",john@example.com,true,false,"admins,ops",\d{4}-/)
    // The summary goes to stderr when the data is on stdout; no progress bar without a terminal.
    expect(users.stderr).toMatch(/^Exported 3 users in [\d.]+ m?s \([\d,]+ a second\)\.\n$/)
    expect((await dt("group export")).stdout).toMatch(/^\{"name":"admins","gid":1000,"members":\["john",/)
  })

  it("refuses in one sentence a file name that names no format", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    refused(await dt(["user", "export", "-o", join(home, "users.txt")]), 2, /^dt: .*users\.txt.*--format csv or jsonl/)
  })
})
