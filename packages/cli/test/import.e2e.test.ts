/**
 * End-to-end: `dt user import`, `dt group import` and `dt import` on the real `dt` bundle, in a temporary HOME with
 * `dt init` done (local mode; over a server: remoteBulk.e2e.test.ts), and export then import between two stores.
 */
import { spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { userInfo } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { BIN, sandbox } from "./support/dt.js"
import * as Modes from "./support/modes.js"

const HEADER = "username,firstName,lastName,email,groups,createdAt"

/** Checks a refusal: its exit code, and one line on stderr that matches and shows no stack trace or raw error. */
const refused = (run: { code: number; stdout: string; stderr: string }, code: number, message: RegExp) => {
  expect(run.code).toBe(code)
  expect(run.stderr).toMatch(message)
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|FiberFailure|_tag/)
}

const defaultDatabase = (home: string) => join(home, ".local", "share", "dt", "dt.db")

describe("dt user import and dt group import", () => {
  it("imports a CSV of users, names a malformed row's line and imports the rest, and --errors re-imports once fixed", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    expect((await dt("group add staff")).code).toBe(0)
    const file = join(home, "users.csv")
    writeFileSync(
      file,
      [
        HEADER,
        "alice,Alice,Liddell,alice@example.com,staff,2020-01-02T03:04:05.000Z",
        'bob,Bob,"Smith, Jr.",bob@example.com,"staff,admins",',
        "Carol,Carol,Jones,carol@example.com,staff,",
        "dave,Dave,Moore,dave@example.com,staff,"
      ].join("\n")
    )
    const errors = join(home, "refused.csv")

    const dry = await dt(["user", "import", file, "--dry-run"])
    expect(dry.code).toBe(1)
    expect(dry.stdout).toMatch(
      /^Checked 4 records in [\d.]+ m?s \([\d,]+ a second\): 3 to create, 0 to update, 0 unchanged, 0 skipped, 1 refused\.\n$/
    )
    expect(dry.stderr).toMatch(/^dt: dry run: nothing was written; the plan:\ndt: line 4: .*'Carol'/)
    expect((await dt("user ls")).stdout.split("\n").filter((line) => line !== "")).toHaveLength(1)

    const first = await dt(["user", "import", file, "--errors", errors])
    expect(first.code).toBe(1)
    expect(first.stdout).toMatch(
      /^Imported 4 records in [\d.]+ m?s \([\d,]+ a second\): 3 created, 0 updated, 0 unchanged, 0 skipped, 1 refused\.\n$/
    )
    refused(first, 1, /^dt: line 4: .*'Carol'/m)
    // Nothing about progress: standard error is not a terminal.
    expect(first.stderr.split("\n").filter((line) => line !== "")).toHaveLength(1)
    const ls = await dt("user ls")
    expect(ls.stdout).toContain("alice\tAlice Liddell\tstaff\talice@example.com\ttrue\n")
    expect(ls.stdout).toContain("bob\tBob Smith, Jr.\tadmins,staff\tbob@example.com\ttrue\n")
    expect(ls.stdout).toContain("dave\t")
    expect(JSON.parse((await dt("user get alice -j")).stdout).createdAt).toBe("2020-01-02T03:04:05.000Z")

    expect(readFileSync(errors, "utf8")).toBe(`${HEADER}\nCarol,Carol,Jones,carol@example.com,staff,\n`)
    writeFileSync(errors, readFileSync(errors, "utf8").replace("Carol,", "carol,"))
    const fixed = await dt(["user", "import", errors, "-j"])
    expect(fixed.code).toBe(0)
    expect(JSON.parse(fixed.stdout)).toMatchObject({ users: { created: 1, refused: 0 }, refused: [] })

    const again = await dt(["user", "import", file, "--on-conflict", "skip", "-j"])
    expect(JSON.parse(again.stdout)).toMatchObject({ users: { created: 0, updated: 0, unchanged: 3 } })
    expect((await dt("user ls")).stdout).toBe(
      ls.stdout.replace("dave\t", "carol\tCarol Jones\tstaff\tcarol@example.com\ttrue\ndave\t")
    )
  })

  it("refuses in one sentence: standard input without --format, and a file it cannot read or whose name names no format", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    writeFileSync(join(home, "u.csv"), "username,groups\nalice,admins\n")
    refused(await dt("user import -"), 2, /^dt: .*standard input: give --format csv or jsonl\.$/m)
    refused(await dt(["group", "import", join(home, "none.csv")]), 2, /^dt: .*cannot read .*none\.csv/)
    refused(await dt(["user", "import", join(home, "users.txt")]), 2, /^dt: .*users\.txt.*--format csv or jsonl/)
  })
})

