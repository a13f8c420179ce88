import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"

const BIN = fileURLToPath(new URL("../bin/dt.js", import.meta.url))
const ADMIN_PASSWORD = "the remote admin secret"

/** `dt serve` on a free port over a fresh SQLite file, with `admin` as the first administrator. */
const startServer = () =>
  new Promise<{ child: ChildProcessWithoutNullStreams; url: string }>((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), "dt-remote-"))
    const child = spawn(
      process.execPath,
      [BIN, "serve", "--port", "0", "--database", `sqlite:${join(home, "dt.db")}`],
      {
        env: { PATH: process.env.PATH ?? "", HOME: home, DT_ADMIN_PASSWORD: ADMIN_PASSWORD }
      }
    )
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const url = /Serving the User Manager at (http:\/\/\S+)\//.exec(stdout)?.[1]
      if (url !== undefined) resolve({ child, url })
    })
    child.once("exit", (code) => reject(new Error(`dt serve exited with ${code}`)))
  })

describe("dt in remote mode, against dt serve", () => {
  let server: { child: ChildProcessWithoutNullStreams; url: string }
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => {
    server?.child.kill("SIGTERM")
  })

  it("signs in, runs the product description's examples with the same output as local mode, and signs out", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    expect((await dt("user ls")).code).toBe(1)
    const signedIn = await dt("login admin --password-stdin", { input: `${ADMIN_PASSWORD}\n` })
    expect(signedIn.code).toBe(0)
    expect(signedIn.stderr).toContain(`Signed in to ${server.url} as 'admin' (administrator)`)
    expect(statSync(join(home, ".config", "dt", "session.json")).mode & 0o777).toBe(0o600)

    expect((await dt("group add developers")).code).toBe(0)
    expect((await dt("user ls")).stdout).toBe("admin\tAdministrator\tadmins\t\ttrue\n")
    expect((await dt("user add -f John -l Doe -g developers -e john@example.com john")).code).toBe(0)
    expect((await dt("user modify john -g developers,admins")).code).toBe(0)
    expect((await dt("user disable john")).code).toBe(0)
    expect((await dt("user get john")).stdout).toBe("john\tJohn Doe\tadmins,developers\tjohn@example.com\tfalse\n")
    expect((await dt("group ls")).stdout).toBe("admins\t1000\tadmin,john\ndevelopers\t1001\tjohn\n")
    expect((await dt("group add analysts")).code).toBe(0)
    expect((await dt("user add alice -g developers")).code).toBe(0)
    expect((await dt("user add bob -g developers")).code).toBe(0)
    expect((await dt("group add-users analysts alice,bob")).stdout).toBe("analysts\t1002\talice,bob\n")
    expect((await dt("group rm-users analysts bob")).stdout).toBe("analysts\t1002\talice\n")
    expect((await dt("group rename analysts researchers")).stdout).toBe("researchers\t1002\talice\n")
    expect(JSON.parse((await dt("user get alice -j")).stdout)).toMatchObject({
      username: "alice",
      groups: ["developers", "researchers"]
    })
    expect((await dt("user rm bob --dry-run")).code).toBe(0)
    expect((await dt("user get bob")).code).toBe(0)
    expect(
      (await dt("audit ls --target john")).stdout
        .trim()
        .split("\n")
        .map((line) => line.split("\t")[2])
    ).toEqual(["user.disable", "user.create"])

    const logout = await dt("logout")
    expect(logout.code).toBe(0)
    expect(logout.stderr).toContain(`Signed out of ${server.url}`)
    expect((await dt("user ls")).code).toBe(1)
  })

  it("gives the same exit codes: 1 refused or not found, 2 invalid input, 3 server unreachable", async () => {
    const { dt } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    const missing = await dt("user get nobody")
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe("dt: There is no user named 'nobody'.\n")
    expect((await dt("group rm admins")).code).toBe(1)
    const invalid = await dt("user add Bad -g admins")
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain("lowercase only")
    expect((await dt("user ls", { env: { DT_SERVER: "http://127.0.0.1:9" } })).code).toBe(3)
    // The server knows the actor by the session: --as cannot act as someone else (local mode's --as refuses this too).
    const other = await dt("--as nobody group ls")
    expect([other.code, other.stdout]).toEqual([2, ""])
    expect(other.stderr).toBe(
      "dt: Invalid as: on a server you act as the signed-in user 'admin': sign in as 'nobody' with dt login.\n"
    )
    expect((await dt("group ls --as admin")).code).toBe(0)
    const wrong = await sandbox({ DT_SERVER: server.url }).dt("login admin --password-stdin", { input: "not it" })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).not.toContain(ADMIN_PASSWORD)
  })
})
