import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const ADMIN_PASSWORD = "the remote admin secret"
const JOHN_PASSWORD = "john's long secret"
const LOCK_LINE = /^john\t127\.0\.0\.1\tuser-address\t5\t\d{4}-\d\d-\d\dT[\d:.]+Z\n$/

describe("dt user locks and dt user unlock against dt serve", () => {
  let server: Serving | undefined
  let url = ""
  beforeAll(async () => {
    server = await serve(["--database", freshDatabase("dt-locks-")], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
    url = server.url
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("lists john's lock after 5 failed sign-ins (plain and -j), refuses it to john, clears it (audited), and john signs in", async () => {
    const admin = sandbox({ DT_SERVER: url })
    expect((await admin.dt("login admin --password-stdin", { input: ADMIN_PASSWORD })).code).toBe(0)
    expect((await admin.dt("group add developers")).code).toBe(0)
    const add = await admin.dt("user add -g developers --password-stdin john", { input: JOHN_PASSWORD })
    expect(add.code).toBe(0)

    const john = sandbox({ DT_SERVER: url })
    for (let i = 0; i < 5; i++) {
      expect((await john.dt("login john --password-stdin", { input: `guess ${i}` })).code).toBe(1)
    }
    const refused = await john.dt("login john --password-stdin", { input: JOHN_PASSWORD })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^dt: Too many failed sign-ins: try again in \d+ seconds\.\n$/)

    const locks = await admin.dt("user locks")
    expect(locks.code).toBe(0)
    expect(locks.stdout).toMatch(LOCK_LINE)
    const json = JSON.parse((await admin.dt("user locks -j")).stdout)
    expect(json).toEqual([
      { kind: "user-address", username: "john", address: "127.0.0.1", failures: 5, until: expect.any(String) }
    ])
    expect((await admin.dt("user locks -p")).stdout).toMatch(/^User Name\s+Address\s+Kind\s+Failures\s+Until\n/)

    const carol = sandbox({ DT_SERVER: url })
    await admin.dt("user add -g developers --password-stdin carol", { input: "carol's long secret" })
    expect((await carol.dt("login carol --password-stdin", { input: "carol's long secret" })).code).toBe(0)
    const forbidden = await carol.dt("user unlock john")
    expect(forbidden.code).toBe(1)
    expect(forbidden.stderr).toMatch(/^dt: 'carol' may not clear the sign-in locks of 'john': /)
    expect((await carol.dt("user locks")).code).toBe(1)

    const unlock = await admin.dt("user unlock john")
    expect(unlock.code).toBe(0)
    // The server answers the count, which dt says as it does on a local store (and the audit records).
    expect(unlock.stderr).toBe("Cleared 2 sign-in counters of 'john'.\n")
    expect((await admin.dt("user unlock john")).stderr).toBe(
      "No sign-in lock for 'john': there was nothing to clear.\n"
    )
    expect((await admin.dt("user locks")).stdout).toBe("")
    expect((await john.dt("login john --password-stdin", { input: JOHN_PASSWORD })).code).toBe(0)
    expect((await admin.dt("audit ls --action user.unlock")).stdout).toMatch(
      /\tadmin\tuser\.unlock\tjohn\t\{"counters":2\}\n/
    )
  })
})

describe("dt user locks and dt user unlock on a local store", () => {
  it("lists the locks a server left in the store, clears one for an administrator only (exit 1 for others), audited", async () => {
    const { dt, home } = sandbox()
    expect((await dt("init")).code).toBe(0)
    expect((await dt("group add developers")).code).toBe(0)
    expect((await dt("user add -g developers --password-stdin john", { input: JOHN_PASSWORD })).code).toBe(0)
    // What five failed sign-ins of john from 127.0.0.1 through a server on this database leave.
    const db = new Database(join(home, ".local", "share", "dt", "dt.db"))
    const now = Date.now()
    const insert = db.prepare(
      "insert into sign_in_attempts (username, address, failures, window_start, last_failure_at) values (?, ?, ?, ?, ?)"
    )
    insert.run("john", "127.0.0.1", 5, now, now)
    insert.run("", "127.0.0.1", 5, now, now)
    insert.run("john", "", 5, now, now)
    db.close()

    expect((await dt("user locks")).stdout).toMatch(LOCK_LINE)
    const forbidden = await dt("user unlock john --as john")
    expect(forbidden.code).toBe(1)
    expect(forbidden.stderr).toMatch(/^dt: 'john' may not clear the sign-in locks of 'john': /)
    expect((await dt("user unlock nosuch!")).code).toBe(2)
    const unlock = await dt("user unlock john")
    expect(unlock.code).toBe(0)
    expect(unlock.stderr).toBe("Cleared 2 sign-in counters of 'john'.\n")
    expect((await dt("user locks")).stdout).toBe("")
    const nothing = await dt("user unlock john")
    expect(nothing.code).toBe(0)
    expect(nothing.stderr).toBe("No sign-in lock for 'john': there was nothing to clear.\n")
    expect((await dt("user unlock nosuch")).stderr).toBe("No sign-in lock for 'nosuch': there was nothing to clear.\n")
    expect((await dt("audit ls --action user.unlock --target john")).stdout).toMatch(
      /\tuser\.unlock\tjohn\t\{"counters":0\}\n.*\tuser\.unlock\tjohn\t\{"counters":2\}\n$/s
    )
  })
})