describe("dt export and dt import", () => {
  it("export then import into a new store gives the same directory: users, fields, GIDs, memberships, system flags, creation times", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    await dt("group add ops --gid 2000")
    await dt("group add gone")
    await dt("group rm gone")
    await dt("user add -f John -l Doe -g ops,admins -e john@example.com john")
    await dt("user add --system -g ops daemon")
    await dt("user disable john")
    const file = join(home, "directory.json")
    const exported = await dt(["export", "-o", file])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^Exported 5 records in [\d.]+ m?s/)

    const target = await Modes.initialisedSandbox()
    const imported = await target.dt(["import", file, "--on-conflict", "update", "-j"])
    expect(imported.stderr).toBe("")
    expect(imported.code).toBe(0)
    // The same records, but for the store's own bookkeeping of changes (updatedAt, version).
    const records = async (run: typeof dt, command: string) =>
      JSON.parse((await run(command)).stdout).map(
        ({ updatedAt: _, version: __, ...record }: object & Record<string, unknown>) => record
      )
    for (const command of ["user ls -j", "group ls -j"]) {
      expect(await records(target.dt, command)).toEqual(await records(dt, command))
    }
    // The same document again, but for the allocator's high-water mark, which an imported GID within the range moves
    // past itself (never back).
    const mark = (text: string) => text.replace(/"highWaterMark":\d+/, '"highWaterMark":0')
    expect(mark((await target.dt(["export"])).stdout)).toBe(mark(readFileSync(file, "utf8")))
    // No GID of the ledger is handed out again: not the deleted group's, 1001.
    const next = (await target.dt("group add next")).stdout.split("\t")[1]
    expect([1000, 1001, 2000]).not.toContain(Number(next))
  })

  it("imports a Linux host's accounts from --min-uid up, and those below it as system users when asked", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    const passwd = join(home, "passwd")
    const group = join(home, "group")
    writeFileSync(
      passwd,
      [
        "root:x:0:0:root:/root:/bin/bash",
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
        "alice:x:1000:2000:Alice Liddell,,,:/home/alice:/bin/bash",
        "bob:x:1001:2001:Bob Smith:/home/bob:/bin/bash",
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"
      ].join("\n")
    )
    writeFileSync(
      group,
      ["root:x:0:", "daemon:x:1:", "alice:x:2000:", "bob:x:2001:", "devs:x:2500:alice,bob", "nogroup:x:65534:"].join(
        "\n"
      )
    )
    const run = await dt(["import", "--format", "passwd", "--passwd", passwd, "--group", group, "-j"])
    expect(run.code).toBe(0)
    const users = await dt("user ls")
    expect(users.stdout).toContain("alice\tAlice Liddell\talice,devs\t\ttrue\n")
    expect(users.stdout).toContain("bob\tBob Smith\tbob,devs\t\ttrue\n")
    expect(users.stdout).not.toMatch(/^(daemon|nobody)\t/m)
    expect(users.stdout).toContain(`${userInfo().username}\t${userInfo().username} Administrator\tadmins\t`)
    expect((await dt("group get devs")).stdout).toBe("devs\t2500\talice,bob\t2\n")

    const system = await dt([
      "import",
      "--format",
      "passwd",
      "--passwd",
      passwd,
      "--group",
      group,
      "--min-uid",
      "1000",
      "--below-min-uid",
      "system",
      "--on-conflict",
      "skip",
      "-j"
    ])
    expect(system.code).toBe(0)
    expect(JSON.parse((await dt("user get daemon -j")).stdout)).toMatchObject({ system: true })
  })
})

describe("interrupted imports", () => {
  it("Ctrl-C stops after the batch in flight and says what was committed; after a SIGKILL only whole batches are left; --on-conflict skip completes the import", async () => {
    const { dt, home } = await Modes.initialisedSandbox()
    const file = join(home, "many.csv")
    const total = 20_000
    const batch = 250
    writeFileSync(
      file,
      `username,groups\n${Array.from({ length: total }, (_, index) => `user${index},admins`).join("\n")}\n`
    )
    const count = () => {
      const db = new Database(defaultDatabase(home), { readonly: true, fileMustExist: true })
      try {
        return (db.prepare("select count(*) as n from users").get() as { n: number }).n - 1
      } finally {
        db.close()
      }
    }
    /** Starts the import, and sends `signal` once its first batches are in. */
    const interrupted = async (signal: NodeJS.Signals, after: number) => {
      const child = spawn(
        process.execPath,
        [BIN, "user", "import", file, "--batch-size", String(batch), "--on-conflict", "skip"],
        {
          env: { PATH: process.env.PATH ?? "", HOME: home }
        }
      )
      let stdout = ""
      let stderr = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      const exited = new Promise<number | null>((done) => child.once("close", done))
      while (count() <= after) await new Promise((done) => setTimeout(done, 5))
      child.kill(signal)
      return { code: await exited, stdout, stderr }
    }

    const stopped = await interrupted("SIGINT", 0)
    const committed = count()
    expect(stopped.code).toBe(130)
    expect(stopped.stderr).toContain("Stopping after the batch in flight")
    expect(committed % batch).toBe(0)
    expect(committed).toBeLessThan(total)
    expect(stopped.stdout).toMatch(/^Stopped by Ctrl-C: imported [\d,]+ records .*: [\d,]+ created/)

    const killed = await interrupted("SIGKILL", committed)
    expect(killed.code).toBe(null)
    const left = count()
    expect(left).toBeLessThan(total)
    expect(left % batch).toBe(0)

    const rest = await dt(["user", "import", file, "--on-conflict", "skip", "-j"])
    expect(rest.code).toBe(0)
    expect(JSON.parse(rest.stdout)).toMatchObject({ users: { created: total - left, unchanged: left, refused: 0 } })
    expect(count()).toBe(total)
  }, 90_000)
})

// A sandbox of its own whose store `dt init` has not made: import needs one.
describe("an uninitialised store", () => {
  it("refuses an import until dt init has made the store", async () => {
    const { dt, home } = sandbox()
    writeFileSync(join(home, "u.csv"), "username,groups\nalice,admins\n")
    refused(await dt(["user", "import", join(home, "u.csv")]), 3, /run 'dt init' first/)
  })
})
